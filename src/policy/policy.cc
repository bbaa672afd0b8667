#include "policy/policy.h"

#include <algorithm>

namespace secinfo::policy {

const std::vector<std::string>& KnownMethods() {
  static const std::vector<std::string> kMethods = [] {
    std::vector<std::string> names;
    for (const methods::KindInfo& k : methods::AllKinds()) names.emplace_back(k.name);
    return names;
  }();
  return kMethods;
}

bool IsKnownMethod(std::string_view method) { return methods::ParseKind(method).has_value(); }

bool MethodCanServe(std::string_view method, Purpose purpose) {
  auto kind = methods::ParseKind(method);
  return kind && methods::CanServe(*kind, purpose);
}

TenantPolicy::TenantPolicy(std::vector<store::MethodSwitch> switches)
    : switches_(std::move(switches)) {}

const store::MethodSwitch* TenantPolicy::Find(std::string_view method) const {
  for (const auto& s : switches_) {
    if (s.method == method) return &s;
  }
  return nullptr;
}

bool AllowedByDefault(std::string_view method) {
  auto kind = methods::ParseKind(method);
  return kind && methods::Info(*kind).allowed_by_default;
}

bool TenantPolicy::Allows(std::string_view method) const {
  if (!IsKnownMethod(method)) return false;
  const store::MethodSwitch* s = Find(method);
  return s == nullptr ? AllowedByDefault(method) : s->enabled;
}

bool TenantPolicy::AllowsFor(std::string_view method, Purpose purpose) const {
  if (!Allows(method) || !MethodCanServe(method, purpose)) return false;
  const store::MethodSwitch* s = Find(method);
  if (s == nullptr) return true;
  return purpose == Purpose::kMfa ? s->mfa : s->sspr;
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
  return TenantPolicy(std::move(*switches));
}

namespace {

Result<store::MethodSwitch> CurrentSwitch(store::TenantStore& tenants, int64_t tenant_id,
                                          std::string_view method) {
  auto switches = tenants.GetMethodSwitches(tenant_id);
  if (!switches.ok()) return switches.status();
  for (const auto& s : *switches) {
    if (s.method == method) return s;
  }
  return store::MethodSwitch{std::string(method), AllowedByDefault(method),
                             MethodCanServe(method, Purpose::kMfa), true};
}

}  // namespace

Status SetAllowedMethods(store::TenantStore& tenants, int64_t tenant_id,
                         const std::vector<std::string>& allowed) {
  for (const std::string& m : allowed) {
    if (!IsKnownMethod(m)) return Status::InvalidArgument("unknown method '" + m + "'");
  }
  for (const std::string& m : KnownMethods()) {
    auto s = CurrentSwitch(tenants, tenant_id, m);
    if (!s.ok()) return s.status();
    s->enabled = std::find(allowed.begin(), allowed.end(), m) != allowed.end();
    SECINFO_RETURN_IF_ERROR(tenants.SetMethodSwitch(tenant_id, *s));
  }
  return Status::Ok();
}

Status SetPurposes(store::TenantStore& tenants, int64_t tenant_id, std::string_view method,
                   bool mfa, bool sspr) {
  if (!IsKnownMethod(method)) {
    return Status::InvalidArgument("unknown method '" + std::string(method) + "'");
  }
  if (mfa && !MethodCanServe(method, Purpose::kMfa)) {
    return Status::InvalidArgument(std::string(method) +
                                   " cannot be used for two-step verification");
  }
  auto s = CurrentSwitch(tenants, tenant_id, method);
  if (!s.ok()) return s.status();
  s->mfa = mfa;
  s->sspr = sspr;
  return tenants.SetMethodSwitch(tenant_id, *s);
}

}  // namespace secinfo::policy
