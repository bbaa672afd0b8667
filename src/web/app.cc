#include "web/app.h"

#include <spdlog/spdlog.h>

#include "api/authenticator_api.h"
#include "core/metrics.h"
#include "crypto/hash.h"
#include "http/deferred.h"
#include "http/router.h"
#include "http/url.h"
#include "i18n/catalog.h"
#include "web/context.h"
#include "web/cookie_security.h"
#include "web/oidc_endpoints.h"
#include "web/pages.h"

namespace secinfo::web {
namespace {

using PageHandler = http::Response (*)(Ctx&);

// OWASP ASVS V14.4: a strict policy with no inline script or style; pages may not be framed.
constexpr char kContentSecurityPolicy[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

void AddSecurityHeaders(http::Response& r) {
  r.SetHeader("Content-Security-Policy", kContentSecurityPolicy);
  r.SetHeader("X-Content-Type-Options", "nosniff");
  r.SetHeader("X-Frame-Options", "DENY");
  r.SetHeader("Referrer-Policy", "same-origin");
  r.SetHeader("Cross-Origin-Opener-Policy", "same-origin");
  r.SetHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
  if (r.GetHeader("Cache-Control").empty()) r.SetHeader("Cache-Control", "no-store");
}

// /metrics, for whoever the settings allow: a scraper with the bearer token, or with none set,
// this machine alone (a request relayed by a proxy is not this machine's, whatever its peer).
http::Response Metrics(const Config::Metrics& settings, const http::Request& req) {
  if (!settings.enabled) return http::Response::Text("Not found\n", 404);
  if (!settings.bearer_token.empty()) {
    if (!crypto::ConstantTimeEquals(req.Header("authorization"),
                                    "Bearer " + settings.bearer_token)) {
      http::Response denied = http::Response::Text("A bearer token is required\n", 401);
      denied.SetHeader("WWW-Authenticate", "Bearer realm=\"metrics\"");
      return denied;
    }
  } else if (settings.loopback_only) {
    const bool loopback = req.remote_ip == "127.0.0.1" || req.remote_ip == "::1" ||
                          req.remote_ip == "::ffff:127.0.0.1";
    if (!loopback || !req.Header("x-forwarded-for").empty()) {
      return http::Response::Text("Metrics are served to this machine only\n", 403);
    }
  }
  http::Response r = http::Response::Text(metrics::RenderAll());
  r.SetHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
  return r;
}

// A delivery receipt from the HTTP SMS gateway (Kannel's dlr-url), GET or POST: a machine's
// request, so no session and no CSRF token; the signature in the link is its authentication.
// Short plain answers, never a page: the gateway only logs them.
http::Response SmsReceipt(flows::CodeRegistration& codes, const http::Request& req) {
  channels::ReceiptFields fields = req.form;
  for (const auto& [name, value] : req.query) fields[name] = value;  // the link's fields win
  using Outcome = flows::ReceiptCallbackOutcome;
  switch (codes.TakeReceiptCallback(fields, req.remote_ip)) {
    case Outcome::kRecorded:
    case Outcome::kIgnored:
      return http::Response::Text("ok\n");
    case Outcome::kRejected:
      return http::Response::Text("not a receipt link of ours\n", 400);
    case Outcome::kNotTaken:
      return http::Response::Text("no receipts are asked for\n", 404);
    case Outcome::kTooMany: {
      http::Response r = http::Response::Text("too many receipts from this network\n", 429);
      r.SetHeader("Retry-After", "60");
      return r;
    }
    case Outcome::kUnavailable:
      break;
  }
  return http::Response::Text("try again later\n", 503);
}

bool NeedsSignIn(std::string_view path) {
  return path.starts_with("/security-info") || path.starts_with("/sign-in/");
}

// Pages a session reaches before its second step: the second step itself, signing out, the
// language switch, and what is not a person's page.
bool OpenBeforeSecondStep(std::string_view path) {
  return path.starts_with("/sign-in") || path == "/sign-out" || path == "/language" ||
         path.starts_with("/static/") || path.starts_with("/sim") || path.starts_with("/api/") ||
         path == "/healthz" || path == "/readyz" ||
         // The authorization endpoint weighs the second step itself: prompt=none must answer
         // without a page, and acr_values may ask for more than the tenant's rules.
         path.starts_with("/oidc/") || path.starts_with("/.well-known/");
}

// Changing security info needs a recent proof (step-up); looking at it, following a change
// already under way, and signing other browsers out do not.
bool ChangesSecurityInfo(const http::Request& req) {
  const std::string_view path = req.path;
  if (!path.starts_with("/security-info/")) return false;
  if (path.starts_with("/security-info/sessions") || path.starts_with("/security-info/browsers")) {
    return false;
  }
  // Trying a method (a code checked, a test request sent to a device) changes nothing.
  if (path.ends_with("/status") || path.ends_with("/test")) return false;
  if (req.method == "GET" &&
      (path.starts_with("/security-info/phone/calls/") ||
       path.starts_with("/security-info/codes/") || path.starts_with("/security-info/push/"))) {
    return false;
  }
  return true;
}

class App {
 public:
  explicit App(WebDeps deps) : deps_(std::move(deps)), cookie_security_(deps_.public_url) {
    Page("GET", "/", Home);
    Page("GET", "/sign-in", SignInForm);
    Page("POST", "/sign-in", SignInSubmit);
    Page("POST", "/sign-out", SignOut);
    Page("POST", "/language", SetLanguage);
    Page("GET", "/security-info", SecurityInfo);
    Page("POST", "/security-info/default", SetDefaultMethod);
    Page("GET", "/security-info/add", AddMethod);
    Page("GET", "/security-info/methods/:id/delete", DeleteMethodConfirm);
    Page("POST", "/security-info/methods/:id/delete", DeleteMethod);
    // Each method kind's wizard, from its own page module (page_list.cc).
    for (const PageRoute& r : KindPageRoutes()) Page(r.method, r.pattern, r.handler);
    Page("GET", "/sign-in/verify", VerifyPage);
    Page("POST", "/sign-in/verify/start", VerifyStart);
    Page("POST", "/sign-in/verify/app", VerifyAppCode);
    Page("GET", "/sign-in/verify/help", VerifyHelp);
    Page("GET", "/sign-in/verify/:id", VerifyProgress);
    Page("GET", "/sign-in/verify/:id/status", VerifyStatusJson);
    Page("POST", "/sign-in/verify/:id", VerifyCodeSubmit);
    Page("POST", "/sign-in/verify/:id/finish", VerifyFinish);
    Page("GET", "/sign-in/setup", SetupPage);
    Page("POST", "/sign-in/setup/skip", SetupSkip);
    Page("GET", "/security-info/password", PasswordForm);
    Page("POST", "/security-info/password", PasswordSubmit);
    Page("GET", "/security-info/sessions", SessionsPage);
    Page("POST", "/security-info/sessions/sign-out-others", SignOutOthers);
    Page("POST", "/security-info/browsers/forget", ForgetBrowser);
    // The reset portal and what sign-in asks for it exist only with the reset flow.
    if (deps_.resets != nullptr) {
      Page("GET", "/password-reset", ResetForm);
      Page("POST", "/password-reset", ResetStart);
      Page("GET", "/password-reset/verify", ResetStep);
      Page("GET", "/password-reset/verify/status", ResetStatusJson);
      Page("POST", "/password-reset/verify/choose", ResetChoose);
      Page("POST", "/password-reset/verify/another-way", ResetAnotherWay);
      Page("POST", "/password-reset/verify/number", ResetNumber);
      Page("POST", "/password-reset/verify/code", ResetCode);
      Page("POST", "/password-reset/verify/answers", ResetAnswers);
      Page("POST", "/password-reset/new", ResetFinish);
      Page("GET", "/sign-in/review", ReviewPage);
      Page("POST", "/sign-in/review", ReviewSubmit);
      Page("GET", "/sign-in/reset-setup", ResetSetupPage);
      Page("POST", "/sign-in/reset-setup/skip", ResetSetupSkip);
    }
    Page("GET", "/sim", SimHome);
    Page("GET", "/sim/inbox", SimInbox);
    Page("GET", "/sim/inbox/:address", SimMailbox);
    Page("GET", "/sim/phone/:number", SimPhone);
    Page("GET", "/sim/phone/:number/state", SimPhoneJson);
    Page("POST", "/sim/phone/:number/calls/:call/:action", SimAction);

    if (deps_.oidc != nullptr && deps_.oidc_keys != nullptr) {
      Page("GET", "/oidc/authorize", OidcAuthorize);
      router_.Post("/oidc/authorize", [](http::Request& req) { return OidcAuthorizePost(req); });
      Page("POST", "/oidc/consent", OidcConsent);
      Page("GET", "/oidc/logout", OidcLogout);
      Page("POST", "/oidc/logout", OidcLogoutConfirm);
      AddOidcEndpoints(router_, *deps_.oidc, *deps_.oidc_keys);
    }
    api::AuthenticatorApiOptions api_options;
    api_options.api_base = deps_.public_url + "/api/authenticator";
    api::AddAuthenticatorApi(router_, deps_.push, api_options);

    router_.Get("/sms/receipt",
                [this](http::Request& req) { return SmsReceipt(deps_.codes, req); });
    router_.Post("/sms/receipt",
                 [this](http::Request& req) { return SmsReceipt(deps_.codes, req); });

    router_.Get("/healthz", [](http::Request&) { return http::Response::Text("ok\n"); });
    // One line per dependency; 503 unless all are ready, so a load balancer stops sending here.
    router_.Get("/readyz", [this](http::Request&) {
      bool ready = true;
      std::string body;
      auto report = [&](const std::string& name, const Status& s) {
        ready = ready && s.ok();
        body += name + ": " + (s.ok() ? "ok" : "unavailable (" + s.message() + ")") + "\n";
      };
      report("database", deps_.store.Ping());
      for (const auto& [name, check] : deps_.health_checks) report(name, check());
      return http::Response::Text((ready ? "ready\n" : "not ready\n") + body, ready ? 200 : 503);
    });
    router_.Get("/metrics", [this](http::Request& req) { return Metrics(deps_.metrics, req); });
    router_.Get("/static/:file", [](http::Request& req) {
      auto r = StaticFile(req.Param("file"));
      return r ? *r : http::Response::Text("not found\n", 404);
    });
    router_.SetNotFound([this](http::Request& req) {
      return WithContext(req, [](Ctx& c) {
        Data d = c.PageData("not_found_title");
        return c.Render("not_found", d, 404);
      });
    });
  }

  http::Response Handle(http::Request& req) {
    http::Response r = cookie_security_.PrepareRequest(req) ? router_.Dispatch(req)
                                                            : RepeatedCookiePage(deps_, req);
    // A response sent later (a device's long poll) gets the same headers.
    if (req.deferred) {
      req.deferral->Edit([this](http::Response& later) {
        AddSecurityHeaders(later);
        cookie_security_.FinishResponse(later);
      });
    }
    AddSecurityHeaders(r);
    cookie_security_.FinishResponse(r);
    return r;
  }

 private:
  void Page(const char* method, std::string_view pattern, PageHandler h) {
    router_.Add(method, pattern, [this, h](http::Request& req) { return WithContext(req, h); });
  }

  template <typename F>
  http::Response WithContext(http::Request& req, F handler) {
    Ctx c{deps_, req};
    const auto& catalog = i18n::Catalog::BuiltIn();
    if (auto p = deps_.sessions.Authenticate(req.Cookie(kSessionCookie)); p.ok()) {
      c.principal = std::move(*p);
      if (auto t = deps_.store.tenants().Get(c.principal->user.tenant_id); t.ok()) {
        c.tenant = *t;
        req.tenant = t->domain;  // for the request log
      }
    }

    // Language: the person's choice, then the browser's, then the organization's.
    std::vector<std::string> prefs;
    if (c.principal && !c.principal->user.locale.empty()) prefs.push_back(c.principal->user.locale);
    if (!req.Cookie(kLanguageCookie).empty()) prefs.push_back(req.Cookie(kLanguageCookie));
    for (auto& tag : i18n::Catalog::ParseAcceptLanguage(req.Header("accept-language"))) {
      prefs.push_back(tag);
    }
    c.lang = catalog.Choose(prefs, c.tenant ? c.tenant->default_locale : "en");

    // CSRF tokens bind to the session, or before sign-in to a random pre-session cookie.
    std::string binding;
    if (c.principal) {
      binding = c.principal->session_token;
    } else {
      binding = req.Cookie(kPreSessionCookie);
      if (binding.size() < 32) {
        binding = deps_.random.Token();
        c.cookies.push_back({kPreSessionCookie, binding, std::nullopt, "/", true, req.secure});
      }
    }
    c.csrf = CsrfToken(deps_.csrf_key, binding);

    if (NeedsSignIn(req.path) && !c.principal) {
      if (req.method == "GET") {
        return c.Redirect("/sign-in?return_to=" + http::UrlEncode(req.target));
      }
      Data d = c.PageData("session_expired");
      d.set("message", c.T("session_expired"));
      return c.Render("message", d, 401);
    }
    if (req.method == "POST" && !crypto::ConstantTimeEquals(req.Form("csrf"), c.csrf)) {
      Data d = c.PageData("error_title");
      d.set("message", c.T("csrf_failed"));
      d.set("back", RefererPath(req.Header("referer")));
      return c.Render("message", d, 403);
    }
    if (auto detour = SecondStepDetour(c)) return *detour;
    if (auto detour = PasswordChangeDetour(c)) return *detour;
    if (auto detour = ResetDetour(c)) return *detour;
    if (auto detour = ContinueDetour(c)) return *detour;
    return handler(c);
  }

  // Where a signed-in session must go first, if anywhere: its second step, the registration
  // interrupt, or a fresh proof before changing security info.
  std::optional<http::Response> SecondStepDetour(Ctx& c) {
    if (!c.principal || deps_.second_step == nullptr) return std::nullopt;
    const http::Request& req = c.req;
    if (OpenBeforeSecondStep(req.path) && !req.path.starts_with("/sign-in/setup") &&
        !req.path.starts_with("/sign-in/verify")) {
      return std::nullopt;
    }
    auto state = deps_.second_step->Evaluate(*c.principal);
    if (!state.ok()) {
      Data d = c.PageData("error_title");
      d.set("message", c.T("internal_error"));
      return c.Render("message", d, 503);
    }
    c.second_step = *state;
    if (OpenBeforeSecondStep(req.path)) return std::nullopt;
    // Where to come back to: the page asked for, or for a form the page it was sent from.
    const std::string back = req.method == "GET" ? req.target : RefererPath(req.Header("referer"));
    switch (state->need) {
      case flows::SecondStepNeed::kVerify:
        return c.Redirect("/sign-in/verify?return_to=" + http::UrlEncode(back));
      case flows::SecondStepNeed::kRegister:
        // Only the wizards that register a method, until one is registered or the step skipped.
        if (req.path.starts_with("/security-info/") &&
            !req.path.starts_with("/security-info/methods/")) {
          return std::nullopt;
        }
        if (req.method == "GET") KeepWayBack(c, req.target);
        return c.Redirect("/sign-in/setup");
      case flows::SecondStepNeed::kNone:
        break;
    }
    if (ChangesSecurityInfo(req) && deps_.second_step->NeedsStepUp(*c.principal, *state)) {
      return c.Redirect("/sign-in/verify?step_up=1&return_to=" + http::UrlEncode(back));
    }
    return std::nullopt;
  }

  // A person who signed in with a temporary password goes nowhere but the change page (after the
  // second step, which comes first), signing out, the language switch and what is not a page.
  std::optional<http::Response> PasswordChangeDetour(Ctx& c) {
    if (!c.principal || deps_.passwords == nullptr) return std::nullopt;
    const std::string_view path = c.req.path;
    if (path == "/security-info/password" || path == "/sign-out" || path == "/language" ||
        path.starts_with("/static/") || path.starts_with("/sim") || path.starts_with("/api/") ||
        path == "/healthz" || path == "/readyz") {
      return std::nullopt;
    }
    if (c.second_step && c.second_step->need == flows::SecondStepNeed::kVerify) {
      return std::nullopt;
    }
    if (!deps_.passwords->MustChange(*c.principal)) return std::nullopt;
    if (c.req.method == "GET") KeepWayBack(c, c.req.target);
    return c.Redirect("/security-info/password");
  }

  // Security info, reached once every interrupt is done, sends the person on their way back.
  std::optional<http::Response> ContinueDetour(Ctx& c) {
    if (!c.principal || c.req.method != "GET" || c.req.path != "/security-info") {
      return std::nullopt;
    }
    const std::string kept = c.req.Cookie(kContinueCookie);
    if (kept.empty()) return std::nullopt;
    if (c.second_step && c.second_step->need != flows::SecondStepNeed::kNone) return std::nullopt;
    c.cookies.push_back({kContinueCookie, "", 0, "/", true, c.req.secure});
    const std::string back = http::SafeReturnPath(http::UrlDecode(kept, false));
    if (back == "/security-info") return std::nullopt;
    return c.ContinueTo(back);
  }

  // Once the second step is met, Security info itself first asks for enough methods to reset a
  // forgotten password (skippable for the browser session), then, every N days per the tenant, for
  // a review of the security info ("Looks good"). The wizards are never interrupted.
  std::optional<http::Response> ResetDetour(Ctx& c) {
    if (!c.principal || deps_.resets == nullptr || c.req.method != "GET") return std::nullopt;
    if (c.req.path != "/security-info") return std::nullopt;
    if (c.second_step && c.second_step->need != flows::SecondStepNeed::kNone) return std::nullopt;
    if (c.req.Cookie(kResetSetupSkippedCookie).empty() &&
        deps_.resets->MissingMethods(c.principal->user) > 0) {
      return c.Redirect("/sign-in/reset-setup");
    }
    if (deps_.resets->ReviewDue(c.principal->user)) return c.Redirect("/sign-in/review");
    return std::nullopt;
  }

  // Only same-site paths are followed back, never another origin.
  static std::string RefererPath(const std::string& referer) {
    size_t scheme = referer.find("://");
    size_t path = scheme == std::string::npos ? std::string::npos : referer.find('/', scheme + 3);
    return http::SafeReturnPath(path == std::string::npos ? "" : referer.substr(path));
  }

  WebDeps deps_;
  CookieSecurity cookie_security_;
  http::Router router_;
};

}  // namespace

http::Handler BuildWebApp(WebDeps deps) {
  auto app = std::make_shared<App>(std::move(deps));
  return [app](http::Request& req) { return app->Handle(req); };
}

}  // namespace secinfo::web
