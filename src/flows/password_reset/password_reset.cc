#include "flows/password_reset/password_reset.h"

#include <algorithm>
#include <optional>

#include "crypto/hash.h"
#include "crypto/password.h"
#include "flows/audit.h"
#include "flows/limits.h"
#include "flows/questions/questions_registration.h"
#include "methods/authenticator/push.h"
#include "methods/phone/phone_data.h"
#include "phone/number.h"
#include "policy/policy.h"
#include "policy/reset_policy.h"

namespace secinfo::flows {
namespace {

using methods::Proof;
using methods::ResetOffer;

constexpr int64_t kDayMillis = 24 * 3600 * 1000;
constexpr int64_t kHourMillis = 3600 * 1000;
// The paths whose uses are counted and locked one by one (ResetOptions).
constexpr std::string_view kPaths[] = {"phone", "email", "questions", "app", "push"};

// The user name as the store keeps it: trimmed, ASCII lower-case.
std::string NormalizeName(std::string_view typed) {
  size_t b = typed.find_first_not_of(" \t");
  size_t e = typed.find_last_not_of(" \t");
  std::string name = b == std::string_view::npos ? "" : std::string(typed.substr(b, e - b + 1));
  for (char& ch : name) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  return name;
}

// Which counted path a way belongs to.
std::string_view PathOf(const ResetOffer& offer) {
  if (offer.input == methods::ResetInput::kPhoneNumber) return "phone";
  switch (offer.proof) {
    case Proof::kEmailCode:
      return "email";
    case Proof::kAnswers:
      return "questions";
    case Proof::kPush:
      return "push";
    default:
      return "app";
  }
}

std::string Key(std::string_view path, std::string_view username) {
  return "reset:" + std::string(path) + ":" + std::string(username);
}

std::vector<std::string> SplitLines(const std::string& joined) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < joined.size()) {
    size_t end = joined.find('\n', start);
    if (end == std::string::npos) end = joined.size();
    out.push_back(joined.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string JoinLines(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& i : items) out += (out.empty() ? "" : "\n") + i;
  return out;
}

}  // namespace

// A reset as read for one request: its record, its person (none for an unknown name) and the
// rules that shape its pages.
struct PasswordResets::Loaded {
  store::PasswordReset r;
  std::string binding;              // the token's SHA-256: what its proofs are bound to
  std::optional<store::User> user;  // a real reset's person
  store::ResetPolicy rules;
  policy::TenantPolicy methods{{}};
  std::string region = "FR";
  bool real() const { return r.decoy.empty() && user.has_value(); }
};

PasswordResets::PasswordResets(store::Store& store, Verifier& verifier, Passwords& passwords,
                               Notifier* notifier, const Clock& clock, Random& random,
                               ResetOptions options)
    : store_(store),
      verifier_(verifier),
      passwords_(passwords),
      notifier_(notifier),
      clock_(clock),
      random_(random),
      options_(std::move(options)) {}

ResetResult PasswordResets::Start(std::string_view typed, std::string_view client_ip) {
  const std::string name = NormalizeName(typed);
  const int64_t now = clock_.NowMillis();
  store::PasswordReset r;
  r.username = name;
  r.client_ip = std::string(client_ip);
  auto& limits = store_.rate_limits();
  // Both counted before anything is looked up, the same for every name (ASVS V2.2.1); an address
  // counts by its network (IPv6 by /64).
  auto by_ip = limits.Reserve("reset:ip:" + ClientNetworkKey(r.client_ip), now,
                              options_.ip_window_millis, options_.max_starts_per_ip);
  if (!by_ip.ok()) return {ResetOutcome::kUnavailable};
  if (!*by_ip) {
    Audit(r, "reset_start", "throttled", "too many resets from this address");
    return {ResetOutcome::kThrottled};
  }
  auto by_name = limits.Reserve(Key("start", name), now, kDayMillis, options_.max_resets_per_day);
  if (!by_name.ok()) return {ResetOutcome::kUnavailable};
  if (!*by_name) {
    Audit(r, "reset_start", "throttled", "too many resets for this name today");
    return {ResetOutcome::kThrottled};
  }

  // The same lookups for every name, so the time taken does not say whether it exists: a name that
  // is nobody's is looked at through an empty stand-in.
  auto user = store_.users().FindByUsername(name);
  const size_t at = name.rfind('@');
  auto tenant = store_.tenants().FindByDomain(at == std::string::npos ? "" : name.substr(at + 1));
  store::User subject;
  if (user.ok()) {
    subject = *user;
  } else if (tenant.ok()) {
    subject.tenant_id = tenant->id;
  }
  r.tenant_id = subject.tenant_id;
  r.user_id = subject.id;
  auto rules = store_.password_resets().GetPolicy(subject.tenant_id);
  const Standing standing = verifier_.StandingOf(subject);
  auto choices = verifier_.Choices(subject, methods::Purpose::kSspr);
  if (!rules.ok() || !choices.ok()) return {ResetOutcome::kUnavailable};
  r.steps = user.ok() ? policy::MethodsToReset(*rules, subject) : rules->methods_required;

  const int64_t usable = UsableCount(subject, r.steps, *choices);
  if (!user.ok()) {
    r.decoy = "unknown user";
  } else if (standing.blocked) {
    r.decoy = "blocked";
  } else if (standing.locked) {
    r.decoy = "locked";
  } else if (usable < r.steps) {
    r.decoy = "too few methods (" + std::to_string(usable) + " of " + std::to_string(r.steps) + ")";
  }

  const std::string token = random_.Token();
  r.id_hash = Sessions::TokenHash(token);
  r.step = 1;
  r.created_at = now;
  r.expires_at = now + options_.validity_millis;
  if (!store_.password_resets().Create(r).ok()) return {ResetOutcome::kUnavailable};
  Audit(r, "reset_start", r.decoy.empty() ? "started" : "decoy", r.decoy);
  return {ResetOutcome::kOk, token};
}

int64_t PasswordResets::UsableCount(const store::User& user, int64_t steps,
                                    const std::vector<MethodChoice>& choices) {
  int64_t usable = 0;
  for (const MethodChoice& c : choices) {
    const methods::KindInfo* kind = &methods::InfoOf(c.method);
    if (user.is_admin && !kind->offered_to_admins) continue;
    bool serves = false;
    for (const ResetOffer& offer : kind->reset_offers) {
      if (offer.two_methods_only && steps < 2) continue;
      serves = serves || methods::ServesOffer(c.method, offer);
    }
    if (serves) ++usable;
  }
  return usable;
}

int64_t PasswordResets::MissingMethods(const store::User& user) {
  auto rules = store_.password_resets().GetPolicy(user.tenant_id);
  auto choices = verifier_.Choices(user, methods::Purpose::kSspr);
  if (!rules.ok() || !choices.ok() || !rules->require_registration) return 0;
  const int64_t steps = policy::MethodsToReset(*rules, user);
  return std::max<int64_t>(0, steps - UsableCount(user, steps, *choices));
}

bool PasswordResets::ReviewDue(const store::User& user) {
  auto rules = store_.password_resets().GetPolicy(user.tenant_id);
  if (!rules.ok() || !rules->require_registration || rules->reconfirm_days <= 0) return false;
  auto reviewed = store_.password_resets().ReviewedAt(user.id);
  if (!reviewed.ok()) return false;
  const int64_t since = std::max(*reviewed, user.created_at);
  if (clock_.NowMillis() - since < rules->reconfirm_days * kDayMillis) return false;
  auto registered = store_.methods().ListForUser(user.id);
  return registered.ok() && !registered->empty();
}

Status PasswordResets::RecordReview(const store::User& user, std::string_view client_ip) {
  SECINFO_RETURN_IF_ERROR(store_.password_resets().SetReviewedAt(user.id, clock_.NowMillis()));
  RecordAudit(store_, clock_,
              {user.tenant_id, user.id, std::string(client_ip), "security_info_review", "",
               "success", "looks good"});
  return Status::Ok();
}

Result<PasswordResets::Loaded> PasswordResets::Load(std::string_view token) {
  if (token.size() < 32) return Status::NotFound("no reset");
  Loaded l;
  l.binding = Sessions::TokenHash(token);
  auto r = store_.password_resets().Get(l.binding, clock_.NowMillis());
  if (!r.ok()) return r.status();
  l.r = *r;
  if (l.r.user_id != 0) {
    auto user = store_.users().Get(l.r.user_id);
    if (user.ok()) l.user = *user;
  }
  auto rules = store_.password_resets().GetPolicy(l.r.tenant_id);
  auto switches = policy::LoadPolicy(store_.tenants(), l.r.tenant_id);
  if (!rules.ok() || !switches.ok()) return Status::Unavailable("reset rules cannot be read");
  l.rules = *rules;
  l.methods = *switches;
  if (auto tenant = store_.tenants().Get(l.r.tenant_id); tenant.ok()) {
    l.region = tenant->default_region;
  }
  return l;
}

Status PasswordResets::Save(store::PasswordReset& r) {
  SECINFO_RETURN_IF_ERROR(store_.password_resets().Update(r));
  r.version += 1;
  return Status::Ok();
}

std::vector<store::Method> PasswordResets::MethodsFor(const Loaded& l, const ResetOffer& offer) {
  std::vector<store::Method> out;
  if (!l.real()) return out;
  auto choices = verifier_.Choices(*l.user, methods::Purpose::kSspr);
  if (!choices.ok()) return out;
  for (const MethodChoice& c : *choices) {
    if (l.user->is_admin && !methods::InfoOf(c.method).offered_to_admins) continue;
    // The same method never proves both steps.
    if (c.method.id == l.r.proven_method_id) continue;
    if (!methods::ServesOffer(c.method, offer)) continue;
    if (std::find(c.proofs.begin(), c.proofs.end(), offer.proof) == c.proofs.end()) continue;
    out.push_back(c.method);
  }
  return out;
}

bool PasswordResets::ReservePath(const store::PasswordReset& r, std::string_view path,
                                 int64_t limit, int64_t window) {
  const std::string key = Key(path, r.username);
  const int64_t now = clock_.NowMillis();
  auto locked = store_.password_resets().LockedUntil(key);
  if (!locked.ok() || *locked > now) return false;
  auto reserved = store_.rate_limits().Reserve(key, now, window, limit);
  if (!reserved.ok()) return false;
  if (!*reserved) {
    store_.password_resets().Lock(key, now + options_.path_lock_millis);
    Audit(r, "reset_path", "locked",
          std::string(path) + " locked for " +
              std::to_string(options_.path_lock_millis / kHourMillis) + " hours");
    return false;
  }
  return true;
}

bool PasswordResets::PathLocked(std::string_view username, std::string_view path) {
  auto locked = store_.password_resets().LockedUntil(Key(path, NormalizeName(username)));
  return locked.ok() && *locked > clock_.NowMillis();
}

std::string PasswordResets::DecoyQuestions(const store::PasswordReset& r) {
  QuestionsRegistration registration(store_, clock_);
  store::User stand_in;
  stand_in.tenant_id = r.tenant_id;
  auto setup = registration.Setup(stand_in, "en");
  auto settings = store_.questions().GetSettings(r.tenant_id);
  if (!setup.ok() || !settings.ok() || setup->offered.empty()) return "";
  // The questions "registered" under this name: always the same ones, as for a real person.
  std::vector<std::string> pool;
  for (const auto& q : setup->offered) pool.push_back(q.id);
  const std::string seed = crypto::HmacSha256(options_.decoy_key, r.username);
  std::vector<std::string> registered;
  for (size_t i = 0;
       i < seed.size() && registered.size() < static_cast<size_t>(settings->to_register); ++i) {
    const std::string& id = pool[static_cast<unsigned char>(seed[i]) % pool.size()];
    if (std::find(registered.begin(), registered.end(), id) == registered.end()) {
      registered.push_back(id);
    }
  }
  const int count = static_cast<int>(
      std::min<int64_t>(settings->to_reset, static_cast<int64_t>(registered.size())));
  std::vector<std::string> asked;
  for (size_t i : methods::questions::PickQuestionsToAsk(registered.size(), count, random_)) {
    asked.push_back(registered[i]);
  }
  return JoinLines(asked);
}

Result<ResetView> PasswordResets::Get(std::string_view token, std::string_view lang) {
  auto l = Load(token);
  if (!l.ok()) return l.status();
  ResetView v;
  v.step = l->r.step;
  v.steps = l->r.steps;
  v.tenant_id = l->r.tenant_id;
  v.region = l->region;
  if (l->r.step > l->r.steps) {
    v.stage = ResetStage::kNewPassword;
    if (l->user) v.user = *l->user;
    return v;
  }
  if (l->r.offer.empty()) {
    v.stage = ResetStage::kChoose;
    // Step 1 offers what the tenant allows, whoever asks: what a person registered is only shown
    // to someone who proved a first method.
    for (const methods::KindInfo& kind : methods::AllKinds()) {
      if (!l->methods.AllowsFor(kind.kind, methods::Purpose::kSspr)) continue;
      for (const ResetOffer& offer : kind.reset_offers) {
        const int64_t required = l->r.step == 1 ? l->rules.methods_required : l->r.steps;
        if (offer.two_methods_only && required < 2) continue;
        if (l->r.step > 1 && MethodsFor(*l, offer).empty()) continue;
        v.offers.push_back(&offer);
      }
    }
    return v;
  }
  v.offer = methods::FindResetOffer(l->r.offer);
  if (v.offer == nullptr) return Status::NotFound("unknown way");
  if (v.offer->input == methods::ResetInput::kPhoneNumber && l->r.verification_id.empty()) {
    v.stage = ResetStage::kTypeNumber;
    return v;
  }
  switch (v.offer->proof) {
    case Proof::kAnswers:
      v.stage = ResetStage::kQuestions;
      v.questions = SplitLines(l->r.questions);
      return v;
    case Proof::kCall:
    case Proof::kPush:
      break;
    default:
      v.stage = ResetStage::kCode;
      return v;
  }
  v.stage = v.offer->proof == Proof::kCall ? ResetStage::kCall : ResetStage::kPush;
  v.push_number = l->r.push_number;
  if (l->r.verification_id.empty()) {
    // A decoy's push is never answered: it ends as a real request left unanswered does, when its
    // minute is over (PushApproval::Get), so the page and its status answer change at the same
    // moment for both.
    v.failed = clock_.NowMillis() >= l->r.push_ends_at;
    return v;
  }
  auto proof = verifier_.Get(l->r.verification_id, l->binding);
  if (!proof.ok()) return proof.status();
  if (proof->call) v.call_state = proof->call->state;
  if (proof->push) v.push_number = proof->push->number;
  if (proof->succeeded) {
    auto used = verifier_.Consume(l->r.verification_id, l->binding);
    if (used.ok()) {
      ResetResult advanced = Advance(*l, used->method_id);
      if (advanced.outcome != ResetOutcome::kOk) return Status::Unavailable("reset not saved");
    }
    return Get(token, lang);
  }
  v.failed = proof->final;
  return v;
}

ResetResult PasswordResets::Choose(std::string_view token, std::string_view name,
                                   std::string_view lang) {
  auto l = Load(token);
  if (!l.ok()) return {ResetOutcome::kExpired};
  auto view = Get(token, lang);
  if (!view.ok()) return {ResetOutcome::kExpired};
  if (view->stage != ResetStage::kChoose) return {ResetOutcome::kMalformed};
  const ResetOffer* offer = nullptr;
  for (const ResetOffer* o : view->offers) {
    if (o->name == name) offer = o;
  }
  if (offer == nullptr) return {ResetOutcome::kMalformed};
  const std::string path(PathOf(*offer));
  if (PathLocked(l->r.username, path)) return {ResetOutcome::kPathLocked};
  if (offer->proof == Proof::kEmailCode &&
      !ReservePath(l->r, path, options_.max_emails, options_.email_window_millis)) {
    return {ResetOutcome::kPathLocked};
  }
  l->r.offer = std::string(offer->name);
  l->r.verification_id.clear();
  Audit(l->r, "reset_choose", "chosen", "step " + std::to_string(l->r.step) + ": " + l->r.offer);
  if (offer->input == methods::ResetInput::kPhoneNumber || offer->proof == Proof::kAppCode) {
    return {Save(l->r).ok() ? ResetOutcome::kOk : ResetOutcome::kUnavailable};
  }
  std::vector<store::Method> found = MethodsFor(*l, *offer);
  if (!found.empty()) return StartProof(*l, found.front(), offer->proof, lang);
  // A decoy, or a way this person has not registered: the same page, which never succeeds.
  if (offer->proof == Proof::kPush) {
    l->r.push_number = methods::authenticator::NewMatchNumber(random_);
    l->r.push_ends_at = clock_.NowMillis() + methods::authenticator::kPushLifetimeMillis;
  }
  if (offer->proof == Proof::kAnswers) l->r.questions = DecoyQuestions(l->r);
  Audit(l->r, "reset_proof", "not_sent", l->real() ? "way not registered" : l->r.decoy);
  return {Save(l->r).ok() ? ResetOutcome::kOk : ResetOutcome::kUnavailable};
}

ResetResult PasswordResets::StartProof(Loaded& l, const store::Method& method, Proof proof,
                                       std::string_view lang) {
  VerifyRequest request{*l.user,      l.binding, ProofPurpose::kPasswordReset,
                        method.id,    proof,     std::string(lang),
                        l.r.client_ip};
  VerifyStart started = verifier_.Start(request);
  switch (started.error) {
    case VerifyStartError::kNone:
      break;
    case VerifyStartError::kSendFailed:
    case VerifyStartError::kDestinationRefused:
      return {ResetOutcome::kSendFailed};
    case VerifyStartError::kTooMany:
      return {ResetOutcome::kPathLocked};
    default:
      return {ResetOutcome::kUnavailable};
  }
  l.r.verification_id = started.id;
  if (proof == Proof::kAnswers) {
    auto asked = verifier_.AskedQuestions(started.id, l.binding);
    if (!asked.ok()) return {ResetOutcome::kUnavailable};
    l.r.questions = JoinLines(*asked);
  }
  return {Save(l.r).ok() ? ResetOutcome::kOk : ResetOutcome::kUnavailable};
}

ResetResult PasswordResets::ChooseAgain(std::string_view token) {
  auto l = Load(token);
  if (!l.ok()) return {ResetOutcome::kExpired};
  if (l->r.step > l->r.steps) return {ResetOutcome::kOk};
  l->r.offer.clear();
  l->r.verification_id.clear();
  l->r.questions.clear();
  return {Save(l->r).ok() ? ResetOutcome::kOk : ResetOutcome::kUnavailable};
}

ResetResult PasswordResets::SubmitNumber(std::string_view token, std::string_view typed,
                                         std::string_view lang) {
  auto l = Load(token);
  if (!l.ok()) return {ResetOutcome::kExpired};
  const ResetOffer* offer = methods::FindResetOffer(l->r.offer);
  if (offer == nullptr || offer->input != methods::ResetInput::kPhoneNumber ||
      !l->r.verification_id.empty() || l->r.step > l->r.steps) {
    return {ResetOutcome::kMalformed};
  }
  if (!ReservePath(l->r, "phone", options_.max_checks_per_hour, kHourMillis)) {
    return {ResetOutcome::kPathLocked};
  }
  const phone::ParseOutcome parsed = phone::Parse(typed, l->region);
  const std::string e164 = parsed.ok() ? parsed.number().e164 : std::string(typed);
  for (const store::Method& m : MethodsFor(*l, *offer)) {
    if (crypto::ConstantTimeEquals(methods::phone::DataOf(m).number, e164)) {
      Audit(l->r, "reset_number", "match", l->r.offer);
      return StartProof(*l, m, offer->proof, lang);
    }
  }
  Audit(l->r, "reset_number", "differs", l->real() ? l->r.offer : l->r.decoy);
  return {ResetOutcome::kNumberDiffers};
}

ResetResult PasswordResets::SubmitCode(std::string_view token, std::string_view code) {
  auto l = Load(token);
  if (!l.ok()) return {ResetOutcome::kExpired};
  const ResetOffer* offer = methods::FindResetOffer(l->r.offer);
  if (offer == nullptr ||
      (offer->proof != Proof::kSmsCode && offer->proof != Proof::kEmailCode &&
       offer->proof != Proof::kAppCode) ||
      l->r.step > l->r.steps) {
    return {ResetOutcome::kMalformed};
  }
  if (offer->proof != Proof::kEmailCode &&
      !ReservePath(l->r, PathOf(*offer), options_.max_checks_per_hour, kHourMillis)) {
    return {ResetOutcome::kPathLocked};
  }
  std::string id = l->r.verification_id;
  if (offer->proof == Proof::kAppCode) {
    std::vector<store::Method> apps = MethodsFor(*l, *offer);
    if (!apps.empty()) {
      ResetResult started = StartProof(*l, apps.front(), Proof::kAppCode, "");
      if (started.outcome != ResetOutcome::kOk) return started;
      id = l->r.verification_id;
    }
  }
  if (id.empty()) {
    Audit(l->r, "reset_code", "failure", l->real() ? "way not registered" : l->r.decoy);
    return {ResetOutcome::kWrong};
  }
  VerifyCodeResult checked = verifier_.SubmitCode(id, l->binding, code);
  switch (checked.outcome) {
    case VerifyCodeOutcome::kAccepted:
      break;
    case VerifyCodeOutcome::kMalformed:
      return {ResetOutcome::kMalformed};
    case VerifyCodeOutcome::kRejected:
    case VerifyCodeOutcome::kReplayed:
      return {ResetOutcome::kWrong};
    case VerifyCodeOutcome::kUnavailable:
      return {ResetOutcome::kUnavailable};
    default:
      // Expired, tried too often, or the person got locked meanwhile: a new code is needed.
      ChooseAgain(token);
      return {ResetOutcome::kWrong};
  }
  auto used = verifier_.Consume(id, l->binding);
  if (!used.ok()) return {ResetOutcome::kExpired};
  return Advance(*l, used->method_id);
}

ResetResult PasswordResets::SubmitAnswers(std::string_view token,
                                          const std::vector<std::string>& answers,
                                          std::string_view lang) {
  auto l = Load(token);
  if (!l.ok()) return {ResetOutcome::kExpired};
  const ResetOffer* offer = methods::FindResetOffer(l->r.offer);
  if (offer == nullptr || offer->proof != Proof::kAnswers || l->r.step > l->r.steps) {
    return {ResetOutcome::kMalformed};
  }
  if (answers.size() != SplitLines(l->r.questions).size()) return {ResetOutcome::kMalformed};
  if (!ReservePath(l->r, "questions", options_.max_checks_per_hour, kHourMillis)) {
    return {ResetOutcome::kPathLocked};
  }
  if (!l->r.verification_id.empty()) {
    VerifyCodeResult checked = verifier_.SubmitAnswers(l->r.verification_id, l->binding, answers);
    if (checked.outcome == VerifyCodeOutcome::kAccepted) {
      auto used = verifier_.Consume(l->r.verification_id, l->binding);
      if (!used.ok()) return {ResetOutcome::kExpired};
      return Advance(*l, used->method_id);
    }
    if (checked.outcome == VerifyCodeOutcome::kMalformed) return {ResetOutcome::kMalformed};
    // Any wrong answer: a new draw for the next try.
    Audit(l->r, "reset_answers", "failure", "one or more wrong answers");
    std::vector<store::Method> found = MethodsFor(*l, *offer);
    if (found.empty()) return {ResetOutcome::kWrong};
    ResetResult again = StartProof(*l, found.front(), Proof::kAnswers, lang);
    return {again.outcome == ResetOutcome::kOk ? ResetOutcome::kWrong : again.outcome};
  }
  // A decoy spends the same Argon2id time per answer, then draws again.
  for (const std::string& a : answers) crypto::VerifyAgainstDummy(a);
  Audit(l->r, "reset_answers", "failure", l->real() ? "way not registered" : l->r.decoy);
  l->r.questions = DecoyQuestions(l->r);
  if (!Save(l->r).ok()) return {ResetOutcome::kUnavailable};
  return {ResetOutcome::kWrong};
}

ResetResult PasswordResets::Advance(Loaded& l, int64_t method_id) {
  Audit(l.r, "reset_step", "success",
        "step " + std::to_string(l.r.step) + " proven with " + l.r.offer + " (method " +
            std::to_string(method_id) + ")");
  if (l.r.step == 1) l.r.proven_method_id = method_id;
  l.r.step += 1;
  l.r.offer.clear();
  l.r.verification_id.clear();
  l.r.questions.clear();
  return {Save(l.r).ok() ? ResetOutcome::kOk : ResetOutcome::kUnavailable};
}

ResetResult PasswordResets::Finish(std::string_view token, std::string_view next,
                                   std::string_view confirmation) {
  auto l = Load(token);
  if (!l.ok()) return {ResetOutcome::kExpired};
  if (!l->real() || l->r.step <= l->r.steps) return {ResetOutcome::kMalformed};
  ChangeResult changed = passwords_.SetAfterReset(*l->user, next, confirmation, l->r.client_ip);
  switch (changed.outcome) {
    case ChangeOutcome::kChanged:
      break;
    case ChangeOutcome::kConfirmationDiffers:
    case ChangeOutcome::kRefused: {
      ResetResult refused{ResetOutcome::kRefused};
      refused.password = changed;
      return refused;
    }
    default:
      return {ResetOutcome::kUnavailable};
  }
  // The reset is over: it cannot be used twice, and every counter starts again (the person proved
  // who they are).
  store_.password_resets().Delete(l->binding);
  store_.rate_limits().Reset(Key("start", l->r.username));
  for (std::string_view path : kPaths) {
    store_.rate_limits().Reset(Key(path, l->r.username));
    store_.password_resets().Unlock(Key(path, l->r.username));
  }
  Audit(l->r, "reset_finish", "success", "password reset; sessions and remembered browsers ended");
  if (notifier_ != nullptr) {
    notifier_->PasswordReset(*l->user, l->r.client_ip);
    if (l->user->is_admin && l->rules.notify_admins) {
      notifier_->AdministratorPasswordReset(*l->user, l->r.client_ip);
    }
  }
  return {ResetOutcome::kOk};
}

void PasswordResets::Audit(const store::PasswordReset& r, std::string action, std::string result,
                           std::string detail) {
  AuditFacts facts;
  facts.tenant_id = r.tenant_id;
  facts.user_id = r.user_id;
  facts.ip = r.client_ip;
  facts.action = std::move(action);
  facts.method = "password_reset";
  facts.result = std::move(result);
  facts.detail = std::move(detail);
  // The log names the actor by the name typed, a person's or not (operators see who was tried);
  // naming a real one costs no lookup more than naming an unknown one, so timing tells nothing.
  facts.actor = r.username.empty() ? "(empty)" : r.username;
  RecordAudit(store_, clock_, facts);
}

}  // namespace secinfo::flows
