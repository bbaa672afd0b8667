#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "http/message.h"
#include "web/context.h"

namespace secinfo::web {

// What reaching secinfo over https changes about its cookies and transport headers. Pages keep
// using the plain cookie names of context.h (every one starts with kCookieNamePrefix); this class
// translates at the edge of the application, so no page needs to know the scheme.
//
// Under an https public URL (OWASP ASVS 4.0 V3.4.1, V3.4.4, V14.4.5):
// - our cookies travel as "__Host-secinfo_...": browsers keep such a cookie only when set by this
//   very host, over TLS, with Path=/ and no Domain, so a sibling subdomain cannot plant one
//   (cookie tossing); plain-named ones are then ignored, wherever they come from;
// - every response carries Strict-Transport-Security.
// Under any scheme, a request carrying one of our cookies twice is refused rather than letting
// the first value win silently: which one comes first depends on paths an attacker may choose.
//
// Immutable after construction; thread-safe.
class CookieSecurity {
 public:
  explicit CookieSecurity(std::string_view public_url);

  bool https() const { return https_; }

  // Under https, renames our "__Host-" cookies to their plain names and drops plain-named ones
  // (other applications' cookies are left alone). Returns false, forgets every one of our
  // cookies and leaves the plain names of the repeated ones in `req.repeated_cookies` when one of
  // ours was sent twice.
  bool PrepareRequest(http::Request& req) const;

  // Under https, gives our Set-Cookie headers the "__Host-" prefix and the Secure attribute
  // (REQUIRES: they were set with Path=/ and no Domain), and adds HSTS.
  void FinishResponse(http::Response& response) const;

 private:
  // The name pages use for a cookie sent as `sent`, or nullopt when it is not one we read.
  std::optional<std::string> PlainName(std::string_view sent) const;

  bool https_;
};

inline constexpr char kHostCookiePrefix[] = "__Host-";
// Two years, the preload list's minimum; sub-domains of the sign-in host are ours too.
inline constexpr char kStrictTransportSecurity[] = "max-age=63072000; includeSubDomains";

// The page for a request refused by PrepareRequest: 400 and a translated explanation. It deletes
// our repeated cookies (the host's own copy), so that signing in again gets the person out.
http::Response RepeatedCookiePage(const WebDeps& deps, http::Request& req);

}  // namespace secinfo::web
