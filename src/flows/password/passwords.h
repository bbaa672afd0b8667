#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"
#include "flows/credentials/credentials.h"
#include "flows/notify/notifier.h"
#include "flows/sign_in/sign_in.h"
#include "policy/password_rules.h"
#include "store/store.h"

namespace secinfo::flows {

// A random password that is easy to read aloud or copy by hand: 4 groups of 4 from letters and
// digits that cannot be confused (no 0/o, 1/l/i), ~79 bits from the CSPRNG behind `random`.
std::string ReadablePassword(Random& random);

// The rule's context for a person of `tenant_id`: the tenant's name and banned words. NotFound
// when the tenant does not exist.
Result<policy::PasswordContext> PasswordContextFor(store::Store& store, int64_t tenant_id,
                                                   std::string_view username);

struct PasswordOptions {
  // Wrong current passwords on the change page per person and window; the try is reserved before
  // the check (ASVS V2.2.1), like sign-in's.
  int64_t max_wrong_current = 5;
  int64_t wrong_current_window_millis = 15 * 60 * 1000;
};

enum class ChangeOutcome {
  kChanged,
  kWrongCurrentPassword,
  kConfirmationDiffers,  // the new password and its confirmation are not the same
  kRefused,              // the new password breaks the rule: see ChangeResult::refusal
  kThrottled,            // too many wrong current passwords
  kUnavailable,          // the store failed: nothing changed
};

struct ChangeResult {
  ChangeOutcome outcome = ChangeOutcome::kUnavailable;
  policy::PasswordOutcome refusal = policy::PasswordOutcome::kAccepted;  // kRefused only
  int64_t others_signed_out = 0;                                         // kChanged only
  // The catalog key of the message to show ("password_refused_banned_word", ...).
  std::string message_key() const;
};

// Setting passwords: the person's own change (Security info, and the forced change after an
// administrator's temporary password), an administrator's reset and new accounts, all through the
// one rule (policy/password_rules.h) and the credential interface. Thread-safe; Change and
// ResetTemporary block for Argon2id: call them off I/O threads.
class Passwords {
 public:
  // `notifier` may be null (no mail).
  Passwords(store::Store& store, Credentials& credentials, Sessions& sessions, Notifier* notifier,
            const Clock& clock, PasswordOptions options = {})
      : store_(store),
        credentials_(credentials),
        sessions_(sessions),
        notifier_(notifier),
        clock_(clock),
        options_(options) {}

  // `candidate` against the rule, for `user` (whose current password it must not be).
  Result<policy::PasswordVerdict> Check(const store::User& user, std::string_view candidate);

  // An administrator sets `password` (which must meet the rule) for the person, who need not change
  // it. Every session and remembered browser of the person ends. The verdict says why when refused.
  Result<policy::PasswordVerdict> SetByAdministrator(const store::User& user,
                                                     std::string_view password,
                                                     std::string_view actor);

  // The person changes their own password. On success every other session of theirs ends, their
  // remembered browsers are forgotten, the must-change flag is cleared and the account is mailed.
  ChangeResult Change(const Principal& p, std::string_view current, std::string_view next,
                      std::string_view confirmation, std::string_view client_ip);

  // The person chose a new password at the end of a self-service reset: they proved their security
  // info, not their password. On success every session and remembered browser of theirs ends and
  // any must-change flag is cleared; telling them is the reset flow's business.
  ChangeResult SetAfterReset(const store::User& user, std::string_view next,
                             std::string_view confirmation, std::string_view client_ip);

  // Whether the person must change their password before anything else.
  bool MustChange(const Principal& p) { return credentials_.MustChange(p.user); }

  // An administrator's reset: a random temporary password (ReadablePassword) that must be changed
  // at the next sign-in. Every
  // session and remembered browser of the person ends. Returns the password, to hand over.
  Result<std::string> ResetTemporary(const store::User& user, Random& random,
                                     std::string_view actor);

 private:
  Status SetAndSignOut(const store::User& user, std::string_view password, bool must_change);
  void Audit(const store::User& user, std::string_view ip, std::string_view result,
             std::string detail = "", std::string actor = "");

  store::Store& store_;
  Credentials& credentials_;
  Sessions& sessions_;
  Notifier* notifier_;
  const Clock& clock_;
  const PasswordOptions options_;
};

}  // namespace secinfo::flows
