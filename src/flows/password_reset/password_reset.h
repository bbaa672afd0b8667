#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"
#include "flows/notify/notifier.h"
#include "flows/password/passwords.h"
#include "flows/sign_in/verification.h"
#include "methods/registry.h"
#include "store/store.h"

namespace secinfo::flows {

// The defaults are those of Config::PasswordReset ([password_reset] in secinfo.toml).
struct ResetOptions {
  int64_t validity_millis = 15 * 60 * 1000;  // a reset must end within this
  // Limits, each reserved in the store before the check it guards, keyed by the user name as typed
  // (so an unknown name is limited exactly like a real one) (ASVS V2.2.1).
  int64_t max_resets_per_day = 5;   // resets started per person in 24 h
  int64_t max_checks_per_hour = 5;  // per path: phone (number typed, code), questions, app
  int64_t max_emails = 10;          // codes mailed per person
  int64_t email_window_millis = 10 * 60 * 1000;
  int64_t path_lock_millis = 24 * 3600 * 1000;  // a path over its limit is locked this long
  // Starting resets from one address: 20 an hour covers a building behind one NAT; a script
  // trying names is slowed to one every three minutes.
  int64_t max_starts_per_ip = 20;
  int64_t ip_window_millis = 3600 * 1000;
  std::string decoy_key;  // secret: a decoy's questions are drawn from HMAC(decoy_key, name)
};

// Where a reset stands, as its pages show it.
enum class ResetStage {
  kChoose,       // pick a way to prove this step
  kTypeNumber,   // type the whole registered number first
  kCode,         // type the code mailed, texted, or shown by the app
  kCall,         // answer the call and press #
  kPush,         // approve the request on the device, typing the number shown
  kQuestions,    // answer the questions asked
  kNewPassword,  // every step proven: choose the new password
};

struct ResetView {
  ResetStage stage = ResetStage::kChoose;
  int64_t step = 1;
  int64_t steps = 1;
  const methods::ResetOffer* offer = nullptr;      // the way being tried; null when choosing
  std::vector<const methods::ResetOffer*> offers;  // kChoose: the ways offered, in order
  std::vector<std::string> questions;              // kQuestions: question ids, in order
  int64_t push_number = 0;                         // kPush: what the device must type
  std::optional<store::CallState> call_state;  // kCall: where the call stands, when there is one
  bool failed = false;  // kCall, kPush: the proof ended without success; choose again
  store::User user;     // kNewPassword only
  int64_t tenant_id = 0;
  std::string region;  // how to read a number typed without "+"
};

enum class ResetOutcome {
  kOk,
  kThrottled,      // too many resets from this address, or for this person today
  kPathLocked,     // that way is locked for 24 hours: choose another
  kNumberDiffers,  // the number typed is not the registered one (the same for a decoy)
  kWrong,          // wrong code or answers (never says which answer)
  kMalformed,      // not a code, or not an answer to every question
  kSendFailed,     // the call or text could not be placed: try again or choose another way
  kExpired,        // the reset is over or unknown: start again
  kRefused,        // the new password breaks the rule: see `password`
  kUnavailable,
};

struct ResetResult {
  ResetOutcome outcome = ResetOutcome::kUnavailable;
  std::string token;      // Start: the cookie's value
  ChangeResult password;  // Finish: why a new password was refused
};

// Self-service password reset ("Get back into your account"): a user name, one or two proofs with
// registered security info (flows::Verifier, purpose password_reset, each bound to the SHA-256 of
// the reset's random token), then a new password. All state is in the store, so any node serves
// any step. An unknown user, one without enough methods, a blocked or locked one get a decoy: the
// same pages and answers, which never succeed; the reason is only in the audit log. Thread-safe.
class PasswordResets {
 public:
  // `notifier` may be null (no notices).
  PasswordResets(store::Store& store, Verifier& verifier, Passwords& passwords, Notifier* notifier,
                 const Clock& clock, Random& random, ResetOptions options);

  // Starts a reset for `username` (as typed). kOk with the token, or kThrottled.
  ResetResult Start(std::string_view username, std::string_view client_ip);

  // The reset behind `token` as it stands (a call or push settled when it ended). NotFound when
  // unknown or expired.
  Result<ResetView> Get(std::string_view token, std::string_view lang);

  // Chooses a way for this step. Ways that need nothing typed start now (a mail, a push,
  // questions).
  ResetResult Choose(std::string_view token, std::string_view offer, std::string_view lang);
  // Back to the choice of ways for this step.
  ResetResult ChooseAgain(std::string_view token);
  // The whole number typed for a phone way: compared with the registered one, then called or
  // texted.
  ResetResult SubmitNumber(std::string_view token, std::string_view typed, std::string_view lang);
  ResetResult SubmitCode(std::string_view token, std::string_view code);
  ResetResult SubmitAnswers(std::string_view token, const std::vector<std::string>& answers,
                            std::string_view lang);
  // Every step proven: sets the new password, ends every session and remembered browser of the
  // person, clears the reset limits, tells them (and the administrators per the tenant's rules).
  ResetResult Finish(std::string_view token, std::string_view next, std::string_view confirmation);

  // How many more methods usable for reset the person should register (0: enough, or the tenant
  // does not require registration); the registration interrupt asks for them.
  int64_t MissingMethods(const store::User& user);
  // Whether the person is due to review their security info (the tenant requires registration,
  // and its re-confirmation interval has passed since their last review, or since the account was
  // made), and has any.
  bool ReviewDue(const store::User& user);
  Status RecordReview(const store::User& user, std::string_view client_ip);

  // The limits and lifetimes in force (their pages say how long a reset lasts and a way stays
  // locked).
  const ResetOptions& options() const { return options_; }

  // Whether `username`'s reset path `path` is locked now (tests, operators).
  bool PathLocked(std::string_view username, std::string_view path);

 private:
  struct Loaded;
  // How many of `choices` (the person's methods for reset) serve a way of the portal.
  static int64_t UsableCount(const store::User& user, int64_t steps,
                             const std::vector<MethodChoice>& choices);
  Result<Loaded> Load(std::string_view token);
  // Writes `r` back over the version read.
  Status Save(store::PasswordReset& r);
  // The person's methods that can serve `offer` at this step (none for a decoy).
  std::vector<store::Method> MethodsFor(const Loaded& l, const methods::ResetOffer& offer);
  // Reserves one use of `path` for the reset's user name: false when over the limit (the path is
  // then locked for path_lock_millis) or locked.
  bool ReservePath(const store::PasswordReset& r, std::string_view path, int64_t limit,
                   int64_t window);
  // Draws the questions a decoy asks: a stable set per name, drawn afresh each try.
  std::string DecoyQuestions(const store::PasswordReset& r);
  // A proven step: the next one, or the new password.
  ResetResult Advance(Loaded& l, int64_t method_id);
  // Starts the Verifier's proof for the step's way on `method`.
  ResetResult StartProof(Loaded& l, const store::Method& method, methods::Proof proof,
                         std::string_view lang);
  void Audit(const store::PasswordReset& r, std::string action, std::string result,
             std::string detail = "");

  store::Store& store_;
  Verifier& verifier_;
  Passwords& passwords_;
  Notifier* notifier_;
  const Clock& clock_;
  Random& random_;
  const ResetOptions options_;
};

}  // namespace secinfo::flows
