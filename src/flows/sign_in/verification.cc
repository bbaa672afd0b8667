#include "flows/sign_in/verification.h"

#include <algorithm>

#include "core/metrics.h"
#include "crypto/hash.h"
#include "crypto/password.h"
#include "flows/audit.h"
#include "methods/questions/answers.h"
#include "policy/policy.h"

namespace secinfo::flows {
namespace {

using store::VerificationState;

methods::Purpose ServedPurpose(ProofPurpose p) {
  return p == ProofPurpose::kPasswordReset ? methods::Purpose::kSspr : methods::Purpose::kMfa;
}

// The code as typed without the spaces and dashes people add, or "" unless six digits.
std::string SixDigits(std::string_view typed) {
  std::string code;
  for (char ch : typed) {
    if (ch == ' ' || ch == '-') continue;
    if (ch < '0' || ch > '9') return "";
    code += ch;
  }
  return code.size() == 6 ? code : "";
}

VerifyStartError FromBeginError(BeginError e) {
  switch (e) {
    case BeginError::kNone:
      return VerifyStartError::kNone;
    case BeginError::kTooManyCalls:
      return VerifyStartError::kTooMany;
    case BeginError::kCallFailed:
      return VerifyStartError::kSendFailed;
    case BeginError::kMethodNotFound:
      return VerifyStartError::kMethodNotFound;
    case BeginError::kCountryNotAllowed:
    case BeginError::kNumberTypeRefused:
      return VerifyStartError::kDestinationRefused;
    default:
      return VerifyStartError::kInternal;
  }
}

std::vector<std::string> SplitQuestionIds(const std::string& joined) {
  std::vector<std::string> ids;
  size_t start = 0;
  while (start < joined.size()) {
    size_t end = joined.find('\n', start);
    if (end == std::string::npos) end = joined.size();
    ids.push_back(joined.substr(start, end - start));
    start = end + 1;
  }
  return ids;
}

}  // namespace

Verifier::Verifier(store::Store& store, PhoneRegistration& phones, CodeRegistration& codes,
                   AppRegistration& apps, PushApproval& push, const Clock& clock, Random& random,
                   VerificationOptions options)
    : store_(store),
      phones_(phones),
      codes_(codes),
      apps_(apps),
      push_(push),
      clock_(clock),
      random_(random),
      options_(options) {}

Result<std::vector<MethodChoice>> Verifier::Choices(const store::User& user,
                                                    methods::Purpose purpose) {
  auto policy = policy::LoadPolicy(store_.tenants(), user.tenant_id);
  if (!policy.ok()) return policy.status();
  auto registered = store_.methods().ListForUser(user.id);
  if (!registered.ok()) return registered.status();
  std::vector<MethodChoice> choices;
  for (const store::Method& m : *registered) {
    if (!policy->AllowsFor(m.kind, purpose)) continue;
    std::vector<methods::Proof> proofs = methods::ProofsFor(m, purpose);
    if (proofs.empty()) continue;
    if (user.default_method_id == m.id) PutChosenProofFirst(user.default_proof, proofs);
    choices.push_back({m, std::move(proofs)});
  }
  // The default method first; the rest in registration order.
  std::stable_partition(choices.begin(), choices.end(), [&](const MethodChoice& c) {
    return user.default_method_id == c.method.id;
  });
  return choices;
}

Standing Verifier::StandingOf(const store::User& user) {
  Standing s;
  const int64_t now = clock_.NowMillis();
  s.blocked = store_.sign_in().FindBlock(user.id, now).ok();
  auto failures = store_.sign_in().GetFailures(user.id);
  if (failures.ok()) {
    if (failures->failures >= options_.max_failures) {
      s.locked = true;
    } else if (failures->locked_until > now) {
      s.locked = true;
      s.locked_until = failures->locked_until;
    }
  }
  return s;
}

VerifyStartError Verifier::Choose(const VerifyRequest& r, MethodChoice* chosen) {
  const Standing standing = StandingOf(r.user);
  if (standing.blocked) return VerifyStartError::kBlocked;
  if (standing.locked) return VerifyStartError::kLocked;
  auto choices = Choices(r.user, ServedPurpose(r.purpose));
  if (!choices.ok()) return VerifyStartError::kInternal;
  auto choice = std::find_if(choices->begin(), choices->end(),
                             [&](const MethodChoice& c) { return c.method.id == r.method_id; });
  if (choice == choices->end()) return VerifyStartError::kMethodNotFound;
  if (std::find(choice->proofs.begin(), choice->proofs.end(), r.proof) == choice->proofs.end()) {
    return VerifyStartError::kProofNotOffered;
  }
  *chosen = std::move(*choice);
  return VerifyStartError::kNone;
}

store::Verification Verifier::NewVerification(const VerifyRequest& r) {
  store::Verification v;
  v.id = random_.Token();
  v.tenant_id = r.user.tenant_id;
  v.user_id = r.user.id;
  v.binding = r.binding;
  v.purpose = std::string(ProofPurposeName(r.purpose));
  v.method_id = r.method_id;
  v.proof = std::string(methods::ProofName(r.proof));
  v.state = VerificationState::kPending;
  v.client_ip = r.client_ip;
  v.created_at = clock_.NowMillis();
  v.expires_at = v.created_at + options_.validity_millis;
  return v;
}

VerifyStart Verifier::Start(const VerifyRequest& r) {
  MethodChoice chosen;
  if (VerifyStartError e = Choose(r, &chosen); e != VerifyStartError::kNone) return {e};
  store::Verification v = NewVerification(r);

  switch (r.proof) {
    case methods::Proof::kCall: {
      auto rules = store_.sign_in().GetPolicy(r.user.tenant_id);
      if (!rules.ok()) return {VerifyStartError::kInternal};
      ProofCallRequest call{r.user,   chosen.method, r.purpose,
                            r.locale, r.client_ip,   rules->fraud_alert && rules->fraud_block};
      BeginResult begun = phones_.BeginProof(call);
      if (begun.error != BeginError::kNone) return {FromBeginError(begun.error)};
      v.challenge_id = begun.attempt_id;
      break;
    }
    case methods::Proof::kSmsCode:
    case methods::Proof::kEmailCode: {
      CodeBeginResult begun =
          codes_.BeginProof(r.user, chosen.method, r.purpose, r.locale, r.client_ip);
      if (begun.error != BeginError::kNone) return {FromBeginError(begun.error)};
      v.challenge_id = begun.challenge_id;
      break;
    }
    case methods::Proof::kPush: {
      auto sent = push_.SendProof(r.user, r.method_id, r.purpose, r.client_ip);
      if (!sent.ok()) return {VerifyStartError::kProofNotOffered};
      v.challenge_id = sent->id;
      break;
    }
    case methods::Proof::kAppCode:
      break;  // the app already shows the code
    case methods::Proof::kAnswers: {
      // The tenant's "number to reset", drawn at random among the registered answers; the draw is
      // kept with this proof, and a new proof draws again.
      auto settings = store_.questions().GetSettings(r.user.tenant_id);
      auto answers = store_.questions().GetAnswers(r.user.id, r.method_id);
      if (!settings.ok() || !answers.ok() || answers->empty()) {
        return {VerifyStartError::kInternal};
      }
      const int count = static_cast<int>(
          std::min<int64_t>(settings->to_reset, static_cast<int64_t>(answers->size())));
      std::string asked;
      for (size_t i : methods::questions::PickQuestionsToAsk(answers->size(), count, random_)) {
        asked += (asked.empty() ? "" : "\n") + (*answers)[i].question_id;
      }
      v.challenge_id = asked;
      break;
    }
  }
  if (!store_.sign_in().CreateVerification(v).ok()) return {VerifyStartError::kInternal};
  Audit(v, r.user.username, "verify_start", "sent");
  return {VerifyStartError::kNone, v.id};
}

AppCodeProof Verifier::ProveAppCode(const VerifyRequest& r, std::string_view typed) {
  if (r.proof != methods::Proof::kAppCode) return {VerifyStartError::kProofNotOffered};
  MethodChoice chosen;
  if (VerifyStartError e = Choose(r, &chosen); e != VerifyStartError::kNone) return {e};
  store::Verification v = NewVerification(r);
  const std::string code = SixDigits(typed);
  VerifyCodeResult result{VerifyCodeOutcome::kMalformed};
  if (!code.empty()) {
    result = CheckCode(methods::Proof::kAppCode, v, r.user, code, &chosen.method);
  }
  if (result.outcome == VerifyCodeOutcome::kAccepted) {
    // Proven and used in the same transaction: nothing is left to wait for, show or use, so only
    // the audit line is kept (no verification row, and one audit line instead of three).
    Audit(v, r.user.username, "verify", "success");
    return {VerifyStartError::kNone, "", result};
  }
  // Not proven: the verification is kept pending, as Start keeps it, so that its page takes
  // another code.
  if (!store_.sign_in().CreateVerification(v).ok()) return {VerifyStartError::kInternal};
  Audit(v, r.user.username, "verify_start", "sent");
  AuditCheck(v, r.user.username, result.outcome);
  return {VerifyStartError::kNone, v.id, result};
}

Result<store::Verification> Verifier::Load(std::string_view id, std::string_view binding) {
  auto v = store_.sign_in().GetVerification(id);
  if (!v.ok()) return v.status();
  // Another session's proof is as good as absent.
  if (binding.empty() || !crypto::ConstantTimeEquals(v->binding, binding)) {
    return Status::NotFound("no such verification");
  }
  return v;
}

Result<store::Verification> Verifier::Settle(std::string_view id, VerificationState state) {
  auto settled = CompareAndSet<store::Verification>(
      [&] { return store_.sign_in().GetVerification(id); },
      [&](store::Verification& v) {
        if (v.state != VerificationState::kPending) return false;
        v.state = state;
        return true;
      },
      [&](const store::Verification& v) { return store_.sign_in().UpdateVerification(v); });
  if (settled.ok() && settled->state == state) {
    Audit(*settled, "", "verify", state == VerificationState::kSucceeded ? "success" : "failure");
  }
  return settled;
}

Result<VerificationView> Verifier::Get(std::string_view id, std::string_view binding) {
  auto v = Load(id, binding);
  if (!v.ok()) return v.status();
  VerificationView view;
  view.proof = methods::ParseProof(v->proof).value_or(methods::Proof::kCall);
  auto method = store_.methods().Get(v->user_id, v->method_id);
  if (method.ok()) view.method = *method;

  // What the proof says now decides a pending verification.
  std::optional<VerificationState> settle;
  if (v->state == VerificationState::kPending) {
    if (!method.ok() || clock_.NowMillis() >= v->expires_at) settle = VerificationState::kFailed;
  }
  switch (view.proof) {
    case methods::Proof::kCall:
      if (auto call = phones_.Get(v->challenge_id, v->user_id); call.ok()) {
        view.call = *call;
        if (call->state == store::CallState::kConfirmed) {
          settle = settle.value_or(VerificationState::kSucceeded);
        } else if (store::IsFinal(call->state)) {
          settle = VerificationState::kFailed;
        }
      }
      break;
    case methods::Proof::kSmsCode:
    case methods::Proof::kEmailCode:
      if (auto code = codes_.Get(v->challenge_id, v->user_id); code.ok()) {
        view.code = *code;
        view.delivery = codes_.DeliveryOf(*code);
      }
      break;
    case methods::Proof::kPush:
      if (auto push = push_.Get(v->challenge_id, v->user_id); push.ok()) {
        view.push = *push;
        if (push->state == store::PushState::kApproved) {
          settle = settle.value_or(VerificationState::kSucceeded);
        } else if (push->state != store::PushState::kPending) {
          settle = VerificationState::kFailed;
        }
      }
      break;
    default:
      break;
  }
  if (v->state == VerificationState::kPending && settle) {
    auto settled = Settle(id, *settle);
    if (!settled.ok()) return settled.status();
    *v = *settled;
  }
  view.v = *v;
  view.succeeded = v->state == VerificationState::kSucceeded;
  view.final = v->state != VerificationState::kPending;
  return view;
}

VerifyCodeOutcome Verifier::Reserve(const store::User& user) {
  const int64_t now = clock_.NowMillis();
  if (store_.sign_in().FindBlock(user.id, now).ok()) return VerifyCodeOutcome::kBlocked;
  auto reserved = store_.sign_in().ReserveCheck(user.id, now, options_.lock_every,
                                                options_.lock_millis, options_.max_failures);
  if (!reserved.ok()) return VerifyCodeOutcome::kUnavailable;
  return *reserved ? VerifyCodeOutcome::kAccepted : VerifyCodeOutcome::kLocked;
}

VerifyCodeResult Verifier::SubmitCode(std::string_view id, std::string_view binding,
                                      std::string_view typed) {
  auto v = Load(id, binding);
  if (!v.ok()) return {VerifyCodeOutcome::kNotPending};
  if (v->state != VerificationState::kPending) return {VerifyCodeOutcome::kNotPending};
  if (clock_.NowMillis() >= v->expires_at) {
    Settle(id, VerificationState::kFailed);
    return {VerifyCodeOutcome::kExpired};
  }
  const std::optional<methods::Proof> proof = methods::ParseProof(v->proof);
  if (proof != methods::Proof::kAppCode && proof != methods::Proof::kSmsCode &&
      proof != methods::Proof::kEmailCode) {
    return {VerifyCodeOutcome::kNotPending};
  }
  const std::string code = SixDigits(typed);
  if (code.empty()) return {VerifyCodeOutcome::kMalformed};
  auto user = store_.users().Get(v->user_id);
  if (!user.ok()) return {VerifyCodeOutcome::kUnavailable};

  const VerifyCodeResult result = CheckCode(*proof, *v, *user, code, nullptr);
  AuditCheck(*v, user->username, result.outcome);
  if (result.outcome == VerifyCodeOutcome::kAccepted) {
    auto settled = Settle(id, VerificationState::kSucceeded);
    if (!settled.ok() || settled->state != VerificationState::kSucceeded) {
      return {VerifyCodeOutcome::kNotPending};
    }
  }
  return result;
}

VerifyCodeResult Verifier::CheckCode(methods::Proof proof, const store::Verification& v,
                                     const store::User& user, std::string_view code,
                                     const store::Method* app) {
  // Counted as a failure before it is checked; a right code clears the count.
  if (VerifyCodeOutcome r = Reserve(user); r != VerifyCodeOutcome::kAccepted) return {r};
  VerifyCodeResult result;
  if (proof == methods::Proof::kAppCode) {
    Result<store::Method> loaded =
        app != nullptr ? Result<store::Method>(*app) : store_.methods().Get(user.id, v.method_id);
    const AppCodeOutcome checked =
        loaded.ok() ? apps_.CheckReserved(*loaded, user, code) : AppCodeOutcome::kNotPending;
    switch (checked) {
      case AppCodeOutcome::kAccepted:
        result = {VerifyCodeOutcome::kAccepted};
        break;
      case AppCodeOutcome::kReplayed:
        result = {VerifyCodeOutcome::kReplayed};
        break;
      case AppCodeOutcome::kMalformed:
        result = {VerifyCodeOutcome::kMalformed};
        break;
      case AppCodeOutcome::kRejected:
        result = {VerifyCodeOutcome::kRejected};
        break;
      default:
        result = {VerifyCodeOutcome::kUnavailable};
        break;
    }
  } else {
    CodeCheck check = codes_.Verify(v.challenge_id, v.user_id, code);
    switch (check.outcome) {
      case CodeOutcome::kAccepted:
        result = {VerifyCodeOutcome::kAccepted};
        break;
      case CodeOutcome::kRejected:
        result = {VerifyCodeOutcome::kRejected, check.tries_left};
        break;
      case CodeOutcome::kMalformed:
        result = {VerifyCodeOutcome::kMalformed};
        break;
      case CodeOutcome::kExpired:
        result = {VerifyCodeOutcome::kExpired};
        break;
      case CodeOutcome::kLockedOut:
        result = {VerifyCodeOutcome::kCodeLocked};
        break;
      case CodeOutcome::kNotPending:
      case CodeOutcome::kTaken:
        result = {VerifyCodeOutcome::kNotPending};
        break;
      case CodeOutcome::kUnavailable:
        result = {VerifyCodeOutcome::kUnavailable};
        break;
    }
  }
  if (result.outcome == VerifyCodeOutcome::kAccepted) store_.sign_in().ClearFailures(user.id);
  return result;
}

void Verifier::AuditCheck(const store::Verification& v, std::string_view user_name,
                          VerifyCodeOutcome outcome) {
  switch (outcome) {
    case VerifyCodeOutcome::kBlocked:
      Audit(v, user_name, "verify", "blocked");
      break;
    case VerifyCodeOutcome::kLocked:  // only the reservation answers so
      Audit(v, user_name, "verify", "locked");
      break;
    case VerifyCodeOutcome::kRejected:
      Audit(v, user_name, "verify", "failure", "wrong code");
      break;
    case VerifyCodeOutcome::kReplayed:
      Audit(v, user_name, "verify", "failure", "code already used");
      break;
    default:
      break;  // a success is audited as the verification settles; the rest changed nothing
  }
}

Result<std::vector<std::string>> Verifier::AskedQuestions(std::string_view id,
                                                          std::string_view binding) {
  auto v = Load(id, binding);
  if (!v.ok()) return v.status();
  if (v->state != VerificationState::kPending ||
      methods::ParseProof(v->proof) != methods::Proof::kAnswers) {
    return Status::NotFound("no questions asked");
  }
  return SplitQuestionIds(v->challenge_id);
}

VerifyCodeResult Verifier::SubmitAnswers(std::string_view id, std::string_view binding,
                                         const std::vector<std::string>& typed) {
  auto v = Load(id, binding);
  if (!v.ok() || v->state != VerificationState::kPending) return {VerifyCodeOutcome::kNotPending};
  if (methods::ParseProof(v->proof) != methods::Proof::kAnswers) {
    return {VerifyCodeOutcome::kNotPending};
  }
  if (clock_.NowMillis() >= v->expires_at) {
    Settle(id, VerificationState::kFailed);
    return {VerifyCodeOutcome::kExpired};
  }
  const std::vector<std::string> asked = SplitQuestionIds(v->challenge_id);
  if (typed.size() != asked.size()) return {VerifyCodeOutcome::kMalformed};
  auto user = store_.users().Get(v->user_id);
  auto registered = store_.questions().GetAnswers(v->user_id, v->method_id);
  if (!user.ok() || !registered.ok()) return {VerifyCodeOutcome::kUnavailable};
  // Counted as a failure before it is checked, like a code.
  if (VerifyCodeOutcome r = Reserve(*user); r != VerifyCodeOutcome::kAccepted) {
    Audit(*v, user->username, "verify", r == VerifyCodeOutcome::kBlocked ? "blocked" : "locked");
    return {r};
  }
  bool all_right = true;
  for (size_t i = 0; i < asked.size(); ++i) {
    std::string hash;
    for (const store::QuestionAnswer& a : *registered) {
      if (a.question_id == asked[i]) hash = a.answer_hash;
    }
    // Every answer costs one Argon2id check, right or wrong, so timing tells nothing.
    bool right = false;
    if (hash.empty()) {
      crypto::VerifyAgainstDummy(typed[i]);
    } else {
      right = methods::questions::VerifyAnswer(hash, typed[i]);
    }
    all_right = all_right && right;
  }
  if (!all_right) {
    Settle(id, VerificationState::kFailed);
    return {VerifyCodeOutcome::kRejected};
  }
  store_.sign_in().ClearFailures(user->id);
  auto settled = Settle(id, VerificationState::kSucceeded);
  if (!settled.ok() || settled->state != VerificationState::kSucceeded) {
    return {VerifyCodeOutcome::kNotPending};
  }
  return {VerifyCodeOutcome::kAccepted};
}

Result<store::Verification> Verifier::Consume(std::string_view id, std::string_view binding) {
  auto v = Load(id, binding);
  if (!v.ok()) return v.status();
  bool used_now = false;
  auto used = CompareAndSet<store::Verification>(
      [&] { return store_.sign_in().GetVerification(id); },
      [&](store::Verification& x) {
        if (x.state != VerificationState::kSucceeded) return false;
        x.state = VerificationState::kUsed;
        used_now = true;
        return true;
      },
      [&](const store::Verification& x) { return store_.sign_in().UpdateVerification(x); });
  if (!used.ok()) return used.status();
  if (!used_now) return Status::FailedPrecondition("verification not proven, or used already");
  return used;
}

void Verifier::Audit(const store::Verification& v, std::string_view user_name, std::string action,
                     std::string result, std::string detail) {
  if (action == "verify") {
    metrics::Verifications().Add({v.proof, v.purpose, result});
    if (result == "locked") metrics::Lockouts().Add({"verify_locked"});
    if (result == "blocked") metrics::Lockouts().Add({"verify_blocked"});
  }
  AuditFacts facts{v.tenant_id,
                   v.user_id,
                   v.client_ip,
                   std::move(action),
                   v.proof,
                   std::move(result),
                   v.purpose + " with method " + std::to_string(v.method_id) +
                       (detail.empty() ? "" : "; " + detail)};
  facts.user_name = std::string(user_name);
  RecordAudit(store_, clock_, facts);
}

}  // namespace secinfo::flows
