#include "core/config.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <sstream>
#include <utility>

extern char** environ;

namespace secinfo {
namespace {

// One setting: its dotted name and how to read it from TOML and from text (the environment).
struct Setting {
  std::function<Status(const toml::node&)> from_toml;
  std::function<Status(const std::string&)> from_text;
};

Status Invalid(const std::string& key, const std::string& why) {
  return Status::InvalidArgument("setting '" + key + "': " + why);
}

Setting IntSetting(const std::string& key, int64_t* out, int64_t min, int64_t max) {
  auto check = [=](int64_t v) {
    if (v < min || v > max) {
      return Invalid(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    }
    *out = v;
    return Status::Ok();
  };
  return {[=](const toml::node& n) {
            auto v = n.value<int64_t>();
            if (!n.is_integer() || !v) return Invalid(key, "must be a whole number");
            return check(*v);
          },
          [=](const std::string& s) {
            int64_t v = 0;
            size_t used = 0;
            try {
              v = std::stoll(s, &used);
            } catch (...) {
              used = 0;
            }
            if (used == 0 || used != s.size()) return Invalid(key, "must be a whole number");
            return check(v);
          }};
}

Setting StringSetting(const std::string& key, std::string* out,
                      std::vector<std::string> allowed = {}) {
  auto check = [=](const std::string& v) {
    if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      return Invalid(key, "must be one of: " + list);
    }
    *out = v;
    return Status::Ok();
  };
  return {[=](const toml::node& n) {
            if (!n.is_string()) return Invalid(key, "must be a string");
            return check(*n.value<std::string>());
          },
          check};
}

Setting BoolSetting(const std::string& key, bool* out) {
  return {[=](const toml::node& n) {
            if (!n.is_boolean()) return Invalid(key, "must be true or false");
            *out = *n.value<bool>();
            return Status::Ok();
          },
          [=](const std::string& s) {
            if (s == "true" || s == "1") {
              *out = true;
            } else if (s == "false" || s == "0") {
              *out = false;
            } else {
              return Invalid(key, "must be true or false");
            }
            return Status::Ok();
          }};
}

Setting ListSetting(const std::string& key, std::vector<std::string>* out) {
  return {[=](const toml::node& n) {
            const toml::array* a = n.as_array();
            if (!a) return Invalid(key, "must be a list of strings");
            out->clear();
            for (const auto& e : *a) {
              if (!e.is_string()) return Invalid(key, "must be a list of strings");
              out->push_back(*e.value<std::string>());
            }
            return Status::Ok();
          },
          [=](const std::string& s) {  // comma-separated in the environment
            out->clear();
            std::stringstream in(s);
            std::string item;
            while (std::getline(in, item, ',')) {
              if (!item.empty()) out->push_back(item);
            }
            return Status::Ok();
          }};
}

std::map<std::string, Setting> Settings(Config& c) {
  return {
      {"server.address", StringSetting("server.address", &c.server.address)},
      {"server.port", IntSetting("server.port", &c.server.port, 1, 65535)},
      {"server.public_url", StringSetting("server.public_url", &c.server.public_url)},
      {"server.worker_threads",
       IntSetting("server.worker_threads", &c.server.worker_threads, 1, 256)},
      {"server.trusted_proxies", ListSetting("server.trusted_proxies", &c.server.trusted_proxies)},
      {"database.backend",
       StringSetting("database.backend", &c.database.backend, {"sqlite3", "postgresql"})},
      {"database.connection", StringSetting("database.connection", &c.database.connection)},
      {"database.pool_size", IntSetting("database.pool_size", &c.database.pool_size, 1, 256)},
      {"security.key_file", StringSetting("security.key_file", &c.security.key_file)},
      {"security.session_idle_minutes",
       IntSetting("security.session_idle_minutes", &c.security.session_idle_minutes, 1, 24 * 60)},
      {"security.session_absolute_hours",
       IntSetting("security.session_absolute_hours", &c.security.session_absolute_hours, 1,
                  24 * 30)},
      {"security.max_failed_sign_ins_per_account",
       IntSetting("security.max_failed_sign_ins_per_account",
                  &c.security.max_failed_sign_ins_per_account, 1, 1000)},
      {"security.max_failed_sign_ins_per_ip",
       IntSetting("security.max_failed_sign_ins_per_ip", &c.security.max_failed_sign_ins_per_ip, 1,
                  100000)},
      {"security.failed_sign_in_window_minutes",
       IntSetting("security.failed_sign_in_window_minutes",
                  &c.security.failed_sign_in_window_minutes, 1, 24 * 60)},
      {"security.max_failed_sign_ins_per_account_all_networks",
       IntSetting("security.max_failed_sign_ins_per_account_all_networks",
                  &c.security.max_failed_sign_ins_per_account_all_networks, 1, 100000)},
      {"security.failed_sign_in_all_networks_window_hours",
       IntSetting("security.failed_sign_in_all_networks_window_hours",
                  &c.security.failed_sign_in_all_networks_window_hours, 1, 24 * 30)},
      {"security.max_calls_per_user_per_hour",
       IntSetting("security.max_calls_per_user_per_hour", &c.security.max_calls_per_user_per_hour,
                  1, 1000)},
      {"security.audit_retention_days",
       IntSetting("security.audit_retention_days", &c.security.audit_retention_days, 1, 36500)},
      {"voice.provider", StringSetting("voice.provider", &c.voice.provider, {"simulated", "sip"})},
      {"voice.sip.host", StringSetting("voice.sip.host", &c.voice.sip.host)},
      {"voice.sip.port", IntSetting("voice.sip.port", &c.voice.sip.port, 1, 65535)},
      {"voice.sip.transport",
       StringSetting("voice.sip.transport", &c.voice.sip.transport, {"udp", "tcp"})},
      {"voice.sip.user", StringSetting("voice.sip.user", &c.voice.sip.user)},
      {"voice.sip.password", StringSetting("voice.sip.password", &c.voice.sip.password)},
      {"voice.sip.from_user", StringSetting("voice.sip.from_user", &c.voice.sip.from_user)},
      {"voice.sip.local_address",
       StringSetting("voice.sip.local_address", &c.voice.sip.local_address)},
      {"voice.sip.local_port",
       IntSetting("voice.sip.local_port", &c.voice.sip.local_port, 0, 65535)},
      {"voice.sip.prompt_cache_dir",
       StringSetting("voice.sip.prompt_cache_dir", &c.voice.sip.prompt_cache_dir)},
      {"voice.ring_timeout_seconds",
       IntSetting("voice.ring_timeout_seconds", &c.voice.ring_timeout_seconds, 5, 300)},
      {"voice.input_timeout_seconds",
       IntSetting("voice.input_timeout_seconds", &c.voice.input_timeout_seconds, 5, 300)},
      {"voice.caller_id", StringSetting("voice.caller_id", &c.voice.caller_id)},
      {"sms.provider",
       StringSetting("sms.provider", &c.sms.provider, {"simulated", "smpp", "http"})},
      {"sms.sender", StringSetting("sms.sender", &c.sms.sender)},
      {"sms.smpp.host", StringSetting("sms.smpp.host", &c.sms.smpp.host)},
      {"sms.smpp.port", IntSetting("sms.smpp.port", &c.sms.smpp.port, 1, 65535)},
      {"sms.smpp.system_id", StringSetting("sms.smpp.system_id", &c.sms.smpp.system_id)},
      {"sms.smpp.password", StringSetting("sms.smpp.password", &c.sms.smpp.password)},
      {"sms.smpp.system_type", StringSetting("sms.smpp.system_type", &c.sms.smpp.system_type)},
      {"sms.smpp.bind",
       StringSetting("sms.smpp.bind", &c.sms.smpp.bind, {"transceiver", "transmitter"})},
      {"sms.smpp.enquire_link_seconds",
       IntSetting("sms.smpp.enquire_link_seconds", &c.sms.smpp.enquire_link_seconds, 1, 3600)},
      {"sms.smpp.max_messages_per_second",
       IntSetting("sms.smpp.max_messages_per_second", &c.sms.smpp.max_messages_per_second, 1,
                  10000)},
      {"sms.smpp.reconnect_max_seconds",
       IntSetting("sms.smpp.reconnect_max_seconds", &c.sms.smpp.reconnect_max_seconds, 1, 3600)},
      {"sms.http.method", StringSetting("sms.http.method", &c.sms.http.method, {"GET", "POST"})},
      {"sms.http.url", StringSetting("sms.http.url", &c.sms.http.url)},
      {"sms.http.body", StringSetting("sms.http.body", &c.sms.http.body)},
      {"sms.http.encoding",
       StringSetting("sms.http.encoding", &c.sms.http.encoding, {"form", "json"})},
      {"sms.http.auth",
       StringSetting("sms.http.auth", &c.sms.http.auth, {"none", "basic", "bearer"})},
      {"sms.http.user", StringSetting("sms.http.user", &c.sms.http.user)},
      {"sms.http.password", StringSetting("sms.http.password", &c.sms.http.password)},
      {"sms.http.success_status",
       IntSetting("sms.http.success_status", &c.sms.http.success_status, 100, 599)},
      {"sms.http.success_body_contains",
       StringSetting("sms.http.success_body_contains", &c.sms.http.success_body_contains)},
      {"sms.http.timeout_seconds",
       IntSetting("sms.http.timeout_seconds", &c.sms.http.timeout_seconds, 1, 300)},
      {"sms.http.receipt_status",
       StringSetting("sms.http.receipt_status", &c.sms.http.receipt_status)},
      {"sms.http.receipt_delivered",
       ListSetting("sms.http.receipt_delivered", &c.sms.http.receipt_delivered)},
      {"sms.http.receipt_undelivered",
       ListSetting("sms.http.receipt_undelivered", &c.sms.http.receipt_undelivered)},
      {"sms.http.max_receipts_per_minute",
       IntSetting("sms.http.max_receipts_per_minute", &c.sms.http.max_receipts_per_minute, 1,
                  1'000'000)},
      {"email.provider", StringSetting("email.provider", &c.email.provider, {"simulated", "smtp"})},
      {"email.from_address", StringSetting("email.from_address", &c.email.from_address)},
      {"email.from_name", StringSetting("email.from_name", &c.email.from_name)},
      {"email.smtp.host", StringSetting("email.smtp.host", &c.email.smtp.host)},
      {"email.smtp.port", IntSetting("email.smtp.port", &c.email.smtp.port, 1, 65535)},
      {"email.smtp.tls",
       StringSetting("email.smtp.tls", &c.email.smtp.tls, {"none", "starttls", "implicit"})},
      {"email.smtp.user", StringSetting("email.smtp.user", &c.email.smtp.user)},
      {"email.smtp.password", StringSetting("email.smtp.password", &c.email.smtp.password)},
      {"email.smtp.ca_file", StringSetting("email.smtp.ca_file", &c.email.smtp.ca_file)},
      {"email.smtp.helo_name", StringSetting("email.smtp.helo_name", &c.email.smtp.helo_name)},
      {"email.smtp.timeout_seconds",
       IntSetting("email.smtp.timeout_seconds", &c.email.smtp.timeout_seconds, 1, 300)},
      {"codes.sms_validity_seconds",
       IntSetting("codes.sms_validity_seconds", &c.codes.sms_validity_seconds, 5, 3600)},
      {"codes.email_validity_seconds",
       IntSetting("codes.email_validity_seconds", &c.codes.email_validity_seconds, 5, 86400)},
      {"codes.max_wrong_tries",
       IntSetting("codes.max_wrong_tries", &c.codes.max_wrong_tries, 1, 20)},
      {"codes.resend_cooldown_seconds",
       IntSetting("codes.resend_cooldown_seconds", &c.codes.resend_cooldown_seconds, 0, 3600)},
      {"codes.max_sends_per_hour",
       IntSetting("codes.max_sends_per_hour", &c.codes.max_sends_per_hour, 1, 1000)},
      {"password_reset.validity_minutes",
       IntSetting("password_reset.validity_minutes", &c.password_reset.validity_minutes, 5, 120)},
      {"password_reset.max_resets_per_day",
       IntSetting("password_reset.max_resets_per_day", &c.password_reset.max_resets_per_day, 1,
                  1000)},
      {"password_reset.max_checks_per_hour",
       IntSetting("password_reset.max_checks_per_hour", &c.password_reset.max_checks_per_hour, 1,
                  100)},
      {"password_reset.max_emails",
       IntSetting("password_reset.max_emails", &c.password_reset.max_emails, 1, 1000)},
      {"password_reset.email_window_minutes",
       IntSetting("password_reset.email_window_minutes", &c.password_reset.email_window_minutes, 1,
                  24 * 60)},
      {"password_reset.lock_hours",
       IntSetting("password_reset.lock_hours", &c.password_reset.lock_hours, 1, 24 * 30)},
      {"password_reset.max_starts_per_ip",
       IntSetting("password_reset.max_starts_per_ip", &c.password_reset.max_starts_per_ip, 1,
                  100000)},
      {"password_reset.ip_window_minutes",
       IntSetting("password_reset.ip_window_minutes", &c.password_reset.ip_window_minutes, 1,
                  24 * 60)},
      {"demo.enabled", BoolSetting("demo.enabled", &c.demo.enabled)},
      {"log.level", StringSetting("log.level", &c.log.level,
                                  {"trace", "debug", "info", "warn", "error", "off"})},
      {"log.format", StringSetting("log.format", &c.log.format, {"text", "json"})},
      {"metrics.enabled", BoolSetting("metrics.enabled", &c.metrics.enabled)},
      {"metrics.bearer_token", StringSetting("metrics.bearer_token", &c.metrics.bearer_token)},
      {"metrics.loopback_only", BoolSetting("metrics.loopback_only", &c.metrics.loopback_only)},
      {"sim.enabled", BoolSetting("sim.enabled", &c.sim.enabled)},
      {"mode", StringSetting("mode", &c.mode, {"development", "production"})},
  };
}

// "server.port" → "SECINFO_SERVER_PORT"
std::string EnvName(const std::string& key) {
  std::string out = "SECINFO_";
  for (char ch : key) out += ch == '.' ? '_' : static_cast<char>(std::toupper(ch));
  return out;
}

Status ReadTable(const toml::table& table, const std::string& prefix,
                 std::map<std::string, Setting>& settings) {
  for (const auto& [k, node] : table) {
    std::string key = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (node.is_table() && !settings.count(key)) {
      SECINFO_RETURN_IF_ERROR(ReadTable(*node.as_table(), key, settings));
      continue;
    }
    auto it = settings.find(key);
    if (it == settings.end()) return Invalid(key, "unknown setting");
    SECINFO_RETURN_IF_ERROR(it->second.from_toml(node));
  }
  return Status::Ok();
}

// The simulator shows codes to anyone: production never runs it (DESIGN.md), and a simulated
// provider without it would send codes nowhere a person can read them.
Status CheckSimulator(Config& c, bool sim_enabled_given) {
  if (c.mode == "production") {
    if (sim_enabled_given && c.sim.enabled) {
      return Invalid("sim.enabled",
                     "the simulated phone network cannot run in production mode: its /sim pages "
                     "show every code and call to anyone");
    }
    c.sim.enabled = false;
  }
  if (c.sim.enabled) return Status::Ok();
  if (std::vector<std::string> simulated = c.SimulatedChannels(); !simulated.empty()) {
    return Invalid(simulated.front() + ".provider",
                   "\"simulated\" needs the simulated phone network, which is off" +
                       std::string(c.mode == "production" ? " in production mode" : "") +
                       ": configure a real provider");
  }
  return Status::Ok();
}

// The connection must suit the backend: a file path for SQLite, a libpq connection string for
// PostgreSQL (where the default file path would otherwise be taken for a host name).
Status CheckDatabase(const Config& c) {
  const std::string& connection = c.database.connection;
  if (connection.empty()) return Invalid("database.connection", "must not be empty");
  if (c.database.backend == "postgresql") {
    bool uri = connection.rfind("postgresql://", 0) == 0 || connection.rfind("postgres://", 0) == 0;
    if (!uri && connection.find('=') == std::string::npos) {
      return Invalid("database.connection",
                     "with backend \"postgresql\" must be a PostgreSQL connection string, such "
                     "as \"host=db.example port=5432 dbname=secinfo user=secinfo\" or "
                     "\"postgresql://secinfo@db.example/secinfo\"");
    }
  } else if (connection == ":memory:") {
    return Invalid("database.connection",
                   "must be a file: every database session and every node opens it");
  }
  return Status::Ok();
}

}  // namespace

Result<Config> Config::Load(const std::string& path) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) env.emplace_back(*e);
  return Load(path, env);
}

