#pragma once

#include <vector>

#include "web/context.h"

// Page handlers. Each takes the request context and returns the response; app.cc routes to them.
namespace secinfo::web {

// One route of a page module.
struct PageRoute {
  const char* method;   // "GET", "POST"
  const char* pattern;  // "/security-info/phone/calls/:id"
  http::Response (*handler)(Ctx&);
};

// The wizards of every method kind, each from its own module (phone_pages.cc, ...), as listed in
// page_list.cc.
std::vector<PageRoute> KindPageRoutes();

http::Response Home(Ctx& c);
http::Response SignInForm(Ctx& c);
http::Response SignInSubmit(Ctx& c);
http::Response SignOut(Ctx& c);
http::Response SetLanguage(Ctx& c);

http::Response SecurityInfo(Ctx& c);
http::Response SetDefaultMethod(Ctx& c);
http::Response AddMethod(Ctx& c);
http::Response DeleteMethodConfirm(Ctx& c);
http::Response DeleteMethod(Ctx& c);

// Sign-in's second step, step-up and the registration interrupt (verify_pages.cc).
http::Response VerifyPage(Ctx& c);
http::Response VerifyStart(Ctx& c);
http::Response VerifyAppCode(Ctx& c);
http::Response VerifyProgress(Ctx& c);
http::Response VerifyStatusJson(Ctx& c);
http::Response VerifyCodeSubmit(Ctx& c);
http::Response VerifyFinish(Ctx& c);
http::Response VerifyHelp(Ctx& c);
http::Response SetupPage(Ctx& c);
http::Response SetupSkip(Ctx& c);
http::Response SessionsPage(Ctx& c);
http::Response SignOutOthers(Ctx& c);
http::Response ForgetBrowser(Ctx& c);
// "+33 X XX XX XX 23": a registered number as sign-in pages show it.
std::string MaskedPhone(const std::string& e164);
// The catalog keys of what a call's state ("call_no_answer", phone_pages.cc) and a push request's
// state ("push_state_denied", push_pages.cc) say on a page.
std::string CallStateKey(store::CallState s);
std::string PushStateKey(store::PushState s);

// Changing one's password, and the forced change after a temporary one (password_pages.cc).
http::Response PasswordForm(Ctx& c);
http::Response PasswordSubmit(Ctx& c);

// The OpenID Connect provider's browser pages (oidc_pages.cc).
http::Response OidcAuthorize(Ctx& c);
http::Response OidcAuthorizePost(const http::Request& req);
http::Response OidcConsent(Ctx& c);
http::Response OidcLogout(Ctx& c);
http::Response OidcLogoutConfirm(Ctx& c);

// Self-service password reset, "Get back into your account" (reset_pages.cc).
http::Response ResetForm(Ctx& c);
http::Response ResetStart(Ctx& c);
http::Response ResetStep(Ctx& c);
http::Response ResetChoose(Ctx& c);
http::Response ResetAnotherWay(Ctx& c);
http::Response ResetNumber(Ctx& c);
http::Response ResetCode(Ctx& c);
http::Response ResetAnswers(Ctx& c);
http::Response ResetStatusJson(Ctx& c);
http::Response ResetFinish(Ctx& c);

// Reviewing one's security info every N days ("Looks good") (review_pages.cc).
http::Response ReviewPage(Ctx& c);
http::Response ReviewSubmit(Ctx& c);
http::Response ResetSetupPage(Ctx& c);
http::Response ResetSetupSkip(Ctx& c);

http::Response SimHome(Ctx& c);
http::Response SimInbox(Ctx& c);
http::Response SimMailbox(Ctx& c);
http::Response SimPhone(Ctx& c);
http::Response SimPhoneJson(Ctx& c);
http::Response SimAction(Ctx& c);

// Shared by pages: the translated name of a method ("Mobile phone") and its detail ("+33 6 ...").
std::string MethodLabel(const Ctx& c, const store::Method& m);
std::string MethodDetail(const store::Method& m);
// The detail of a set of security questions ("3 answers saved"), counted in the store.
std::string QuestionsDetail(const Ctx& c, const store::Method& m);
// The translated message for a failed registration start ("phone_too_short", ...).
const char* BeginErrorKey(flows::BeginError e);
// Where to go after signing in or verifying: a local path only, else "/security-info".
std::string SafeReturnTo(const std::string& v);
// A database id from a URL or form, or nullopt for anything but 1-18 digits.
std::optional<int64_t> ParseId(const std::string& s);

}  // namespace secinfo::web
