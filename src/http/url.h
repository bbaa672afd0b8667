#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace secinfo::http {

// Percent-decodes `s`. A '%' not followed by two hex digits is kept literally, so any input decodes
// without error. When `plus_as_space` is true (query strings and form bodies), '+' becomes ' '.
// The result is raw bytes: callers that need valid UTF-8 must check it themselves.
std::string UrlDecode(std::string_view s, bool plus_as_space);

// Percent-encodes every byte except the RFC 3986 unreserved set (A-Z a-z 0-9 - . _ ~), so the
// result is safe as a query value or as one path segment.
std::string UrlEncode(std::string_view s);

// Parses "a=1&b=x+y&c" (a query string or an application/x-www-form-urlencoded body) into decoded
// name/value pairs. A pair without '=' has an empty value; empty names are skipped; when a name
// repeats, the first value wins.
std::map<std::string, std::string> ParseUrlEncoded(std::string_view s);

// Parses a Cookie request header ("a=1; b=2") into name/value pairs. Values are not decoded
// (cookies are opaque) but one pair of surrounding double quotes is removed. Pairs without '=' or
// with an empty name are skipped; when a name repeats, the first value is kept and, when
// `repeated` is given, the name is added to it once, so that callers can refuse the ambiguity
// (a cookie tossed in by a sibling domain comes first or last depending on its path).
std::map<std::string, std::string> ParseCookies(std::string_view header,
                                                std::vector<std::string>* repeated = nullptr);

// A request target split into its raw (still encoded) path and query. Accepts the origin form
// "/a/b?x=1" and the absolute form "http://host/a/b?x=1"; a fragment, if a client sends one, is
// dropped. An absolute form without a path has the path "/".
struct TargetParts {
  std::string_view path;
  std::string_view query;
};
TargetParts SplitTarget(std::string_view target);

// Where a page may send the browser back to (after sign-in, a language change...): `candidate`
// itself when it is a same-origin relative path ("/security-info?x=1") made only of visible ASCII
// (0x21-0x7E), else "/security-info". Refused: empty, not starting with '/', "//" and "/\"
// (other origins), any backslash, and any space, control or non-ASCII byte, since browsers drop
// or rewrite those ("/<TAB>/evil.example" becomes "//evil.example"). OWASP ASVS 4.0 V5.1.5:
// redirects only to allowed destinations.
std::string SafeReturnPath(std::string_view candidate);

}  // namespace secinfo::http
