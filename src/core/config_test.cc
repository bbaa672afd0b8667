#include "core/config.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "core/temp_dir_for_test.h"

namespace secinfo {
namespace {

// Each file in a folder of its own: tests of this suite run in parallel under ctest.
class ConfigFiles {
 public:
  std::string Write(const std::string& text) {
    std::string path = dir_ / ("config" + std::to_string(++count_) + ".toml");
    std::ofstream(path) << text;
    return path;
  }

 private:
  testing_support::TempDir dir_{"config-test"};
  int count_ = 0;
};

TEST(ConfigTest, DefaultsWithoutFile) {
  Result<Config> c = Config::Load("", {});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->server.port, 8080);
  EXPECT_EQ(c->database.connection, "data/secinfo.db");
  EXPECT_EQ(c->voice.provider, "simulated");
  EXPECT_EQ(c->PublicUrl(), "http://localhost:8080");
  EXPECT_EQ(c->security.audit_retention_days, 365);
}

TEST(ConfigTest, SignInLimitsPerNetworkAndAccountWide) {
  Result<Config> d = Config::Load("", {});
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->security.max_failed_sign_ins_per_account, 5);
  EXPECT_EQ(d->security.max_failed_sign_ins_per_account_all_networks, 100);  // NIST 800-63B
  EXPECT_EQ(d->security.failed_sign_in_all_networks_window_hours, 24);

  ConfigFiles files;
  Result<Config> c = Config::Load(files.Write("[security]\n"
                                              "max_failed_sign_ins_per_account_all_networks = 50\n"
                                              "failed_sign_in_all_networks_window_hours = 48\n"),
                                  {});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->security.max_failed_sign_ins_per_account_all_networks, 50);
  EXPECT_EQ(c->security.failed_sign_in_all_networks_window_hours, 48);
  auto zero = Config::Load("", {"SECINFO_SECURITY_MAX_FAILED_SIGN_INS_PER_ACCOUNT_ALL_NETWORKS=0"});
  ASSERT_FALSE(zero.ok());
  EXPECT_NE(zero.status().message().find("security.max_failed_sign_ins_per_account_all_networks"),
            std::string::npos);
  auto long_window =
      Config::Load("", {"SECINFO_SECURITY_FAILED_SIGN_IN_ALL_NETWORKS_WINDOW_HOURS=100000"});
  ASSERT_FALSE(long_window.ok());
  EXPECT_NE(long_window.status().message().find("failed_sign_in_all_networks_window_hours"),
            std::string::npos);
}

TEST(ConfigTest, FileThenEnvironmentWins) {
  ConfigFiles files;
  std::string path = files.Write("[server]\nport = 9000\n[voice]\nring_timeout_seconds = 12\n");
  Result<Config> c = Config::Load(path, {"SECINFO_SERVER_PORT=9100", "PATH=/bin"});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->server.port, 9100);
  EXPECT_EQ(c->voice.ring_timeout_seconds, 12);
}

TEST(ConfigTest, PostgresqlNeedsAConnectionString) {
  ConfigFiles files;
  auto pg = Config::Load(files.Write("[database]\nbackend = \"postgresql\"\n"
                                     "connection = \"host=127.0.0.1 dbname=secinfo\"\n"
                                     "pool_size = 16\n"),
                         {});
  ASSERT_TRUE(pg.ok()) << pg.status().ToString();
  EXPECT_EQ(pg->database.backend, "postgresql");
  EXPECT_EQ(pg->database.pool_size, 16);
  EXPECT_TRUE(Config::Load("", {"SECINFO_DATABASE_BACKEND=postgresql",
                                "SECINFO_DATABASE_CONNECTION=postgresql://secinfo@db/secinfo"})
                  .ok());

  // The SQLite default left in place is not a connection string: say what is expected.
  auto file = Config::Load("", {"SECINFO_DATABASE_BACKEND=postgresql"});
  ASSERT_FALSE(file.ok());
  EXPECT_NE(file.status().message().find("database.connection"), std::string::npos);
  EXPECT_NE(file.status().message().find("host="), std::string::npos);

  auto backend = Config::Load("", {"SECINFO_DATABASE_BACKEND=mysql"});
  ASSERT_FALSE(backend.ok());
  EXPECT_NE(backend.status().message().find("sqlite3, postgresql"), std::string::npos);
  auto pool = Config::Load("", {"SECINFO_DATABASE_POOL_SIZE=0"});
  ASSERT_FALSE(pool.ok());
  EXPECT_NE(pool.status().message().find("database.pool_size"), std::string::npos);
  EXPECT_FALSE(Config::Load("", {"SECINFO_DATABASE_CONNECTION=:memory:"}).ok());
}

