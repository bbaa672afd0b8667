// secinfo: serve the web application, administer tenants and people, migrate the database.
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "channels/email/simulated/simulated_email.h"
#include "channels/email/smtp/smtp_email.h"
#include "channels/sms/http/http_sms.h"
#include "channels/sms/simulated/simulated_sms.h"
#include "channels/sms/smpp/smpp_sms.h"
#include "channels/voice/simulated/simulated_voice.h"
#include "channels/voice/sip/sip_voice.h"
#include "cli/authenticator/commands.h"
#include "cli/demo.h"
#include "cli/greeting_commands.h"
#include "cli/periodic.h"
#include "cli/sign_in_commands.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/random.h"
#include "crypto/hash.h"
#include "crypto/key_file.h"
#include "flows/notify/notifier.h"
#include "flows/registration/app_registration.h"
#include "flows/registration/code_registration.h"
#include "flows/registration/phone_registration.h"
#include "flows/registration/push_approval.h"
#include "flows/sign_in/guard.h"
#include "flows/sign_in/second_step.h"
#include "flows/sign_in/sign_in.h"
#include "flows/sign_in/verification.h"
#include "http/server.h"
#include "i18n/catalog.h"
#include "methods/questions/normalize.h"
#include "methods/questions/questions.h"
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
  // The simulator's pages show every call, text and mail to anyone: never in production.
  if (config.mode == "production") {
    for (const auto& [setting, provider] :
         {std::pair<std::string, std::string>{"voice.provider", config.voice.provider},
          {"sms.provider", config.sms.provider},
          {"email.provider", config.email.provider}}) {
      if (provider == "simulated") {
        return Fail("setting '" + setting +
                    "': the simulated phone network cannot run in production mode; configure a "
                    "real provider");
      }
    }
  }
  // Signals are taken by this thread alone (sigwait), so block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  SystemClock clock;
  SystemRandom random;
  // Real providers first: a bad setting stops here, before anything is written.
  std::unique_ptr<channels::SipVoice> sip;
  if (config.voice.provider == "sip") {
    auto made = channels::SipVoice::Create(config.voice, clock);
    if (!made.ok()) return Fail("voice: " + made.status().ToString());
    sip = std::move(*made);
  }
  std::unique_ptr<channels::HttpSms> http_sms;
  std::unique_ptr<channels::SmppSms> smpp_sms;
  if (config.sms.provider == "http") {
    auto made = channels::HttpSms::Create(config.sms);
    if (!made.ok()) return Fail("sms: " + made.status().ToString());
    http_sms = std::move(*made);
  } else if (config.sms.provider == "smpp") {
    auto made = channels::SmppSms::Create(config.sms, clock);
    if (!made.ok()) return Fail("sms: " + made.status().ToString());
    smpp_sms = std::move(*made);
  }
  std::unique_ptr<channels::SmtpEmail> smtp;
  if (config.email.provider == "smtp") {
    auto made = channels::SmtpEmail::Create(config.email);
    if (!made.ok()) return Fail("email: " + made.status().ToString());
    smtp = std::move(*made);
  }

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

  channels::SimulatedEmail sim_email((*store)->sim_messages(), clock);
  channels::EmailChannel& email = smtp ? static_cast<channels::EmailChannel&>(*smtp) : sim_email;
  // Every security-info change the flows record is also told to the person by mail.
  flows::Notifier notifier(**store, email, clock);
  std::unique_ptr<store::Store> watched = flows::NotifyingStore(**store, notifier);
  store::Store& st = *watched;

  channels::SimulatedVoice sim(st.sim_calls(), clock);
  channels::VoiceChannel& voice = sip ? static_cast<channels::VoiceChannel&>(*sip) : sim;
  flows::PhoneRegistrationOptions phone_options;
  phone_options.timeouts.ring_millis = config.voice.ring_timeout_seconds * 1000;
  phone_options.timeouts.input_millis = config.voice.input_timeout_seconds * 1000;
  phone_options.max_calls_per_hour = config.security.max_calls_per_user_per_hour;
  phone_options.caller_id = config.voice.caller_id;
  flows::PhoneRegistration phones(st, voice, clock, random, phone_options);
  voice.SetEventSink(&phones);

  channels::SimulatedSms sim_sms(st.sim_messages(), clock);
  channels::SmsChannel& sms = http_sms   ? static_cast<channels::SmsChannel&>(*http_sms)
                              : smpp_sms ? static_cast<channels::SmsChannel&>(*smpp_sms)
                                         : sim_sms;
  flows::CodeOptions code_options;
  code_options.webotp_host = WebOtpHost(config.PublicUrl());
  code_options.sms_validity_millis = config.codes.sms_validity_seconds * 1000;
  code_options.email_validity_millis = config.codes.email_validity_seconds * 1000;
  code_options.max_wrong_tries = config.codes.max_wrong_tries;
  code_options.resend_cooldown_millis = config.codes.resend_cooldown_seconds * 1000;
  code_options.max_sends_per_hour = config.codes.max_sends_per_hour;
  SystemSleeper sleeper;
  flows::CodeRegistration codes(st, sms, email, clock, random, sleeper,
                                crypto::DeriveKey(*key, "otp"), code_options);

  flows::SignInOptions sign_in;
  sign_in.max_failures_per_account = config.security.max_failed_sign_ins_per_account;
  sign_in.max_failures_per_ip = config.security.max_failed_sign_ins_per_ip;
  sign_in.failure_window_millis = config.security.failed_sign_in_window_minutes * 60'000;
  sign_in.session_idle_millis = config.security.session_idle_minutes * 60'000;
  sign_in.session_absolute_millis = config.security.session_absolute_hours * 3'600'000;
  flows::Sessions sessions(st, clock, random, sign_in);

  flows::AppRegistration apps(st, clock, random,
                              crypto::SecretBox(crypto::DeriveKey(*key, "totp-seed")),
                              flows::AppOptions{});
  flows::PushApproval push(st, clock, random,
                           crypto::SecretBox(crypto::DeriveKey(*key, "totp-seed")),
                           flows::PushOptions{});
  // Sign-in's second step, step-up, lockouts and fraud reports.
  flows::VerificationOptions verification;
  flows::Verifier verifier(st, phones, codes, apps, push, clock, random, verification);
  flows::Guard guard(st, &notifier, clock, flows::GuardOptions{verification});
  phones.SetObserver(&guard);
  push.SetObserver(&guard);
  flows::SecondStep second_step(st, sessions, verifier, clock);
  web::WebDeps deps{st,
                    sessions,
                    phones,
                    codes,
                    apps,
                    push,
                    &sim,
                    &st.sim_messages(),
                    clock,
                    random,
                    crypto::DeriveKey(*key, "csrf")};
  deps.verifier = &verifier;
  deps.second_step = &second_step;
  deps.public_url = config.PublicUrl();
  deps.health_checks.emplace_back("sms (" + config.sms.provider + ")", [&http_sms, &smpp_sms] {
    return http_sms ? http_sms->Health() : smpp_sms ? smpp_sms->Health() : Status::Ok();
  });
  deps.health_checks.emplace_back("email (" + config.email.provider + ")",
                                  [&smtp] { return smtp ? smtp->Health() : Status::Ok(); });
  deps.health_checks.emplace_back("voice (" + config.voice.provider + ")",
                                  [&sip] { return sip ? sip->Health() : Status::Ok(); });
  http::ServerOptions server_options;
  server_options.address = config.server.address;
  server_options.port = static_cast<uint16_t>(config.server.port);
  server_options.worker_threads = static_cast<int>(config.server.worker_threads);
  server_options.trusted_proxies = config.server.trusted_proxies;

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
  // No provider event may reach `phones` once it is gone: stop the SIP stack first.
  if (sip) sip->SetEventSink(nullptr);
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

