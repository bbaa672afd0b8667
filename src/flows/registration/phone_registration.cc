#include "flows/registration/phone_registration.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "flows/audit.h"
#include "i18n/catalog.h"
#include "methods/phone/phone_data.h"
#include "methods/phone/phone_method.h"
#include "policy/policy.h"

namespace secinfo::flows {
namespace {

using store::CallState;

constexpr int64_t kHourMillis = 3600 * 1000;

// How the audit log and proof reports name the phone of an attempt: "phone:mobile".
std::string AuditMethod(const store::CallAttempt& a) {
  return methods::AuditName(methods::MethodKind::kPhone, a.phone_type);
}

}  // namespace

BeginError FromParseError(phone::ParseError e) {
  switch (e) {
    case phone::ParseError::kEmpty:
      return BeginError::kEmptyNumber;
    case phone::ParseError::kInvalidCharacters:
      return BeginError::kInvalidCharacters;
    case phone::ParseError::kTooShort:
      return BeginError::kTooShort;
    case phone::ParseError::kTooLong:
      return BeginError::kTooLong;
    case phone::ParseError::kInvalidCountryCode:
      return BeginError::kInvalidCountryCode;
    case phone::ParseError::kUnknownRegion:
      return BeginError::kUnknownRegion;
    case phone::ParseError::kNotValidForRegion:
      return BeginError::kNotValidForRegion;
  }
  return BeginError::kNotValidForRegion;
}

BeginError FromPhoneConflict(methods::PhoneConflict c) {
  switch (c) {
    case methods::PhoneConflict::kTypeTaken:
      return BeginError::kTypeTaken;
    case methods::PhoneConflict::kNumberTaken:
      return BeginError::kNumberTaken;
    case methods::PhoneConflict::kNone:
      break;
  }
  return BeginError::kNone;
}

PhoneRegistration::PhoneRegistration(store::Store& store, channels::VoiceChannel& voice,
                                     const Clock& clock, Random& random,
                                     PhoneRegistrationOptions options)
    : store_(store), voice_(voice), clock_(clock), random_(random), options_(std::move(options)) {}

BeginResult PhoneRegistration::Begin(const BeginRequest& request) {
  BeginResult result;
  const store::User& user = request.user;
  auto policy = policy::LoadPolicy(store_.tenants(), user.tenant_id);
  if (!policy.ok()) return {BeginError::kInternal};
  // A method the tenant does not allow is refused here too, not only hidden from the wizard.
  if (!policy->Allows(methods::MethodKind::kPhone)) return {BeginError::kMethodNotAllowed};

  std::string phone_type = request.phone_type;
  if (request.replacing) {
    auto old = store_.methods().Get(user.id, *request.replacing);
    if (!old.ok() || !methods::IsKind(*old, methods::MethodKind::kPhone))
      return {BeginError::kMethodNotFound};
    phone_type = methods::phone::DataOf(*old).type;
  }
  std::optional<methods::PhoneType> type = methods::ParsePhoneType(phone_type);
  if (!type) return {BeginError::kBadPhoneType};

  phone::ParseOutcome parsed = phone::Parse(request.number, request.region);
  if (!parsed.ok()) return {FromParseError(parsed.error())};
  result.number = parsed.number();

  auto existing = store_.methods().ListForUser(user.id);
  if (!existing.ok()) return {BeginError::kInternal};
  result.error = FromPhoneConflict(
      methods::FindPhoneConflict(*existing, *type, result.number.e164, request.replacing));
  if (result.error != BeginError::kNone) return result;

  result.error = CountCall(user, result.number.e164, request.client_ip);
  if (result.error != BeginError::kNone) return result;

  auto tenant = store_.tenants().Get(user.tenant_id);
  if (!tenant.ok()) return {BeginError::kInternal};

  store::CallAttempt a;
  a.tenant_id = user.tenant_id;
  a.user_id = user.id;
  a.purpose = std::string(ProofPurposeName(ProofPurpose::kRegister));
  a.phone_e164 = result.number.e164;
  a.phone_type = std::string(methods::PhoneTypeName(*type));
  a.extension_removed = result.number.extension_removed;
  a.locale = request.locale;
  a.replaces_method_id = request.replacing;
  a.client_ip = request.client_ip;
  return Place(std::move(a),
               i18n::Catalog::BuiltIn().Get(request.locale, "voice_prompt_register",
                                            {{"organization", tenant->name}}),
               result.number);
}

BeginResult PhoneRegistration::BeginProof(const ProofCallRequest& request) {
  const store::User& user = request.user;
  const store::Method& m = request.method;
  if (m.user_id != user.id || !methods::IsKind(m, methods::MethodKind::kPhone)) {
    return {BeginError::kMethodNotFound};
  }
  const methods::phone::PhoneData phone = methods::phone::DataOf(m);
  if (phone.number.empty()) return {BeginError::kMethodNotFound};
  if (BeginError e = CountCall(user, phone.number, request.client_ip); e != BeginError::kNone) {
    return {e};
  }
  auto tenant = store_.tenants().Get(user.tenant_id);
  if (!tenant.ok()) return {BeginError::kInternal};

  store::CallAttempt a;
  a.tenant_id = user.tenant_id;
  a.user_id = user.id;
  a.purpose = std::string(ProofPurposeName(request.purpose));
  a.phone_e164 = phone.number;
  a.phone_type = phone.type;
  a.locale = request.locale;
  a.method_id = m.id;
  a.client_ip = request.client_ip;
  a.fraud_confirm = request.fraud_confirm;
  const std::string key = request.purpose == ProofPurpose::kPasswordReset
                              ? "voice_prompt_password_reset"
                              : "voice_prompt_sign_in";
  std::string prompt =
      i18n::Catalog::BuiltIn().Get(request.locale, key, {{"organization", tenant->name}});
  // The call asks for 1 only once "0#" is pressed (AskToConfirmFraud). A provider that cannot say
  // anything after the opening prompt gets the request for 1 in it, up front, as before.
  if (request.fraud_confirm && !voice_.CanSay()) {
    prompt += " " + i18n::Catalog::BuiltIn().Get(request.locale, "voice_prompt_fraud_confirm");
  }
  phone::ParsedNumber number;
  number.e164 = phone.number;
  return Place(std::move(a), prompt, number);
}

BeginError FromTollVerdict(TollVerdict v) {
  switch (v) {
    case TollVerdict::kAllowed:
      return BeginError::kNone;
    case TollVerdict::kCountryNotAllowed:
      return BeginError::kCountryNotAllowed;
    case TollVerdict::kNumberTypeRefused:
      return BeginError::kNumberTypeRefused;
    case TollVerdict::kTooMany:
      return BeginError::kTooManyCalls;
    case TollVerdict::kUnavailable:
      break;
  }
  return BeginError::kInternal;
}

BeginError PhoneRegistration::CountCall(const store::User& user, const std::string& e164,
                                        const std::string& client_ip) {
  // A call costs money and rings somebody's phone: the tenant's toll-fraud rules (country, number
  // type, hourly caps) and our own limits per person and per called number, all counted before the
  // call is placed (parallel requests cannot pass them) and none when one refuses.
  const TollGuard::Cap own[] = {
      {"call:user:" + std::to_string(user.id), options_.max_calls_per_hour},
      {"call:number:" + e164, options_.max_calls_per_hour},
  };
  return FromTollVerdict(toll_.Allow({user.tenant_id, user.id, client_ip, "call", e164}, own));
}

BeginResult PhoneRegistration::Place(store::CallAttempt a, const std::string& prompt,
                                     phone::ParsedNumber number) {
  BeginResult result;
  result.number = std::move(number);
  // One live call per person: starting again ends the previous one.
  if (auto live = store_.call_attempts().ListLiveForUser(a.user_id); live.ok()) {
    for (const store::CallAttempt& old : *live) Cancel(old.id, a.user_id);
  }
  const int64_t now = clock_.NowMillis();
  a.id = random_.Token();
  a.state = CallState::kPlacing;
  a.provider = std::string(voice_.name());
  a.provider_call_id = a.id;
  a.created_at = a.updated_at = now;
  if (!store_.call_attempts().Create(a).ok()) return {BeginError::kInternal};

  channels::CallRequest call;
  call.reference = a.id;
  call.destination = a.phone_e164;
  call.locale = a.locale;
  call.prompt = prompt;
  call.caller_id = options_.caller_id;
  // The tenant's recording says what registration says; other purposes speak their own prompt.
  if (a.purpose == ProofPurposeName(ProofPurpose::kRegister)) {
    call.greeting_ulaw = GreetingFor(a.tenant_id, a.locale);
  }
  Status placed = voice_.PlaceCall(call);
  if (!placed.ok()) {
    spdlog::warn("voice provider {} could not place call {}: {}", voice_.name(), a.id,
                 placed.ToString());
    Advance(
        a.id,
        [&](store::CallAttempt& x) {
          return ApplyCallEvent(x, {channels::CallEventKind::kFailed, 0, placed.message()},
                                clock_.NowMillis());
        },
        placed.message());
    result.error = BeginError::kCallFailed;
    return result;
  }
  result.attempt_id = a.id;
  return result;
}

std::string PhoneRegistration::GreetingFor(int64_t tenant_id, const std::string& locale) {
  auto greeting = store_.greetings().Get(tenant_id, locale);
  if (greeting.ok()) return std::move(greeting->audio_ulaw);
  // The spoken prompt says the same: a greeting that cannot be read must not cost the call.
  if (greeting.status().code() != Status::Code::kNotFound) {
    spdlog::warn("tenant {} greeting ({}) unreadable, speaking the prompt instead: {}", tenant_id,
                 locale, greeting.status().ToString());
  }
  return "";
}

Result<store::CallAttempt> PhoneRegistration::Get(std::string_view attempt_id, int64_t user_id) {
  auto a = Advance(attempt_id, [&](store::CallAttempt& x) {
    return ApplyCallTimeouts(x, clock_.NowMillis(), options_.timeouts);
  });
  // Another person's attempt is as good as absent.
  if (a.ok() && a->user_id != user_id) return Status::NotFound("no such attempt");
  return a;
}

Status PhoneRegistration::Cancel(std::string_view attempt_id, int64_t user_id) {
  auto a = store_.call_attempts().Get(attempt_id);
  if (!a.ok()) return a.status();
  if (a->user_id != user_id) return Status::NotFound("no such attempt");
  return Advance(attempt_id,
                 [&](store::CallAttempt& x) {
                   if (store::IsFinal(x.state)) return false;
                   x.state = CallState::kCancelled;
                   x.ended_at = clock_.NowMillis();
                   return true;
                 })
      .status();
}

int PhoneRegistration::ExpireStale(int limit) {
  const int64_t now = clock_.NowMillis();
  // An attempt past either timeout was created at least the shorter timeout ago.
  const int64_t horizon =
      now - std::min(options_.timeouts.ring_millis, options_.timeouts.input_millis);
  auto live = store_.call_attempts().ListLiveCreatedBefore(horizon + 1, limit);
  if (!live.ok()) return 0;
  int ended = 0;
  for (const store::CallAttempt& a : *live) {
    auto after = Advance(a.id, [&](store::CallAttempt& x) {
      return ApplyCallTimeouts(x, clock_.NowMillis(), options_.timeouts);
    });
    if (after.ok() && after->ended_at != 0) ++ended;
  }
  return ended;
}

void PhoneRegistration::OnCallEvent(std::string_view provider, std::string_view reference,
                                    const channels::CallEvent& event) {
  auto a = store_.call_attempts().FindByProviderCall(provider, reference);
  if (!a.ok()) {
    spdlog::warn("call event for unknown call {}/{}: {}", provider, reference,
                 a.status().ToString());
    return;
  }
  const std::string_view why =
      event.kind == channels::CallEventKind::kFailed ? std::string_view(event.detail) : "";
  auto advanced = Advance(
      a->id, [&](store::CallAttempt& x) { return ApplyCallEvent(x, event, clock_.NowMillis()); },
      why);
  if (!advanced.ok()) {
    spdlog::error("call {} could not record an event: {}", a->id, advanced.status().ToString());
  }
}

Result<store::CallAttempt> PhoneRegistration::Advance(
    std::string_view attempt_id, const std::function<bool(store::CallAttempt&)>& change,
    std::string_view why) {
  bool ended_now = false;
  bool confirming_now = false;
  auto written = CompareAndSet<store::CallAttempt>(
      [&] { return store_.call_attempts().Get(attempt_id); },
      [&](store::CallAttempt& next) {
        const bool was_live = next.ended_at == 0;
        const bool was_confirming = next.state == CallState::kConfirmingFraud;
        if (!change(next)) return false;
        next.updated_at = clock_.NowMillis();
        ended_now = was_live && next.ended_at != 0;
        confirming_now = !was_confirming && next.state == CallState::kConfirmingFraud;
        return true;
      },
      [&](store::CallAttempt& next) -> Status {
        if (next.state != CallState::kConfirmed ||
            next.purpose != ProofPurposeName(ProofPurpose::kRegister)) {
          return store_.call_attempts().Update(next);
        }
        // A registration's '#' creates the phone, and its audit entry, in the same transaction.
        store::Method m;
        m.user_id = next.user_id;
        methods::phone::Put({next.phone_type, next.phone_e164}, m);
        m.created_at = next.updated_at;
        Result<int64_t> id = Status::Unavailable("not written");
        Status kept = ChangeWithAudit(
            store_,
            [&] {
              id = store_.call_attempts().UpdateAndCreateMethod(next, m);
              return id.status();
            },
            [&] {
              Audit(next, next.replaces_method_id ? "method_change" : "method_register", "success");
            });
        if (kept.ok()) {
          next.method_id = *id;
          return Status::Ok();
        }
        if (id.ok()) return kept;  // written, then not committed
        if (id.status().code() != Status::Code::kAlreadyExists &&
            id.status().code() != Status::Code::kNotFound) {
          return id.status();
        }
        // The same phone was registered, or the phone being changed deleted, meanwhile (another
        // tab): this call proves nothing that can still be saved.
        next.state = CallState::kFailed;
        return store_.call_attempts().Update(next);
      });
  if (written.ok() && ended_now) OnFinal(*written, why);
  if (written.ok() && confirming_now) AskToConfirmFraud(*written);
  return written;
}

void PhoneRegistration::AskToConfirmFraud(const store::CallAttempt& a) {
  Status said =
      voice_.Say(a.provider_call_id,
                 i18n::Catalog::BuiltIn().Get(a.locale, "voice_prompt_fraud_reported"), a.locale);
  // Unimplemented: the provider cannot speak after the opening prompt, which asked for 1 already
  // (BeginProof), so the call goes on as it always did.
  if (said.ok() || said.code() == Status::Code::kUnimplemented) return;
  // The person was not told about 1: a hang-up or silence still records the report, unconfirmed.
  spdlog::warn("call {} could not ask to confirm the fraud report: {}", a.id, said.ToString());
}

void PhoneRegistration::OnFinal(const store::CallAttempt& a, std::string_view why) {
  const CallState state = a.state;
  if (state != CallState::kHungUp) {
    Status s = voice_.HangUp(a.provider_call_id);
    if (!s.ok()) spdlog::warn("hanging up call {}: {}", a.id, s.ToString());
  }
  // A call is never retried (a second call the person did not ask for): its failure, with the
  // provider's reason, is counted here.
  Audit(a, "call", std::string(store::StateName(state)),
        why.empty()
            ? ""
            : "attempt " + a.id.substr(0, 8) + " to " + a.phone_e164 + "; " + std::string(why));
  const ProofPurpose purpose = ParseProofPurpose(a.purpose).value_or(ProofPurpose::kRegister);
  // A registration's own entry was written with the phone (Advance).
  if (state == CallState::kFraudReported) {
    Audit(a, "fraud_report", FraudConfirmed(a) ? "confirmed" : "denied",
          "the called person pressed " + a.digits + " during a " + a.purpose + " call");
  }
  if (observer_ == nullptr) return;
  ProofEnd end;
  end.tenant_id = a.tenant_id;
  end.user_id = a.user_id;
  end.purpose = purpose;
  end.proof = methods::Proof::kCall;
  end.method = AuditMethod(a);
  end.client_ip = a.client_ip;
  end.detail = "call " + a.id.substr(0, 8) + " to " + a.phone_e164 + ": " +
               std::string(store::StateName(state));
  switch (state) {
    case CallState::kConfirmed:
      end.outcome = ProofOutcome::kSucceeded;
      break;
    case CallState::kWrongKey:
      end.outcome = ProofOutcome::kFailed;
      break;
    case CallState::kFraudReported:
      end.outcome =
          FraudConfirmed(a) ? ProofOutcome::kFraudConfirmed : ProofOutcome::kFraudReported;
      break;
    case CallState::kNoAnswer:
    case CallState::kNoInput:
      end.outcome = ProofOutcome::kTimedOut;
      break;
    default:
      end.outcome = ProofOutcome::kCancelled;
      break;
  }
  observer_->OnProofEnded(end);
}

void PhoneRegistration::Audit(const store::CallAttempt& a, std::string action, std::string result,
                              std::string detail) {
  RecordAudit(
      store_, clock_,
      {a.tenant_id, a.user_id, a.client_ip, std::move(action), AuditMethod(a), std::move(result),
       detail.empty() ? "attempt " + a.id.substr(0, 8) + " to " + a.phone_e164 : detail});
}

}  // namespace secinfo::flows
