#pragma once

#include "core/status.h"
#include "store/types.h"

// A tenant's rules for signing in: who must use two-step verification, remembered browsers, the
// registration interrupt's skips and fraud handling (store::SignInPolicy holds them).
namespace secinfo::policy {

// Whether `user` must pass a second step after the password.
bool RequiresMfa(const store::SignInPolicy& p, const store::User& user);

// OK when every rule is within its range: mfa "off", "all" or "listed" (then at least one entry),
// remember_days 0-365, max_skips 0-50, notification addresses that look like addresses.
// InvalidArgument naming the rule otherwise.
Status ValidateSignInPolicy(const store::SignInPolicy& p);

}  // namespace secinfo::policy
