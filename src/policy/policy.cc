#include "policy/policy.h"

#include <algorithm>

namespace secinfo::policy {

const std::vector<std::string>& KnownMethods() {
  static const std::vector<std::string> kMethods = {"phone"};
  return kMethods;
}

bool IsKnownMethod(std::string_view method) {
  const auto& known = KnownMethods();
  return std::find(known.begin(), known.end(), method) != known.end();
}

bool TenantPolicy::Allows(std::string_view method) const {
  if (!IsKnownMethod(method)) return false;
  auto it = switches_.find(std::string(method));
  return it == switches_.end() || it->second;
}

std::vector<std::string> TenantPolicy::AllowedMethods() const {
  std::vector<std::string> out;
  for (const std::string& m : KnownMethods()) {
    if (Allows(m)) out.push_back(m);
  }
  return out;
}

Result<TenantPolicy> LoadPolicy(store::TenantStore& tenants, int64_t tenant_id) {
  auto switches = tenants.GetMethodSwitches(tenant_id);
  if (!switches.ok()) return switches.status();
  return TenantPolicy(std::map<std::string, bool>(switches->begin(), switches->end()));
}

Status SetAllowedMethods(store::TenantStore& tenants, int64_t tenant_id,
                         const std::vector<std::string>& allowed) {
  for (const std::string& m : allowed) {
    if (!IsKnownMethod(m)) return Status::InvalidArgument("unknown method '" + m + "'");
  }
  for (const std::string& m : KnownMethods()) {
    bool on = std::find(allowed.begin(), allowed.end(), m) != allowed.end();
    SECINFO_RETURN_IF_ERROR(tenants.SetMethodSwitch(tenant_id, m, on));
  }
  return Status::Ok();
}

}  // namespace secinfo::policy
