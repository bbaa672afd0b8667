#pragma once

#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"
#include "flows/credentials/credentials.h"
#include "store/store.h"

namespace secinfo::flows {

// Failed sign-ins are counted over sliding windows (store::RateLimitStore), each client network
// being an IPv4 address or an IPv6 /64 (ClientNetworkKey).
struct SignInOptions {
  // Failures allowed for one account from one client network per failure window (ASVS 4.0 V2.2.1):
  // the strict limit, which a stranger elsewhere cannot use to lock the person out.
  int64_t max_failures_per_account = 5;
  // Failures allowed from one client network per failure window, whatever the accounts.
  int64_t max_failures_per_ip = 20;
  int64_t failure_window_millis = 15 * 60 * 1000;
  // Failures allowed for one account from all networks together per all-networks window: bounds
  // guessing spread over many networks (NIST SP 800-63B §5.2.2: no more than 100). A browser the
  // account remembered ("don't ask again") is not stopped by it, only by its own network's limits.
  int64_t max_failures_per_account_all_networks = 100;
  int64_t all_networks_window_millis = 24 * 3600 * 1000;
  int64_t session_idle_millis = 30 * 60 * 1000;
  int64_t session_absolute_millis = 12 * 3600 * 1000;
  // Changing security info needs a second factor proven this recently (step-up).
  int64_t step_up_millis = 10 * 60 * 1000;
};

enum class SignInOutcome {
  kSignedIn,
  kInvalidCredentials,  // unknown user or wrong password: one answer for both (ASVS V2.2.x, V3.x)
  kThrottled,           // too many failures from this network or for this account
};

struct SignInResult {
  SignInOutcome outcome = SignInOutcome::kInvalidCredentials;
  store::User user;           // kSignedIn only
  std::string session_token;  // kSignedIn only: goes into the cookie, never stored as is
  bool remembered = false;    // kSignedIn only: a remembered browser meets the second step
};

// A person signed in through a session cookie, with what the session has proven.
struct Principal {
  store::User user;
  std::string session_token;
  store::Session session;
};

// Password sign-in and server-side sessions. Sessions are random 256-bit tokens; the store keeps
// only their SHA-256, so a copy of the database does not hand out sessions. Thread-safe. SignIn
// blocks for an Argon2id verification (~50 ms, 19 MiB): call it off I/O threads.
class Sessions {
 public:
  // `credentials`: where passwords are checked; null means the local store's (LocalCredentials).
  Sessions(store::Store& store, const Clock& clock, Random& random, SignInOptions options,
           Credentials* credentials = nullptr)
      : store_(store),
        clock_(clock),
        random_(random),
        options_(options),
        local_credentials_(store.users()),
        credentials_(credentials ? *credentials : local_credentials_) {}

  // Checks the password and starts a session that has proven "pwd". Failures are counted before
  // the password is checked (per client network, per account from that network and per account
  // from all networks: SignInOptions), so parallel guesses cannot be checked more often than the
  // limits, and a throttled try gets kThrottled whether or not its password is right.
  // `remember_token`: the browser's "don't ask again" cookie, which meets the second step and
  // passes the account-wide cap when it is the user's and live.
  SignInResult SignIn(std::string_view username, std::string_view password,
                      std::string_view client_ip, std::string_view user_agent = {},
                      std::string_view remember_token = {});

  // The person behind a session token, sliding its idle expiry. NotFound when unknown or expired.
  Result<Principal> Authenticate(std::string_view token);

  Status SignOut(std::string_view token);

  // A second factor was just proven in this session (RFC 8176 value `amr`): sign-in's second step
  // is met and step-up is fresh.
  Status RecordSecondFactor(const Principal& p, std::string_view amr);
  // The second step is met without a proof: "skipped" (the registration interrupt) or
  // "registered" (a first method registered in this session).
  Status MarkSecondStep(const Principal& p, std::string_view how, int64_t second_factor_at = 0);
  // Whether changing security info needs a fresh proof: the session proved nothing in the last
  // step_up_millis. (The caller knows whether the person has a method to prove with.)
  bool StepUpStale(const Principal& p) const;
  // Remembers this browser for `days`: returns the cookie's token.
  Result<std::string> RememberBrowser(const store::User& user, int64_t days,
                                      std::string_view client_ip, std::string_view user_agent);
  // Signs out every other session of the person, and forgets their remembered browsers.
  Result<int64_t> SignOutOthers(const Principal& p);

  static std::string TokenHash(std::string_view token);

 private:
  void Audit(const store::User* user, std::string_view username, std::string_view ip,
             std::string_view result, std::string detail = "");

  store::Store& store_;
  const Clock& clock_;
  Random& random_;
  const SignInOptions options_;
  LocalCredentials local_credentials_;
  Credentials& credentials_;
};

}  // namespace secinfo::flows
