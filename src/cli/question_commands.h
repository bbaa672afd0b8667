#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "cli/command_group.h"

namespace secinfo::cli {

// `secinfo admin set-questions | add-question | list-questions | delete-question`: the tenant's
// security-question rules and custom questions, checked by methods/questions exactly as the pages
// check them; refusals print the English catalog text and exit 1.
class QuestionCommands final : public TenantCommandGroup {
 public:
  // Declares the commands on `admin`; their --tenant goes to `tenant_domain`.
  QuestionCommands(CLI::App* admin, std::string& tenant_domain);

  bool parsed() const override {
    return set_->parsed() || add_->parsed() || list_->parsed() || delete_->parsed();
  }

 private:
  int RunFor(store::Store& s, const store::Tenant& tenant, const Clock& clock) const override;
  int Set(store::Store& s, const store::Tenant& tenant) const;
  int Add(store::Store& s, const store::Tenant& tenant, const Clock& clock) const;
  int Delete(store::Store& s, const store::Tenant& tenant) const;
  int List(store::Store& s, const store::Tenant& tenant) const;

  CLI::App* set_ = nullptr;
  CLI::App* add_ = nullptr;
  CLI::App* list_ = nullptr;
  CLI::App* delete_ = nullptr;
  std::optional<int64_t> to_register_;
  std::optional<int64_t> to_reset_;
  std::string text_;
  int64_t id_ = 0;
};

}  // namespace secinfo::cli
