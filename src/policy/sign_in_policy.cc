#include "policy/sign_in_policy.h"

#include <algorithm>

namespace secinfo::policy {

bool RequiresMfa(const store::SignInPolicy& p, const store::User& user) {
  if (p.mfa == "all") return true;
  if (p.mfa != "listed") return false;
  return std::any_of(p.mfa_listed.begin(), p.mfa_listed.end(), [&](const std::string& entry) {
    return entry == user.username || (entry == "admins" && user.is_admin);
  });
}

Status ValidateSignInPolicy(const store::SignInPolicy& p) {
  if (p.mfa != "off" && p.mfa != "all" && p.mfa != "listed") {
    return Status::InvalidArgument("two-step verification must be off, all or listed");
  }
  if (p.mfa == "listed" && p.mfa_listed.empty()) {
    return Status::InvalidArgument("listed two-step verification needs at least one user or group");
  }
  if (p.remember_days < 0 || p.remember_days > 365) {
    return Status::InvalidArgument("remembered browsers: 0 to 365 days");
  }
  if (p.max_skips < 0 || p.max_skips > 50) {
    return Status::InvalidArgument("registration skips: 0 to 50");
  }
  for (const std::string& address : p.notify) {
    size_t at = address.find('@');
    if (at == std::string::npos || at == 0 || at + 1 >= address.size() ||
        address.find_first_of(" \t\r\n,;<>") != std::string::npos) {
      return Status::InvalidArgument("not a notification address: " + address);
    }
  }
  return Status::Ok();
}

}  // namespace secinfo::policy
