#include "http/url.h"
#include "i18n/catalog.h"
#include "web/pages.h"

namespace secinfo::web {

// Only a local path, never another site (open redirect).
std::string SafeReturnTo(const std::string& v) { return http::SafeReturnPath(v); }

namespace {

http::Response SignInWithMessage(Ctx& c, const std::string& message_key, int status) {
  Data d = c.PageData("sign_in_title");
  d.set("return_to_value", SafeReturnTo(c.req.Form("return_to").empty() ? c.req.Query("return_to")
                                                                        : c.req.Form("return_to")));
  // An application's login_hint (OpenID Connect Core §3.1.2.1) fills the user name.
  d.set("username", c.req.method == "POST" ? c.req.Form("username") : c.req.Query("login_hint"));
  if (!message_key.empty()) d.set("error", c.T(message_key));
  return c.Render("sign_in", d, status);
}

}  // namespace

http::Response Home(Ctx& c) { return c.Redirect(c.principal ? "/security-info" : "/sign-in"); }

http::Response SignInForm(Ctx& c) {
  if (c.principal) return c.Redirect(SafeReturnTo(c.req.Query("return_to")));
  return SignInWithMessage(c, "", 200);
}

http::Response SignInSubmit(Ctx& c) {
  const std::string username = c.req.Form("username");
  const std::string password = c.req.Form("password");
  if (username.empty() || password.empty()) return SignInWithMessage(c, "sign_in_missing", 400);
  flows::SignInResult r =
      c.deps.sessions.SignIn(username, password, c.req.remote_ip, c.req.Header("user-agent"),
                             c.req.Cookie(kRememberCookie));
  switch (r.outcome) {
    case flows::SignInOutcome::kThrottled:
      return SignInWithMessage(c, "sign_in_throttled", 429);
    case flows::SignInOutcome::kInvalidCredentials:
      return SignInWithMessage(c, "sign_in_invalid", 401);
    case flows::SignInOutcome::kSignedIn:
      break;
  }
  // The session this browser held before ends (ASVS V3.3.1), and a new session id is issued at
  // every sign-in (ASVS V3.2.1): no fixation.
  if (!c.req.Cookie(kSessionCookie).empty()) c.deps.sessions.SignOut(c.req.Cookie(kSessionCookie));
  c.cookies.push_back({kSessionCookie, r.session_token, std::nullopt, "/", true, c.req.secure});
  c.cookies.push_back({kPreSessionCookie, "", 0, "/", true, c.req.secure});
  if (!c.req.Cookie(kContinueCookie).empty()) {
    c.cookies.push_back({kContinueCookie, "", 0, "/", true, c.req.secure});
  }
  // A language chosen before signing in becomes the person's preference.
  std::string chosen = c.req.Cookie(kLanguageCookie);
  if (r.user.locale.empty() && i18n::Catalog::BuiltIn().Has(chosen)) {
    c.deps.store.users().SetLocale(r.user.id, chosen);
  }
  return c.ContinueTo(SafeReturnTo(c.req.Form("return_to")));
}

http::Response SignOut(Ctx& c) {
  if (c.principal) c.deps.sessions.SignOut(c.principal->session_token);
  c.cookies.push_back({kSessionCookie, "", 0, "/", true, c.req.secure});
  if (!c.req.Cookie(kContinueCookie).empty()) {
    c.cookies.push_back({kContinueCookie, "", 0, "/", true, c.req.secure});
  }
  return c.Redirect("/sign-in");
}

http::Response SetLanguage(Ctx& c) {
  std::string lang = c.req.Form("lang");
  if (i18n::Catalog::BuiltIn().Has(lang)) {
    c.cookies.push_back({kLanguageCookie, lang, 365LL * 24 * 3600, "/", true, c.req.secure});
    if (c.principal) c.deps.store.users().SetLocale(c.principal->user.id, lang);
  }
  return c.Redirect(SafeReturnTo(c.req.Form("return_to")));
}

}  // namespace secinfo::web
