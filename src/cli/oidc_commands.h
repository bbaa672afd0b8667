#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "cli/command_group.h"

namespace secinfo::cli {

// `secinfo admin add-client | list-clients | remove-client | rotate-client-secret |
// rotate-signing-key`: the applications that sign people in through secinfo (OpenID Connect
// clients, per tenant), and the keys that sign their ID tokens. A client secret is printed once
// and kept only as a hash. A refusal prints why, exits 1 and changes nothing; changes are
// audit-logged as "admin-cli".
class OidcCommands final : public CommandGroup {
 public:
  // Declares the commands on `admin`; their --tenant goes to `tenant_domain`.
  OidcCommands(CLI::App* admin, std::string& tenant_domain);

  bool parsed() const override {
    return add_->parsed() || list_->parsed() || remove_->parsed() || rotate_secret_->parsed() ||
           rotate_key_->parsed();
  }
  int Run(const AdminContext& context) const override;

 private:
  int RunFor(const AdminContext& context, const store::Tenant& tenant) const;
  int RotateSigningKey(const AdminContext& context) const;

  CLI::App* add_ = nullptr;
  CLI::App* list_ = nullptr;
  CLI::App* remove_ = nullptr;
  CLI::App* rotate_secret_ = nullptr;
  CLI::App* rotate_key_ = nullptr;
  std::string name_;
  std::vector<std::string> redirect_uris_;
  std::vector<std::string> post_logout_uris_;
  std::vector<std::string> scopes_;
  std::string id_token_alg_ = "RS256";
  bool is_public_ = false;
  bool third_party_ = false;
  std::string client_id_;
};

}  // namespace secinfo::cli
