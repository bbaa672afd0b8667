#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace secinfo::http {

class DeferredResponse;  // http/deferred.h

// One HTTP request as plain values, so handlers can be tested without a network. The Server fills
// every field before calling a handler; the Router adds `params`.
struct Request {
  std::string method;  // "GET", "POST", "HEAD"...
  std::string path;    // percent-decoded path without the query: "/sim/phone/+33425555123"
  std::string target;  // raw request target as received: "/security-info?x=1" (for return-to links)
  std::map<std::string, std::string> query;    // decoded ('+' means space); first value wins
  std::map<std::string, std::string> form;     // decoded application/x-www-form-urlencoded body
  std::map<std::string, std::string> cookies;  // from the Cookie header; first value wins
  std::vector<std::string> repeated_cookies;   // names the Cookie header holds more than once
  std::map<std::string, std::string> headers;  // names lower-cased; repeated fields joined by ", "
  std::map<std::string, std::string> params;   // filled by Router from ":name" segments
  // The pattern of the route that matched ("/sign-in/verify/:id"), set by Router; empty when none
  // did. Names the request in metrics without its variable parts. Points into the Router.
  std::string_view route;
  std::string body;
  // The client's address as text ("127.0.0.1", "::1"): the peer, or the address a trusted proxy
  // put in X-Forwarded-For.
  std::string remote_ip;
  // This request's id, also sent back as X-Request-Id: quote it in log lines about it.
  std::string id;
  // Set by the handler once it knows who asks: the person's tenant (its domain), for the request
  // log line.
  std::string tenant;
  // True when the client used TLS. We serve plain HTTP, so this is only set when a trusted proxy
  // says X-Forwarded-Proto: https.
  bool secure = false;

  // Each returns "" when absent. Header names are matched case-insensitively.
  std::string Header(std::string_view name) const;
  std::string Query(std::string_view name) const;
  std::string Form(std::string_view name) const;
  std::string Cookie(std::string_view name) const;
  std::string Param(std::string_view name) const;

  // Makes the response asynchronous: the handler's returned Response is then ignored, and the
  // request is answered by Complete() on the returned handle, from any thread, later. The Server
  // attaches the handle before calling the handler; a request built by hand gets one that drops
  // its response, unless the caller attached its own to `deferral`.
  std::shared_ptr<DeferredResponse> Defer();
  bool deferred = false;                       // set by Defer()
  std::shared_ptr<DeferredResponse> deferral;  // see Defer()
};

// A Set-Cookie response header.
struct SetCookie {
  std::string name = "";   // REQUIRES: an RFC 6265 token (letters, digits, !#$%&'*+-.^_`|~)
  std::string value = "";  // REQUIRES: no whitespace, '"', ',', ';', '\\' or control characters
  std::optional<int64_t> max_age_seconds =
      std::nullopt;  // absent: a session cookie; <= 0: delete now
  std::string path = "/";
  bool http_only = true;          // hidden from scripts
  bool secure = false;            // sent back only over HTTPS
  std::string same_site = "Lax";  // "Strict", "Lax", "None" (needs secure) or "" to omit

  // "sid=abc; Path=/; Max-Age=3600; Secure; HttpOnly; SameSite=Lax"
  std::string ToHeaderValue() const;
};

// One HTTP response as plain values. The Server computes Content-Length from `body` (a handler's
// own Content-Length is ignored, except on HEAD responses, which never carry a body).
struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // may repeat (Set-Cookie)
  std::string body;

  static Response Html(std::string body, int status = 200);  // text/html; charset=utf-8
  static Response Text(std::string body, int status = 200);  // text/plain; charset=utf-8
  static Response Json(std::string body, int status = 200);  // application/json
  static Response Redirect(std::string location, int status = 303);

  // Replaces every header of the same name (case-insensitive) with this one.
  void SetHeader(std::string name, std::string value);
  void AddCookie(const SetCookie& cookie);
  // The first value of the header `name` (case-insensitive); "" when absent.
  std::string GetHeader(std::string_view name) const;
};

// Handlers may be called concurrently from several worker threads, and may block.
using Handler = std::function<Response(Request&)>;

// True when `name: value` may be written as a response header: the name is an RFC 9110 token and
// the value holds no control character of any kind (0x00-0x1F, 0x7F; TAB included). CR and LF
// would split the response; the others are dropped or rewritten by browsers in ways that turn a
// checked value (a Location, say) into another one. OWASP ASVS 4.0 V5.3.1, V14.4.1.
bool IsSafeHeader(std::string_view name, std::string_view value);

// ASCII case-insensitive equality, for header names.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
std::string ToLower(std::string_view s);

}  // namespace secinfo::http
