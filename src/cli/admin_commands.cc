#include "cli/admin_commands.h"

#include <cstdio>
#include <iostream>
#include <limits>
#include <sstream>
#include <vector>

#include "cli/demo.h"
#include "cli/reset_commands.h"
#include "cli/sign_in_commands.h"
#include "cli/terminal_text.h"
#include "cli/toll_fraud_commands.h"
#include "methods/registry.h"
#include "policy/policy.h"

namespace secinfo::cli {

AdminCommands::AdminCommands(CLI::App* admin, std::string& tenant_domain) {
  create_tenant_ = admin->add_subcommand("create-tenant", "create an organization");
  create_tenant_->add_option("--name", name_, "display name, e.g. Contoso")->required();
  create_tenant_->add_option("--domain", domain_, "user name domain, e.g. contoso.example")
      ->required();
  create_tenant_->add_option("--locale", tenant_locale_, "default language (fr, en)")
      ->check(CLI::IsMember({"fr", "en"}));
  create_tenant_->add_option("--region", region_, "default country or region, e.g. FR");

  create_user_ = admin->add_subcommand("create-user", "create a person with a password");
  create_user_->add_option("--email", email_, "user name, e.g. ana@contoso.example")->required();
  create_user_->add_option("--name", display_, "display name");
  create_user_->add_option("--locale", user_locale_, "preferred language (fr, en, or empty)");
  auto* pw =
      create_user_->add_option("--password", password_, "password (prefer --password-stdin)");
  create_user_->add_flag("--password-stdin", password_stdin_, "read the password from stdin")
      ->excludes(pw);
  create_user_->add_flag("--admin", is_admin_, "tenant administrator");

  list_users_ = admin->add_subcommand("list-users", "list the people of a tenant");
  list_users_->add_option("--tenant", tenant_domain, "tenant domain")->required();

  set_methods_ = admin->add_subcommand("set-methods", "set which methods a tenant allows");
  set_methods_->add_option("--tenant", tenant_domain, "tenant domain")->required();
  set_methods_->add_option("--allow", allow_, "comma-separated methods, e.g. phone (empty: none)")
      ->required();

  set_purposes_ = admin->add_subcommand(
      "set-purposes", "set what a method may be used for: two-step verification, password reset");
  set_purposes_->add_option("--tenant", tenant_domain, "tenant domain")->required();
  std::string kinds;
  for (const methods::KindInfo& info : methods::AllKinds()) {
    kinds += (kinds.empty() ? "" : ", ") + std::string(info.name);
  }
  set_purposes_->add_option("--method", method_, kinds)->required();
  set_purposes_->add_option("--mfa", mfa_, "two-step verification: on or off")
      ->required()
      ->check(CLI::IsMember({"on", "off"}));
  set_purposes_->add_option("--sspr", sspr_, "password reset: on or off")
      ->required()
      ->check(CLI::IsMember({"on", "off"}));
  show_policy_ = admin->add_subcommand("show-policy", "show which methods a tenant allows");
  show_policy_->add_option("--tenant", tenant_domain, "tenant domain")->required();

  audit_ = admin->add_subcommand("audit", "show the newest audit log entries of a tenant");
  audit_->add_option("--tenant", tenant_domain, "tenant domain")->required();
  audit_->add_option("--limit", limit_, "how many")->check(CLI::Range(1, 10000));
  audit_->add_option("--since", since_,
                     "from this UTC date or time (2026-12-01, 2026-12-01T08:00Z)");
  audit_->add_option("--until", until_, "up to this date (included) or time (excluded), UTC");
  audit_->add_flag("--json", json_, "one JSON object a line (JSON Lines), for export");
}

bool AdminCommands::parsed() const {
  for (const CLI::App* command : {create_tenant_, create_user_, list_users_, set_methods_,
                                  set_purposes_, show_policy_, audit_}) {
    if (command->parsed()) return true;
  }
  return false;
}

int AdminCommands::Run(const AdminContext& context) const {
  if (create_tenant_->parsed()) return CreateTenant(context);
  if (create_user_->parsed()) return CreateUserCommand(context);
  auto tenant = context.store.tenants().FindByDomain(context.tenant_domain);
  if (!tenant.ok()) return Fail("no tenant has the domain " + context.tenant_domain);
  return RunFor(context, *tenant);
}

int AdminCommands::CreateTenant(const AdminContext& context) const {
  store::Tenant t{0, name_, domain_, tenant_locale_, region_};
  auto id = context.store.tenants().Create(t);
  if (!id.ok()) return Fail("create-tenant: " + id.status().ToString());
  std::printf("tenant %s (%s) created\n", EscapeForTerminal(name_).c_str(),
              EscapeForTerminal(domain_).c_str());
  return 0;
}

int AdminCommands::CreateUserCommand(const AdminContext& context) const {
  std::string password = password_;
  if (password_stdin_) std::getline(std::cin, password);
  auto id =
      CreateUser(context.store, context.clock, email_, display_, password, user_locale_, is_admin_);
  if (!id.ok()) return Fail("create-user: " + id.status().message());
  std::printf("user %s created\n", EscapeForTerminal(email_).c_str());
  return 0;
}

int AdminCommands::RunFor(const AdminContext& context, const store::Tenant& tenant) const {
  store::Store& s = context.store;
  if (list_users_->parsed()) {
    auto users = s.users().ListForTenant(tenant.id);
    if (!users.ok()) return Fail(users.status().ToString());
    for (const auto& u : *users) {
      std::printf("%s\t%s%s\n", EscapeForTerminal(u.username).c_str(),
                  EscapeForTerminal(u.display_name).c_str(), u.is_admin ? "\t(admin)" : "");
    }
    return 0;
  }
  if (set_methods_->parsed()) {
    std::vector<std::string> methods;
    std::stringstream in(allow_);
    for (std::string m; std::getline(in, m, ',');) {
      if (!m.empty()) methods.push_back(m);
    }
    Status st = policy::SetAllowedMethods(s.tenants(), tenant.id, methods);
    if (!st.ok()) return Fail("set-methods: " + st.message());
    std::printf("%s allows: %s\n", context.tenant_domain.c_str(),
                allow_.empty() ? "(none)" : allow_.c_str());
    return 0;
  }
  if (set_purposes_->parsed()) {
    Status st = policy::SetPurposes(s.tenants(), tenant.id, method_, mfa_ == "on", sspr_ == "on");
    if (!st.ok()) return Fail("set-purposes: " + st.message());
    std::printf("%s: two-step verification %s, password reset %s\n", method_.c_str(), mfa_.c_str(),
                sspr_.c_str());
    return 0;
  }
  if (show_policy_->parsed()) {
    auto p = policy::LoadPolicy(s.tenants(), tenant.id);
    if (!p.ok()) return Fail(p.status().ToString());
    for (const std::string& m : policy::KnownMethods()) {
      std::printf("%s\t%s\tmfa=%s\tsspr=%s\n", m.c_str(), p->Allows(m) ? "allowed" : "off",
                  p->AllowsFor(m, policy::Purpose::kMfa) ? "yes" : "no",
                  p->AllowsFor(m, policy::Purpose::kSspr) ? "yes" : "no");
    }
    auto sign_in_rules = s.sign_in().GetPolicy(tenant.id);
    if (!sign_in_rules.ok()) return Fail(sign_in_rules.status().ToString());
    SignInCommands::Print(*sign_in_rules);
    auto toll_rules = s.tenants().GetTollFraudPolicy(tenant.id);
    if (!toll_rules.ok()) return Fail(toll_rules.status().ToString());
    TollFraudCommands::Print(*toll_rules);
    auto reset_rules = s.password_resets().GetPolicy(tenant.id);
    if (!reset_rules.ok()) return Fail(reset_rules.status().ToString());
    ResetCommands::Print(*reset_rules);
    return 0;
  }
  int64_t since = std::numeric_limits<int64_t>::min();
  int64_t until = std::numeric_limits<int64_t>::max();
  if (!since_.empty()) {
    Result<int64_t> t = ParseIsoTime(since_);
    if (!t.ok()) return Fail("audit --since: " + t.status().message());
    since = *t;
  }
  if (!until_.empty()) {
    Result<int64_t> t = ParseIsoTime(until_);
    if (!t.ok()) return Fail("audit --until: " + t.status().message());
    constexpr int64_t kDayMillis = 86'400'000;
    until = *t + (until_.size() == 10 ? kDayMillis : 0);  // a date alone includes its whole day
  }
  auto entries = s.audit().ListForTenantBetween(tenant.id, since, until, limit_);
  if (!entries.ok()) return Fail(entries.status().ToString());
  for (const auto& e : *entries) {
    std::printf("%s\n", (json_ ? AuditJsonLine(e) : AuditTextLine(e)).c_str());
  }
  return 0;
}

}  // namespace secinfo::cli
