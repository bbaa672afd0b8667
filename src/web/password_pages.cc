// Changing one's password (Security info), and the forced change after a temporary password:
// parses, asks flows/password, renders.
#include "flows/password/passwords.h"
#include "web/pages.h"

namespace secinfo::web {
namespace {

http::Response PasswordPage(Ctx& c, const std::string& error_key, int status) {
  const bool forced = c.deps.passwords->MustChange(*c.principal);
  Data d = c.PageData(forced ? "password_forced_title" : "password_title");
  d.set("heading", c.T(forced ? "password_forced_title" : "password_title"));
  if (forced) d.set("intro", c.T("password_forced_intro"));
  d.set("forced", forced);
  if (!error_key.empty()) d.set("error", c.T(error_key));
  return c.Render("password", d, status);
}

int StatusOf(flows::ChangeOutcome outcome) {
  switch (outcome) {
    case flows::ChangeOutcome::kThrottled:
      return 429;
    case flows::ChangeOutcome::kUnavailable:
      return 503;
    default:
      return 400;
  }
}

}  // namespace

http::Response PasswordForm(Ctx& c) {
  if (c.deps.passwords == nullptr) return c.Redirect("/security-info");
  return PasswordPage(c, "", 200);
}

http::Response PasswordSubmit(Ctx& c) {
  if (c.deps.passwords == nullptr) return c.Redirect("/security-info");
  flows::ChangeResult r =
      c.deps.passwords->Change(*c.principal, c.req.Form("current"), c.req.Form("new"),
                               c.req.Form("confirm"), c.req.remote_ip);
  if (r.outcome == flows::ChangeOutcome::kChanged) {
    return c.Redirect("/security-info?notice=password_changed");
  }
  return PasswordPage(c, r.message_key(), StatusOf(r.outcome));
}

}  // namespace secinfo::web
