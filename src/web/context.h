#pragma once

#include <optional>
#include <string>

#include "flows/sign_in/sign_in.h"
#include "http/message.h"
#include "web/app.h"
#include "web/render.h"

namespace secinfo::web {

// Every cookie of ours starts with kCookieNamePrefix: under https, CookieSecurity sends them as
// "__Host-secinfo_..." while pages keep these names.
inline constexpr char kCookieNamePrefix[] = "secinfo_";
inline constexpr char kSessionCookie[] = "secinfo_session";
inline constexpr char kPreSessionCookie[] = "secinfo_pre";
inline constexpr char kLanguageCookie[] = "secinfo_lang";
inline constexpr char kRememberCookie[] = "secinfo_remember";
inline constexpr char kResetSetupSkippedCookie[] = "secinfo_reset_setup_skipped";
// Where a sign-in was going (an application's authorization request, a page) when an interrupt
// (registering a method, changing a temporary password) took the person to Security info.
inline constexpr char kContinueCookie[] = "secinfo_continue";

// Everything a page handler knows about the request beyond the request itself.
struct Ctx {
  const WebDeps& deps;
  http::Request& req;
  std::string lang;                                   // "fr" or "en"
  std::optional<flows::Principal> principal;          // set when signed in
  std::optional<store::Tenant> tenant;                // the principal's tenant
  std::optional<flows::SecondStepState> second_step;  // what the session still needs
  std::string csrf;                                   // token to put in every form
  std::vector<http::SetCookie> cookies;               // to add to the response

  std::string T(std::string_view key, const std::map<std::string, std::string>& args = {}) const;
  // The common page data: translations as `t`, language switch, CSRF token, signed-in person.
  Data PageData(std::string_view title_key) const;
  // A page through the layout, with this context's cookies.
  http::Response Render(std::string_view name, const Data& data, int status = 200) const;
  http::Response Redirect(const std::string& location) const;
  // Where a form sends the browser next: a redirect, except towards the OpenID Connect
  // authorization endpoint, which may redirect on to an application's origin. Browsers apply the
  // form's CSP form-action to every redirect that follows a submission, so that way goes through
  // a page that moves on by itself (a Refresh header, and a link).
  http::Response ContinueTo(const std::string& local_path) const;
};

// CSRF token bound to a session or pre-session token (OWASP ASVS V4.2.2): HMAC(key, binding).
std::string CsrfToken(const std::string& key, std::string_view binding);

// An interrupt (registering a method, changing a temporary password) is taking the person away
// from `back`, where the sign-in was going (an application's authorization request, a page): keep
// it in kContinueCookie, so that Security info sends them there once the interrupts are done.
// Paths of Security info and sign-in itself are not kept.
void KeepWayBack(Ctx& c, std::string_view back);

}  // namespace secinfo::web
