#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "cli/command_group.h"
#include "core/clock.h"
#include "store/store.h"

namespace secinfo::cli {

// `secinfo admin set-reset | show-reset`: a tenant's rules for self-service password reset (how
// many methods to prove, whether administrators are told when an administrator's password is
// reset, how often people review their security info). A refusal prints why, exits 1 and changes
// nothing; changes are audit-logged as "admin-cli".
class ResetCommands final : public TenantCommandGroup {
 public:
  ResetCommands(CLI::App* admin, std::string& tenant_domain);

  bool parsed() const override { return set_->parsed() || show_->parsed(); }

  // The tenant's reset rules, one per line (also part of show-policy).
  static void Print(const store::ResetPolicy& p);

 protected:
  int RunFor(store::Store& s, const store::Tenant& tenant, const Clock& clock) const override;

 private:
  CLI::App* set_ = nullptr;
  CLI::App* show_ = nullptr;
  int64_t methods_ = -1;
  std::string notify_admins_;
  std::string require_registration_;
  int64_t reconfirm_days_ = -1;
};

}  // namespace secinfo::cli