Result<Config> Config::Load(const std::string& path, const std::vector<std::string>& env) {
  Config config;
  auto settings = Settings(config);
  // Whether sim.enabled was set at all: its default depends on the mode.
  bool sim_enabled_given = false;
  Setting& sim_enabled = settings.at("sim.enabled");
  sim_enabled.from_toml = [read = sim_enabled.from_toml, &sim_enabled_given](const toml::node& n) {
    sim_enabled_given = true;
    return read(n);
  };
  sim_enabled.from_text = [read = sim_enabled.from_text, &sim_enabled_given](const std::string& t) {
    sim_enabled_given = true;
    return read(t);
  };
  if (!path.empty()) {
    toml::table table;
    try {
      table = toml::parse_file(path);
    } catch (const toml::parse_error& e) {
      std::ostringstream why;
      why << "config file " << path << ": " << e.description() << " (line " << e.source().begin.line
          << ")";
      return Status::InvalidArgument(why.str());
    }
    SECINFO_RETURN_IF_ERROR(ReadTable(table, "", settings));
  }
  std::map<std::string, std::string> by_env_name;
  for (const auto& [key, setting] : settings) by_env_name[EnvName(key)] = key;
  for (const std::string& entry : env) {
    size_t eq = entry.find('=');
    if (eq == std::string::npos || entry.rfind("SECINFO_", 0) != 0) continue;
    std::string name = entry.substr(0, eq);
    auto it = by_env_name.find(name);
    if (it == by_env_name.end()) {
      return Status::InvalidArgument("environment variable " + name + ": unknown setting");
    }
    SECINFO_RETURN_IF_ERROR(settings.at(it->second).from_text(entry.substr(eq + 1)));
  }
  SECINFO_RETURN_IF_ERROR(CheckSimulator(config, sim_enabled_given));
  SECINFO_RETURN_IF_ERROR(CheckDatabase(config));
  return config;
}

