// secinfo: serve the web application, administer tenants and people, migrate the database.
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "channels/email/simulated/simulated_email.h"
#include "channels/sms/simulated/simulated_sms.h"
#include "channels/voice/simulated/simulated_voice.h"
#include "cli/demo.h"
#include "cli/periodic.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/random.h"
#include "crypto/hash.h"
#include "crypto/key_file.h"
#include "flows/registration/code_registration.h"
#include "flows/registration/phone_registration.h"
#include "flows/sign_in/sign_in.h"
#include "http/server.h"
#include "policy/policy.h"
#include "store/sql/sql_store.h"
#include "web/app.h"

namespace secinfo::cli {
namespace {

int Fail(const std::string& what) {
  std::fprintf(stderr, "secinfo: %s\n", what.c_str());
  return 1;
}

store::SqlStoreOptions StoreOptions(const Config& c) {
  store::SqlStoreOptions o;
  o.backend = c.database.backend;
  o.connection = c.database.connection;
  o.pool_size = static_cast<int>(c.database.pool_size);
  return o;
}

void EnsureParentDir(const std::string& path) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
  }
}

// "https://id.contoso.example:8443/x" → "id.contoso.example": the origin WebOTP codes are for.
std::string WebOtpHost(const std::string& url) {
  size_t start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  size_t end = url.find_first_of(":/", start);
  return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

int Serve(const Config& config) {
  if (config.voice.provider == "simulated" && config.mode == "production") {
    return Fail(
        "setting 'voice.provider': the simulated phone network cannot run in production "
        "mode; configure a real provider");
  }
  SystemClock clock;
  SystemRandom random;
  EnsureParentDir(config.database.connection);
  auto store = store::OpenSqlStore(StoreOptions(config));
  if (!store.ok()) return Fail("database: " + store.status().ToString());
  EnsureParentDir(config.security.key_file);
  auto key = crypto::LoadOrCreateKeyFile(config.security.key_file, random);
  if (!key.ok()) return Fail("setting 'security.key_file': " + key.status().ToString());

  if (config.demo.enabled && config.mode != "production") {
    std::string credentials =
        (std::filesystem::path(config.database.connection).parent_path() / "demo-users.txt")
            .string();
    Status s = EnsureDemoTenant(**store, random, clock, credentials, config.PublicUrl());
    if (!s.ok()) return Fail("demo tenant: " + s.ToString());
  }

  channels::SimulatedVoice sim((*store)->sim_calls(), clock);
  flows::PhoneRegistrationOptions phone_options;
  phone_options.timeouts.ring_millis = config.voice.ring_timeout_seconds * 1000;
  phone_options.timeouts.input_millis = config.voice.input_timeout_seconds * 1000;
  phone_options.max_calls_per_hour = config.security.max_calls_per_user_per_hour;
  phone_options.caller_id = config.voice.caller_id;
  flows::PhoneRegistration phones(**store, sim, clock, random, phone_options);
  sim.SetEventSink(&phones);

  channels::SimulatedSms sms((*store)->sim_messages(), clock);
  channels::SimulatedEmail email((*store)->sim_messages(), clock);
  flows::CodeOptions code_options;
  code_options.webotp_host = WebOtpHost(config.PublicUrl());
  flows::CodeRegistration codes(**store, sms, email, clock, random, crypto::DeriveKey(*key, "otp"),
                                code_options);

  flows::SignInOptions sign_in;
  sign_in.max_failures_per_account = config.security.max_failed_sign_ins_per_account;
  sign_in.max_failures_per_ip = config.security.max_failed_sign_ins_per_ip;
  sign_in.failure_window_millis = config.security.failed_sign_in_window_minutes * 60'000;
  sign_in.session_idle_millis = config.security.session_idle_minutes * 60'000;
  sign_in.session_absolute_millis = config.security.session_absolute_hours * 3'600'000;
  flows::Sessions sessions(**store, clock, random, sign_in);

  web::WebDeps deps{**store, sessions, phones,
                    codes,   &sim,     &(*store)->sim_messages(),
                    clock,   random,   crypto::DeriveKey(*key, "csrf")};
  http::ServerOptions server_options;
  server_options.address = config.server.address;
  server_options.port = static_cast<uint16_t>(config.server.port);
  server_options.worker_threads = static_cast<int>(config.server.worker_threads);
  server_options.trusted_proxies = config.server.trusted_proxies;

  // Signals are taken by this thread alone (sigwait), so block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  http::Server server(server_options, web::BuildWebApp(deps));
  if (Status s = server.Start(); !s.ok()) {
    return Fail("setting 'server.port': cannot listen on " + config.server.address + ":" +
                std::to_string(config.server.port) + ": " + s.message());
  }
  spdlog::info("secinfo listening on http://{}:{} (database {}, voice {})", config.server.address,
               server.port(), config.database.connection, config.voice.provider);
  // Calls nobody watches any more still end on time: the phone stops ringing.
  Periodic sweeper(std::chrono::seconds(1), [&phones] { phones.ExpireStale(); });
  int sig = 0;
  sigwait(&signals, &sig);
  spdlog::info("stopping on signal {}", sig);
  server.Stop();
  return 0;
}

Result<std::unique_ptr<store::Store>> OpenForAdmin(const Config& config) {
  EnsureParentDir(config.database.connection);
  return store::OpenSqlStore(StoreOptions(config));
}

Result<store::Tenant> TenantByDomain(store::Store& s, const std::string& domain) {
  return s.tenants().FindByDomain(domain);
}

}  // namespace
}  // namespace secinfo::cli

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

  std::string name, domain, locale = "fr", region = "FR", email, display, password, tenant_domain;
  std::string allow;
  bool password_stdin = false, is_admin = false;
  int limit = 50;
  auto* create_tenant = admin->add_subcommand("create-tenant", "create an organization");
  create_tenant->add_option("--name", name, "display name, e.g. Contoso")->required();
  create_tenant->add_option("--domain", domain, "user name domain, e.g. contoso.example")
      ->required();
  create_tenant->add_option("--locale", locale, "default language (fr, en)")
      ->check(CLI::IsMember({"fr", "en"}));
  create_tenant->add_option("--region", region, "default country or region, e.g. FR");

  auto* create_user = admin->add_subcommand("create-user", "create a person with a password");
  create_user->add_option("--email", email, "user name, e.g. ana@contoso.example")->required();
  create_user->add_option("--name", display, "display name");
  create_user->add_option("--locale", locale, "preferred language (fr, en, or empty)");
  auto* pw = create_user->add_option("--password", password, "password (prefer --password-stdin)");
  create_user->add_flag("--password-stdin", password_stdin, "read the password from stdin")
      ->excludes(pw);
  create_user->add_flag("--admin", is_admin, "tenant administrator");

  auto* list_users = admin->add_subcommand("list-users", "list the people of a tenant");
  list_users->add_option("--tenant", tenant_domain, "tenant domain")->required();

  auto* set_methods = admin->add_subcommand("set-methods", "set which methods a tenant allows");
  set_methods->add_option("--tenant", tenant_domain, "tenant domain")->required();
  set_methods->add_option("--allow", allow, "comma-separated methods, e.g. phone (empty: none)")
      ->required();

  auto* audit = admin->add_subcommand("audit", "show the newest audit log entries of a tenant");
  audit->add_option("--tenant", tenant_domain, "tenant domain")->required();
  audit->add_option("--limit", limit, "how many")->check(CLI::Range(1, 10000));

  CLI11_PARSE(app, argc, argv);

  auto config = Config::Load(config_path);
  if (!config.ok()) return cli::Fail(config.status().message());
  if (serve->parsed()) return cli::Serve(*config);

  if (migrate->parsed()) {
    cli::EnsureParentDir(config->database.connection);
    auto applied = store::ApplyMigrations(cli::StoreOptions(*config));
    if (!applied.ok()) return cli::Fail(applied.status().ToString());
    for (const auto& m : *applied) std::printf("applied %s\n", m.c_str());
    if (applied->empty()) std::printf("database is up to date\n");
    return 0;
  }

  auto store = cli::OpenForAdmin(*config);
  if (!store.ok()) return cli::Fail("database: " + store.status().ToString());
  SystemClock clock;
  store::Store& s = **store;

  if (create_tenant->parsed()) {
    store::Tenant t{0, name, domain, locale, region};
    auto id = s.tenants().Create(t);
    if (!id.ok()) return cli::Fail("create-tenant: " + id.status().ToString());
    std::printf("tenant %s (%s) created\n", name.c_str(), domain.c_str());
    return 0;
  }
  if (create_user->parsed()) {
    if (password_stdin) std::getline(std::cin, password);
    if (create_user->count("--locale") == 0) locale = "";
    auto id = cli::CreateUser(s, clock, email, display, password, locale, is_admin);
    if (!id.ok()) return cli::Fail("create-user: " + id.status().message());
    std::printf("user %s created\n", email.c_str());
    return 0;
  }
  auto tenant = cli::TenantByDomain(s, tenant_domain);
  if (!tenant.ok()) return cli::Fail("no tenant has the domain " + tenant_domain);
  if (list_users->parsed()) {
    auto users = s.users().ListForTenant(tenant->id);
    if (!users.ok()) return cli::Fail(users.status().ToString());
    for (const auto& u : *users) {
      std::printf("%s\t%s%s\n", u.username.c_str(), u.display_name.c_str(),
                  u.is_admin ? "\t(admin)" : "");
    }
    return 0;
  }
  if (set_methods->parsed()) {
    std::vector<std::string> methods;
    std::stringstream in(allow);
    for (std::string m; std::getline(in, m, ',');) {
      if (!m.empty()) methods.push_back(m);
    }
    Status st = policy::SetAllowedMethods(s.tenants(), tenant->id, methods);
    if (!st.ok()) return cli::Fail("set-methods: " + st.message());
    std::printf("%s allows: %s\n", domain.empty() ? tenant_domain.c_str() : domain.c_str(),
                allow.empty() ? "(none)" : allow.c_str());
    return 0;
  }
  if (audit->parsed()) {
    auto entries = s.audit().ListForTenant(tenant->id, limit);
    if (!entries.ok()) return cli::Fail(entries.status().ToString());
    for (const auto& e : *entries) {
      std::printf("%lld\t%s\t%s\t%s\t%s\t%s\t%s\n", static_cast<long long>(e.at), e.actor.c_str(),
                  e.ip.c_str(), e.action.c_str(), e.method.c_str(), e.result.c_str(),
                  e.detail.c_str());
    }
    return 0;
  }
  return 0;
}
