#pragma once

#include "core/status.h"
#include "store/types.h"

// A tenant's rules for self-service password reset (store::ResetPolicy holds them).
namespace secinfo::policy {

inline constexpr int64_t kMaxReconfirmDays = 730;

// How many methods `user` proves to reset their password: the tenant's number, and always two for
// an administrator (Entra ID's two-gate rule for privileged roles).
int64_t MethodsToReset(const store::ResetPolicy& p, const store::User& user);

// OK when methods_required is 1 or 2 and reconfirm_days 0-730; InvalidArgument naming the rule
// otherwise.
Status ValidateResetPolicy(const store::ResetPolicy& p);

}  // namespace secinfo::policy
