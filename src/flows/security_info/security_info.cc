#include "flows/security_info/security_info.h"

#include <algorithm>

#include "flows/audit.h"
#include "flows/proof.h"
#include "phone/number.h"
#include "policy/policy.h"

namespace secinfo::flows {

std::string MethodDetail(const store::Method& m) {
  std::string text = methods::DetailText(m);
  if (methods::InfoOf(m).detail == methods::Detail::kPhoneNumber) {
    return phone::FormatInternational(text);
  }
  return text;
}

Result<std::vector<MethodEntry>> SecurityInfo::List(const store::User& user) {
  auto methods = store_.methods().ListForUser(user.id);
  if (!methods.ok()) return methods.status();
  auto policy = policy::LoadPolicy(store_.tenants(), user.tenant_id);
  if (!policy.ok()) return policy.status();
  std::vector<MethodEntry> out;
  for (store::Method& m : *methods) {
    MethodEntry e;
    e.is_default = user.default_method_id == m.id;
    e.usable_for_mfa = policy->AllowsFor(m.kind, policy::Purpose::kMfa);
    e.usable_for_sspr = policy->AllowsFor(m.kind, policy::Purpose::kSspr);
    e.can_be_default = methods::CanBeDefault(m.kind);
    if (e.can_be_default) e.sign_in_proofs = methods::ProofsFor(m, methods::Purpose::kMfa);
    if (e.is_default) PutChosenProofFirst(user.default_proof, e.sign_in_proofs);
    e.method = std::move(m);
    out.push_back(std::move(e));
  }
  return out;
}

Result<std::vector<methods::MethodKind>> SecurityInfo::AddableKinds(const store::User& user) {
  auto policy = policy::LoadPolicy(store_.tenants(), user.tenant_id);
  if (!policy.ok()) return policy.status();
  std::vector<methods::MethodKind> out;
  for (const methods::KindInfo& info : methods::AllKinds()) {
    if (!policy->Allows(info.kind)) continue;
    if (user.is_admin && !info.offered_to_admins) continue;
    out.push_back(info.kind);
  }
  return out;
}

Result<store::Method> SecurityInfo::Get(const store::User& user, int64_t method_id) {
  return store_.methods().Get(user.id, method_id);
}

SecurityInfoOutcome SecurityInfo::Delete(const store::User& user, int64_t method_id,
                                         std::string_view ip) {
  auto m = store_.methods().Get(user.id, method_id);
  if (!m.ok()) {
    return m.status().code() == Status::Code::kNotFound ? SecurityInfoOutcome::kNotFound
                                                        : SecurityInfoOutcome::kUnavailable;
  }
  Status deleted = ChangeWithAudit(
      store_, [&] { return store_.methods().Delete(user.id, method_id); },
      [&] { Audit(user, ip, "method_delete", *m); });
  if (deleted.code() == Status::Code::kNotFound) return SecurityInfoOutcome::kNotFound;
  if (!deleted.ok()) return SecurityInfoOutcome::kUnavailable;
  return SecurityInfoOutcome::kDone;
}

SecurityInfoOutcome SecurityInfo::SetDefault(const store::User& user, int64_t method_id,
                                             std::optional<methods::Proof> proof,
                                             std::string_view ip) {
  auto m = store_.methods().Get(user.id, method_id);
  if (!m.ok()) {
    return m.status().code() == Status::Code::kNotFound ? SecurityInfoOutcome::kNotFound
                                                        : SecurityInfoOutcome::kUnavailable;
  }
  if (!methods::CanBeDefault(m->kind)) return SecurityInfoOutcome::kCannotBeDefault;
  std::string proof_name;
  if (proof) {
    const std::vector<methods::Proof> offered = methods::ProofsFor(*m, methods::Purpose::kMfa);
    if (std::find(offered.begin(), offered.end(), *proof) == offered.end()) {
      return SecurityInfoOutcome::kCannotBeDefault;
    }
    proof_name = methods::ProofName(*proof);
  }
  Status set = ChangeWithAudit(
      store_, [&] { return store_.users().SetDefaultMethod(user.id, method_id, proof_name); },
      [&] { Audit(user, ip, "default_change", *m, proof_name); });
  if (!set.ok()) return SecurityInfoOutcome::kUnavailable;
  return SecurityInfoOutcome::kDone;
}

void SecurityInfo::Audit(const store::User& user, std::string_view ip, std::string action,
                         const store::Method& m, std::string_view proof) {
  std::string detail = MethodDetail(m);
  if (!proof.empty()) detail += " (" + std::string(proof) + ")";
  RecordAudit(store_, clock_,
              {user.tenant_id, user.id, std::string(ip), std::move(action), methods::AuditName(m),
               "success", std::move(detail)});
}

}  // namespace secinfo::flows
