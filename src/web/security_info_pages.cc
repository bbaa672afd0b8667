
#include "flows/audit.h"
#include "methods/questions/questions.h"
#include "phone/number.h"
#include "policy/policy.h"
#include "web/pages.h"

namespace secinfo::web {
namespace {

void AuditAction(Ctx& c, std::string action, const store::Method& m, std::string result) {
  flows::RecordAudit(c.deps.store, c.deps.clock,
                     {c.principal->user.tenant_id, c.principal->user.id, c.req.remote_ip,
                      std::move(action), m.kind + (m.phone_type.empty() ? "" : ":" + m.phone_type),
                      std::move(result), MethodDetail(m)});
}

http::Response Message(Ctx& c, const std::string& key, int status) {
  Data d = c.PageData("security_info");
  d.set("message", c.T(key));
  d.set("back", "/security-info");
  return c.Render("message", d, status);
}

}  // namespace

std::optional<int64_t> ParseId(const std::string& s) {
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return std::stoll(s);
}

std::string MethodLabel(const Ctx& c, const store::Method& m) {
  if (m.kind == "phone") return c.T("phone_type_" + m.phone_type);
  return c.T("method_" + m.kind);
}

std::string MethodDetail(const store::Method& m) {
  if (m.kind == "phone") return phone::FormatInternational(m.phone_e164);
  if (m.kind == "email") return m.email;
  return m.name;
}

http::Response SecurityInfo(Ctx& c) {
  const store::User& user = c.principal->user;
  auto methods = c.deps.store.methods().ListForUser(user.id);
  auto policy = policy::LoadPolicy(c.deps.store.tenants(), user.tenant_id);
  if (!methods.ok() || !policy.ok()) return Message(c, "internal_error", 503);
  Data d = c.PageData("security_info");
  List rows;
  List options;
  std::string default_label;
  for (const store::Method& m : *methods) {
    std::string label = MethodLabel(c, m);
    std::string detail = m.kind == "questions" ? QuestionsDetail(c, m) : MethodDetail(m);
    Object row{{"id", std::to_string(m.id)}, {"label", label}, {"detail", detail}};
    // What the organization lets this method do now (email: password reset only, by nature).
    std::string purposes;
    if (policy->AllowsFor(m.kind, policy::Purpose::kMfa)) purposes = c.T("purpose_mfa");
    if (policy->AllowsFor(m.kind, policy::Purpose::kSspr)) {
      purposes += (purposes.empty() ? "" : ", ") + c.T("purpose_sspr");
    }
    if (!purposes.empty()) row["usable_for"] = c.T("usable_for", {{"purposes", purposes}});
    row["change_href"] = "/security-info/" + m.kind + "?change=" + std::to_string(m.id);
    if (m.kind == "authenticator") {
      row["test_href"] = "/security-info/authenticator/" + std::to_string(m.id) + "/test";
      row["push_href"] = "/security-info/authenticator/" + std::to_string(m.id) + "/push";
    }
    Object option{{"id", std::to_string(m.id)}, {"label", label + " — " + detail}};
    if (user.default_method_id == m.id) {
      row["is_default"] = true;
      option["selected"] = true;
      default_label = label + " — " + detail;
    }
    rows.push_back(row);
    // Only what can serve sign-in can be the default sign-in method.
    if (policy::MethodCanServe(m.kind, policy::Purpose::kMfa)) options.push_back(option);
  }
  d.set("methods", rows);
  d.set("has_methods", !rows.empty());
  d.set("has_default_options", !options.empty());
  d.set("default_options", options);
  d.set("default_label", default_label.empty() ? c.T("default_method_none") : default_label);
  const std::string notice = c.req.Query("notice");
  // Only known notices: the query string never puts arbitrary text on the page.
  for (const char* known : {"deleted", "default_method_saved", "app_renamed", "questions_saved"}) {
    if (notice == known) d.set("notice", c.T(known));
  }
  return c.Render("security_info", d);
}

http::Response SetDefaultMethod(Ctx& c) {
  const store::User& user = c.principal->user;
  std::optional<int64_t> id = ParseId(c.req.Form("method_id"));
  if (!id) return Message(c, "method_not_found", 404);
  auto m = c.deps.store.methods().Get(user.id, *id);
  if (!m.ok() || !policy::MethodCanServe(m->kind, policy::Purpose::kMfa)) {
    return Message(c, "method_not_found", 404);
  }
  if (!c.deps.store.users().SetDefaultMethod(user.id, *id).ok()) {
    return Message(c, "internal_error", 503);
  }
  AuditAction(c, "default_change", *m, "success");
  return c.Redirect("/security-info?notice=default_method_saved");
}

http::Response AddMethod(Ctx& c) {
  auto policy = policy::LoadPolicy(c.deps.store.tenants(), c.principal->user.tenant_id);
  if (!policy.ok()) return Message(c, "internal_error", 503);
  std::vector<std::string> offered = policy->AllowedMethods();
  // Never security questions for an administrator (see QuestionsAllowedFor).
  std::erase_if(offered, [&](const std::string& m) {
    return m == "questions" && !methods::questions::QuestionsAllowedFor(c.principal->user.is_admin);
  });
  const std::string chosen = c.req.Query("method");
  for (const std::string& m : offered) {
    if (m == chosen) return c.Redirect("/security-info/" + m);
  }
  Data d = c.PageData("add_method_title");
  List choices;
  for (const std::string& m : offered) {
    choices.push_back(
        Object{{"value", m}, {"label", c.T("method_" + m)}, {"href", "/security-info/" + m}});
  }
  d.set("choices", choices);
  d.set("has_choices", !choices.empty());
  return c.Render("add_method", d);
}

http::Response DeleteMethodConfirm(Ctx& c) {
  std::optional<int64_t> id = ParseId(c.req.Param("id"));
  auto m = id ? c.deps.store.methods().Get(c.principal->user.id, *id)
              : Result<store::Method>(Status::NotFound(""));
  if (!m.ok()) return Message(c, "method_not_found", 404);
  Data d = c.PageData("delete_title");
  d.set("id", std::to_string(m->id));
  d.set("question", c.T("delete_confirm",
                        {{"method", MethodLabel(c, *m)},
                         {"detail", MethodDetail(*m).empty() ? "" : " " + MethodDetail(*m)}}));
  return c.Render("delete_method", d);
}

http::Response DeleteMethod(Ctx& c) {
  const store::User& user = c.principal->user;
  std::optional<int64_t> id = ParseId(c.req.Param("id"));
  auto m =
      id ? c.deps.store.methods().Get(user.id, *id) : Result<store::Method>(Status::NotFound(""));
  if (!m.ok()) return Message(c, "method_not_found", 404);
  if (!c.deps.store.methods().Delete(user.id, m->id).ok()) return Message(c, "internal_error", 503);
  AuditAction(c, "method_delete", *m, "success");
  return c.Redirect("/security-info?notice=deleted");
}

}  // namespace secinfo::web