// ---- Security questions: admin set-questions, add-question, list-questions, delete-question ----
namespace secinfo::cli {

// The tenant's security-question rules and custom questions, checked by methods/questions exactly
// as the pages check them; refusals print the English catalog text and exit 1.
class QuestionCommands {
 public:
  // Declares the commands on `admin`; their --tenant goes to `tenant_domain`.
  QuestionCommands(CLI::App* admin, std::string& tenant_domain) {
    set_ = admin->add_subcommand("set-questions", "set how many security questions people answer");
    set_->add_option("--tenant", tenant_domain, "tenant domain")->required();
    set_->add_option("--to-register", to_register_, "questions to answer to register (3 to 5)");
    set_->add_option("--to-reset", to_reset_, "questions to answer to reset a password (3 to 5)");
    add_ = admin->add_subcommand("add-question", "add a custom security question");
    add_->add_option("--tenant", tenant_domain, "tenant domain")->required();
    add_->add_option("--text", text_, "the question, in the language the tenant's people read")
        ->required();
    list_ = admin->add_subcommand("list-questions", "show a tenant's security-question settings");
    list_->add_option("--tenant", tenant_domain, "tenant domain")->required();
    delete_ = admin->add_subcommand("delete-question", "delete a custom security question");
    delete_->add_option("--tenant", tenant_domain, "tenant domain")->required();
    delete_->add_option("--id", id_, "the question's id (see list-questions)")->required();
  }

