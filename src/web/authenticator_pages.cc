// The authenticator app method: name it, scan the QR code (or type the key), prove it with a code;
// later rename or test it.
#include "http/url.h"
#include "methods/authenticator/app_data.h"
#include "methods/authenticator/qr_svg.h"
#include "policy/policy.h"
#include "web/pages.h"

namespace secinfo::web {
namespace {

http::Response Message(Ctx& c, const std::string& key, int status) {
  Data d = c.PageData("app_title");
  d.set("message", c.T(key));
  d.set("back", "/security-info");
  return c.Render("message", d, status);
}

const char* AppErrorKey(flows::AppError e) {
  switch (e) {
    case flows::AppError::kNone:
      return "";
    case flows::AppError::kNotAllowed:
      return "app_not_allowed";
    case flows::AppError::kBadName:
      return "app_name_invalid";
    case flows::AppError::kTooMany:
      return "app_too_many";
    case flows::AppError::kNotFound:
      return "method_not_found";
    case flows::AppError::kInternal:
      return "internal_error";
  }
  return "internal_error";
}

const char* CodeOutcomeKey(flows::AppCodeOutcome o) {
  using O = flows::AppCodeOutcome;
  switch (o) {
    case O::kAccepted:
      return "";
    case O::kRejected:
      return "app_code_wrong";
    case O::kReplayed:
      return "app_code_replayed";
    case O::kMalformed:
      return "code_malformed";
    case O::kExpired:
      return "app_code_expired";
    case O::kThrottled:
      return "app_code_throttled";
    case O::kNotPending:
      return "app_code_not_pending";
    case O::kUnavailable:
      return "internal_error";
  }
  return "internal_error";
}

http::Response RenderNameForm(Ctx& c, const std::string& name, const std::string& rename_id,
                              const std::string& error, int status) {
  Data d = c.PageData("app_title");
  d.set("name", name);
  if (!rename_id.empty()) {
    d.set("rename_id", rename_id);
    d.set("heading", c.T("app_rename_title"));
  } else {
    d.set("heading", c.T("app_name_step"));
    d.set("intro", c.T("app_name_intro"));
  }
  if (!error.empty()) d.set("name_error", error);
  return c.Render("app_name", d, status);
}

Result<store::Method> OwnApp(Ctx& c, const std::string& id_text) {
  std::optional<int64_t> id = ParseId(id_text);
  auto m = id ? c.deps.store.methods().Get(c.principal->user.id, *id)
              : Result<store::Method>(Status::NotFound(""));
  if (m.ok() && !methods::IsKind(*m, methods::MethodKind::kAuthenticator))
    return Status::NotFound("");
  return m;
}

http::Response RenderEnrolment(Ctx& c, const std::string& id, const std::string& error,
                               int status) {
  auto v = c.deps.apps.View(id, c.principal->user, c.tenant ? c.tenant->name : "secinfo");
  if (!v.ok()) return c.Render("not_found", c.PageData("not_found_title"), 404);
  Data d = c.PageData("app_title");
  d.set("id", v->enrolment.id);
  d.set("name", v->enrolment.name);
  if (v->enrolment.state == store::AppEnrolmentState::kDone) {
    d.set("success", true);
    d.set("registered", c.T("app_registered", {{"name", v->enrolment.name}}));
    // The wizard ends by offering to set up sign-in approvals (push) on a device.
    if (v->enrolment.method_id) {
      d.set("push_href",
            "/security-info/authenticator/" + std::to_string(*v->enrolment.method_id) + "/push");
    }
    return c.Render("app_enrol", d, status);
  }
  if (v->enrolment.state != store::AppEnrolmentState::kPending) {
    return Message(c, "app_code_expired", 410);
  }
  auto svg = methods::authenticator::QrSvg(v->key_uri, c.T("app_qr_label"));
  if (!svg.ok()) return Message(c, "internal_error", 500);
  d.set("qr_svg", *svg);  // our own SVG, rendered unescaped on purpose
  d.set("manual_key", v->manual_key);
  d.set("account", c.principal->user.username);
  d.set("issuer", c.tenant ? c.tenant->name : "secinfo");
  if (!error.empty()) d.set("code_error", error);
  return c.Render("app_enrol", d, status);
}

http::Response AppForm(Ctx& c) {
  auto policy = policy::LoadPolicy(c.deps.store.tenants(), c.principal->user.tenant_id);
  if (!policy.ok() || !policy->Allows(methods::MethodKind::kAuthenticator))
    return Message(c, "app_not_allowed", 403);
  if (std::string change = c.req.Query("change"); !change.empty()) {
    auto m = OwnApp(c, change);
    if (!m.ok()) return Message(c, "method_not_found", 404);
    return RenderNameForm(c, methods::authenticator::DataOf(*m).name, change, "", 200);
  }
  return RenderNameForm(c, c.T("app_name_default"), "", "", 200);
}

http::Response AppSubmit(Ctx& c) {
  const std::string name = c.req.Form("name");
  if (std::string rename = c.req.Form("rename"); !rename.empty()) {
    auto m = OwnApp(c, rename);
    if (!m.ok()) return Message(c, "method_not_found", 404);
    flows::AppError e = c.deps.apps.Rename(m->id, c.principal->user, name, c.req.remote_ip);
    if (e == flows::AppError::kNone) return c.Redirect("/security-info?notice=app_renamed");
    if (e == flows::AppError::kBadName) {
      return RenderNameForm(c, name, rename, c.T(AppErrorKey(e)), 400);
    }
    return Message(c, AppErrorKey(e), 503);
  }
  std::string id;
  flows::AppError e = c.deps.apps.Begin(c.principal->user, name, c.req.remote_ip, &id);
  switch (e) {
    case flows::AppError::kNone:
      return c.Redirect("/security-info/authenticator/enrol/" + id);
    case flows::AppError::kBadName:
      return RenderNameForm(c, name, "", c.T(AppErrorKey(e)), 400);
    case flows::AppError::kNotAllowed:
      return Message(c, AppErrorKey(e), 403);
    case flows::AppError::kTooMany:
      return Message(c, AppErrorKey(e), 409);
    default:
      return Message(c, AppErrorKey(e), 503);
  }
}

http::Response AppEnrolPage(Ctx& c) { return RenderEnrolment(c, c.req.Param("id"), "", 200); }

http::Response AppEnrolSubmit(Ctx& c) {
  const std::string id = c.req.Param("id");
  flows::AppCodeOutcome o =
      c.deps.apps.Finish(id, c.principal->user, c.req.Form("code"), c.req.remote_ip);
  if (o == flows::AppCodeOutcome::kAccepted) {
    return c.Redirect("/security-info/authenticator/enrol/" + http::UrlEncode(id));
  }
  return RenderEnrolment(c, id, c.T(CodeOutcomeKey(o)), 400);
}

http::Response AppTestPage(Ctx& c) {
  auto m = OwnApp(c, c.req.Param("id"));
  if (!m.ok()) return Message(c, "method_not_found", 404);
  Data d = c.PageData("app_test_title");
  d.set("id", std::to_string(m->id));
  d.set("intro", c.T("app_test_intro", {{"name", methods::authenticator::DataOf(*m).name}}));
  return c.Render("app_test", d);
}

http::Response AppTestSubmit(Ctx& c) {
  auto m = OwnApp(c, c.req.Param("id"));
  if (!m.ok()) return Message(c, "method_not_found", 404);
  flows::AppCodeOutcome o =
      c.deps.apps.Check(m->id, c.principal->user, c.req.Form("code"), c.req.remote_ip);
  Data d = c.PageData("app_test_title");
  d.set("id", std::to_string(m->id));
  const std::string name = methods::authenticator::DataOf(*m).name;
  d.set("intro", c.T("app_test_intro", {{"name", name}}));
  if (o == flows::AppCodeOutcome::kAccepted) {
    d.set("ok", c.T("app_test_ok", {{"name", name}}));
    return c.Render("app_test", d);
  }
  d.set("code_error", c.T(CodeOutcomeKey(o)));
  return c.Render("app_test", d, 400);
}

}  // namespace

std::span<const PageRoute> AuthenticatorPages() {
  static constexpr PageRoute kRoutes[] = {
      {"GET", "/security-info/authenticator", AppForm},
      {"POST", "/security-info/authenticator", AppSubmit},
      {"GET", "/security-info/authenticator/enrol/:id", AppEnrolPage},
      {"POST", "/security-info/authenticator/enrol/:id", AppEnrolSubmit},
      {"GET", "/security-info/authenticator/:id/test", AppTestPage},
      {"POST", "/security-info/authenticator/:id/test", AppTestSubmit},
  };
  return kRoutes;
}

}  // namespace secinfo::web
