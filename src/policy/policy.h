#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/store.h"

namespace secinfo::policy {

// The methods secinfo knows, in the order the wizard offers them.
const std::vector<std::string>& KnownMethods();
bool IsKnownMethod(std::string_view method);

// A tenant's rules about security info. A plain value: cheap to copy, safe to share.
class TenantPolicy {
 public:
  // `switches`: what an administrator set; methods not mentioned are allowed by default.
  explicit TenantPolicy(std::map<std::string, bool> switches) : switches_(std::move(switches)) {}

  bool Allows(std::string_view method) const;
  // Allowed methods in KnownMethods() order.
  std::vector<std::string> AllowedMethods() const;

 private:
  std::map<std::string, bool> switches_;
};

// Reads the tenant's switches from the store.
Result<TenantPolicy> LoadPolicy(store::TenantStore& tenants, int64_t tenant_id);

// Sets the allowed methods exactly to `allowed` (others disallowed). InvalidArgument naming an
// unknown method; nothing is changed then.
Status SetAllowedMethods(store::TenantStore& tenants, int64_t tenant_id,
                         const std::vector<std::string>& allowed);

}  // namespace secinfo::policy
