#pragma once

#include <cstdint>
#include <string>
#include <string_view>

// The request log: one line per answered request, and the request ids that tie a line to the
// response a person reports (X-Request-Id) and to the log lines written meanwhile.
namespace secinfo::http {

struct RequestLine {
  std::string_view id;      // "5f3a9c1e-0000002a"
  std::string_view method;  // as MetricMethod gives it
  std::string_view route;   // the route pattern, "unmatched" when none
  int status = 0;
  double millis = 0;        // arrival to response handed to the socket
  std::string_view tenant;  // the signed-in person's tenant (its domain), empty when none
  bool probe = false;       // a health check or scrape: logged at debug when it succeeds
};

// Writes `line` at info (debug for a successful probe) through core/logging.h: in JSON,
// {"msg":"request","request_id":...,"tenant":...,"method":...,"route":...,"status":...,"ms":...}.
void LogRequest(const RequestLine& line);

// 8 random hex digits, different for each server start, so that ids from several nodes or runs
// do not collide.
std::string NewRequestIdPrefix();

// "<prefix>-<sequence as 8 or more hex digits>".
std::string FormatRequestId(std::string_view prefix, uint64_t sequence);

// The method as a metric label: the methods HTTP defines as themselves, anything else "other"
// (a method is client input, and each label value costs a series).
std::string_view MetricMethod(std::string_view method);

}  // namespace secinfo::http
