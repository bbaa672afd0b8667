#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "core/status.h"

// How secinfo's log lines look and which are written: spdlog's default logger (stderr), set up
// once at start-up from the [log] settings.
namespace secinfo {

// level: "trace", "debug", "info", "warn", "error" or "off". format: "text" (spdlog's usual
// "[time] [level] message") or "json" (one JSON object a line: time, level, msg, and the fields of
// LogFields). InvalidArgument naming the setting for anything else.
Status ConfigureLogging(std::string_view level, std::string_view format);

// True when ConfigureLogging chose "json".
bool JsonLogs();

// A field of a structured log line: a name and its value; `quoted` false for numbers.
struct LogField {
  std::string_view name;
  std::string_view value;
  bool quoted = true;
};

// Writes `msg` with named fields at `level` (spdlog's level names, as for ConfigureLogging), if
// that level is enabled: in JSON, the fields become members of the line's object; in text, they
// follow the message as name=value. Field names are JSON-safe words chosen by the code; values
// are escaped.
void LogFields(int level, std::string_view msg, std::initializer_list<LogField> fields);

// `s` as the inside of a JSON string (quotes, backslashes and control characters escaped).
void AppendJsonEscaped(std::string& out, std::string_view s);

}  // namespace secinfo
