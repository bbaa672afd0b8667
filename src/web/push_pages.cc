// Sign-in approval for authenticator apps: bind a companion device with a registration link, then
// send it a test request whose number the person types on the device.
#include <nlohmann/json.hpp>

#include "http/url.h"
#include "methods/authenticator/app_data.h"
#include "methods/registry.h"
#include "web/pages.h"

namespace secinfo::web {
namespace {

http::Response Message(Ctx& c, const std::string& key, int status) {
  Data d = c.PageData("push_title");
  d.set("message", c.T(key));
  d.set("back", "/security-info");
  return c.Render("message", d, status);
}

Result<store::Method> OwnApp(Ctx& c) {
  std::optional<int64_t> id = ParseId(c.req.Param("id"));
  auto m = id ? c.deps.store.methods().Get(c.principal->user.id, *id)
              : Result<store::Method>(Status::NotFound(""));
  if (m.ok() && !methods::IsKind(*m, methods::MethodKind::kAuthenticator))
    return Status::NotFound("");
  return m;
}

http::Response RenderSetup(Ctx& c, const store::Method& m, const std::string& link) {
  Data d = c.PageData("push_title");
  d.set("id", std::to_string(m.id));
  const methods::authenticator::AppData app = methods::authenticator::DataOf(m);
  d.set("name", app.name);
  d.set("intro", c.T("push_intro", {{"name", app.name}}));
  if (!app.device_id.empty()) d.set("bound", true);
  if (!link.empty()) {
    d.set("link", link);
    d.set("command", "secinfo authenticator enrol '" + link + "'");
  }
  return c.Render("push_setup", d);
}

http::Response PushSetupPage(Ctx& c) {
  auto m = OwnApp(c);
  if (!m.ok()) return Message(c, "method_not_found", 404);
  return RenderSetup(c, *m, "");
}

http::Response PushLinkCreate(Ctx& c) {
  auto m = OwnApp(c);
  if (!m.ok()) return Message(c, "method_not_found", 404);
  auto token = c.deps.push.CreateEnrolLink(c.principal->user, m->id);
  if (!token.ok()) return Message(c, "internal_error", 503);
  return RenderSetup(c, *m, c.deps.public_url + "/api/authenticator/enrol/" + *token);
}

http::Response PushTestSend(Ctx& c) {
  auto m = OwnApp(c);
  if (!m.ok()) return Message(c, "method_not_found", 404);
  auto sent = c.deps.push.SendTest(c.principal->user, m->id, c.req.remote_ip);
  if (!sent.ok()) {
    return Message(c,
                   sent.status().code() == Status::Code::kFailedPrecondition ? "push_no_device"
                                                                             : "internal_error",
                   sent.status().code() == Status::Code::kFailedPrecondition ? 409 : 503);
  }
  return c.Redirect("/security-info/push/" + sent->id);
}

http::Response PushRequestPage(Ctx& c) {
  auto p = c.deps.push.Get(c.req.Param("id"), c.principal->user.id);
  if (!p.ok()) return c.Render("not_found", c.PageData("not_found_title"), 404);
  Data d = c.PageData("push_title");
  d.set("id", p->id);
  d.set("state", std::string(store::StateName(p->state)));
  d.set("number", std::to_string(p->number));
  d.set("status", c.T(PushStateKey(p->state)));
  if (p->state == store::PushState::kPending) {
    d.set("live", true);
  } else if (p->state == store::PushState::kApproved) {
    d.set("success", true);
  } else {
    d.set("failed", true);
  }
  d.set("retry_action",
        "/security-info/authenticator/" + std::to_string(p->method_id) + "/push/test");
  return c.Render("push_request", d);
}

http::Response PushRequestStatus(Ctx& c) {
  auto p = c.deps.push.Get(c.req.Param("id"), c.principal->user.id);
  if (!p.ok()) return http::Response::Json(R"({"error":"not_found"})", 404);
  nlohmann::json j = {{"state", store::StateName(p->state)},
                      {"final", p->state != store::PushState::kPending},
                      {"message", c.T(PushStateKey(p->state))}};
  return http::Response::Json(j.dump());
}

}  // namespace

std::string PushStateKey(store::PushState s) {
  return "push_state_" + std::string(store::StateName(s));
}

std::span<const PageRoute> PushPages() {
  static constexpr PageRoute kRoutes[] = {
      {"GET", "/security-info/authenticator/:id/push", PushSetupPage},
      {"POST", "/security-info/authenticator/:id/push/link", PushLinkCreate},
      {"POST", "/security-info/authenticator/:id/push/test", PushTestSend},
      {"GET", "/security-info/push/:id", PushRequestPage},
      {"GET", "/security-info/push/:id/status", PushRequestStatus},
  };
  return kRoutes;
}

}  // namespace secinfo::web
