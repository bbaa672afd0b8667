#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "cli/command_group.h"

namespace secinfo::cli {

// `secinfo admin create-tenant | create-user | list-users | set-methods | set-purposes |
// show-policy | audit`: tenants, their people, the methods they allow, and the audit log.
// Refusals print a message naming what was wrong and exit 1.
class AdminCommands final : public CommandGroup {
 public:
  // Declares the commands on `admin`; their --tenant goes to `tenant_domain`.
  AdminCommands(CLI::App* admin, std::string& tenant_domain);

  bool parsed() const override;
  int Run(const AdminContext& context) const override;

 private:
  int CreateTenant(const AdminContext& context) const;
  int CreateUserCommand(const AdminContext& context) const;
  int RunFor(const AdminContext& context, const store::Tenant& tenant) const;

  CLI::App* create_tenant_ = nullptr;
  CLI::App* create_user_ = nullptr;
  CLI::App* list_users_ = nullptr;
  CLI::App* set_methods_ = nullptr;
  CLI::App* set_purposes_ = nullptr;
  CLI::App* show_policy_ = nullptr;
  CLI::App* audit_ = nullptr;

  std::string name_, domain_, region_ = "FR";
  std::string tenant_locale_ = "fr", user_locale_;
  std::string email_, display_, password_;
  bool password_stdin_ = false, is_admin_ = false;
  std::string allow_;
  std::string method_, mfa_, sspr_;
  int limit_ = 50;
  std::string since_, until_;  // admin audit --since/--until, ISO dates or UTC times
  bool json_ = false;          // admin audit --json: JSON Lines
};

}  // namespace secinfo::cli
