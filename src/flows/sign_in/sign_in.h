#pragma once

#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"
#include "store/store.h"

namespace secinfo::flows {

struct SignInOptions {
  int64_t max_failures_per_account = 5;
  int64_t max_failures_per_ip = 20;
  int64_t failure_window_millis = 15 * 60 * 1000;
  int64_t session_idle_millis = 30 * 60 * 1000;
  int64_t session_absolute_millis = 12 * 3600 * 1000;
};

enum class SignInOutcome {
  kSignedIn,
  kInvalidCredentials,  // unknown user or wrong password: one answer for both (ASVS V2.2.x, V3.x)
  kThrottled,           // too many failures for this account or this address
};

struct SignInResult {
  SignInOutcome outcome = SignInOutcome::kInvalidCredentials;
  store::User user;           // kSignedIn only
  std::string session_token;  // kSignedIn only: goes into the cookie, never stored as is
};

// A person signed in through a session cookie.
struct Principal {
  store::User user;
  std::string session_token;
};

// Password sign-in and server-side sessions. Sessions are random 256-bit tokens; the store keeps
// only their SHA-256, so a copy of the database does not hand out sessions. Thread-safe. SignIn
// blocks for an Argon2id verification (~50 ms, 19 MiB): call it off I/O threads.
class Sessions {
 public:
  Sessions(store::Store& store, const Clock& clock, Random& random, SignInOptions options)
      : store_(store), clock_(clock), random_(random), options_(options) {}

  SignInResult SignIn(std::string_view username, std::string_view password,
                      std::string_view client_ip);

  // The person behind a session token, sliding its idle expiry. NotFound when unknown or expired.
  Result<Principal> Authenticate(std::string_view token);

  Status SignOut(std::string_view token);

  static std::string TokenHash(std::string_view token);

 private:
  void Audit(const store::User* user, std::string_view username, std::string_view ip,
             std::string_view result);

  store::Store& store_;
  const Clock& clock_;
  Random& random_;
  const SignInOptions options_;
};

}  // namespace secinfo::flows
