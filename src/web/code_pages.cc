// Registration by a code: "Text me a code" for phones, and the email method.
#include <nlohmann/json.hpp>

#include "http/url.h"
#include "methods/email/email_method.h"
#include "methods/phone/phone_data.h"
#include "phone/number.h"
#include "policy/policy.h"
#include "web/pages.h"

namespace secinfo::web {
namespace {

http::Response Message(Ctx& c, const std::string& key, int status) {
  Data d = c.PageData("security_info");
  d.set("message", c.T(key));
  d.set("back", "/security-info");
  return c.Render("message", d, status);
}

bool EmailAllowed(Ctx& c) {
  auto policy = policy::LoadPolicy(c.deps.store.tenants(), c.principal->user.tenant_id);
  return policy.ok() && policy->Allows(methods::MethodKind::kEmail);
}

http::Response RenderEmailForm(Ctx& c, const std::string& address, const std::string& replacing,
                               const std::string& error, int status) {
  Data d = c.PageData("email_setup");
  d.set("address", address);
  if (!replacing.empty()) d.set("replacing", replacing);
  if (!error.empty()) d.set("address_error", error);
  return c.Render("email_form", d, status);
}

std::string Shown(const store::CodeChallenge& ch) {
  return ch.channel == "sms" ? phone::FormatInternational(ch.destination) : ch.destination;
}

// The code page: what was sent where, the code field, resend, or the happy end.
http::Response RenderCodePage(Ctx& c, const store::CodeChallenge& ch, const std::string& error,
                              const std::string& notice, int status) {
  const bool email = ch.method_kind == methods::MethodKind::kEmail;
  Data d = c.PageData(email ? "email_setup" : "phone_setup");
  d.set("id", ch.id);
  d.set("heading", c.T(email ? "email_title" : "phone_title"));
  d.set("subheading", c.T(email ? "email_setup" : "phone_setup"));
  if (ch.extension_removed) {
    std::string ext = c.req.Query("ext");
    if (ext.size() > 10 || ext.find_first_not_of("0123456789") != std::string::npos) ext.clear();
    d.set("extension_notice", c.T("phone_extension_removed", {{"extension", ext}}));
  }
  if (ch.state == store::CodeChallengeState::kVerified) {
    store::Method registered;
    registered.kind = ch.method_kind;
    if (!ch.phone_type.empty()) methods::phone::Put({.type = ch.phone_type}, registered);
    std::string label = MethodLabel(c, registered);
    d.set("success", true);
    d.set("registered", c.T("method_registered", {{"method", label + " " + Shown(ch)}}));
    return c.Render("code", d, status);
  }
  d.set("sent", c.T(ch.channel == "sms" ? "code_sent_sms" : "code_sent_email",
                    {{"destination", Shown(ch)}}));
  if (!error.empty()) d.set("code_error", error);
  if (!notice.empty()) d.set("notice", notice);
  int64_t wait = c.deps.codes.SecondsUntilResend(ch);
  if (wait > 0) d.set("resend_wait", c.T("code_resend_wait", {{"seconds", std::to_string(wait)}}));
  if (ch.state == store::CodeChallengeState::kPending) d.set("pending", true);
  // What the network said of the text (SMPP receipts, received by whichever node). Until it says,
  // the page's script asks again (CodeStatusJson).
  const store::DeliveryState delivery = c.deps.codes.DeliveryOf(ch);
  d.set("delivery", std::string(store::StateName(delivery)));
  if (delivery == store::DeliveryState::kDelivered) d.set("delivered", c.T("code_delivered"));
  if (delivery == store::DeliveryState::kUndelivered) {
    d.set("undelivered", c.T("code_undelivered", {{"destination", Shown(ch)}}));
    d.set("another_way_href",
          "/security-info/phone" + (ch.replaces_method_id
                                        ? "?change=" + std::to_string(*ch.replaces_method_id)
                                        : std::string()));
  }
  if (ch.channel == "sms" && ch.state == store::CodeChallengeState::kPending) {
    d.set("watch_delivery", true);
  }
  return c.Render("code", d, status);
}

// What the code page's script polls: the challenge's state and what the network said of its text.
// `final` once nothing more can change while the code is valid.
http::Response CodeStatusJson(Ctx& c) {
  auto ch = c.deps.codes.Get(c.req.Param("id"), c.principal->user.id);
  if (!ch.ok()) return http::Response::Json(R"({"error":"not_found"})", 404);
  const store::DeliveryState delivery = c.deps.codes.DeliveryOf(*ch);
  std::string message;
  if (delivery == store::DeliveryState::kDelivered) message = c.T("code_delivered");
  if (delivery == store::DeliveryState::kUndelivered) {
    message = c.T("code_undelivered", {{"destination", Shown(*ch)}});
  }
  const bool final = ch->state != store::CodeChallengeState::kPending ||
                     c.deps.clock.NowMillis() >= ch->expires_at ||
                     delivery == store::DeliveryState::kUndelivered;
  nlohmann::json j = {{"state", store::StateName(ch->state)},
                      {"delivery", store::StateName(delivery)},
                      {"final", final},
                      {"message", message}};
  return http::Response::Json(j.dump());
}

http::Response EmailForm(Ctx& c) {
  if (!EmailAllowed(c)) return Message(c, "email_not_allowed", 403);
  std::string replacing;
  if (std::string change = c.req.Query("change"); !change.empty()) {
    std::optional<int64_t> id = ParseId(change);
    auto m = id ? c.deps.store.methods().Get(c.principal->user.id, *id)
                : Result<store::Method>(Status::NotFound(""));
    if (!m.ok() || !methods::IsKind(*m, methods::MethodKind::kEmail))
      return Message(c, "method_not_found", 404);
    replacing = change;
  }
  return RenderEmailForm(c, "", replacing, "", 200);
}

http::Response EmailSubmit(Ctx& c) {
  std::string address = c.req.Form("email");
  std::string replacing_text = c.req.Form("replaces");
  std::optional<int64_t> replacing;
  if (!replacing_text.empty()) replacing = ParseId(replacing_text).value_or(-1);
  flows::CodeBeginRequest request{
      c.principal->user, methods::MethodKind::kEmail, "", "", "", address, c.lang, c.req.remote_ip,
      replacing};
  flows::CodeBeginResult r = c.deps.codes.Begin(request);
  using E = flows::BeginError;
  switch (r.error) {
    case E::kNone:
      return c.Redirect("/security-info/codes/" + r.challenge_id);
    case E::kMethodNotAllowed:
      return Message(c, "email_not_allowed", 403);
    case E::kMethodNotFound:
      return Message(c, "method_not_found", 404);
    case E::kInvalidEmail:
      return RenderEmailForm(c, address, replacing_text, c.T("email_invalid"), 400);
    case E::kTypeTaken:
      return RenderEmailForm(c, address, replacing_text, c.T("email_taken"), 400);
    case E::kTooManyCalls:
      return RenderEmailForm(c, address, replacing_text, c.T("code_resend_too_many"), 400);
    case E::kCallFailed:
      return RenderEmailForm(c, address, replacing_text, c.T("code_send_failed"), 503);
    default:
      return RenderEmailForm(c, address, replacing_text, c.T("internal_error"), 503);
  }
}

http::Response CodePage(Ctx& c) {
  auto ch = c.deps.codes.Get(c.req.Param("id"), c.principal->user.id);
  if (!ch.ok()) return c.Render("not_found", c.PageData("not_found_title"), 404);
  std::string notice = c.req.Query("notice") == "resent" ? c.T("code_resent") : "";
  std::string error;
  if (ch->state == store::CodeChallengeState::kLocked) error = c.T("code_locked");
  if (ch->state == store::CodeChallengeState::kExpired) error = c.T("code_expired");
  // Every attempt to send it failed (the retries run after the person reached this page).
  if (ch->state == store::CodeChallengeState::kFailed) error = c.T("code_send_failed");
  return RenderCodePage(c, *ch, error, notice, 200);
}

http::Response CodeSubmit(Ctx& c) {
  const std::string id = c.req.Param("id");
  flows::CodeCheck check = c.deps.codes.Verify(id, c.principal->user.id, c.req.Form("code"));
  auto ch = c.deps.codes.Get(id, c.principal->user.id);
  if (!ch.ok()) return c.Render("not_found", c.PageData("not_found_title"), 404);
  using O = flows::CodeOutcome;
  switch (check.outcome) {
    case O::kAccepted:
      return c.Redirect("/security-info/codes/" + http::UrlEncode(id));
    case O::kRejected:
      return RenderCodePage(c, *ch,
                            c.T(check.tries_left == 1 ? "code_wrong_one" : "code_wrong",
                                {{"tries", std::to_string(check.tries_left)}}),
                            "", 400);
    case O::kMalformed:
      return RenderCodePage(c, *ch, c.T("code_malformed"), "", 400);
    case O::kExpired:
      return RenderCodePage(c, *ch, c.T("code_expired"), "", 400);
    case O::kLockedOut:
      return RenderCodePage(c, *ch, c.T("code_locked"), "", 400);
    case O::kTaken:
      return RenderCodePage(c, *ch, c.T("code_taken"), "", 409);
    case O::kNotPending:
      return RenderCodePage(c, *ch, c.T("code_not_pending"), "", 400);
    case O::kUnavailable:
      return RenderCodePage(c, *ch, c.T("internal_error"), "", 503);
  }
  return RenderCodePage(c, *ch, c.T("internal_error"), "", 503);
}

http::Response CodeResend(Ctx& c) {
  const std::string id = c.req.Param("id");
  flows::ResendOutcome r = c.deps.codes.Resend(id, c.principal->user.id);
  auto ch = c.deps.codes.Get(id, c.principal->user.id);
  if (!ch.ok()) return c.Render("not_found", c.PageData("not_found_title"), 404);
  using R = flows::ResendOutcome;
  switch (r) {
    case R::kSent:
      return c.Redirect("/security-info/codes/" + http::UrlEncode(id) + "?notice=resent");
    case R::kTooSoon:  // the page's own hint says how long to wait; keep the state's message
      return RenderCodePage(c, *ch,
                            ch->state == store::CodeChallengeState::kLocked    ? c.T("code_locked")
                            : ch->state == store::CodeChallengeState::kExpired ? c.T("code_expired")
                                                                               : "",
                            "", 429);
    case R::kTooMany:
      return RenderCodePage(c, *ch, c.T("code_resend_too_many"), "", 429);
    case R::kNotPending:
      return RenderCodePage(c, *ch, c.T("code_not_pending"), "", 400);
    case R::kFailed:
      return RenderCodePage(c, *ch, c.T("code_send_failed"), "", 503);
  }
  return RenderCodePage(c, *ch, c.T("internal_error"), "", 503);
}

}  // namespace

std::span<const PageRoute> EmailPages() {
  static constexpr PageRoute kRoutes[] = {
      {"GET", "/security-info/email", EmailForm},
      {"POST", "/security-info/email", EmailSubmit},
      {"GET", "/security-info/codes/:id", CodePage},
      {"GET", "/security-info/codes/:id/status", CodeStatusJson},
      {"POST", "/security-info/codes/:id", CodeSubmit},
      {"POST", "/security-info/codes/:id/resend", CodeResend},
  };
  return kRoutes;
}

}  // namespace secinfo::web
