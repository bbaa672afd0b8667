#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.h"

namespace secinfo::cli::authenticator {

// Plain HTTP(S) requests for the companion authenticator, on libcurl. Every request:
//   - verifies the server's TLS certificate and host name (never turned off);
//   - follows no redirect: a 3xx comes back as a reply, so an answer can never be steered to
//     another host;
//   - speaks only http and https;
//   - is bounded by a connect timeout and a total timeout, and may be cancelled from another
//     thread.
// Thread-safe: each call uses its own curl handle.

struct HttpOptions {
  std::chrono::milliseconds connect_timeout{10'000};  // to open the TCP connection and TLS
  std::chrono::milliseconds total_timeout{30'000};    // for the whole exchange
  size_t max_reply_bytes = 1 << 20;                   // larger bodies fail the request
  // When non-null, the request is abandoned soon (within about a second) after it becomes true.
  const std::atomic<bool>* cancel = nullptr;
};

struct HttpReply {
  int status = 0;
  std::string body;
};

// GET `url` with "Accept: application/json". Any HTTP status is a reply. Returns Unavailable when
// the server cannot be reached, TLS fails, the time runs out or the request was cancelled (the
// message says which, in libcurl's words); InvalidArgument for a malformed URL or scheme.
Result<HttpReply> HttpGet(const std::string& url, const HttpOptions& options);

// POST `json_body` to `url` as application/json. As HttpGet otherwise.
Result<HttpReply> HttpPostJson(const std::string& url, std::string_view json_body,
                               const HttpOptions& options);

// Why a server URL is not one the companion talks to.
enum class UrlProblem {
  kNone,
  kMalformed,  // not an absolute URL
  kScheme,     // neither http nor https
  kInsecure,   // plain http to a host other than this computer (localhost, 127.0.0.0/8, ::1)
};

// Checks a URL typed by the person or given by the server. Plain http is accepted only for this
// computer: enrolment returns the TOTP secret and polls reveal sign-in addresses.
UrlProblem CheckServerUrl(const std::string& url);

// "https://id.contoso.example:443": scheme, host and port (explicit, default filled in) of `url`,
// lower-case; "" when malformed. Two URLs of one server have the same origin.
std::string OriginOf(const std::string& url);

}  // namespace secinfo::cli::authenticator
