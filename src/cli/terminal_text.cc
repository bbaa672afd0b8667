#include "cli/terminal_text.h"

#include <unicode/utf8.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace secinfo::cli {
namespace {

void AppendHex(std::string& out, unsigned value) {
  char buf[8];
  std::snprintf(buf, sizeof(buf), "\\x%02X", value & 0xFF);
  out += buf;
}

// Reads exactly `n` digits at `pos` of `s` into `out`.
bool Digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

}  // namespace

std::string EscapeForTerminal(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  const auto length = static_cast<int32_t>(text.size());
  int32_t i = 0;
  while (i < length) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(text.data(), i, length, c);
    if (c < 0) {  // not UTF-8: each byte shown as itself
      for (int32_t b = start; b < i; ++b) AppendHex(out, static_cast<unsigned char>(text[b]));
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
      AppendHex(out, static_cast<unsigned>(c));
    } else {
      out.append(text.substr(static_cast<size_t>(start), static_cast<size_t>(i - start)));
    }
  }
  return out;
}

Result<int64_t> ParseIsoTime(std::string_view text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  bool ok = text.size() >= 10 && Digits(text, 0, 4, year) && text[4] == '-' &&
            Digits(text, 5, 2, month) && text[7] == '-' && Digits(text, 8, 2, day);
  if (ok && text.size() > 10) {
    // "T10:30Z" or "T10:30:00Z"
    ok = (text[10] == 'T' || text[10] == ' ') && Digits(text, 11, 2, hour) && text.size() >= 17 &&
         text[13] == ':' && Digits(text, 14, 2, minute);
    size_t rest = 16;
    if (ok && text.size() > 17 && text[16] == ':') {
      ok = Digits(text, 17, 2, second);
      rest = 19;
    }
    ok = ok && text.substr(rest) == "Z" && hour < 24 && minute < 60 && second < 60;
  }
  const std::chrono::year_month_day date{std::chrono::year(year), std::chrono::month(month),
                                         std::chrono::day(day)};
  if (!ok || !date.ok()) {
    return Status::InvalidArgument("'" + std::string(text) +
                                   "' is not a date: use 2026-12-03 or 2026-12-03T10:30:00Z (UTC)");
  }
  const auto at = std::chrono::sys_days(date) + std::chrono::hours(hour) +
                  std::chrono::minutes(minute) + std::chrono::seconds(second);
  return std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
}

std::string FormatIsoTime(int64_t unix_millis) {
  using namespace std::chrono;
  const sys_time<milliseconds> t{milliseconds(unix_millis)};
  const sys_days day_start = floor<days>(t);
  const year_month_day date{day_start};
  const hh_mm_ss clock{t - day_start};
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%04d-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ",
                static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()), static_cast<long long>(clock.hours().count()),
                static_cast<long long>(clock.minutes().count()),
                static_cast<long long>(clock.seconds().count()),
                static_cast<long long>(clock.subseconds().count()));
  return buf;
}

std::string AuditTextLine(const store::AuditEntry& e) {
  std::string line = std::to_string(e.at);
  for (const std::string* field : {&e.actor, &e.ip, &e.action, &e.method, &e.result, &e.detail}) {
    line += '\t' + EscapeForTerminal(*field);
  }
  return line;
}

std::string AuditJsonLine(const store::AuditEntry& e) {
  nlohmann::ordered_json j = {{"at", e.at},         {"time", FormatIsoTime(e.at)},
                              {"actor", e.actor},   {"ip", e.ip},
                              {"action", e.action}, {"method", e.method},
                              {"result", e.result}, {"detail", e.detail}};
  j["user_id"] = e.user_id ? nlohmann::ordered_json(*e.user_id) : nlohmann::ordered_json(nullptr);
  return j.dump(-1, ' ', /*ensure_ascii=*/false, nlohmann::json::error_handler_t::replace);
}

}  // namespace secinfo::cli
