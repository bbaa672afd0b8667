#include "flows/registration/code_registration.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>

#include "crypto/encoding.h"
#include "crypto/hash.h"
#include "flows/audit.h"
#include "flows/limits.h"
#include "i18n/catalog.h"
#include "methods/email/email_data.h"
#include "methods/email/email_method.h"
#include "methods/phone/phone_data.h"
#include "methods/phone/phone_method.h"
#include "policy/policy.h"

namespace secinfo::flows {
namespace {

using store::CodeChallengeState;
using store::DeliveryState;

constexpr int64_t kHourMillis = 3600 * 1000;
constexpr int64_t kMinuteMillis = 60 * 1000;

bool IsSixDigits(std::string_view s) {
  return s.size() == 6 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

namespace {

// A registration's text, or a proof's, which says what it is for: a reset code must not read as a
// sign-in code.
std::string SmsKey(std::string_view purpose) {
  if (purpose == ProofPurposeName(ProofPurpose::kRegister)) return "sms_code";
  if (purpose == ProofPurposeName(ProofPurpose::kPasswordReset)) return "sms_code_password_reset";
  return "sms_code_sign_in";
}

}  // namespace

CodeRegistration::CodeRegistration(store::Store& store, channels::SmsChannel& sms,
                                   channels::EmailChannel& email, const Clock& clock,
                                   Random& random, Scheduler& retries, std::string code_key,
                                   CodeOptions options)
    : store_(store),
      sms_(sms),
      email_(email),
      clock_(clock),
      random_(random),
      retries_(retries),
      code_key_(std::move(code_key)),
      options_(std::move(options)) {}

std::string CodeRegistration::CodeHash(std::string_view challenge_id, std::string_view code) const {
  // Keyed so that a copy of the database does not let anyone try all million codes offline.
  return crypto::HexEncode(
      crypto::HmacSha256(code_key_, std::string(challenge_id) + ":" + std::string(code)));
}

CodeBeginResult CodeRegistration::Begin(const CodeBeginRequest& request) {
  CodeBeginResult result;
  const store::User& user = request.user;
  if (request.kind != methods::MethodKind::kPhone && request.kind != methods::MethodKind::kEmail) {
    return {BeginError::kInternal};
  }
  auto policy = policy::LoadPolicy(store_.tenants(), user.tenant_id);
  if (!policy.ok()) return {BeginError::kInternal};
  if (!policy->Allows(request.kind)) return {BeginError::kMethodNotAllowed};

  auto existing = store_.methods().ListForUser(user.id);
  if (!existing.ok()) return {BeginError::kInternal};
  std::optional<store::Method> replaced;
  if (request.replacing) {
    for (const auto& m : *existing) {
      if (m.id == *request.replacing && m.kind == request.kind) replaced = m;
    }
    if (!replaced) return {BeginError::kMethodNotFound};
  }

  store::CodeChallenge c;
  c.method_kind = request.kind;
  if (request.kind == methods::MethodKind::kPhone) {
    std::string type_name = replaced ? methods::phone::DataOf(*replaced).type : request.phone_type;
    std::optional<methods::PhoneType> type = methods::ParsePhoneType(type_name);
    if (!type) return {BeginError::kBadPhoneType};
    phone::ParseOutcome parsed = phone::Parse(request.number, request.region);
    if (!parsed.ok()) return {FromParseError(parsed.error())};
    result.number = parsed.number();
    // Texts go to mobiles; an office phone is proven by a call, as in Entra ID.
    if (*type == methods::PhoneType::kOffice || !phone::CanReceiveSms(result.number.type)) {
      result.error = BeginError::kCannotReceiveSms;
      return result;
    }
    result.error = FromPhoneConflict(
        methods::FindPhoneConflict(*existing, *type, result.number.e164, request.replacing));
    if (result.error != BeginError::kNone) return result;
    c.channel = "sms";
    c.destination = result.number.e164;
    c.phone_type = std::string(methods::PhoneTypeName(*type));
    c.extension_removed = result.number.extension_removed;
  } else {
    std::optional<std::string> address = methods::NormalizeEmail(request.email);
    if (!address) return {BeginError::kInvalidEmail};
    for (const auto& m : *existing) {
      if (methods::IsKind(m, methods::MethodKind::kEmail) && m.id != request.replacing)
        return {BeginError::kTypeTaken};
    }
    c.channel = "email";
    c.destination = *address;
  }

  c.tenant_id = user.tenant_id;
  c.user_id = user.id;
  c.purpose = std::string(ProofPurposeName(ProofPurpose::kRegister));
  c.replaces_method_id = request.replacing;
  c.locale = request.locale;
  c.client_ip = request.client_ip;
  result.error = CountSend(c);
  if (result.error != BeginError::kNone) return result;
  return CreateAndSend(c, std::move(result));
}

CodeBeginResult CodeRegistration::BeginProof(const store::User& user, const store::Method& method,
                                             ProofPurpose purpose, std::string_view locale,
                                             std::string_view client_ip) {
  if (method.user_id != user.id || purpose == ProofPurpose::kRegister) {
    return {BeginError::kMethodNotFound};
  }
  store::CodeChallenge c;
  c.method_kind = method.kind;
  if (methods::IsKind(method, methods::MethodKind::kPhone)) {
    const methods::phone::PhoneData phone = methods::phone::DataOf(method);
    c.phone_type = phone.type;
    c.channel = "sms";
    c.destination = phone.number;
  } else if (methods::IsKind(method, methods::MethodKind::kEmail)) {
    c.channel = "email";
    c.destination = methods::email::DataOf(method).address;
  }
  if (c.destination.empty()) return {BeginError::kMethodNotFound};
  c.tenant_id = user.tenant_id;
  c.user_id = user.id;
  c.purpose = std::string(ProofPurposeName(purpose));
  c.method_id = method.id;
  c.locale = std::string(locale);
  c.client_ip = std::string(client_ip);
  if (BeginError e = CountSend(c); e != BeginError::kNone) return {e};
  return CreateAndSend(c, {});
}

BeginError CodeRegistration::CountSend(const store::CodeChallenge& c) {
  const TollGuard::Cap own[] = {
      {"code:" + methods::DestinationKey(c.destination), options_.max_sends_per_hour}};
  // A text costs money: the tenant's toll-fraud rules (country, number type, hourly caps) with our
  // own limit per destination, none counted when one refuses.
  if (c.channel == "sms") {
    return FromTollVerdict(
        toll_.Allow({c.tenant_id, c.user_id, c.client_ip, "sms", c.destination}, own));
  }
  auto counted =
      store_.rate_limits().Reserve(own[0].key, clock_.NowMillis(), kHourMillis, own[0].per_hour);
  if (!counted.ok()) return BeginError::kInternal;
  return *counted ? BeginError::kNone : BeginError::kTooManyCalls;
}

CodeBeginResult CodeRegistration::CreateAndSend(store::CodeChallenge& c, CodeBeginResult result) {
  auto tenant = store_.tenants().Get(c.tenant_id);
  if (!tenant.ok()) return {BeginError::kInternal};
  c.id = random_.Token();
  c.state = CodeChallengeState::kPending;
  c.created_at = c.updated_at = clock_.NowMillis();
  // Recorded before it is sent: a code that arrived but was never stored could not be used.
  std::string code = Arm(c);
  if (!store_.code_challenges().Create(c).ok()) return {BeginError::kInternal};
  if (!Deliver(c, code, tenant->name).ok()) {
    c.version = 1;
    c.state = CodeChallengeState::kFailed;
    c.code_hash.clear();
    store_.code_challenges().Update(c);
    result.error = BeginError::kCallFailed;
    return result;
  }
  result.challenge_id = c.id;
  return result;
}

int64_t CodeRegistration::ValidityMinutes(std::string_view channel) const {
  const int64_t validity =
      channel == "sms" ? options_.sms_validity_millis : options_.email_validity_millis;
  return (validity + 59'999) / 60'000;
}

std::string CodeRegistration::Arm(store::CodeChallenge& c) {
  char code[8];
  std::snprintf(code, sizeof code, "%06u", random_.Uniform(1'000'000));
  const int64_t now = clock_.NowMillis();
  const int64_t validity =
      c.channel == "sms" ? options_.sms_validity_millis : options_.email_validity_millis;
  c.code_hash = CodeHash(c.id, code);
  c.failed_attempts = 0;
  c.sends += 1;
  c.last_sent_at = now;
  c.expires_at = now + validity;
  c.updated_at = now;
  c.state = CodeChallengeState::kPending;
  return code;
}

// One code on its way: what is sent, to whom, and for which challenge.
struct CodeRegistration::Delivery {
  store::CodeChallenge challenge;
  channels::SmsMessage text;
  channels::EmailMessage mail;
};

Status CodeRegistration::Deliver(const store::CodeChallenge& c, const std::string& code,
                                 const std::string& organization) {
  const auto& catalog = i18n::Catalog::BuiltIn();
  std::map<std::string, std::string> args = {
      {"organization", organization},
      {"code", code},
      {"minutes", std::to_string(ValidityMinutes(c.channel))},
      {"host", options_.webotp_host}};
  // A code that proves a registered method says so: the person must know it is not a registration.
  const bool proof = c.purpose != ProofPurposeName(ProofPurpose::kRegister);
  auto d = std::make_shared<Delivery>();
  d->challenge = c;
  d->text = channels::SmsMessage{c.destination, organization,
                                 catalog.Get(c.locale, SmsKey(c.purpose), args)};
  d->mail.to = c.destination;
  d->mail.from_name = organization;
  const std::string mail_key = proof ? "email_proof_code" : "email_code";
  d->mail.subject = catalog.Get(c.locale, mail_key + "_subject", args);
  d->mail.text = catalog.Get(c.locale, mail_key + "_text", args);
  d->mail.html = catalog.Get(c.locale, mail_key + "_html", args);
  return Attempt(d, 1, options_.first_retry_millis);
}

Status CodeRegistration::Attempt(const std::shared_ptr<const Delivery>& d, int attempt,
                                 int64_t wait) {
  const store::CodeChallenge& c = d->challenge;
  const channels::SendResult sent =
      c.channel == "sms" ? sms_.Deliver(d->text) : email_.Deliver(d->mail);
  const std::string tries = attempt == 1 ? "" : "attempt " + std::to_string(attempt);
  if (sent.status.ok()) {
    Audit(c, "code_send", "sent", tries);
    if (c.channel == "sms") Track(c, sent.references);
    return Status::Ok();
  }
  const bool again = sent.retry_safe && attempt < options_.max_send_attempts;
  const std::string why = (tries.empty() ? "" : tries + ": ") + sent.status.message();
  spdlog::warn("code {} by {}: {}{}", c.id.substr(0, 8), c.channel, why,
               again ? "; trying again" : "");
  Audit(c, "code_send", again ? "retry" : "failed", why);
  if (!again) return sent.status;
  // The back-off runs on the scheduler's thread, never on the worker serving the person.
  retries_.After(wait, [this, d, attempt, wait] {
    if (!Attempt(d, attempt + 1, wait * 2).ok()) GiveUp(*d);
  });
  return Status::Ok();
}

void CodeRegistration::GiveUp(const Delivery& d) {
  // Only the code that was being sent: a newer one (resent meanwhile) has its own delivery.
  auto given_up = CompareAndSet<store::CodeChallenge>(
      [&] { return store_.code_challenges().Get(d.challenge.id); },
      [&](store::CodeChallenge& c) {
        if (c.code_hash != d.challenge.code_hash || c.state != CodeChallengeState::kPending) {
          return false;
        }
        c.state = CodeChallengeState::kFailed;
        c.code_hash.clear();
        c.updated_at = clock_.NowMillis();
        return true;
      },
      [&](const store::CodeChallenge& c) { return store_.code_challenges().Update(c); });
  if (!given_up.ok()) {
    spdlog::warn("code {}: cannot record that it was not sent: {}", d.challenge.id.substr(0, 8),
                 given_up.status().ToString());
  }
}

void CodeRegistration::Track(const store::CodeChallenge& c,
                             const std::vector<std::string>& references) {
  const int64_t now = clock_.NowMillis();
  for (const std::string& id : references) {
    store::TextDelivery t{.provider = std::string(sms_.name()),
                          .message_id = id,
                          .tenant_id = c.tenant_id,
                          .challenge_id = c.id,
                          .send = c.sends,
                          .parts = static_cast<int64_t>(references.size()),
                          .sent_at = now,
                          .created_at = now};
    auto tracked = store_.text_deliveries().Track(t);
    if (!tracked.ok()) {
      spdlog::warn("code {}: cannot record text {}: {}", c.id.substr(0, 8), id,
                   tracked.status().ToString());
      continue;
    }
    // The receipt came first (on this node or another): its audit entry waited for the text.
    if (tracked->state != DeliveryState::kNoReceipt) AuditReceipt(c, *tracked);
  }
}

void CodeRegistration::OnSmsReceipt(const channels::SmsReceiptReport& report) {
  // The provider's thread must not wait on the database.
  retries_.After(0, [this, report] { RecordReceipt(report); });
}

ReceiptCallbackOutcome CodeRegistration::TakeReceiptCallback(const channels::ReceiptFields& fields,
                                                             std::string_view client_ip) {
  // Reserved before the signature is checked, so that guessing costs as much as the limit allows
  // (OWASP ASVS 4.0 V11.1.4: anti-automation).
  auto counted = store_.rate_limits().Reserve("sms_receipt:ip:" + ClientNetworkKey(client_ip),
                                              clock_.NowMillis(), kMinuteMillis,
                                              options_.max_receipt_callbacks_per_minute);
  if (!counted.ok()) return ReceiptCallbackOutcome::kUnavailable;
  if (!*counted) return ReceiptCallbackOutcome::kTooMany;
  auto report = sms_.ReadReceiptCallback(fields);
  if (!report.ok()) {
    if (report.status().code() == Status::Code::kNotFound) return ReceiptCallbackOutcome::kNotTaken;
    spdlog::warn("sms receipt callback from {} refused: {}", client_ip, report.status().message());
    return ReceiptCallbackOutcome::kRejected;
  }
  if (!*report) return ReceiptCallbackOutcome::kIgnored;
  OnSmsReceipt(**report);
  return ReceiptCallbackOutcome::kRecorded;
}

void CodeRegistration::RecordReceipt(const channels::SmsReceiptReport& report) {
  auto t = store_.text_deliveries().RecordReceipt(
      report.provider, report.message_id,
      report.delivered ? DeliveryState::kDelivered : DeliveryState::kUndelivered, report.error,
      clock_.NowMillis());
  if (!t.ok()) {
    spdlog::warn("sms receipt for {} {}: cannot record it: {}", report.provider, report.message_id,
                 t.status().ToString());
    return;
  }
  // Not known yet: the node that sent it audits it when it records the text. Or not a code.
  if (t->challenge_id.empty()) return;
  auto c = store_.code_challenges().Get(t->challenge_id);
  if (c.ok()) AuditReceipt(*c, *t);
}

void CodeRegistration::AuditReceipt(const store::CodeChallenge& c, const store::TextDelivery& t) {
  if (t.state == DeliveryState::kUndelivered) {
    spdlog::warn("code {}: the network could not deliver text {} ({})", c.id.substr(0, 8),
                 t.message_id, t.error);
  }
  Audit(c, "code_delivery", std::string(store::StateName(t.state)),
        "send " + std::to_string(t.send) + ", message " + t.message_id +
            (t.error.empty() ? "" : ": " + t.error));
}

DeliveryState CodeRegistration::DeliveryOf(const store::CodeChallenge& c) {
  if (c.channel != "sms") return DeliveryState::kNoReceipt;
  auto texts = store_.text_deliveries().ListForChallenge(c.id);
  if (!texts.ok()) return DeliveryState::kNoReceipt;
  int64_t parts = 0, delivered = 0;
  for (const store::TextDelivery& t : *texts) {
    if (t.send != c.sends) continue;  // an earlier code's text
    if (t.state == DeliveryState::kUndelivered) return DeliveryState::kUndelivered;
    parts = t.parts;
    if (t.state == DeliveryState::kDelivered) ++delivered;
  }
  return parts > 0 && delivered == parts ? DeliveryState::kDelivered : DeliveryState::kNoReceipt;
}

Result<store::CodeChallenge> CodeRegistration::Get(std::string_view challenge_id, int64_t user_id) {
  auto c = store_.code_challenges().Get(challenge_id);
  if (c.ok() && c->user_id != user_id) return Status::NotFound("no such challenge");
  return c;
}

int64_t CodeRegistration::SecondsUntilResend(const store::CodeChallenge& c) const {
  int64_t wait = c.last_sent_at + options_.resend_cooldown_millis - clock_.NowMillis();
  return wait <= 0 ? 0 : (wait + 999) / 1000;
}

CodeCheck CodeRegistration::Verify(std::string_view challenge_id, int64_t user_id,
                                   std::string_view typed) {
  std::string code;
  for (char ch : typed) {
    if (ch != ' ' && ch != '-') code += ch;  // people type "123 456"
  }
  // 1. Reserve the try before looking at the code (ASVS V2.2.1): the wrong-try counter goes up in
  //    a compare-and-set write first, so parallel guesses cannot be checked more often than the
  //    limit. The try that reaches the limit locks the challenge; its code is still compared.
  std::string expected_hash;
  CodeCheck refused;
  auto reserved = CompareAndSet<store::CodeChallenge>(
      [&] { return Get(challenge_id, user_id); },
      [&](store::CodeChallenge& c) {
        expected_hash.clear();
        auto refuse = [&](CodeOutcome outcome, int64_t tries_left = 0) {
          refused = {outcome, tries_left};
          return false;
        };
        if (c.state == CodeChallengeState::kLocked) return refuse(CodeOutcome::kLockedOut);
        if (c.state == CodeChallengeState::kExpired) return refuse(CodeOutcome::kExpired);
        if (c.state != CodeChallengeState::kPending) return refuse(CodeOutcome::kNotPending);
        const int64_t now = clock_.NowMillis();
        c.updated_at = now;
        if (now >= c.expires_at) {
          c.state = CodeChallengeState::kExpired;
          c.code_hash.clear();
          refused = {CodeOutcome::kExpired};
          return true;
        }
        if (!IsSixDigits(code)) {
          return refuse(CodeOutcome::kMalformed, options_.max_wrong_tries - c.failed_attempts);
        }
        expected_hash = c.code_hash;
        c.failed_attempts += 1;
        if (c.failed_attempts >= options_.max_wrong_tries) {
          c.state = CodeChallengeState::kLocked;
          c.code_hash.clear();
        }
        return true;
      },
      [&](const store::CodeChallenge& c) { return store_.code_challenges().Update(c); });
  if (!reserved.ok()) {
    return {reserved.status().code() == Status::Code::kNotFound ? CodeOutcome::kNotPending
                                                                : CodeOutcome::kUnavailable};
  }
  if (expected_hash.empty()) return refused;

  // 2. The check itself.
  if (!crypto::ConstantTimeEquals(CodeHash(reserved->id, code), expected_hash)) {
    if (reserved->state == CodeChallengeState::kLocked) {
      Audit(*reserved, "code_verify", "locked");
      return {CodeOutcome::kLockedOut};
    }
    return {CodeOutcome::kRejected, options_.max_wrong_tries - reserved->failed_attempts};
  }

  // 3. A right code: the try is given back, the code is spent, and a registration creates its
  //    method in the same transaction. Other tries may have been reserved meanwhile (even locking
  //    the challenge): the right code still wins, once.
  const bool registers = reserved->purpose == ProofPurposeName(ProofPurpose::kRegister);
  for (int tries = 0; tries < 16; ++tries) {
    auto c = Get(challenge_id, user_id);
    if (!c.ok()) return {CodeOutcome::kUnavailable};
    if (c->state != CodeChallengeState::kPending && c->state != CodeChallengeState::kLocked) {
      return {CodeOutcome::kNotPending};
    }
    store::CodeChallenge next = *c;
    next.state = CodeChallengeState::kVerified;
    next.code_hash.clear();
    next.failed_attempts = std::max<int64_t>(0, next.failed_attempts - 1);
    next.updated_at = clock_.NowMillis();
    if (!registers) {
      Status s = store_.code_challenges().Update(next);
      if (s.ok()) return {CodeOutcome::kAccepted};
      if (s.code() == Status::Code::kFailedPrecondition) continue;
      return {CodeOutcome::kUnavailable};
    }
    store::Method m;
    m.user_id = c->user_id;
    if (c->channel == "sms") {
      methods::phone::Put({c->phone_type, c->destination}, m);
    } else {
      methods::email::Put({c->destination}, m);
    }
    m.created_at = next.updated_at;
    Result<int64_t> id = Status::Unavailable("not written");
    Status kept = ChangeWithAudit(
        store_,
        [&] {
          id = store_.code_challenges().UpdateAndCreateMethod(next, m);
          return id.status();
        },
        [&] {
          Audit(next, c->replaces_method_id ? "method_change" : "method_register", "success");
        });
    if (kept.ok()) return {CodeOutcome::kAccepted};
    if (id.ok()) return {CodeOutcome::kUnavailable};  // written, then not committed
    if (id.status().code() == Status::Code::kFailedPrecondition) continue;
    if (id.status().code() == Status::Code::kAlreadyExists ||
        id.status().code() == Status::Code::kNotFound) {
      next.state = CodeChallengeState::kFailed;
      if (store_.code_challenges().Update(next).ok()) return {CodeOutcome::kTaken};
      continue;
    }
    return {CodeOutcome::kUnavailable};
  }
  return {CodeOutcome::kUnavailable};
}

ResendOutcome CodeRegistration::Resend(std::string_view challenge_id, int64_t user_id) {
  auto c = Get(challenge_id, user_id);
  if (!c.ok()) return ResendOutcome::kNotPending;
  if (c->state != CodeChallengeState::kPending && c->state != CodeChallengeState::kLocked &&
      c->state != CodeChallengeState::kExpired) {
    return ResendOutcome::kNotPending;
  }
  if (SecondsUntilResend(*c) > 0) return ResendOutcome::kTooSoon;
  switch (CountSend(*c)) {
    case BeginError::kNone:
      break;
    case BeginError::kTooManyCalls:
      return ResendOutcome::kTooMany;
    default:
      return ResendOutcome::kFailed;
  }
  auto tenant = store_.tenants().Get(c->tenant_id);
  if (!tenant.ok()) return ResendOutcome::kFailed;
  store::CodeChallenge next = *c;
  std::string code = Arm(next);
  if (!store_.code_challenges().Update(next).ok()) return ResendOutcome::kFailed;
  next.version += 1;
  if (!Deliver(next, code, tenant->name).ok()) return ResendOutcome::kFailed;
  return ResendOutcome::kSent;
}

void CodeRegistration::Audit(const store::CodeChallenge& c, std::string action, std::string result,
                             const std::string& why) {
  RecordAudit(
      store_, clock_,
      {c.tenant_id, c.user_id, c.client_ip, std::move(action),
       methods::AuditName(c.method_kind, c.phone_type) + " by " + c.channel, std::move(result),
       "challenge " + c.id.substr(0, 8) + " to " + c.destination +
           (why.empty() ? "" : "; " + why)});
}

}  // namespace secinfo::flows