TEST(ConfigTest, BadValuesNameTheSetting) {
  ConfigFiles files;
  auto unknown = Config::Load(files.Write("[server]\nprot = 9000\n"), {});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("server.prot"), std::string::npos);

  auto type = Config::Load(files.Write("[server]\nport = \"x\"\n"), {});
  ASSERT_FALSE(type.ok());
  EXPECT_NE(type.status().message().find("server.port"), std::string::npos);

  auto range = Config::Load("", {"SECINFO_SERVER_PORT=70000"});
  ASSERT_FALSE(range.ok());
  EXPECT_NE(range.status().message().find("server.port"), std::string::npos);

  auto provider = Config::Load("", {"SECINFO_VOICE_PROVIDER=carrier-pigeon"});
  ASSERT_FALSE(provider.ok());
  EXPECT_NE(provider.status().message().find("voice.provider"), std::string::npos);

  auto env = Config::Load("", {"SECINFO_NOPE=1"});
  ASSERT_FALSE(env.ok());
  EXPECT_NE(env.status().message().find("SECINFO_NOPE"), std::string::npos);

  auto syntax = Config::Load(files.Write("[server\n"), {});
  ASSERT_FALSE(syntax.ok());
  EXPECT_NE(syntax.status().message().find("line 1"), std::string::npos);
}

TEST(ConfigTest, TheSimulatorIsOnInDevelopmentAndRefusedInProduction) {
  Result<Config> dev = Config::Load("", {});
  ASSERT_TRUE(dev.ok()) << dev.status().ToString();
  EXPECT_TRUE(dev->sim.enabled);

  const std::vector<std::string> real = {"SECINFO_VOICE_PROVIDER=sip", "SECINFO_SMS_PROVIDER=smpp",
                                         "SECINFO_EMAIL_PROVIDER=smtp"};
  std::vector<std::string> production = real;
  production.push_back("SECINFO_MODE=production");
  Result<Config> prod = Config::Load("", production);
  ASSERT_TRUE(prod.ok()) << prod.status().ToString();
  EXPECT_FALSE(prod->sim.enabled);

  production.push_back("SECINFO_SIM_ENABLED=true");
  Result<Config> refused = Config::Load("", production);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("setting 'sim.enabled'"), std::string::npos);
  EXPECT_NE(refused.status().message().find("production"), std::string::npos);

  Result<Config> simulated_in_production = Config::Load("", {"SECINFO_MODE=production"});
  ASSERT_FALSE(simulated_in_production.ok());
  EXPECT_NE(simulated_in_production.status().message().find("setting 'voice.provider'"),
            std::string::npos)
      << simulated_in_production.status().message();
}

TEST(ConfigTest, SimulatedProvidersNeedTheSimulator) {
  Result<Config> c = Config::Load("", {"SECINFO_SIM_ENABLED=false", "SECINFO_VOICE_PROVIDER=sip",
                                       "SECINFO_EMAIL_PROVIDER=smtp"});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("setting 'sms.provider'"), std::string::npos)
      << c.status().message();
  c = Config::Load("", {"SECINFO_SIM_ENABLED=false", "SECINFO_VOICE_PROVIDER=sip",
                        "SECINFO_SMS_PROVIDER=http", "SECINFO_EMAIL_PROVIDER=smtp"});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_FALSE(c->sim.enabled);
}

TEST(ConfigTest, MixedProvidersMakeTheBannerSayWhatSimShowsToAnyone) {
  Result<Config> mixed = Config::Load("", {"SECINFO_VOICE_PROVIDER=sip"});
  ASSERT_TRUE(mixed.ok()) << mixed.status().ToString();
  EXPECT_EQ(mixed->SimulatedChannels(), (std::vector<std::string>{"sms", "email"}));
  EXPECT_EQ(mixed->SimulatorNotice(),
            "the simulated phone network is on beside real providers: anyone who can open "
            "http://localhost:8080/sim sees the codes sent by SMS and the codes sent by email; set "
            "[sim] enabled = false once every channel has a real provider");
  Result<Config> all_simulated = Config::Load("", {});
  EXPECT_EQ(all_simulated->SimulatorNotice(), "");
}

}  // namespace
}  // namespace secinfo

