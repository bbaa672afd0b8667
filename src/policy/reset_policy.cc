#include "policy/reset_policy.h"

#include <string>

namespace secinfo::policy {

int64_t MethodsToReset(const store::ResetPolicy& p, const store::User& user) {
  return user.is_admin ? 2 : p.methods_required;
}

Status ValidateResetPolicy(const store::ResetPolicy& p) {
  if (p.methods_required < 1 || p.methods_required > 2) {
    return Status::InvalidArgument("methods required for a reset must be 1 or 2");
  }
  if (p.reconfirm_days < 0 || p.reconfirm_days > kMaxReconfirmDays) {
    return Status::InvalidArgument("re-confirmation must be every 0 to " +
                                   std::to_string(kMaxReconfirmDays) + " days");
  }
  return Status::Ok();
}

}  // namespace secinfo::policy
