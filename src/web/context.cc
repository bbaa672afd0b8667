#include "web/context.h"

#include "crypto/encoding.h"
#include "crypto/hash.h"
#include "http/url.h"
#include "i18n/catalog.h"

namespace secinfo::web {

std::string CsrfToken(const std::string& key, std::string_view binding) {
  return crypto::Base64UrlEncode(crypto::HmacSha256(key, "csrf:" + std::string(binding)));
}

std::string Ctx::T(std::string_view key, const std::map<std::string, std::string>& args) const {
  return i18n::Catalog::BuiltIn().Get(lang, key, args);
}

Data Ctx::PageData(std::string_view title_key) const {
  const auto& catalog = i18n::Catalog::BuiltIn();
  Object t;
  for (const auto& [k, v] : catalog.All(lang)) t[k] = v;
  Data d{Object{}};
  d.set("t", Data(t));
  d.set("lang", lang);
  d.set("title", T(title_key));
  d.set("csrf", csrf);
  d.set("return_to", req.target);
  List langs;
  for (const std::string& l : catalog.languages()) {
    Object o{{"code", l}, {"name", catalog.Get(l, "lang_name")}};
    if (l == lang) o["current"] = true;
    langs.push_back(o);
  }
  d.set("languages", langs);
  if (principal) {
    d.set("signed_in", true);
    d.set("user_name", principal->user.display_name.empty() ? principal->user.username
                                                            : principal->user.display_name);
    d.set("user_account", principal->user.username);
  }
  if (tenant) d.set("tenant_name", tenant->name);
  return d;
}

void KeepWayBack(Ctx& c, std::string_view back_in) {
  const std::string back = http::SafeReturnPath(back_in);
  if (back.starts_with("/security-info") || back.starts_with("/sign-in") || back == "/") return;
  // Long enough for the interrupts a person can finish in one go.
  constexpr int64_t kMaxAgeSeconds = 30 * 60;
  c.cookies.push_back(
      {kContinueCookie, http::UrlEncode(back), kMaxAgeSeconds, "/", true, c.req.secure});
}

http::Response Ctx::Render(std::string_view name, const Data& data, int status) const {
  http::Response r = Page(name, data, status);
  for (const auto& c : cookies) r.AddCookie(c);
  return r;
}

http::Response Ctx::Redirect(const std::string& location) const {
  http::Response r = http::Response::Redirect(location);
  for (const auto& c : cookies) r.AddCookie(c);
  return r;
}

http::Response Ctx::ContinueTo(const std::string& local_path) const {
  if (!local_path.starts_with("/oidc/")) return Redirect(local_path);
  Data d = PageData("oidc_continue_title");
  d.set("message", T("oidc_continue"));
  d.set("back", local_path);
  http::Response r = Render("message", d);
  r.SetHeader("Refresh", "0; url=" + local_path);
  return r;
}

}  // namespace secinfo::web
