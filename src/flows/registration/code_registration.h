#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "channels/email/email_channel.h"
#include "channels/sms/sms_channel.h"
#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"
#include "core/scheduler.h"
#include "flows/proof.h"
#include "flows/registration/phone_registration.h"
#include "flows/toll_guard.h"
#include "store/store.h"

namespace secinfo::flows {

struct CodeOptions {
  int64_t sms_validity_millis = 180'000;  // NIST SP 800-63B §5.1.3.2 suggests minutes, not hours
  int64_t email_validity_millis = 300'000;
  int64_t max_wrong_tries = 5;  // per code (ASVS V2.2.1 anti-automation)
  int64_t resend_cooldown_millis = 30'000;
  int64_t max_sends_per_hour = 5;         // per number or address: each text costs and disturbs
  std::string webotp_host = "localhost";  // the "@host #code" line browsers read for autofill
  // A text or mail the provider could not take is sent again only when that is safe (the provider
  // says so: channels/send_result.h), up to this many attempts in all, waiting first_retry_millis,
  // then twice as long each time. The first attempt is made while the person waits; the others
  // in the background (the code is on its way), so no request's thread sleeps.
  int max_send_attempts = 3;
  int64_t first_retry_millis = 500;
  // Receipts an HTTP gateway sends to our callback, per client network and minute: counted
  // before the signature is checked, as for every request that needs no session.
  int64_t max_receipt_callbacks_per_minute = 600;
};

struct CodeBeginRequest {
  store::User user;
  methods::MethodKind kind = methods::MethodKind::kEmail;  // kPhone (code by SMS) or kEmail
  std::string region;      // phone: how to read a number typed without "+"
  std::string number;      // phone, as typed
  std::string phone_type;  // phone: "mobile", "alternate_mobile" (texts go to mobiles only)
  std::string email;       // email, as typed
  std::string locale;
  std::string client_ip;
  std::optional<int64_t> replacing;  // a method being changed
};

struct CodeBeginResult {
  BeginError error = BeginError::kNone;
  std::string challenge_id;
  phone::ParsedNumber number;  // phone, once parsed
};

enum class CodeOutcome {
  kAccepted,     // right code: the method now exists (registration) or the holder is proven
  kRejected,     // wrong code; CodeCheck::tries_left more tries
  kMalformed,    // not six digits
  kExpired,      // too late: ask for a new code
  kLockedOut,    // too many wrong tries for this code: ask for a new code
  kNotPending,   // already verified or given up
  kTaken,        // meanwhile the same method was registered (another tab)
  kUnavailable,  // the store could not be reached
};

struct CodeCheck {
  CodeOutcome outcome = CodeOutcome::kRejected;
  int64_t tries_left = 0;
};

enum class ResendOutcome { kSent, kTooSoon, kTooMany, kNotPending, kFailed };

enum class ReceiptCallbackOutcome {
  kRecorded,     // a final status, signed by us: recorded as SMPP receipts are
  kIgnored,      // signed by us, but the status is not final (queued, submitted...)
  kRejected,     // not a link of ours (forged, altered, fields missing)
  kNotTaken,     // the SMS provider takes no receipt callbacks
  kTooMany,      // the client network's limit is reached
  kUnavailable,  // the store could not count the request
};

// Registers a phone by a code sent by SMS, or an email address by a code sent by mail. Codes come
// from the CSPRNG, are stored only as a keyed hash, work once, expire, and lock after too many
// wrong tries. All state is in the store. Thread-safe.
//
// Texts whose provider names them (SendResult::references) are recorded with their challenge, and
// the provider's delivery receipts (channels::SmsReceiptSink) against them, in the store: a
// receipt received by any node shows on the page of the person, whichever node serves it.
class CodeRegistration final : public channels::SmsReceiptSink {
 public:
  CodeRegistration(store::Store& store, channels::SmsChannel& sms, channels::EmailChannel& email,
                   const Clock& clock, Random& random, Scheduler& retries, std::string code_key,
                   CodeOptions options);

