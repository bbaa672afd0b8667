#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "channels/voice/voice_channel.h"
#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"
#include "flows/proof.h"
#include "flows/registration/call_state.h"
#include "flows/toll_guard.h"
#include "methods/phone/phone_method.h"
#include "phone/number.h"
#include "store/store.h"

namespace secinfo::flows {

struct PhoneRegistrationOptions {
  CallTimeouts timeouts;            // ring and input time
  int64_t max_calls_per_hour = 10;  // per person and per called number: each call rings a phone
  std::string caller_id = "secinfo";
};

// Why a registration could not start. The page shows a message per value, next to the field.
enum class BeginError {
  kNone,
  kMethodNotAllowed,  // the tenant does not allow phones
  kBadPhoneType,
  kEmptyNumber,
  kInvalidCharacters,
  kTooShort,
  kTooLong,
  kInvalidCountryCode,
  kUnknownRegion,
  kNotValidForRegion,
  kMethodNotFound,    // the phone being changed is not the person's
  kTypeTaken,         // a phone of this type is already registered
  kNumberTaken,       // this number is registered as another type
  kCannotReceiveSms,  // texts go to mobile numbers only
  kInvalidEmail,
  kTooManyCalls,       // calls or texts: too many in the last hour
  kCountryNotAllowed,  // the tenant does not call or text that country (toll fraud)
  kNumberTypeRefused,  // premium rate, shared cost, ... (toll fraud)
  kCallFailed,         // the voice provider could not place the call
  kInternal,
};

// The page's error for a number libphonenumber (or our extension rules) refused.
BeginError FromParseError(phone::ParseError e);
// The page's error for a call or text the toll-fraud rules refused; kNone when allowed.
BeginError FromTollVerdict(TollVerdict v);
// The page's error when the phone clashes with one already registered; kNone when it does not.
BeginError FromPhoneConflict(methods::PhoneConflict c);

struct BeginRequest {
  store::User user;
  std::string region;      // "FR": how to read a number typed without "+"
  std::string number;      // as typed
  std::string phone_type;  // "mobile", "alternate_mobile", "office"
  std::string locale;      // language of the call
  std::string client_ip;
  // Changing a phone: the method replaced once the new number is confirmed. Its type wins over
  // `phone_type`. kMethodNotFound unless it is one of the person's phones.
  std::optional<int64_t> replacing;
};

// A call to a phone the person registered, to prove they still hold it (sign-in, step-up, reset).
struct ProofCallRequest {
  store::User user;
  store::Method method;  // the registered phone to call
  ProofPurpose purpose = ProofPurpose::kSignIn;
  std::string locale;  // language of the call
  std::string client_ip;
  bool fraud_confirm = false;  // "0#" asks for 1 to confirm (the tenant blocks on fraud reports)
};

struct BeginResult {
  BeginError error = BeginError::kNone;
  std::string attempt_id;      // set on success
  phone::ParsedNumber number;  // set once the number parsed
};

// Registers a phone by calling it: the person answers and presses '#'. Every step is kept in the
// store, so the call may be placed by one node, answered through another, and watched from a third.
// The method exists only once '#' is pressed; no other outcome leaves anything half-registered.
// Thread-safe.
class PhoneRegistration final : public channels::CallEventSink {
 public:
  PhoneRegistration(store::Store& store, channels::VoiceChannel& voice, const Clock& clock,
                    Random& random, PhoneRegistrationOptions options);

  // Checks policy and number, ends any earlier live attempt of the person, then places the call:
  // it plays the tenant's recorded greeting in the call's language if there is one, else speaks
  // the catalog's prompt.
  BeginResult Begin(const BeginRequest& request);

  // Calls a registered phone for `request.purpose`: the prompt says why; '#' proves the phone and
  // creates nothing. Same limits as registration calls. The outcome reaches the ProofObserver.
  // With `fraud_confirm`, "0#" makes the call say that fraud was reported and ask for 1 to confirm
  // (VoiceChannel::Say); where the provider cannot, the opening prompt asks for it up front.
  BeginResult BeginProof(const ProofCallRequest& request);

  // Told of every call that ends (all purposes). REQUIRES: set before the first call, or never.
  void SetObserver(ProofObserver* observer) { observer_ = observer; }

  // The attempt as it stands now, timeouts applied. NotFound unless it is `user_id`'s.
  Result<store::CallAttempt> Get(std::string_view attempt_id, int64_t user_id);

  // The person gave up from the page: the call is hung up. OK when already final.
  Status Cancel(std::string_view attempt_id, int64_t user_id);

  // Ends live calls whose ring or input time has passed, though nobody is watching them (the person
  // closed the page): the phone stops ringing and the outcome is recorded. Returns how many ended.
  // Safe to run on every node at once.
  int ExpireStale(int limit = 100);

  // From the voice provider.
  void OnCallEvent(std::string_view provider, std::string_view reference,
                   const channels::CallEvent& event) override;

 private:
  // Reads the attempt, applies `change`, writes it back if it changed (compare-and-set, retried on
  // a concurrent write), creating the method on confirmation, then acts on a newly final state.
  // `why`: the provider's reason when the change is a failure, for the audit log.
  Result<store::CallAttempt> Advance(std::string_view attempt_id,
                                     const std::function<bool(store::CallAttempt&)>& change,
                                     std::string_view why = {});
  void OnFinal(const store::CallAttempt& a, std::string_view why);
  // "0#" was pressed where a report needs confirming: the call now says so and asks for 1.
  void AskToConfirmFraud(const store::CallAttempt& a);
  // The tenant's recorded greeting in `locale` (u-law), or empty to speak the prompt.
  std::string GreetingFor(int64_t tenant_id, const std::string& locale);
  void Audit(const store::CallAttempt& a, std::string action, std::string result,
             std::string detail = "");
  // Counts the call against the tenant's toll-fraud rules and the person's and the number's hourly
  // limits; kNone when allowed.
  BeginError CountCall(const store::User& user, const std::string& e164,
                       const std::string& client_ip);
  // Creates the attempt and places the call saying `prompt`.
  BeginResult Place(store::CallAttempt a, const std::string& prompt, phone::ParsedNumber number);

  store::Store& store_;
  channels::VoiceChannel& voice_;
  const Clock& clock_;
  Random& random_;
  const PhoneRegistrationOptions options_;
  ProofObserver* observer_ = nullptr;
  TollGuard toll_{store_, clock_};
};

}  // namespace secinfo::flows
