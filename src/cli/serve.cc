#include "cli/serve.h"

#include <malloc.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <filesystem>
#include <optional>
#include <string>

#include "channels/metered.h"
#include "channels/providers.h"
#include "cli/command_group.h"
#include "cli/database.h"
#include "cli/demo.h"
#include "cli/master_key.h"
#include "cli/periodic.h"
#include "core/clock.h"
#include "core/random.h"
#include "core/scheduler.h"
#include "crypto/hash.h"
#include "flows/credentials/credentials.h"
#include "flows/notify/notifier.h"
#include "flows/oidc/keys.h"
#include "flows/oidc/provider.h"
#include "flows/password/passwords.h"
#include "flows/password_reset/password_reset.h"
#include "flows/registration/app_registration.h"
#include "flows/registration/code_registration.h"
#include "flows/registration/phone_registration.h"
#include "flows/registration/push_approval.h"
#include "flows/retention.h"
#include "flows/sign_in/guard.h"
#include "flows/sign_in/second_step.h"
#include "flows/sign_in/sign_in.h"
#include "flows/sign_in/verification.h"
#include "http/server.h"
#include "web/app.h"

namespace secinfo::cli {
namespace {

// "https://id.contoso.example:8443/x" → "id.contoso.example": the origin WebOTP codes are for.
std::string WebOtpHost(const std::string& url) {
  size_t start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  size_t end = url.find_first_of(":/", start);
  return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

flows::PhoneRegistrationOptions PhoneOptions(const Config& config) {
  flows::PhoneRegistrationOptions o;
  o.timeouts.ring_millis = config.voice.ring_timeout_seconds * 1000;
  o.timeouts.input_millis = config.voice.input_timeout_seconds * 1000;
  o.max_calls_per_hour = config.security.max_calls_per_user_per_hour;
  o.caller_id = config.voice.caller_id;
  return o;
}

flows::ResetOptions ResetOptions(const Config& config, const std::string& key) {
  const Config::PasswordReset& c = config.password_reset;
  flows::ResetOptions o;
  o.validity_millis = c.validity_minutes * 60'000;
  o.max_resets_per_day = c.max_resets_per_day;
  o.max_checks_per_hour = c.max_checks_per_hour;
  o.max_emails = c.max_emails;
  o.email_window_millis = c.email_window_minutes * 60'000;
  o.path_lock_millis = c.lock_hours * 3'600'000;
  o.max_starts_per_ip = c.max_starts_per_ip;
  o.ip_window_millis = c.ip_window_minutes * 60'000;
  o.decoy_key = crypto::DeriveKey(key, "reset-decoy");
  return o;
}

flows::CodeOptions CodeOptions(const Config& config) {
  flows::CodeOptions o;
  o.webotp_host = WebOtpHost(config.PublicUrl());
  o.sms_validity_millis = config.codes.sms_validity_seconds * 1000;
  o.email_validity_millis = config.codes.email_validity_seconds * 1000;
  o.max_wrong_tries = config.codes.max_wrong_tries;
  o.resend_cooldown_millis = config.codes.resend_cooldown_seconds * 1000;
  o.max_sends_per_hour = config.codes.max_sends_per_hour;
  o.max_receipt_callbacks_per_minute = config.sms.http.max_receipts_per_minute;
  return o;
}

flows::SignInOptions SignInOptions(const Config& config) {
  flows::SignInOptions o;
  o.max_failures_per_account = config.security.max_failed_sign_ins_per_account;
  o.max_failures_per_ip = config.security.max_failed_sign_ins_per_ip;
  o.failure_window_millis = config.security.failed_sign_in_window_minutes * 60'000;
  o.max_failures_per_account_all_networks =
      config.security.max_failed_sign_ins_per_account_all_networks;
  o.all_networks_window_millis =
      config.security.failed_sign_in_all_networks_window_hours * 3'600'000;
  o.session_idle_millis = config.security.session_idle_minutes * 60'000;
  o.session_absolute_millis = config.security.session_absolute_hours * 3'600'000;
  return o;
}

http::ServerOptions ServerOptions(const Config& config) {
  http::ServerOptions o;
  o.address = config.server.address;
  o.port = static_cast<uint16_t>(config.server.port);
  o.worker_threads = static_cast<int>(config.server.worker_threads);
  o.trusted_proxies = config.server.trusted_proxies;
  // A load balancer's health check is answered at once, even while every worker hashes passwords.
  o.inline_paths = {"/healthz"};
  o.probe_paths = {"/healthz", "/readyz", "/metrics"};
  return o;
}

}  // namespace

int Serve(const Config& config) {
  // glibc hands freed memory back to the kernel as soon as the top of a thread's heap exceeds
  // 128 KiB: each worker then faults its pages in again at the next request, and each madvise
  // interrupts every core to flush its TLB. With a high threshold freed memory stays for reuse.
  // Measured on the second step of sign-in: server CPU per request halved (46-51 ms → 22 ms on a
  // loaded 2-core machine); RSS under load stays at its peak instead of shrinking between bursts.
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  // Signals are taken by this thread alone (sigwait), so block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  SystemClock clock;
  SystemRandom random;
  // Real providers first: a bad setting stops here, before anything is written.
  auto providers = channels::ChosenProviders::Create(config, clock);
  if (!providers.ok()) return Fail(providers.status().message());

  auto store = OpenStore(config);
  if (!store.ok()) return Fail("database: " + store.status().ToString());
  EnsureParentDir(config.security.key_file);
  auto key = LoadMasterKey(config.security.key_file, (*store)->methods(), random);
  if (!key.ok()) return Fail("setting 'security.key_file': " + key.status().message());

  if (config.demo.enabled && config.mode != "production") {
    std::string credentials = (std::filesystem::path(DataDir(config)) / "demo-users.txt").string();
    Status s = EnsureDemoTenant(**store, random, clock, credentials, config.PublicUrl());
    if (!s.ok()) return Fail("demo tenant: " + s.ToString());
  }

  channels::SimulatedChannels sim(**store, clock);
  // What is handed to each provider is counted for /metrics.
  channels::MeteredVoice voice(providers->voice(sim));
  channels::MeteredSms sms(providers->sms(sim));
  channels::MeteredEmail email(providers->email(sim));

  // Every security-info change the flows record is also told to the person by mail.
  flows::Notifier notifier(**store, email, clock);
  std::unique_ptr<store::Store> watched = flows::NotifyingStore(**store, notifier);
  store::Store& st = *watched;

  flows::PhoneRegistration phones(st, voice, clock, random, PhoneOptions(config));
  voice.SetEventSink(&phones);
  // On every way out, the early ones too, the provider stops calling `phones` before it goes.
  struct EventsStop {
    channels::VoiceChannel& voice;
    ~EventsStop() { voice.SetEventSink(nullptr); }
  } events_stop{voice};
  // Code sending tries again in the background: a request's worker never sleeps.
  BackgroundScheduler code_retries;
  flows::CodeRegistration codes(st, sms, email, clock, random, code_retries,
                                crypto::DeriveKey(*key, "otp"), CodeOptions(config));
  // The retries use `codes`: on every way out they stop before it goes.
  struct RetriesStop {
    BackgroundScheduler& retries;
    ~RetriesStop() { retries.Shutdown(); }
  } retries_stop{code_retries};
  // Delivery receipts (SMPP) reach `codes`, which records them for every node, until it goes.
  sms.SetReceiptSink(&codes);
  // HTTP gateways report to /sms/receipt (the route hands them to `codes`), through links signed
  // with a key every node derives alike.
  std::string public_url = config.PublicUrl();
  while (public_url.ends_with('/')) public_url.pop_back();
  sms.SetReceiptCallback({public_url + "/sms/receipt", crypto::DeriveKey(*key, "sms-receipt")});
  struct ReceiptsStop {
    channels::SmsChannel& sms;
    ~ReceiptsStop() { sms.SetReceiptSink(nullptr); }
  } receipts_stop{sms};
  flows::LocalCredentials credentials(st.users());
  flows::Sessions sessions(st, clock, random, SignInOptions(config), &credentials);
  flows::Passwords passwords(st, credentials, sessions, &notifier, clock);
  flows::AppRegistration apps(st, clock, random,
                              crypto::SecretBox(crypto::DeriveKey(*key, kSeedKeyPurpose)),
                              flows::AppOptions{});
  flows::PushApproval push(st, clock, random,
                           crypto::SecretBox(crypto::DeriveKey(*key, kSeedKeyPurpose)),
                           flows::PushOptions{});
  // Sign-in's second step, step-up, lockouts and fraud reports.
  const flows::VerificationOptions verification;
  flows::Verifier verifier(st, phones, codes, apps, push, clock, random, verification);
  flows::Guard guard(st, &notifier, clock, flows::GuardOptions{verification});
  phones.SetObserver(&guard);
  push.SetObserver(&guard);
  flows::SecondStep second_step(st, sessions, verifier, clock);
  // The OpenID Connect provider: keys made at first start and sealed in the database.
  flows::oidc::ProviderOptions oidc_options;
  oidc_options.issuer = config.PublicUrl();
  while (oidc_options.issuer.ends_with('/')) oidc_options.issuer.pop_back();
  flows::oidc::SigningKeys oidc_keys(st, clock, random,
                                     crypto::SecretBox(crypto::DeriveKey(*key, "oidc-signing-key")),
                                     oidc_options.retired_key_millis());
  if (Status s = oidc_keys.Ensure(); !s.ok()) return Fail("OpenID Connect keys: " + s.ToString());
  flows::oidc::Provider oidc(st, oidc_keys, clock, random, crypto::DeriveKey(*key, "oidc-sub"),
                             oidc_options);
  notifier.SetSms(&sms);
  flows::PasswordResets resets(st, verifier, passwords, &notifier, clock, random,
                               ResetOptions(config, *key));
  web::WebDeps deps{st,
                    sessions,
                    phones,
                    codes,
                    apps,
                    push,
                    config.sim.enabled ? &sim.voice : nullptr,
                    config.sim.enabled ? &(*store)->sim_messages() : nullptr,
                    clock,
                    random,
                    crypto::DeriveKey(*key, "csrf")};
  deps.verifier = &verifier;
  deps.second_step = &second_step;
  deps.passwords = &passwords;
  deps.oidc = &oidc;
  deps.oidc_keys = &oidc_keys;
  deps.resets = &resets;
  deps.public_url = config.PublicUrl();
  deps.metrics = config.metrics;
  // /readyz asks the chosen channel of each kind (the simulated ones are always ready).
  deps.health_checks.emplace_back("sms (" + config.sms.provider + ")",
                                  [&sms] { return sms.Health(); });
  deps.health_checks.emplace_back("email (" + config.email.provider + ")",
                                  [&email] { return email.Health(); });
  deps.health_checks.emplace_back("voice (" + config.voice.provider + ")",
                                  [&voice] { return voice.Health(); });

  http::Server server(ServerOptions(config), web::BuildWebApp(deps));
  if (Status s = server.Start(); !s.ok()) {
    return Fail("setting 'server.port': cannot listen on " + config.server.address + ":" +
                std::to_string(config.server.port) + ": " + s.message());
  }
  spdlog::info("secinfo listening on http://{}:{} (database {}, voice {})", config.server.address,
               server.port(), DatabaseForLog(config), config.voice.provider);
  if (std::string notice = config.SimulatorNotice(); !notice.empty()) spdlog::warn("{}", notice);
  // Calls nobody watches any more still end on time: the phone stops ringing.
  std::optional<Periodic> sweeper;
  sweeper.emplace(std::chrono::seconds(1), [&phones] { phones.ExpireStale(); });
  flows::RetentionOptions retention;
  retention.audit_retention_millis = config.security.audit_retention_days * 86'400'000;
  Periodic purge(std::chrono::hours(1), [&] { flows::PurgeAndLog(**store, clock, retention); });
  int sig = 0;
  sigwait(&signals, &sig);
  spdlog::info("stopping on signal {}", sig);
  server.Stop();
  code_retries.Shutdown();  // retries use `codes`, which goes first
  sweeper.reset();
  return 0;
}

}  // namespace secinfo::cli
