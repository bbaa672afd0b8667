#include "web/cookie_security.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>

#include "i18n/catalog.h"

namespace secinfo::web {
namespace {

bool IsOurs(std::string_view name) { return name.starts_with(kCookieNamePrefix); }

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && http::EqualsIgnoreCase(s.substr(0, prefix.size()), prefix);
}

// "name=value; Path=/; HttpOnly" → "__Host-name=value; Path=/; HttpOnly; Secure".
std::string WithHostPrefix(std::string_view set_cookie) {
  std::string out = kHostCookiePrefix + std::string(set_cookie);
  bool secure = false;
  for (size_t at = out.find(';'); at != std::string::npos; at = out.find(';', at + 1)) {
    std::string_view attribute = std::string_view(out).substr(at + 1);
    attribute.remove_prefix(std::min(attribute.find_first_not_of(' '), attribute.size()));
    attribute = attribute.substr(0, attribute.find(';'));
    if (http::EqualsIgnoreCase(attribute, "Secure")) secure = true;
  }
  if (!secure) out += "; Secure";
  return out;
}

}  // namespace

CookieSecurity::CookieSecurity(std::string_view public_url)
    : https_(StartsWithIgnoreCase(public_url, "https://")) {}

std::optional<std::string> CookieSecurity::PlainName(std::string_view sent) const {
  if (https_) {
    if (!sent.starts_with(kHostCookiePrefix)) return std::nullopt;
    sent.remove_prefix(std::string_view(kHostCookiePrefix).size());
  }
  if (!IsOurs(sent)) return std::nullopt;
  return std::string(sent);
}

bool CookieSecurity::PrepareRequest(http::Request& req) const {
  std::vector<std::string> ours_repeated;
  for (const std::string& name : req.repeated_cookies) {
    if (auto plain = PlainName(name)) ours_repeated.push_back(std::move(*plain));
  }
  const bool ambiguous = !ours_repeated.empty();
  std::map<std::string, std::string> kept;
  for (auto& [name, value] : req.cookies) {
    if (auto plain = PlainName(name)) {
      if (!ambiguous) kept[*plain] = std::move(value);
    } else if (!IsOurs(name) && !std::string_view(name).starts_with(kHostCookiePrefix)) {
      kept[name] = std::move(value);  // another application's cookie on the same domain
    }
  }
  req.cookies = std::move(kept);
  req.repeated_cookies = std::move(ours_repeated);
  return !ambiguous;
}

void CookieSecurity::FinishResponse(http::Response& response) const {
  if (!https_) return;
  for (auto& [name, value] : response.headers) {
    if (http::EqualsIgnoreCase(name, "Set-Cookie") && IsOurs(value)) value = WithHostPrefix(value);
  }
  response.SetHeader("Strict-Transport-Security", kStrictTransportSecurity);
}

http::Response RepeatedCookiePage(const WebDeps& deps, http::Request& req) {
  // No session is read from an ambiguous request: the language comes from the browser alone.
  Ctx c{deps, req};
  const auto& catalog = i18n::Catalog::BuiltIn();
  c.lang = catalog.Choose(i18n::Catalog::ParseAcceptLanguage(req.Header("accept-language")), "en");
  for (const std::string& name : req.repeated_cookies) {
    c.cookies.push_back({name, "", 0, "/", true, req.secure});
  }
  Data d = c.PageData("error_title");
  d.set("message", c.T("cookie_repeated"));
  d.set("back", std::string("/sign-in"));
  return c.Render("message", d, 400);
}

}  // namespace secinfo::web