  bool parsed() const {
    return set_->parsed() || add_->parsed() || list_->parsed() || delete_->parsed();
  }

  // REQUIRES: parsed().
  int Run(store::Store& s, const store::Tenant& tenant, const Clock& clock) const {
    namespace q = methods::questions;
    store::QuestionStore& questions = s.questions();
    if (set_->parsed()) {
      if (!to_register_ && !to_reset_) {
        return Fail("set-questions: give --to-register, --to-reset or both");
      }
      auto current = questions.GetSettings(tenant.id);
      if (!current.ok()) return Fail(current.status().ToString());
      q::QuestionPolicy rules{static_cast<int>(to_register_.value_or(current->to_register)),
                              static_cast<int>(to_reset_.value_or(current->to_reset))};
      if (q::PolicyError e = q::CheckPolicy(rules); e != q::PolicyError::kNone) {
        return Fail("set-questions: " + English(q::Describe(e)));
      }
      Status st = questions.SetSettings(tenant.id, {rules.to_register, rules.to_reset});
      if (!st.ok()) return Fail("set-questions: " + st.ToString());
      std::printf("%s: %d questions to register, %d to reset a password\n", tenant.domain.c_str(),
                  rules.to_register, rules.to_reset);
      return 0;
    }
    auto custom = questions.ListCustom(tenant.id);
    if (!custom.ok()) return Fail(custom.status().ToString());
    if (add_->parsed()) {
      std::vector<std::string> existing;
      for (const auto& c : *custom) existing.push_back(c.text);
      if (auto e = q::CheckCustomQuestion(text_, existing); e != q::CustomQuestionError::kNone) {
        return Fail("add-question: " + English(q::Describe(e)));
      }
      std::string tidy = *q::Tidy(text_);  // CheckCustomQuestion made sure it tidies
      auto id = questions.AddCustom({0, tenant.id, tidy, clock.NowMillis()});
      if (!id.ok()) return Fail("add-question: " + id.status().ToString());
      std::printf("custom question %lld added: %s\n", static_cast<long long>(*id), tidy.c_str());
      return 0;
    }
    if (delete_->parsed()) {
      Status st = questions.DeleteCustom(tenant.id, id_);
      if (st.code() == Status::Code::kNotFound) {
        return Fail("delete-question: " + tenant.domain + " has no custom question " +
                    std::to_string(id_) + " (see list-questions)");
      }
      if (!st.ok()) return Fail("delete-question: " + st.ToString());
      std::printf("custom question %lld deleted\n", static_cast<long long>(id_));
      return 0;
    }
    auto settings = questions.GetSettings(tenant.id);
    if (!settings.ok()) return Fail(settings.status().ToString());
    std::printf("questions to register: %lld\nquestions to reset: %lld\n",
                static_cast<long long>(settings->to_register),
                static_cast<long long>(settings->to_reset));
    if (custom->empty()) std::printf("no custom questions\n");
    for (const auto& c : *custom) {
      std::printf("custom question %lld\t%s\n", static_cast<long long>(c.id), c.text.c_str());
    }
    return 0;
  }

