#include "core/logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>

namespace secinfo {
namespace {

std::atomic<bool> json_logs{false};

// A payload starting with this byte is already a list of JSON members (",\"a\":1,..."), written
// by LogFields after the message; no other log line starts with it.
constexpr char kFieldsMarker = '\x1e';

// One JSON object a line: {"time":"2026-12-03T13:01:09.302Z","level":"info","msg":"..."}.
class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    std::string line = "{\"time\":\"";
    const auto since_epoch = msg.time.time_since_epoch();
    const std::time_t secs = static_cast<std::time_t>(
        std::chrono::duration_cast<std::chrono::seconds>(since_epoch).count());
    const int millis = static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count() % 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char time_text[40];
    std::snprintf(time_text, sizeof time_text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                  tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  millis);
    line += time_text;
    line += "\",\"level\":\"";
    const auto level_name = spdlog::level::to_string_view(msg.level);
    line.append(level_name.data(), level_name.size());
    line += "\",\"msg\":\"";
    std::string_view payload(msg.payload.data(), msg.payload.size());
    std::string_view fields;
    if (!payload.empty() && payload.front() == kFieldsMarker) {
      // marker, message, marker, members
      payload.remove_prefix(1);
      const size_t end = payload.find(kFieldsMarker);
      fields = end == std::string_view::npos ? "" : payload.substr(end + 1);
      payload = payload.substr(0, end);
    }
    AppendJsonEscaped(line, payload);
    line += '"';
    line += fields;
    line += "}\n";
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

}  // namespace

void AppendJsonEscaped(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        } else {
          out += ch;
        }
    }
  }
}

Status ConfigureLogging(std::string_view level, std::string_view format) {
  const auto parsed = spdlog::level::from_str(std::string(level));
  // from_str answers "off" for any word it does not know.
  if (parsed == spdlog::level::off && level != "off") {
    return Status::InvalidArgument(
        "setting 'log.level': must be one of: trace, debug, info, "
        "warn, error, off");
  }
  if (format != "text" && format != "json") {
    return Status::InvalidArgument("setting 'log.format': must be one of: text, json");
  }
  spdlog::set_level(parsed);
  json_logs = format == "json";
  if (json_logs) {
    spdlog::set_formatter(std::make_unique<JsonFormatter>());
  } else {
    spdlog::set_formatter(std::make_unique<spdlog::pattern_formatter>());
  }
  return Status::Ok();
}

bool JsonLogs() { return json_logs; }

void LogFields(int level, std::string_view msg, std::initializer_list<LogField> fields) {
  const auto lvl = static_cast<spdlog::level::level_enum>(level);
  spdlog::logger* logger = spdlog::default_logger_raw();
  if (!logger->should_log(lvl)) return;
  std::string line;
  if (json_logs) {
    line += kFieldsMarker;
    line += msg;
    line += kFieldsMarker;
    for (const LogField& f : fields) {
      line += ",\"";
      line += f.name;
      line += "\":";
      if (f.quoted) {
        line += '"';
        AppendJsonEscaped(line, f.value);
        line += '"';
      } else {
        line += f.value;
      }
    }
  } else {
    line += msg;
    for (const LogField& f : fields) {
      line += ' ';
      line += f.name;
      line += '=';
      line += f.value.empty() ? "-" : f.value;
    }
  }
  logger->log(lvl, "{}", line);
}

}  // namespace secinfo
