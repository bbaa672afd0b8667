#include <ctime>
#include <nlohmann/json.hpp>

#include "flows/sign_in/second_step.h"
#include "http/url.h"
#include "methods/registry.h"
#include "phone/number.h"
#include "policy/policy.h"
#include "web/pages.h"

// Sign-in's second step ("Verify your identity"), step-up before changing security info, the
// registration interrupt ("Keep your account secure") and the list of signed-in browsers. Pages
// parse, call flows::Verifier / SecondStep / Sessions, and render.
namespace secinfo::web {
namespace {

using flows::VerifyCodeOutcome;
using flows::VerifyStartError;
using methods::Proof;

// "2026-12-03 09:41 UTC".
std::string FormatTime(int64_t millis) {
  std::time_t t = static_cast<std::time_t>(millis / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

bool IsStepUp(const Ctx& c) {
  return c.req.Form("step_up") == "1" || c.req.Query("step_up") == "1";
}

flows::ProofPurpose PurposeOf(const Ctx& c) {
  return IsStepUp(c) ? flows::ProofPurpose::kStepUp : flows::ProofPurpose::kSignIn;
}

std::string ReturnTo(const Ctx& c) {
  const std::string& v =
      c.req.Form("return_to").empty() ? c.req.Query("return_to") : c.req.Form("return_to");
  return SafeReturnTo(v);
}

// What every verification link carries along: where to go afterwards, and whether it is step-up.
std::string Carry(const Ctx& c) {
  return "return_to=" + http::UrlEncode(ReturnTo(c)) + (IsStepUp(c) ? "&step_up=1" : "");
}

std::string Binding(const Ctx& c) { return flows::Sessions::TokenHash(c.principal->session_token); }

// A method's number, masked, for what a call or a text says ("+33 X XX XX XX 23"); "" for a
// method without one.
std::string MaskedNumber(const store::Method& m) {
  if (methods::InfoOf(m).detail != methods::Detail::kPhoneNumber) return "";
  return MaskedPhone(methods::DetailText(m));
}

// "Call +33 X XX XX XX 23", "Use a code from Pixel 8", ...
std::string ProofLabel(const Ctx& c, const store::Method& m, Proof p) {
  const std::string detail = methods::DetailText(m);
  return c.T("verify_proof_" + std::string(methods::ProofName(p)),
             {{"number", MaskedNumber(m)}, {"app", detail}, {"address", detail}});
}

const char* StartErrorKey(VerifyStartError e) {
  switch (e) {
    case VerifyStartError::kLocked:
      return "verify_locked";
    case VerifyStartError::kBlocked:
      return "verify_blocked";
    case VerifyStartError::kTooMany:
      return "verify_too_many";
    case VerifyStartError::kSendFailed:
      return "verify_send_failed";
    case VerifyStartError::kDestinationRefused:
      return "verify_destination_refused";
    case VerifyStartError::kMethodNotFound:
    case VerifyStartError::kProofNotOffered:
      return "method_not_found";
    default:
      return "internal_error";
  }
}

std::string CodeErrorText(const Ctx& c, const flows::VerifyCodeResult& r) {
  switch (r.outcome) {
    case VerifyCodeOutcome::kRejected:
      return r.tries_left > 0 ? c.T("code_wrong", {{"tries", std::to_string(r.tries_left)}})
                              : c.T("verify_code_wrong");
    case VerifyCodeOutcome::kMalformed:
      return c.T("code_malformed");
    case VerifyCodeOutcome::kExpired:
      return c.T("verify_expired");
    case VerifyCodeOutcome::kCodeLocked:
      return c.T("verify_code_locked");
    case VerifyCodeOutcome::kReplayed:
      return c.T("verify_code_replayed");
    case VerifyCodeOutcome::kLocked:
      return c.T("verify_locked");
    case VerifyCodeOutcome::kBlocked:
      return c.T("verify_blocked");
    case VerifyCodeOutcome::kNotPending:
      return c.T("verify_expired");
    default:
      return c.T("internal_error");
  }
}

// What a call's state says on a verification page. Sign-in has its own words where registration's
// would mislead ("Your phone was registered", "The phone was not registered").
std::string CallStatusText(const Ctx& c, store::CallState state) {
  switch (state) {
    case store::CallState::kConfirmed:
      return c.T("verify_call_confirmed");
    case store::CallState::kFraudReported:
      return c.T("verify_call_fraud_reported");
    default:
      return c.T(CallStateKey(state));
  }
}

http::Response Message(Ctx& c, const std::string& text, int status) {
  Data d = c.PageData("verify_title");
  d.set("message", text);
  d.set("back", "/sign-in/verify?" + Carry(c));
  return c.Render("message", d, status);
}

// The "Don't ask again for N days" box, where the tenant offers it and this is sign-in.
void AddRemember(const Ctx& c, Data& d) {
  if (!c.second_step || IsStepUp(c)) return;
  const int64_t days = c.second_step->rules.remember_days;
  if (days > 0) d.set("remember_label", c.T("verify_remember", {{"days", std::to_string(days)}}));
}

// After a proof was used: remembers the browser if asked, and goes back where the person was going.
http::Response Continue(Ctx& c) {
  if (c.req.Form("remember") == "1" && !IsStepUp(c) && c.second_step &&
      c.second_step->rules.remember_days > 0) {
    const int64_t days = c.second_step->rules.remember_days;
    auto token = c.deps.sessions.RememberBrowser(c.principal->user, days, c.req.remote_ip,
                                                 c.req.Header("user-agent"));
    if (token.ok()) {
      c.cookies.push_back(
          {kRememberCookie, *token, days * 24 * 3600, "/", true, c.req.secure, "Strict"});
    }
  }
  return c.ContinueTo(ReturnTo(c));
}

// Uses the proven verification `id`: raises the session, then Continue.
http::Response Finish(Ctx& c, const std::string& id) {
  Status used = c.deps.second_step->Complete(*c.principal, id);
  if (used.code() == Status::Code::kFailedPrecondition || used.code() == Status::Code::kNotFound) {
    return Message(c, c.T("verify_expired"), 409);
  }
  if (!used.ok()) return Message(c, c.T("internal_error"), 503);
  return Continue(c);
}

// The verify page: the chosen (or default) method's proof, or every choice ("another way").
http::Response RenderChoose(Ctx& c, const std::string& error, int status) {
  flows::Verifier& verifier = *c.deps.verifier;
  const store::User& user = c.principal->user;
  const flows::Standing standing = verifier.StandingOf(user);
  if (standing.blocked) return Message(c, c.T("verify_blocked"), 403);
  if (standing.locked) return Message(c, c.T("verify_locked"), 429);
  auto choices = verifier.Choices(user, methods::Purpose::kMfa);
  if (!choices.ok()) return Message(c, c.T("internal_error"), 503);
  if (choices->empty()) return c.Redirect(IsStepUp(c) ? ReturnTo(c) : "/sign-in/setup");

  Data d = c.PageData("verify_title");
  d.set("heading", c.T(IsStepUp(c) ? "verify_step_up_heading" : "verify_heading"));
  d.set("return_to_value", ReturnTo(c));
  d.set("step_up", IsStepUp(c) ? "1" : "0");
  if (!error.empty()) d.set("error", error);
  AddRemember(c, d);

  size_t ways = 0;
  for (const auto& choice : *choices) ways += choice.proofs.size();
  const bool another_way = c.req.Query("other") == "1";
  if (another_way) {
    List options;
    for (const auto& choice : *choices) {
      for (Proof p : choice.proofs) {
        options.push_back(Object{{"method_id", std::to_string(choice.method.id)},
                                 {"proof", std::string(methods::ProofName(p))},
                                 {"label", ProofLabel(c, choice.method, p)}});
      }
    }
    d.set("intro", c.T("verify_other_intro"));
    d.set("options", options);
  } else {
    // The method and proof asked for, or the default method's first proof.
    const flows::MethodChoice* chosen = &choices->front();
    std::optional<int64_t> wanted = ParseId(c.req.Query("method"));
    for (const auto& choice : *choices) {
      if (wanted && choice.method.id == *wanted) chosen = &choice;
    }
    Proof proof = chosen->proofs.front();
    if (auto asked = methods::ParseProof(c.req.Query("proof"))) {
      for (Proof p : chosen->proofs) {
        if (p == *asked) proof = p;
      }
    }
    d.set("intro", c.T("verify_intro"));
    d.set("method_id", std::to_string(chosen->method.id));
    d.set("proof", std::string(methods::ProofName(proof)));
    d.set("label", ProofLabel(c, chosen->method, proof));
    if (proof == Proof::kAppCode) {
      d.set("app_code", true);
    } else {
      d.set("send", true);
      // Nothing rings or is sent without a click after an error or on the way back.
      if (error.empty() && !wanted) d.set("autostart", true);
    }
    if (ways > 1) d.set("other_href", "/sign-in/verify?other=1&" + Carry(c));
  }
  d.set("help_href", "/sign-in/verify/help?" + Carry(c));
  return c.Render("verify", d, status);
}

// The page of a started verification, with `error` under its code field.
http::Response RenderProgress(Ctx& c, const std::string& id, const std::string& error, int status) {
  auto view = c.deps.verifier->Get(id, Binding(c));
  if (!view.ok()) {
    Data d = c.PageData("not_found_title");
    return c.Render("not_found", d, 404);
  }
  Data d = c.PageData("verify_title");
  d.set("heading", c.T(IsStepUp(c) ? "verify_step_up_heading" : "verify_heading"));
  d.set("id", view->v.id);
  d.set("carry", Carry(c));
  d.set("return_to_value", ReturnTo(c));
  d.set("step_up", IsStepUp(c) ? "1" : "0");
  d.set("state", std::string(store::StateName(view->v.state)));
  AddRemember(c, d);
  if (!error.empty()) d.set("error", error);
  const std::string number = MaskedNumber(view->method);
  switch (view->proof) {
    case Proof::kCall: {
      d.set("call", true);
      d.set("doing", c.T("verify_calling", {{"number", number}}));
      d.set("status",
            CallStatusText(c, view->call ? view->call->state : store::CallState::kFailed));
      break;
    }
    case Proof::kPush:
      d.set("push", true);
      d.set("doing", c.T("verify_push_sent", {{"app", methods::DetailText(view->method)}}));
      if (view->push) {
        d.set("number", std::to_string(view->push->number));
        d.set("status", c.T(PushStateKey(view->push->state)));
      }
      break;
    default:
      d.set("code", true);
      d.set("doing",
            view->proof == Proof::kAppCode
                ? c.T("verify_app_code_intro", {{"app", methods::DetailText(view->method)}})
                : c.T("verify_code_sent", {{"number", number}}));
      break;
  }
  // What the network said of a texted code (SMPP receipts, received by whichever node).
  const bool undelivered = view->delivery == store::DeliveryState::kUndelivered;
  if (view->delivery == store::DeliveryState::kDelivered) {
    d.set("delivered", c.T("code_delivered"));
  }
  if (undelivered && !view->final && error.empty()) {
    d.set("error", c.T("verify_code_undelivered", {{"number", number}}));
  }
  if (view->proof == Proof::kSmsCode && !view->final && !undelivered) {
    d.set("watch_delivery", true);
    d.set("delivery", std::string(store::StateName(view->delivery)));
  }
  if (view->succeeded) {
    d.set("succeeded", true);
  } else if (view->final) {
    d.set("failed", true);
    // A fraud report that blocked the person ends every way in: say so, offer none.
    if (c.deps.verifier->StandingOf(c.principal->user).blocked) {
      d.set("error", c.T("verify_blocked"));
      return c.Render("verify_progress", d, status);
    }
    d.set("retry_href", "/sign-in/verify?" + Carry(c));
  } else if (undelivered) {
    // The code will not arrive: another text (a new verification) or another way. Nothing more
    // to wait for on this page.
    d.set("state", std::string(store::StateName(store::DeliveryState::kUndelivered)));
    d.set("retry_href", "/sign-in/verify?" + Carry(c));
  } else {
    d.set("live", true);
  }
  d.set("other_href", "/sign-in/verify?other=1&" + Carry(c));
  return c.Render("verify_progress", d, status);
}

}  // namespace

std::string MaskedPhone(const std::string& e164) {
  if (e164.empty()) return "";
  std::string shown = phone::FormatInternational(e164);
  // Keep the country code and the last two digits; hide the rest.
  size_t first_space = shown.find(' ');
  int digits_after = 0;
  for (size_t i = shown.size(); i-- > 0 && i > first_space;) {
    if (shown[i] < '0' || shown[i] > '9') continue;
    if (++digits_after > 2) shown[i] = 'X';
  }
  return first_space == std::string::npos ? "X" : shown;
}

http::Response VerifyPage(Ctx& c) { return RenderChoose(c, "", 200); }

http::Response VerifyStart(Ctx& c) {
  std::optional<int64_t> method_id = ParseId(c.req.Form("method_id"));
  std::optional<Proof> proof = methods::ParseProof(c.req.Form("proof"));
  if (!method_id || !proof) return RenderChoose(c, c.T("method_not_found"), 400);
  flows::VerifyRequest r{c.principal->user, Binding(c), PurposeOf(c), *method_id, *proof, c.lang,
                         c.req.remote_ip};
  flows::VerifyStart started = c.deps.verifier->Start(r);
  if (started.error != VerifyStartError::kNone) {
    const int status = started.error == VerifyStartError::kTooMany      ? 429
                       : started.error == VerifyStartError::kBlocked    ? 403
                       : started.error == VerifyStartError::kLocked     ? 429
                       : started.error == VerifyStartError::kSendFailed ? 503
                                                                        : 400;
    return RenderChoose(c, c.T(StartErrorKey(started.error)), status);
  }
  return c.Redirect("/sign-in/verify/" + started.id + "?" + Carry(c));
}

// What a code step answers: on, or its page again with why not. Nothing is shown of a step whose
// transaction did not commit.
http::Response AfterCode(Ctx& c, const flows::CodeStep& step) {
  if (!step.status.ok()) return Message(c, c.T("internal_error"), 503);
  if (step.result.outcome == VerifyCodeOutcome::kAccepted) return Continue(c);
  return RenderProgress(c, step.id, CodeErrorText(c, step.result),
                        step.result.outcome == VerifyCodeOutcome::kLocked ? 429 : 400);
}

// An app code is typed on the first page: the verification starts and is checked at once.
http::Response VerifyAppCode(Ctx& c) {
  std::optional<int64_t> method_id = ParseId(c.req.Form("method_id"));
  if (!method_id) return RenderChoose(c, c.T("method_not_found"), 400);
  flows::VerifyRequest r{c.principal->user, Binding(c), PurposeOf(c),   *method_id,
                         Proof::kAppCode,   c.lang,     c.req.remote_ip};
  flows::CodeStep step = c.deps.second_step->ProveWithAppCode(*c.principal, r, c.req.Form("code"));
  if (step.status.ok() && step.start != VerifyStartError::kNone) {
    return RenderChoose(c, c.T(StartErrorKey(step.start)), 400);
  }
  return AfterCode(c, step);
}

http::Response VerifyProgress(Ctx& c) { return RenderProgress(c, c.req.Param("id"), "", 200); }

http::Response VerifyStatusJson(Ctx& c) {
  auto view = c.deps.verifier->Get(c.req.Param("id"), Binding(c));
  if (!view.ok()) return http::Response::Json(R"({"error":"not_found"})", 404);
  std::string message;
  if (view->call) {
    message = CallStatusText(c, view->call->state);
  } else if (view->push) {
    message = c.T(PushStateKey(view->push->state));
  } else if (view->delivery == store::DeliveryState::kDelivered) {
    message = c.T("code_delivered");
  } else if (view->delivery == store::DeliveryState::kUndelivered) {
    message = c.T("verify_code_undelivered", {{"number", MaskedNumber(view->method)}});
  }
  nlohmann::json j = {{"state", store::StateName(view->v.state)},
                      {"final", view->final},
                      {"succeeded", view->succeeded},
                      {"delivery", store::StateName(view->delivery)},
                      {"message", message}};
  return http::Response::Json(j.dump());
}

http::Response VerifyCodeSubmit(Ctx& c) {
  return AfterCode(
      c, c.deps.second_step->SubmitCode(*c.principal, c.req.Param("id"), c.req.Form("code")));
}

http::Response VerifyFinish(Ctx& c) {
  const std::string id = c.req.Param("id");
  auto view = c.deps.verifier->Get(id, Binding(c));
  if (!view.ok() || !view->succeeded) return RenderProgress(c, id, "", 409);
  return Finish(c, id);
}

http::Response VerifyHelp(Ctx& c) {
  Data d = c.PageData("verify_help_title");
  d.set("message", c.T("verify_help"));
  d.set("back", "/sign-in/verify?" + Carry(c));
  return c.Render("message", d);
}

http::Response SetupPage(Ctx& c) {
  if (!c.second_step || c.second_step->need != flows::SecondStepNeed::kRegister) {
    return c.Redirect("/security-info");
  }
  auto policy = policy::LoadPolicy(c.deps.store.tenants(), c.principal->user.tenant_id);
  if (!policy.ok()) return Message(c, c.T("internal_error"), 503);
  Data d = c.PageData("setup_title");
  List choices;
  for (const methods::KindInfo& kind : methods::AllKinds()) {
    if (!policy->AllowsFor(kind.name, methods::Purpose::kMfa)) continue;
    choices.push_back(
        Object{{"label", c.T(std::string(kind.label_key))}, {"href", std::string(kind.page_path)}});
  }
  d.set("choices", choices);
  d.set("has_choices", !choices.empty());
  if (c.second_step->skips_left > 0) {
    d.set("skip_label", c.T("setup_skip", {{"count", std::to_string(c.second_step->skips_left)}}));
  }
  return c.Render("setup", d);
}

http::Response SetupSkip(Ctx& c) {
  auto skipped = c.deps.second_step->Skip(*c.principal);
  if (!skipped.ok()) return Message(c, c.T("internal_error"), 503);
  if (!*skipped) return c.Redirect("/sign-in/setup");
  return c.Redirect("/security-info");
}

http::Response SessionsPage(Ctx& c) {
  const int64_t now = c.deps.clock.NowMillis();
  auto sessions = c.deps.store.sessions().ListForUser(c.principal->user.id, now);
  auto browsers = c.deps.store.sign_in().ListRemembered(c.principal->user.id, now);
  if (!sessions.ok() || !browsers.ok()) return Message(c, c.T("internal_error"), 503);
  const std::string mine = Binding(c);
  Data d = c.PageData("sessions_title");
  List rows;
  for (const store::Session& s : *sessions) {
    Object row{{"since", FormatTime(s.created_at)},
               {"ip", s.client_ip},
               {"agent", s.user_agent.empty() ? c.T("sessions_unknown_browser") : s.user_agent}};
    if (s.id_hash == mine) row["current"] = true;
    rows.push_back(row);
  }
  List remembered;
  for (const store::RememberedBrowser& b : *browsers) {
    remembered.push_back(Object{{"id", b.id_hash},
                                {"since", FormatTime(b.created_at)},
                                {"until", FormatTime(b.expires_at)},
                                {"ip", b.client_ip},
                                {"agent", b.user_agent}});
  }
  d.set("sessions", rows);
  d.set("remembered", remembered);
  d.set("has_remembered", !remembered.empty());
  d.set("has_others", sessions->size() > 1 || !remembered.empty());
  const std::string notice = c.req.Query("notice");
  for (const char* known : {"sessions_signed_out", "sessions_forgotten"}) {
    if (notice == known) d.set("notice", c.T(known));
  }
  return c.Render("sessions", d);
}

http::Response SignOutOthers(Ctx& c) {
  if (!c.deps.sessions.SignOutOthers(*c.principal).ok()) {
    return Message(c, c.T("internal_error"), 503);
  }
  return c.Redirect("/security-info/sessions?notice=sessions_signed_out");
}

http::Response ForgetBrowser(Ctx& c) {
  const std::string id = c.req.Form("id");
  if (id.size() != 64 || id.find_first_not_of("0123456789abcdef") != std::string::npos) {
    return Message(c, c.T("method_not_found"), 404);
  }
  Status s = c.deps.store.sign_in().ForgetRemembered(c.principal->user.id, id);
  if (!s.ok() && s.code() != Status::Code::kNotFound) return Message(c, c.T("internal_error"), 503);
  return c.Redirect("/security-info/sessions?notice=sessions_forgotten");
}

}  // namespace secinfo::web
