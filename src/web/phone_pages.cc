#include <nlohmann/json.hpp>

#include "http/url.h"
#include "methods/phone/phone_data.h"
#include "methods/phone/phone_method.h"
#include "phone/number.h"
#include "phone/regions.h"
#include "policy/policy.h"
#include "web/pages.h"

namespace secinfo::web {
namespace {

std::string RegionName(const std::string& lang, const std::string& code) {
  for (const phone::Region& r : phone::ListRegions(lang)) {
    if (r.code == code) return r.name;
  }
  return code;
}

bool PhoneAllowed(Ctx& c) {
  auto policy = policy::LoadPolicy(c.deps.store.tenants(), c.principal->user.tenant_id);
  return policy.ok() && policy->Allows(methods::MethodKind::kPhone);
}

struct FormState {
  std::string region;
  std::string number;
  std::string type;
  std::string replacing;  // id of the phone being changed, or ""
  bool by_sms = false;    // "Text me a code" chosen
  std::string number_error;
  std::string type_error;
  std::string form_error;
};

http::Response RenderForm(Ctx& c, const FormState& f, int status) {
  Data d = c.PageData("phone_setup");
  List regions;
  for (const phone::Region& r : phone::ListRegions(c.lang)) {
    Object o{{"code", r.code}, {"label", r.name + " (+" + std::to_string(r.calling_code) + ")"}};
    if (r.code == f.region) o["selected"] = true;
    regions.push_back(o);
  }
  d.set("regions", regions);
  d.set("number", f.number);

  if (f.by_sms) d.set("by_sms", true);
  if (!f.replacing.empty()) {
    d.set("replacing", f.replacing);
    d.set("replacing_type", c.T("phone_type_" + f.type));
  }
  auto existing = c.deps.store.methods().ListForUser(c.principal->user.id);
  List types;
  bool any_checked = false;
  for (methods::PhoneType t : methods::kPhoneTypes) {
    std::string name(methods::PhoneTypeName(t));
    bool taken = false;
    if (existing.ok()) {
      for (const auto& m : *existing)
        taken |= methods::IsKind(m, methods::MethodKind::kPhone) &&
                 methods::phone::DataOf(m).type == name;
    }
    if (taken || !f.replacing.empty()) continue;
    Object o{{"value", name}, {"label", c.T("phone_type_" + name)}};
    if (name == f.type || (f.type.empty() && !any_checked)) {
      o["checked"] = true;
      any_checked = true;
    }
    types.push_back(o);
  }
  d.set("types", types);
  if (!f.number_error.empty()) d.set("number_error", f.number_error);
  if (!f.type_error.empty()) d.set("type_error", f.type_error);
  if (!f.form_error.empty()) d.set("form_error", f.form_error);
  return c.Render("phone_form", d, status);
}

std::string DefaultRegion(Ctx& c) {
  std::string fallback =
      c.tenant && !c.tenant->default_region.empty() ? c.tenant->default_region : "US";
  return phone::RegionFromAcceptLanguage(c.req.Header("accept-language"), fallback);
}

// Only digits, to echo back safely in the notice.
std::string DigitsOnly(const std::string& s) {
  if (s.empty() || s.size() > 10 || s.find_first_not_of("0123456789") != std::string::npos) {
    return "";
  }
  return s;
}

}  // namespace

const char* BeginErrorKey(flows::BeginError e) {
  using E = flows::BeginError;
  switch (e) {
    case E::kNone:
      return "";
    case E::kMethodNotAllowed:
      return "phone_method_not_allowed";
    case E::kBadPhoneType:
      return "phone_type_invalid";
    case E::kEmptyNumber:
      return "phone_empty";
    case E::kInvalidCharacters:
      return "phone_invalid_characters";
    case E::kTooShort:
      return "phone_too_short";
    case E::kTooLong:
      return "phone_too_long";
    case E::kInvalidCountryCode:
      return "phone_invalid_country_code";
    case E::kUnknownRegion:
      return "phone_unknown_region";
    case E::kNotValidForRegion:
      return "phone_not_valid_for_region";
    case E::kMethodNotFound:
      return "method_not_found";
    case E::kTypeTaken:
      return "phone_type_taken";
    case E::kNumberTaken:
      return "phone_number_taken";
    case E::kCannotReceiveSms:
      return "phone_cannot_receive_sms";
    case E::kInvalidEmail:
      return "email_invalid";
    case E::kTooManyCalls:
      return "phone_too_many_calls";
    case E::kCountryNotAllowed:
      return "phone_country_not_allowed";
    case E::kNumberTypeRefused:
      return "phone_number_type_refused";
    case E::kCallFailed:
      return "phone_call_failed";
    case E::kInternal:
      return "internal_error";
  }
  return "internal_error";
}

namespace {

http::Response PhoneForm(Ctx& c) {
  if (!PhoneAllowed(c)) {
    Data d = c.PageData("phone_setup");
    d.set("message", c.T("phone_method_not_allowed"));
    d.set("back", "/security-info");
    return c.Render("message", d, 403);
  }
  FormState f;
  f.region =
      phone::IsSupportedRegion(c.req.Query("region")) ? c.req.Query("region") : DefaultRegion(c);
  f.number = c.req.Query("number");
  f.type = c.req.Query("type");
  if (std::string change = c.req.Query("change"); !change.empty()) {
    std::optional<int64_t> id = ParseId(change);
    auto m = id ? c.deps.store.methods().Get(c.principal->user.id, *id)
                : Result<store::Method>(Status::NotFound(""));
    if (!m.ok() || !methods::IsKind(*m, methods::MethodKind::kPhone)) {
      Data d = c.PageData("phone_setup");
      d.set("message", c.T("method_not_found"));
      d.set("back", "/security-info");
      return c.Render("message", d, 404);
    }
    f.replacing = change;
    f.type = methods::phone::DataOf(*m).type;
  }
  return RenderForm(c, f, 200);
}

http::Response PhoneSubmit(Ctx& c) {
  FormState f{c.req.Form("region"), c.req.Form("number"), c.req.Form("phone_type"),
              c.req.Form("replaces")};
  std::optional<int64_t> replacing;
  if (!f.replacing.empty()) {
    replacing = ParseId(f.replacing);
    if (!replacing) replacing = -1;  // never anyone's method: refused as not found
  }
  const bool by_sms = c.req.Form("verify") == "sms";
  flows::BeginError error;
  std::string next;
  phone::ParsedNumber number;
  if (by_sms) {
    flows::CodeBeginRequest request{c.principal->user,
                                    methods::MethodKind::kPhone,
                                    f.region,
                                    f.number,
                                    f.type,
                                    "",
                                    c.lang,
                                    c.req.remote_ip,
                                    replacing};
    flows::CodeBeginResult r = c.deps.codes.Begin(request);
    error = r.error;
    number = r.number;
    next = "/security-info/codes/" + r.challenge_id;
  } else {
    flows::BeginRequest request{c.principal->user, f.region, f.number, f.type, c.lang,
                                c.req.remote_ip,   replacing};
    flows::BeginResult r = c.deps.phones.Begin(request);
    error = r.error;
    number = r.number;
    next = "/security-info/phone/calls/" + r.attempt_id;
  }
  using E = flows::BeginError;
  switch (error) {
    case E::kNone:
      if (number.extension_removed) next += "?ext=" + number.removed_extension;
      return c.Redirect(next);
    case E::kMethodNotFound:
    case E::kMethodNotAllowed: {
      Data d = c.PageData("phone_setup");
      d.set("message", c.T(BeginErrorKey(error)));
      d.set("back", "/security-info");
      return c.Render("message", d, error == E::kMethodNotFound ? 404 : 403);
    }
    case E::kBadPhoneType:
      f.type_error = c.T(BeginErrorKey(error));
      break;
    case E::kTypeTaken:
      f.type_error = c.T("phone_type_taken", {{"type", c.T("phone_type_" + f.type)}});
      break;
    case E::kNotValidForRegion:
      // With a "+", the chosen region played no part: do not name it.
      f.number_error =
          f.number.find('+') != std::string::npos
              ? c.T("phone_not_valid")
              : c.T("phone_not_valid_for_region", {{"region", RegionName(c.lang, f.region)}});
      break;
    case E::kTooManyCalls:
    case E::kCallFailed:
    case E::kInternal:
      f.form_error = c.T(by_sms && error == E::kCallFailed     ? "code_send_failed"
                         : by_sms && error == E::kTooManyCalls ? "code_resend_too_many"
                                                               : BeginErrorKey(error));
      break;
    default:
      f.number_error = c.T(BeginErrorKey(error));
      break;
  }
  if (!phone::IsSupportedRegion(f.region)) f.region = DefaultRegion(c);
  f.by_sms = by_sms;
  return RenderForm(c, f, 400);
}

http::Response CallPage(Ctx& c) {
  auto a = c.deps.phones.Get(c.req.Param("id"), c.principal->user.id);
  if (!a.ok()) {
    Data d = c.PageData("not_found_title");
    return c.Render("not_found", d, 404);
  }
  const store::CallState state = a->state;
  Data d = c.PageData("phone_setup");
  std::string number = phone::FormatInternational(a->phone_e164);
  d.set("id", a->id);
  d.set("number", number);
  d.set("calling", c.T("call_calling", {{"number", number}}));
  d.set("status", c.T(CallStateKey(state)));
  d.set("state", std::string(store::StateName(state)));
  if (a->extension_removed) {
    std::string ext = DigitsOnly(c.req.Query("ext"));
    d.set("extension_notice", c.T("phone_extension_removed", {{"extension", ext}}));
  }
  if (!store::IsFinal(state)) {
    d.set("live", true);
  } else if (state == store::CallState::kConfirmed) {
    d.set("success", true);
    d.set("registered", c.T("phone_registered_as",
                            {{"type", c.T("phone_type_" + a->phone_type)}, {"number", number}}));
  } else {
    d.set("failed", true);
    std::string retry = "/security-info/phone?type=" + http::UrlEncode(a->phone_type) +
                        "&number=" + http::UrlEncode(number);
    if (a->replaces_method_id) retry += "&change=" + std::to_string(*a->replaces_method_id);
    d.set("retry_href", retry);
  }
  return c.Render("phone_call", d);
}

http::Response CallStatusJson(Ctx& c) {
  auto a = c.deps.phones.Get(c.req.Param("id"), c.principal->user.id);
  if (!a.ok()) return http::Response::Json(R"({"error":"not_found"})", 404);
  nlohmann::json j = {{"state", store::StateName(a->state)},
                      {"final", store::IsFinal(a->state)},
                      {"message", c.T(CallStateKey(a->state))}};
  return http::Response::Json(j.dump());
}

http::Response CallCancel(Ctx& c) {
  c.deps.phones.Cancel(c.req.Param("id"), c.principal->user.id);
  return c.Redirect("/security-info/phone/calls/" + http::UrlEncode(c.req.Param("id")));
}

}  // namespace

std::string CallStateKey(store::CallState s) { return "call_" + std::string(store::StateName(s)); }

std::span<const PageRoute> PhonePages() {
  static constexpr PageRoute kRoutes[] = {
      {"GET", "/security-info/phone", PhoneForm},
      {"POST", "/security-info/phone", PhoneSubmit},
      {"GET", "/security-info/phone/calls/:id", CallPage},
      {"GET", "/security-info/phone/calls/:id/status", CallStatusJson},
      {"POST", "/security-info/phone/calls/:id/cancel", CallCancel},
  };
  return kRoutes;
}

}  // namespace secinfo::web
