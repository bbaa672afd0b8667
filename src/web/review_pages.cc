// After sign-in: reviewing one's security info every N days ("Looks good" or edit it), and the
// interrupt that asks for enough methods to reset a forgotten password. Parses, asks
// flows::PasswordResets, renders.
#include "policy/policy.h"
#include "web/pages.h"

namespace secinfo::web {

http::Response ReviewPage(Ctx& c) {
  if (c.deps.resets == nullptr) return c.Redirect("/security-info");
  auto registered = c.deps.store.methods().ListForUser(c.principal->user.id);
  if (!registered.ok()) {
    Data d = c.PageData("error_title");
    d.set("message", c.T("internal_error"));
    return c.Render("message", d, 503);
  }
  Data d = c.PageData("review_title");
  List rows;
  for (const store::Method& m : *registered) {
    rows.push_back(Object{{"label", MethodLabel(c, m)}, {"detail", MethodDetail(m)}});
  }
  d.set("methods", rows);
  return c.Render("review", d);
}

http::Response ReviewSubmit(Ctx& c) {
  if (c.deps.resets != nullptr) c.deps.resets->RecordReview(c.principal->user, c.req.remote_ip);
  return c.Redirect("/security-info");
}

http::Response ResetSetupPage(Ctx& c) {
  if (c.deps.resets == nullptr) return c.Redirect("/security-info");
  const int64_t missing = c.deps.resets->MissingMethods(c.principal->user);
  if (missing == 0) return c.Redirect("/security-info");
  auto policy = policy::LoadPolicy(c.deps.store.tenants(), c.principal->user.tenant_id);
  Data d = c.PageData("reset_setup_title");
  d.set("intro", c.T("reset_setup_intro", {{"count", std::to_string(missing)}}));
  List choices;
  for (const methods::KindInfo& kind : methods::AllKinds()) {
    if (!policy.ok() || !policy->AllowsFor(kind.name, methods::Purpose::kSspr)) continue;
    if (kind.reset_offers.empty()) continue;
    if (c.principal->user.is_admin && !kind.offered_to_admins) continue;
    choices.push_back(
        Object{{"label", c.T(std::string(kind.label_key))}, {"href", std::string(kind.page_path)}});
  }
  d.set("choices", choices);
  return c.Render("reset_setup", d);
}

http::Response ResetSetupSkip(Ctx& c) {
  // Asked again at the next sign-in: the choice lasts as long as this browser's session.
  c.cookies.push_back({kResetSetupSkippedCookie, "1", std::nullopt, "/", true, c.req.secure});
  return c.Redirect("/security-info");
}

}  // namespace secinfo::web
