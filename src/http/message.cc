#include "http/message.h"

#include <algorithm>

#include "http/deferred.h"

namespace secinfo::http {
namespace {

char LowerChar(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string Lookup(const std::map<std::string, std::string>& map, std::string_view key) {
  auto it = map.find(std::string(key));
  return it == map.end() ? std::string() : it->second;
}

Response WithContentType(std::string body, int status, std::string content_type) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.headers.emplace_back("Content-Type", std::move(content_type));
  return r;
}

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return LowerChar(x) == LowerChar(y);
         });
}

bool IsSafeHeader(std::string_view name, std::string_view value) {
  static constexpr std::string_view kTokenPunctuation = "!#$%&'*+-.^_`|~";
  auto is_token_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           kTokenPunctuation.find(c) != std::string_view::npos;
  };
  if (name.empty() || !std::all_of(name.begin(), name.end(), is_token_char)) return false;
  return std::none_of(value.begin(), value.end(), [](char c) {
    auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7F;
  });
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = LowerChar(c);
  return out;
}

std::string Request::Header(std::string_view name) const { return Lookup(headers, ToLower(name)); }
std::string Request::Query(std::string_view name) const { return Lookup(query, name); }
std::string Request::Form(std::string_view name) const { return Lookup(form, name); }
std::string Request::Cookie(std::string_view name) const { return Lookup(cookies, name); }
std::string Request::Param(std::string_view name) const { return Lookup(params, name); }

std::shared_ptr<DeferredResponse> Request::Defer() {
  if (!deferral) deferral = std::make_shared<DeferredResponse>([](Response) {});
  deferred = true;
  return deferral;
}

std::string SetCookie::ToHeaderValue() const {
  std::string out = name + "=" + value;
  if (!path.empty()) out += "; Path=" + path;
  if (max_age_seconds) out += "; Max-Age=" + std::to_string(std::max<int64_t>(*max_age_seconds, 0));
  if (secure) out += "; Secure";
  if (http_only) out += "; HttpOnly";
  if (!same_site.empty()) out += "; SameSite=" + same_site;
  return out;
}

Response Response::Html(std::string body, int status) {
  return WithContentType(std::move(body), status, "text/html; charset=utf-8");
}

Response Response::Text(std::string body, int status) {
  return WithContentType(std::move(body), status, "text/plain; charset=utf-8");
}

Response Response::Json(std::string body, int status) {
  return WithContentType(std::move(body), status, "application/json");
}

Response Response::Redirect(std::string location, int status) {
  Response r;
  r.status = status;
  r.headers.emplace_back("Location", std::move(location));
  return r;
}

void Response::SetHeader(std::string name, std::string value) {
  std::erase_if(headers, [&name](const auto& h) { return EqualsIgnoreCase(h.first, name); });
  headers.emplace_back(std::move(name), std::move(value));
}

void Response::AddCookie(const SetCookie& cookie) {
  headers.emplace_back("Set-Cookie", cookie.ToHeaderValue());
}

std::string Response::GetHeader(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (EqualsIgnoreCase(n, name)) return v;
  }
  return "";
}

}  // namespace secinfo::http