namespace secinfo {
namespace {

TEST(ConfigTest, PasswordResetLimitsComeFromTheirSection) {
  auto defaults = Config::Load("", {});
  ASSERT_TRUE(defaults.ok());
  const Config::PasswordReset& d = defaults->password_reset;
  EXPECT_EQ(d.validity_minutes, 15);
  EXPECT_EQ(d.max_resets_per_day, 5);
  EXPECT_EQ(d.max_checks_per_hour, 5);
  EXPECT_EQ(d.max_emails, 10);
  EXPECT_EQ(d.email_window_minutes, 10);
  EXPECT_EQ(d.lock_hours, 24);
  EXPECT_EQ(d.max_starts_per_ip, 20);
  EXPECT_EQ(d.ip_window_minutes, 60);

  ConfigFiles files;
  auto set = Config::Load(files.Write("[password_reset]\n"
                                      "validity_minutes = 10\n"
                                      "max_resets_per_day = 3\n"
                                      "max_checks_per_hour = 4\n"
                                      "max_emails = 6\n"
                                      "email_window_minutes = 30\n"
                                      "lock_hours = 1\n"
                                      "max_starts_per_ip = 200\n"
                                      "ip_window_minutes = 15\n"),
                          {"SECINFO_PASSWORD_RESET_MAX_EMAILS=7"});
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  const Config::PasswordReset& r = set->password_reset;
  EXPECT_EQ(r.validity_minutes, 10);
  EXPECT_EQ(r.max_resets_per_day, 3);
  EXPECT_EQ(r.max_checks_per_hour, 4);
  EXPECT_EQ(r.max_emails, 7) << "the environment wins";
  EXPECT_EQ(r.email_window_minutes, 30);
  EXPECT_EQ(r.lock_hours, 1);
  EXPECT_EQ(r.max_starts_per_ip, 200);
  EXPECT_EQ(r.ip_window_minutes, 15);
}

TEST(ConfigTest, BadPasswordResetLimitsAreRefusedByName) {
  ConfigFiles files;
  struct Case {
    std::string toml;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"validity_minutes = 0",
       "setting 'password_reset.validity_minutes': must be between 5 and 120"},
      {"validity_minutes = 121",
       "setting 'password_reset.validity_minutes': must be between 5 and 120"},
      {"max_resets_per_day = 0",
       "setting 'password_reset.max_resets_per_day': must be between 1 and 1000"},
      {"max_checks_per_hour = -1",
       "setting 'password_reset.max_checks_per_hour': must be between 1 and 100"},
      {"max_emails = \"ten\"", "setting 'password_reset.max_emails': must be a whole number"},
      {"email_window_minutes = 1.5",
       "setting 'password_reset.email_window_minutes': must be a whole number"},
      {"lock_hours = 0", "setting 'password_reset.lock_hours': must be between 1 and 720"},
      {"max_starts_per_ip = 0",
       "setting 'password_reset.max_starts_per_ip': must be between 1 and 100000"},
      {"ip_window_minutes = 1441",
       "setting 'password_reset.ip_window_minutes': must be between 1 and 1440"},
      {"lock_days = 1", "setting 'password_reset.lock_days': unknown setting"},
  };
  for (const Case& c : cases) {
    auto loaded = Config::Load(files.Write("[password_reset]\n" + c.toml + "\n"), {});
    ASSERT_FALSE(loaded.ok()) << c.toml;
    EXPECT_EQ(loaded.status().message(), c.message) << c.toml;
  }
  auto env = Config::Load("", {"SECINFO_PASSWORD_RESET_LOCK_HOURS=24h"});
  ASSERT_FALSE(env.ok());
  EXPECT_EQ(env.status().message(), "setting 'password_reset.lock_hours': must be a whole number");
}

TEST(ConfigTest, LogAndMetricsSettings) {
  auto defaults = Config::Load("", {});
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->log.level, "info");
  EXPECT_EQ(defaults->log.format, "text");
  EXPECT_TRUE(defaults->metrics.enabled);
  EXPECT_TRUE(defaults->metrics.loopback_only);
  EXPECT_EQ(defaults->metrics.bearer_token, "");

  ConfigFiles files;
  auto set = Config::Load(
      files.Write(
          "[log]\nlevel = \"warn\"\nformat = \"json\"\n[metrics]\nbearer_token = \"t0k\"\n"),
      {"SECINFO_METRICS_LOOPBACK_ONLY=false"});
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->log.level, "warn");
  EXPECT_EQ(set->log.format, "json");
  EXPECT_EQ(set->metrics.bearer_token, "t0k");
  EXPECT_FALSE(set->metrics.loopback_only);

  auto bad = Config::Load("", {"SECINFO_LOG_FORMAT=xml"});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("log.format"), std::string::npos);
}

}  // namespace
}  // namespace secinfo
