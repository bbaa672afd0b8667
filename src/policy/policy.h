#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "methods/registry.h"
#include "store/store.h"

namespace secinfo::policy {

using Purpose = methods::Purpose;

// The methods secinfo knows (methods::AllKinds() by name), in the order the wizard offers them.
const std::vector<std::string>& KnownMethods();
bool IsKnownMethod(std::string_view method);
// What a method can do by nature (methods::CanServe, by name).
bool MethodCanServe(std::string_view method, Purpose purpose);
// Whether a tenant that never set a switch for `method` allows it (the kind's declaration).
bool AllowedByDefault(std::string_view method);

// A tenant's rules about security info. A plain value: cheap to copy, safe to share.
class TenantPolicy {
 public:
  // `switches`: what an administrator set; methods not mentioned follow AllowedByDefault, for all
  // they can do.
  explicit TenantPolicy(std::vector<store::MethodSwitch> switches);

  bool Allows(std::string_view method) const;
  bool Allows(methods::MethodKind kind) const { return Allows(methods::KindName(kind)); }
  // Allowed, allowed for that purpose by the tenant, and able to serve it.
  bool AllowsFor(std::string_view method, Purpose purpose) const;
  bool AllowsFor(methods::MethodKind kind, Purpose purpose) const {
    return AllowsFor(methods::KindName(kind), purpose);
  }
  // Allowed methods in KnownMethods() order.
  std::vector<std::string> AllowedMethods() const;

 private:
  const store::MethodSwitch* Find(std::string_view method) const;
  std::vector<store::MethodSwitch> switches_;
};

// Reads the tenant's switches from the store.
Result<TenantPolicy> LoadPolicy(store::TenantStore& tenants, int64_t tenant_id);

// Allows exactly the methods in `allowed`, keeping each one's purposes. InvalidArgument naming an
// unknown method; nothing is changed then.
Status SetAllowedMethods(store::TenantStore& tenants, int64_t tenant_id,
                         const std::vector<std::string>& allowed);

// Sets what one method may be used for. InvalidArgument for an unknown method, or for a purpose the
// method cannot serve.
Status SetPurposes(store::TenantStore& tenants, int64_t tenant_id, std::string_view method,
                   bool mfa, bool sspr);

}  // namespace secinfo::policy