std::string Config::PublicUrl() const {
  if (!server.public_url.empty()) return server.public_url;
  return "http://localhost:" + std::to_string(server.port);
}

std::vector<std::string> Config::SimulatedChannels() const {
  std::vector<std::string> out;
  for (const auto& [channel, provider] :
       {std::pair{"voice", &voice.provider}, std::pair{"sms", &sms.provider},
        std::pair{"email", &email.provider}}) {
    if (*provider == "simulated") out.emplace_back(channel);
  }
  return out;
}

std::string Config::SimulatorNotice() const {
  const std::vector<std::string> simulated = SimulatedChannels();
  if (!sim.enabled || simulated.empty() || simulated.size() == 3) return "";
  static const std::map<std::string, std::string> kWhatItShows = {
      {"voice", "the verification calls (their keypad answers them)"},
      {"sms", "the codes sent by SMS"},
      {"email", "the codes sent by email"}};
  std::string shown;
  for (size_t i = 0; i < simulated.size(); ++i) {
    shown += (i == 0                      ? ""
              : i + 1 == simulated.size() ? " and "
                                          : ", ") +
             kWhatItShows.at(simulated[i]);
  }
  return "the simulated phone network is on beside real providers: anyone who can open " +
         PublicUrl() + "/sim sees " + shown +
         "; set [sim] enabled = false once every channel has a real provider";
}

}  // namespace secinfo
