#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "cli/command_group.h"
#include "store/store.h"

namespace secinfo::cli {

// `secinfo admin set-toll-fraud`: where a tenant's calls and texts may go (countries, number types
// refused) and how many an hour (per person, per address, per tenant, per country). A refusal
// prints why, exits 1 and changes nothing; changes are audit-logged as "admin-cli".
class TollFraudCommands final : public TenantCommandGroup {
 public:
  TollFraudCommands(CLI::App* admin, std::string& tenant_domain);
  bool parsed() const override { return set_->parsed(); }
  // The rules, one per line (also part of show-policy).
  static void Print(const store::TollFraudPolicy& p);

 protected:
  int RunFor(store::Store& s, const store::Tenant& tenant, const Clock& clock) const override;

 private:
  CLI::App* set_ = nullptr;
  std::vector<std::string> countries_;
  bool all_countries_ = false;
  std::vector<std::string> refuse_;
  int64_t per_user_ = -1;
  int64_t per_ip_ = -1;
  int64_t per_tenant_ = -1;
  int64_t per_country_ = -1;
};

}  // namespace secinfo::cli
