
// The Security info page: parses, asks flows/security_info, renders.
#include "flows/security_info/security_info.h"
#include "methods/registry.h"
#include "web/pages.h"

namespace secinfo::web {
namespace {

http::Response Message(Ctx& c, const std::string& key, int status) {
  Data d = c.PageData("security_info");
  d.set("message", c.T(key));
  d.set("back", "/security-info");
  return c.Render("message", d, status);
}

// Back to the list with `notice` once done; a method that is not the person's (or cannot be the
// default) is "not found", whatever the reason.
http::Response Respond(Ctx& c, flows::SecurityInfoOutcome outcome, const std::string& notice) {
  switch (outcome) {
    case flows::SecurityInfoOutcome::kDone:
      return c.Redirect("/security-info?notice=" + notice);
    case flows::SecurityInfoOutcome::kNotFound:
    case flows::SecurityInfoOutcome::kCannotBeDefault:
      return Message(c, "method_not_found", 404);
    case flows::SecurityInfoOutcome::kUnavailable:
      break;
  }
  return Message(c, "internal_error", 503);
}

// A registered method's row links beyond Change and Delete: an app's test and push pages.
void AddKindLinks(const store::Method& m, Object& row) {
  if (methods::IsKind(m, methods::MethodKind::kAuthenticator)) {
    row["test_href"] = "/security-info/authenticator/" + std::to_string(m.id) + "/test";
    row["push_href"] = "/security-info/authenticator/" + std::to_string(m.id) + "/push";
  }
}

// The detail shown after a method's label on the page.
std::string ShownDetail(const Ctx& c, const store::Method& m) {
  if (methods::InfoOf(m).detail == methods::Detail::kAnswerCount) {
    return QuestionsDetail(c, m);
  }
  return MethodDetail(m);
}

// What a way of being the default is called in the list: "Mobile phone — text +33 6 …" when the
// method can prove the person in more than one way, else just "Mobile phone — +33 6 …".
std::string DefaultWayLabel(const Ctx& c, const std::string& label, const std::string& detail,
                            methods::Proof proof, size_t ways) {
  if (ways < 2) return label + " — " + detail;
  // Every proof that serves sign-in has its "default_way_<proof>" text.
  return c.T("default_way_" + std::string(methods::ProofName(proof)),
             {{"method", label}, {"detail", detail}});
}

}  // namespace

std::optional<int64_t> ParseId(const std::string& s) {
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return std::stoll(s);
}

std::string MethodLabel(const Ctx& c, const store::Method& m) { return c.T(methods::LabelKey(m)); }

std::string MethodDetail(const store::Method& m) { return flows::MethodDetail(m); }

http::Response SecurityInfo(Ctx& c) {
  flows::SecurityInfo flow(c.deps.store, c.deps.clock);
  auto entries = flow.List(c.principal->user);
  if (!entries.ok()) return Message(c, "internal_error", 503);
  Data d = c.PageData("security_info");
  List rows;
  List options;
  std::string default_label;
  for (const flows::MethodEntry& e : *entries) {
    const store::Method& m = e.method;
    std::string label = MethodLabel(c, m);
    std::string detail = ShownDetail(c, m);
    Object row{{"id", std::to_string(m.id)}, {"label", label}, {"detail", detail}};
    // What the organization lets this method do now (email: password reset only, by nature).
    std::string purposes;
    if (e.usable_for_mfa) purposes = c.T("purpose_mfa");
    if (e.usable_for_sspr) purposes += (purposes.empty() ? "" : ", ") + c.T("purpose_sspr");
    if (!purposes.empty()) row["usable_for"] = c.T("usable_for", {{"purposes", purposes}});
    row["change_href"] =
        std::string(methods::InfoOf(m).page_path) + "?change=" + std::to_string(m.id);
    AddKindLinks(m, row);
    if (e.is_default) row["is_default"] = true;
    rows.push_back(row);
    // Only what can serve sign-in can be the default sign-in method, once per way it proves
    // ("call", "text"); the default's chosen way is its first.
    for (size_t i = 0; i < e.sign_in_proofs.size(); ++i) {
      const methods::Proof proof = e.sign_in_proofs[i];
      const std::string way = DefaultWayLabel(c, label, detail, proof, e.sign_in_proofs.size());
      Object option{{"id", std::to_string(m.id) + ":" + std::string(methods::ProofName(proof))},
                    {"label", way}};
      if (e.is_default && i == 0) {
        option["selected"] = true;
        default_label = way;
      }
      options.push_back(option);
    }
  }
  d.set("methods", rows);
  d.set("has_methods", !rows.empty());
  d.set("has_default_options", !options.empty());
  d.set("default_options", options);
  d.set("default_label", default_label.empty() ? c.T("default_method_none") : default_label);
  const std::string notice = c.req.Query("notice");
  // Only known notices: the query string never puts arbitrary text on the page.
  for (const char* known :
       {"deleted", "default_method_saved", "app_renamed", "questions_saved", "password_changed"}) {
    if (notice == known) d.set("notice", c.T(known));
  }
  return c.Render("security_info", d);
}

http::Response SetDefaultMethod(Ctx& c) {
  // "12:sms": the method and the way it proves the person; "12" alone: its first way.
  const std::string value = c.req.Form("method_id");
  const size_t colon = value.find(':');
  std::optional<int64_t> id = ParseId(value.substr(0, colon));
  std::optional<methods::Proof> proof;
  if (colon != std::string::npos) proof = methods::ParseProof(value.substr(colon + 1));
  if (!id || (colon != std::string::npos && !proof)) return Message(c, "method_not_found", 404);
  flows::SecurityInfo flow(c.deps.store, c.deps.clock);
  return Respond(c, flow.SetDefault(c.principal->user, *id, proof, c.req.remote_ip),
                 "default_method_saved");
}

http::Response AddMethod(Ctx& c) {
  flows::SecurityInfo flow(c.deps.store, c.deps.clock);
  auto offered = flow.AddableKinds(c.principal->user);
  if (!offered.ok()) return Message(c, "internal_error", 503);
  const std::string chosen = c.req.Query("method");
  for (methods::MethodKind k : *offered) {
    if (methods::KindName(k) == chosen) return c.Redirect(std::string(methods::Info(k).page_path));
  }
  Data d = c.PageData("add_method_title");
  List choices;
  for (methods::MethodKind k : *offered) {
    const methods::KindInfo& info = methods::Info(k);
    choices.push_back(Object{{"value", std::string(info.name)},
                             {"label", c.T(std::string(info.label_key))},
                             {"href", std::string(info.page_path)}});
  }
  d.set("choices", choices);
  d.set("has_choices", !choices.empty());
  return c.Render("add_method", d);
}

http::Response DeleteMethodConfirm(Ctx& c) {
  std::optional<int64_t> id = ParseId(c.req.Param("id"));
  flows::SecurityInfo flow(c.deps.store, c.deps.clock);
  auto m = id ? flow.Get(c.principal->user, *id) : Result<store::Method>(Status::NotFound(""));
  if (!m.ok()) return Message(c, "method_not_found", 404);
  Data d = c.PageData("delete_title");
  d.set("id", std::to_string(m->id));
  d.set("question", c.T("delete_confirm",
                        {{"method", MethodLabel(c, *m)},
                         {"detail", MethodDetail(*m).empty() ? "" : " " + MethodDetail(*m)}}));
  return c.Render("delete_method", d);
}

http::Response DeleteMethod(Ctx& c) {
  std::optional<int64_t> id = ParseId(c.req.Param("id"));
  if (!id) return Message(c, "method_not_found", 404);
  flows::SecurityInfo flow(c.deps.store, c.deps.clock);
  return Respond(c, flow.Delete(c.principal->user, *id, c.req.remote_ip), "deleted");
}

}  // namespace secinfo::web
