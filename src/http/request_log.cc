#include "http/request_log.h"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <cstdio>

#include "core/logging.h"

namespace secinfo::http {

void LogRequest(const RequestLine& line) {
  const auto level = line.probe && line.status < 400 ? spdlog::level::debug : spdlog::level::info;
  if (!spdlog::default_logger_raw()->should_log(level)) return;
  char status[8];
  const auto s_end = std::to_chars(status, status + sizeof status, line.status).ptr;
  char millis[32];
  const int m_len = std::snprintf(millis, sizeof millis, "%.3f", line.millis);
  LogFields(level, "request",
            {{"request_id", line.id},
             {"tenant", line.tenant},
             {"method", line.method},
             {"route", line.route},
             {"status", std::string_view(status, static_cast<size_t>(s_end - status)), false},
             {"ms", std::string_view(millis, static_cast<size_t>(m_len)), false}});
}

std::string NewRequestIdPrefix() {
  char hex[9];
  std::snprintf(hex, sizeof hex, "%08x", randombytes_random());
  return hex;
}

std::string FormatRequestId(std::string_view prefix, uint64_t sequence) {
  char buf[24];
  const int n = std::snprintf(buf, sizeof buf, "%08llx", static_cast<unsigned long long>(sequence));
  std::string id(prefix);
  id += '-';
  id.append(buf, static_cast<size_t>(n));
  return id;
}

std::string_view MetricMethod(std::string_view method) {
  for (std::string_view known :
       {"GET", "POST", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE"}) {
    if (method == known) return known;
  }
  return "other";
}

}  // namespace secinfo::http
