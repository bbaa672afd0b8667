#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"
#include "crypto/secret_box.h"
#include "store/store.h"

namespace secinfo::flows {

struct AppOptions {
  int64_t enrolment_validity_millis = 10 * 60 * 1000;  // time to scan and type a first code
  int64_t max_apps = 5;                                // authenticator apps per person
  int64_t max_wrong_codes = 10;                        // per enrolment and per test, per hour
};

enum class AppError {
  kNone,
  kNotAllowed,  // the tenant does not allow authenticator apps
  kBadName,     // empty, over 64 characters, or control characters
  kTooMany,     // already max_apps apps
  kNotFound,
  kInternal,
};

enum class AppCodeOutcome {
  kAccepted,
  kRejected,   // wrong code
  kReplayed,   // this code (time step) was used already
  kMalformed,  // not six digits
  kExpired,    // the enrolment took too long: start again
  kThrottled,  // too many wrong codes
  kNotPending,
  kUnavailable,
};

// What the QR page shows. The seed is only ever decrypted to build this view and to check codes.
struct AppEnrolmentView {
  store::AppEnrolment enrolment;
  std::string key_uri;     // otpauth://totp/...
  std::string manual_key;  // "JBSW Y3DP ..." for "Can't scan?"
};

// Adds authenticator apps (TOTP, RFC 6238) and checks their codes. The seed is 160 bits from the
// CSPRNG, sealed (secretbox) before it reaches the store; a time step is accepted once per app.
// Thread-safe.
class AppRegistration {
 public:
  AppRegistration(store::Store& store, const Clock& clock, Random& random, crypto::SecretBox seeds,
                  AppOptions options);

  // Starts an enrolment named `name` (trimmed). On success sets `*enrolment_id`.
  AppError Begin(const store::User& user, std::string_view name, std::string_view client_ip,
                 std::string* enrolment_id);
  // NotFound unless it is `user`'s. `issuer` is the tenant's name, shown by the app.
  Result<AppEnrolmentView> View(std::string_view enrolment_id, const store::User& user,
                                std::string_view issuer);
  // Finishes the enrolment with a code from the app: the method exists once this accepts.
  AppCodeOutcome Finish(std::string_view enrolment_id, const store::User& user,
                        std::string_view code, std::string_view client_ip);
  // Checks a code of a registered app (as sign-in will): accepted at most once per time step.
  AppCodeOutcome Check(int64_t method_id, const store::User& user, std::string_view code,
                       std::string_view client_ip);
  // The same, for a caller that reserved this check against its own limit first (sign-in's
  // verification lockout), read the method `app` and audits the outcome itself: no second
  // throttle and no audit line here.
  AppCodeOutcome CheckReserved(const store::Method& app, const store::User& user,
                               std::string_view code);
  AppError Rename(int64_t method_id, const store::User& user, std::string_view name,
                  std::string_view client_ip);

  // The name as stored, or nullopt when unacceptable.
  static std::optional<std::string> CleanName(std::string_view name);

 private:
  std::string Open(const std::string& sealed) const;
  // Counts a try under `key` before checking it; false when the hour's tries are used up.
  bool Reserve(const std::string& key);
  // Gives a reserved try back (it was not a wrong code).
  void Release(const std::string& key);
  // The code against `app`'s seed; an accepted one's time step is marked used.
  AppCodeOutcome Verify(const store::Method& app, const store::User& user, std::string_view code);
  void Audit(const store::User& user, std::string_view ip, std::string action, std::string result,
             std::string detail);

  store::Store& store_;
  const Clock& clock_;
  Random& random_;
  const crypto::SecretBox seeds_;
  const AppOptions options_;
};

}  // namespace secinfo::flows