 private:
  static std::string English(const methods::questions::Message& m) {
    return i18n::Catalog::BuiltIn().Get("en", m.key, m.args);
  }

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
// ---- End of security questions ----

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

  std::string method, mfa, sspr;
  auto* set_purposes = admin->add_subcommand(
      "set-purposes", "set what a method may be used for: two-step verification, password reset");
  set_purposes->add_option("--tenant", tenant_domain, "tenant domain")->required();
  set_purposes->add_option("--method", method, "phone, authenticator, email, questions")
      ->required();
  set_purposes->add_option("--mfa", mfa, "two-step verification: on or off")
      ->required()
      ->check(CLI::IsMember({"on", "off"}));
  set_purposes->add_option("--sspr", sspr, "password reset: on or off")
      ->required()
      ->check(CLI::IsMember({"on", "off"}));
  auto* show_policy = admin->add_subcommand("show-policy", "show which methods a tenant allows");
  show_policy->add_option("--tenant", tenant_domain, "tenant domain")->required();

  auto* audit = admin->add_subcommand("audit", "show the newest audit log entries of a tenant");
  audit->add_option("--tenant", tenant_domain, "tenant domain")->required();
  audit->add_option("--limit", limit, "how many")->check(CLI::Range(1, 10000));

  cli::QuestionCommands question_commands(admin, tenant_domain);
  cli::GreetingCommands greeting_commands(admin, tenant_domain);
  cli::SignInCommands sign_in_commands(admin, tenant_domain);
  cli::AddAuthenticatorCommands(app);  // runs and exits inside CLI11_PARSE

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
  if (question_commands.parsed()) return question_commands.Run(s, *tenant, clock);
  if (greeting_commands.parsed()) return greeting_commands.Run(s, *tenant, clock);
  if (sign_in_commands.parsed()) return sign_in_commands.Run(s, *tenant, clock);
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
  if (set_purposes->parsed()) {
    Status st = policy::SetPurposes(s.tenants(), tenant->id, method, mfa == "on", sspr == "on");
    if (!st.ok()) return cli::Fail("set-purposes: " + st.message());
    std::printf("%s: two-step verification %s, password reset %s\n", method.c_str(), mfa.c_str(),
                sspr.c_str());
    return 0;
  }
  if (show_policy->parsed()) {
    auto p = policy::LoadPolicy(s.tenants(), tenant->id);
    if (!p.ok()) return cli::Fail(p.status().ToString());
    for (const std::string& m : policy::KnownMethods()) {
      std::printf("%s\t%s\tmfa=%s\tsspr=%s\n", m.c_str(), p->Allows(m) ? "allowed" : "off",
                  p->AllowsFor(m, policy::Purpose::kMfa) ? "yes" : "no",
                  p->AllowsFor(m, policy::Purpose::kSspr) ? "yes" : "no");
    }
    auto sign_in_rules = s.sign_in().GetPolicy(tenant->id);
    if (!sign_in_rules.ok()) return cli::Fail(sign_in_rules.status().ToString());
    cli::SignInCommands::Print(*sign_in_rules);
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
