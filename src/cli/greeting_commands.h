#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "cli/command_group.h"

namespace secinfo::cli {

// `secinfo admin set-greeting | remove-greeting | list-greetings`: a tenant's own recording per
// language, played on its calls instead of the spoken prompt. Uploads are checked and converted by
// channels/voice/greeting.h; a refusal prints the English catalog text, exits 1 and changes
// nothing. Changes are audit-logged with the actor "admin-cli".
class GreetingCommands final : public TenantCommandGroup {
 public:
  // Declares the commands on `admin`; their --tenant goes to `tenant_domain`.
  GreetingCommands(CLI::App* admin, std::string& tenant_domain);

  bool parsed() const override { return set_->parsed() || remove_->parsed() || list_->parsed(); }

 private:
  int RunFor(store::Store& s, const store::Tenant& tenant, const Clock& clock) const override;
  int Set(store::Store& s, const store::Tenant& tenant, const Clock& clock) const;
  int Remove(store::Store& s, const store::Tenant& tenant, const Clock& clock) const;
  int List(store::Store& s, const store::Tenant& tenant) const;

  CLI::App* set_ = nullptr;
  CLI::App* remove_ = nullptr;
  CLI::App* list_ = nullptr;
  std::string locale_;
  std::string file_;
};

}  // namespace secinfo::cli