  CodeBeginResult Begin(const CodeBeginRequest& request);
  // Sends a code to a registered mobile (by SMS) or address (by mail) to prove the person holds
  // it, for `purpose` (not registration): the text says why; a right code creates nothing.
  CodeBeginResult BeginProof(const store::User& user, const store::Method& method,
                             ProofPurpose purpose, std::string_view locale,
                             std::string_view client_ip);
  CodeCheck Verify(std::string_view challenge_id, int64_t user_id, std::string_view code);
  // A new code, replacing the old one. kTooSoon within the cooldown (see SecondsUntilResend).
  ResendOutcome Resend(std::string_view challenge_id, int64_t user_id);
  // NotFound unless it is `user_id`'s.
  Result<store::CodeChallenge> Get(std::string_view challenge_id, int64_t user_id);
  int64_t SecondsUntilResend(const store::CodeChallenge& c) const;
  // How long a code sent on `channel` ("sms", "email") is valid, in whole minutes rounded up: what
  // the text or mail says, and what pages say of it.
  int64_t ValidityMinutes(std::string_view channel) const;
  // What the network said of the code last texted for `c`, all its parts together: kDelivered
  // once every part reached the phone, kUndelivered as soon as the network gave up on one (the
  // code will not arrive), else kNoReceipt; always kNoReceipt for mail and for providers without
  // receipts (the simulated network, an HTTP gateway not asked for them). Pages and their scripts
  // name it by store::StateName.
  store::DeliveryState DeliveryOf(const store::CodeChallenge& c);

  // Records a receipt in the store, off the provider's thread (on `retries`), and audits it
  // ("code_delivery": delivered or undelivered) once its text is known, here or when the sending
  // node records the text.
  void OnSmsReceipt(const channels::SmsReceiptReport& report) override;
  // A receipt the SMS provider's gateway sent to our callback (HTTP gateways: Kannel's dlr-url):
  // counted against the sender's network first, then read by the provider (which checks our
  // signature) and, when final, recorded like OnSmsReceipt. Thread-safe; does not wait for the
  // record.
  ReceiptCallbackOutcome TakeReceiptCallback(const channels::ReceiptFields& fields,
                                             std::string_view client_ip);

  // The keyed hash under which a code is kept. Public for tests.
  std::string CodeHash(std::string_view challenge_id, std::string_view code) const;

 private:
  // Counts one send of `c` before it is sent: the tenant's toll-fraud rules for texts, and the
  // hourly limit per number or address. kNone when it may go.
  BeginError CountSend(const store::CodeChallenge& c);
  // Records `c`, then sends its first code; the challenge id, or why not.
  CodeBeginResult CreateAndSend(store::CodeChallenge& c, CodeBeginResult result);
  // Draws a new code and puts its hash, expiry and counters into `c`. Returns the code.
  std::string Arm(store::CodeChallenge& c);
  struct Delivery;
  // Sends `code` by the challenge's channel, in its language. Ok once sent, or when the first
  // attempt failed in a way that is safe to retry: the next attempts are then scheduled on
  // `retries`, and the challenge ends kFailed if the last one fails too. Every attempt is in the
  // audit log ("code_send": sent, retry or failed, with the provider's reason). The failure when
  // the first attempt failed for good.
  Status Deliver(const store::CodeChallenge& c, const std::string& code,
                 const std::string& organization);
  // Attempt number `attempt`; schedules the next one when needed. The failure unless sent or
  // scheduled again.
  Status Attempt(const std::shared_ptr<const Delivery>& d, int attempt, int64_t wait);
  // The code of `c` (as sent in `d`) could not be sent: it is given up, unless replaced meanwhile.
  void GiveUp(const Delivery& d);
  // Records the provider's ids of the parts of the text just sent for `c`.
  void Track(const store::CodeChallenge& c, const std::vector<std::string>& references);
  void RecordReceipt(const channels::SmsReceiptReport& report);
  void AuditReceipt(const store::CodeChallenge& c, const store::TextDelivery& t);
  void Audit(const store::CodeChallenge& c, std::string action, std::string result,
             const std::string& why = "");

  store::Store& store_;
  channels::SmsChannel& sms_;
  channels::EmailChannel& email_;
  const Clock& clock_;
  Random& random_;
  Scheduler& retries_;
  const std::string code_key_;
  const CodeOptions options_;
  TollGuard toll_{store_, clock_};
};

}  // namespace secinfo::flows
