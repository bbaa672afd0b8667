#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "cli/command_group.h"
#include "core/clock.h"
#include "store/store.h"

namespace secinfo::cli {

// `secinfo admin set-sign-in | show-sign-in | list-blocked | unblock`: a tenant's rules for the
// second step of sign-in (two-step verification for all, listed people or nobody; remembered
// browsers; registration skips; fraud alert and blocking) and the people blocked or locked out.
// A refusal prints why, exits 1 and changes nothing; changes are audit-logged as "admin-cli".
class SignInCommands final : public TenantCommandGroup {
 public:
  // Declares the commands on `admin`; their --tenant goes to `tenant_domain`.
  SignInCommands(CLI::App* admin, std::string& tenant_domain);

  bool parsed() const override {
    return set_->parsed() || show_->parsed() || blocked_->parsed() || unblock_->parsed();
  }

  // The tenant's sign-in rules, one per line (also part of show-policy).
  static void Print(const store::SignInPolicy& p);

 protected:
  int RunFor(store::Store& s, const store::Tenant& tenant, const Clock& clock) const override;

 private:
  int Set(store::Store& s, const store::Tenant& tenant, const Clock& clock) const;
  int ListBlocked(store::Store& s, const store::Tenant& tenant, const Clock& clock) const;
  int Unblock(store::Store& s, const store::Tenant& tenant, const Clock& clock) const;

  CLI::App* set_ = nullptr;
  CLI::App* show_ = nullptr;
  CLI::App* blocked_ = nullptr;
  CLI::App* unblock_ = nullptr;
  std::string mfa_;
  std::vector<std::string> users_;
  int64_t remember_days_ = -1;
  int64_t skips_ = -1;
  std::string fraud_alert_;
  std::string fraud_block_;
  std::vector<std::string> notify_;
  bool clear_notify_ = false;
  std::string user_;
  std::string reason_;
};

}  // namespace secinfo::cli
