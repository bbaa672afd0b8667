// secinfo: serve the web application, administer tenants and people, migrate the database.
// This file parses the command line and dispatches; each command group lives in its own file.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/admin_commands.h"
#include "cli/authenticator/commands.h"
#include "cli/command_group.h"
#include "cli/database.h"
#include "cli/greeting_commands.h"
#include "cli/oidc_commands.h"
#include "cli/password_commands.h"
#include "cli/question_commands.h"
#include "cli/reset_commands.h"
#include "cli/serve.h"
#include "cli/sign_in_commands.h"
#include "cli/toll_fraud_commands.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/logging.h"

int main(int argc, char** argv) {
  using namespace secinfo;
  CLI::App app{"secinfo: security info for your organization"};
  app.require_subcommand(1);
  std::string config_path;
  app.add_option("-c,--config", config_path, "TOML configuration file")->check(CLI::ExistingFile);

  auto* serve = app.add_subcommand("serve", "run the web server");
  auto* migrate = app.add_subcommand("migrate", "apply pending database migrations");
  auto* admin = app.add_subcommand("admin", "administer tenants and people");
  admin->require_subcommand(1);

  // The admin command groups: one line each.
  std::string tenant_domain;
  std::vector<std::unique_ptr<cli::CommandGroup>> groups;
  groups.push_back(std::make_unique<cli::AdminCommands>(admin, tenant_domain));
  groups.push_back(std::make_unique<cli::QuestionCommands>(admin, tenant_domain));
  groups.push_back(std::make_unique<cli::GreetingCommands>(admin, tenant_domain));
  groups.push_back(std::make_unique<cli::SignInCommands>(admin, tenant_domain));
  groups.push_back(std::make_unique<cli::TollFraudCommands>(admin, tenant_domain));
  groups.push_back(std::make_unique<cli::PasswordCommands>(admin, tenant_domain));
  groups.push_back(std::make_unique<cli::OidcCommands>(admin, tenant_domain));
  groups.push_back(std::make_unique<cli::ResetCommands>(admin, tenant_domain));
  cli::AddAuthenticatorCommands(app);  // runs and exits inside CLI11_PARSE
  // Moving a tenant between databases (SQLite to PostgreSQL): JSON lines on stdout / stdin.
  auto* export_tenant = admin->add_subcommand(
      "export", "write a tenant's every record as JSON lines on stdout, for `admin import`");
  export_tenant->add_option("--tenant", tenant_domain, "the tenant's domain")->required();
  auto* import_tenant = admin->add_subcommand(
      "import", "add a tenant written by `admin export` (read from stdin) to this database");

  CLI11_PARSE(app, argc, argv);

  auto config = Config::Load(config_path);
  if (!config.ok()) return cli::Fail(config.status().message());
  if (Status s = ConfigureLogging(config->log.level, config->log.format); !s.ok()) {
    return cli::Fail(s.message());
  }
  if (serve->parsed()) return cli::Serve(*config);

  if (migrate->parsed()) {
    auto applied = cli::Migrate(*config);
    if (!applied.ok()) return cli::Fail(applied.status().ToString());
    for (const auto& m : *applied) std::printf("applied %s\n", m.c_str());
    if (applied->empty()) std::printf("database is up to date\n");
    return 0;
  }

  if (export_tenant->parsed()) {
    auto counts = store::ExportTenant(cli::StoreOptions(*config), tenant_domain, std::cout);
    if (!counts.ok()) return cli::Fail("export: " + counts.status().message());
    std::cout.flush();
    for (const auto& c : *counts) {
      std::fprintf(stderr, "exported %lld %s\n", static_cast<long long>(c.rows), c.table.c_str());
    }
    return 0;
  }
  if (import_tenant->parsed()) {
    auto counts = store::ImportTenant(cli::StoreOptions(*config), std::cin);
    if (!counts.ok()) return cli::Fail(counts.status().message() + " (nothing was imported)");
    for (const auto& c : *counts) {
      std::printf("imported %lld %s\n", static_cast<long long>(c.rows), c.table.c_str());
    }
    return 0;
  }

  auto store = cli::OpenStore(*config);
  if (!store.ok()) return cli::Fail("database: " + store.status().ToString());
  SystemClock clock;
  for (const auto& group : groups) {
    if (group->parsed()) {
      cli::EnsureParentDir(config->security.key_file);
      return group->Run({**store, clock, tenant_domain, config->security.key_file});
    }
  }
  return 0;
}
