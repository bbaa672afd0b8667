#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "cli/command_group.h"

namespace secinfo::cli {

// `secinfo admin reset-password | add-banned-word | remove-banned-word | list-banned-words`: an
// administrator's password reset (a temporary password to change at the next sign-in, or one read
// from stdin) and the tenant's banned password words. Refusals print the English catalog text and
// exit 1.
class PasswordCommands final : public TenantCommandGroup {
 public:
  // Declares the commands on `admin`; their --tenant goes to `tenant_domain`.
  PasswordCommands(CLI::App* admin, std::string& tenant_domain);

  bool parsed() const override {
    return reset_->parsed() || add_word_->parsed() || remove_word_->parsed() ||
           list_words_->parsed();
  }

 private:
  int RunFor(store::Store& s, const store::Tenant& tenant, const Clock& clock) const override;
  int Reset(store::Store& s, const store::Tenant& tenant, const Clock& clock) const;
  int AddWord(store::Store& s, const store::Tenant& tenant) const;
  int RemoveWord(store::Store& s, const store::Tenant& tenant) const;

  CLI::App* reset_ = nullptr;
  CLI::App* add_word_ = nullptr;
  CLI::App* remove_word_ = nullptr;
  CLI::App* list_words_ = nullptr;
  std::string user_;
  bool temporary_ = false;
  bool password_stdin_ = false;
  std::string word_;
};

}  // namespace secinfo::cli
