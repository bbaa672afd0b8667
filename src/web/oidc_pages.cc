#include "http/url.h"
#include "i18n/catalog.h"
#include "web/pages.h"

// The browser side of the OpenID Connect provider: the authorization endpoint, which sends the
// person through the existing sign-in, second-step and registration pages and back, the consent
// page for third-party applications, and RP-initiated logout. Pages parse, call
// flows::oidc::Provider, and redirect or render.
namespace secinfo::web {
namespace {

using flows::oidc::AuthorizeStep;

http::Response ErrorPage(Ctx& c, const std::string& key, int status) {
  Data d = c.PageData("oidc_error_title");
  d.set("message", c.T(key));
  return c.Render("message", d, status);
}

// The authorization request again, as a local URL, without our own marker (a fresh one is added
// when a new sign-in is asked for).
std::string AuthorizeUrl(const std::map<std::string, std::string>& params,
                         const std::string& extra = "") {
  std::string q;
  for (const auto& [k, v] : params) {
    if (k == flows::oidc::kAuthAfterParam) continue;
    q += (q.empty() ? "" : "&") + http::UrlEncode(k) + "=" + http::UrlEncode(v);
  }
  if (!extra.empty()) q += (q.empty() ? "" : "&") + extra;
  return "/oidc/authorize?" + q;
}

std::string SignInUrl(const flows::oidc::AuthorizationRequest& r, const std::string& back) {
  std::string url = "/sign-in?return_to=" + http::UrlEncode(back);
  if (!r.login_hint.empty()) url += "&login_hint=" + http::UrlEncode(r.login_hint);
  return url;
}

// ui_locales (OpenID Connect Core §3.1.2.1): the first language we have, for this browser's pages
// until it signs in or chooses.
void ApplyUiLocales(Ctx& c, const std::string& ui_locales) {
  const auto& catalog = i18n::Catalog::BuiltIn();
  size_t start = 0;
  while (start < ui_locales.size()) {
    size_t end = ui_locales.find(' ', start);
    if (end == std::string::npos) end = ui_locales.size();
    std::string tag = ui_locales.substr(start, std::min<size_t>(end - start, 2));
    if (catalog.Has(tag)) {
      c.lang = tag;
      c.cookies.push_back({kLanguageCookie, tag, std::nullopt, "/", true, c.req.secure});
      return;
    }
    start = end + 1;
  }
}

http::Response RenderConsent(Ctx& c, const flows::oidc::AuthorizationRequest& r) {
  Data d = c.PageData("oidc_consent_title");
  const std::string org = c.tenant ? c.tenant->name : "";
  d.set("intro", c.T("oidc_consent_intro", {{"app", r.client.name}}));
  d.set("note", c.T("oidc_consent_note", {{"app", r.client.name}}));
  List scopes;
  std::istringstream words(r.scope);
  for (std::string s; words >> s;)
    scopes.push_back(c.T("oidc_scope_" + s, {{"organization", org}}));
  d.set("scopes", scopes);
  const std::string target = c.req.target;
  d.set("request", target.substr(target.find('?') == std::string::npos ? target.size()
                                                                       : target.find('?') + 1));
  return c.Render("oidc_consent", d);
}

}  // namespace

http::Response OidcAuthorize(Ctx& c) {
  if (c.deps.oidc == nullptr) return ErrorPage(c, "oidc_unknown_client", 404);
  flows::oidc::Provider& oidc = *c.deps.oidc;
  flows::oidc::ParsedAuthorization parsed = oidc.ParseAuthorization(c.req.query);
  if (!parsed.page_error.empty()) return ErrorPage(c, parsed.page_error, 400);
  const flows::oidc::AuthorizationRequest& r = parsed.request;
  if (!parsed.error.empty()) {
    return c.Redirect(oidc.ErrorRedirect(r, parsed.error, parsed.error_description));
  }
  // The person refused consent (OidcConsent): the application hears it here.
  if (!c.req.Query("secinfo_denied").empty()) {
    return c.Redirect(oidc.ErrorRedirect(r, "access_denied"));
  }
  if (!c.principal) ApplyUiLocales(c, r.ui_locales);

  std::optional<flows::SecondStepState> second_step;
  if (c.principal && c.deps.second_step != nullptr) {
    auto s = c.deps.second_step->Evaluate(*c.principal);
    if (!s.ok()) return ErrorPage(c, "internal_error", 503);
    second_step = *s;
  }
  const flows::oidc::AuthorizeDecision decision =
      oidc.Decide(r, c.principal ? &*c.principal : nullptr, second_step ? &*second_step : nullptr);
  const std::string back = AuthorizeUrl(c.req.query);
  switch (decision.step) {
    case AuthorizeStep::kSignIn:
      return c.Redirect(SignInUrl(r, back));
    case AuthorizeStep::kReauthenticate: {
      // prompt=login or max_age: this session ends, and the request comes back marked so that
      // only a session started from now meets it.
      c.deps.sessions.SignOut(c.principal->session_token);
      c.cookies.push_back({kSessionCookie, "", 0, "/", true, c.req.secure});
      const std::string marked =
          AuthorizeUrl(c.req.query, std::string(flows::oidc::kAuthAfterParam) + "=" +
                                        std::to_string(c.deps.clock.NowMillis()));
      return c.Redirect(SignInUrl(r, marked));
    }
    case AuthorizeStep::kSecondStep: {
      const bool tenant_asks = second_step && second_step->need == flows::SecondStepNeed::kVerify;
      return c.Redirect(std::string("/sign-in/verify?") + (tenant_asks ? "" : "step_up=1&") +
                        "return_to=" + http::UrlEncode(back));
    }
    case AuthorizeStep::kRegister:
      KeepWayBack(c, back);
      return c.Redirect("/sign-in/setup");
    case AuthorizeStep::kConsent:
      return RenderConsent(c, r);
    case AuthorizeStep::kIssue: {
      auto url = oidc.IssueCode(r, *c.principal);
      if (!url.ok()) return c.Redirect(oidc.ErrorRedirect(r, "server_error"));
      return c.Redirect(*url);
    }
    case AuthorizeStep::kError:
      break;
  }
  return c.Redirect(oidc.ErrorRedirect(r, decision.error));
}

// The authorization endpoint also takes its parameters as a form (OpenID Connect Core §3.1.2.1):
// they go back to the GET form, which holds every rule.
http::Response OidcAuthorizePost(const http::Request& req) {
  return http::Response::Redirect(AuthorizeUrl(req.form));
}

http::Response OidcConsent(Ctx& c) {
  if (c.deps.oidc == nullptr) return ErrorPage(c, "oidc_unknown_client", 404);
  const std::string request = c.req.Form("request");
  flows::oidc::ParsedAuthorization parsed =
      c.deps.oidc->ParseAuthorization(http::ParseUrlEncoded(request));
  if (!parsed.page_error.empty()) return ErrorPage(c, parsed.page_error, 400);
  if (!parsed.error.empty() || !c.principal)
    return c.Redirect(AuthorizeUrl(http::ParseUrlEncoded(request)));
  if (c.req.Form("answer") != "allow") {
    // Through the authorization endpoint, which answers the application (see Ctx::ContinueTo).
    return c.ContinueTo(AuthorizeUrl(http::ParseUrlEncoded(request), "secinfo_denied=1"));
  }
  if (!c.deps.oidc->Consent(parsed.request, *c.principal).ok()) {
    return ErrorPage(c, "internal_error", 503);
  }
  return c.ContinueTo(AuthorizeUrl(http::ParseUrlEncoded(request)));
}

http::Response OidcLogout(Ctx& c) {
  if (c.deps.oidc == nullptr) return ErrorPage(c, "oidc_unknown_client", 404);
  flows::oidc::Provider::LogoutCheck check = c.deps.oidc->CheckLogout(c.req.query);
  const std::string org = c.tenant ? c.tenant->name : "secinfo";
  if (c.principal) {
    // Without a hint naming this very person, a link cannot sign them out: they confirm.
    if (!check.hint_valid || check.sub != c.deps.oidc->Subject(c.principal->user)) {
      Data d = c.PageData("oidc_logout_title");
      d.set("question", c.T("oidc_logout_confirm", {{"organization", org}}));
      return c.Render("oidc_logout", d);
    }
    c.deps.sessions.SignOut(c.principal->session_token);
    c.cookies.push_back({kSessionCookie, "", 0, "/", true, c.req.secure});
  }
  if (!check.redirect.empty()) return c.Redirect(check.redirect);
  Data d = c.PageData("oidc_logout_title");
  d.set("message", c.T("oidc_signed_out"));
  return c.Render("message", d);
}

http::Response OidcLogoutConfirm(Ctx& c) {
  if (c.principal) c.deps.sessions.SignOut(c.principal->session_token);
  c.cookies.push_back({kSessionCookie, "", 0, "/", true, c.req.secure});
  Data d = c.PageData("oidc_logout_title");
  d.set("message", c.T("oidc_signed_out"));
  return c.Render("message", d);
}

}  // namespace secinfo::web
