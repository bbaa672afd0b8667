// Self-service password reset ("Get back into your account"): parses, asks
// flows::PasswordResets, renders. Every page and status code is the same for a real reset and a
// decoy; only the audit log knows which is which.
#include <nlohmann/json.hpp>

#include "flows/password_reset/password_reset.h"
#include "flows/questions/questions_registration.h"
#include "web/pages.h"

namespace secinfo::web {
namespace {

using flows::ResetOutcome;
using flows::ResetStage;

constexpr char kResetCookie[] = "secinfo_reset";
constexpr char kStepPath[] = "/password-reset/verify";

std::string Token(const Ctx& c) { return c.req.Cookie(kResetCookie); }

http::Response StartPage(Ctx& c, const std::string& error, int status) {
  Data d = c.PageData("reset_title");
  d.set("username", c.req.Form("username"));
  if (!error.empty()) d.set("error", error);
  return c.Render("reset_start", d, status);
}

http::Response Over(Ctx& c) {
  Data d = c.PageData("reset_title");
  const int64_t minutes = c.deps.resets->options().validity_millis / 60'000;
  d.set("message", c.T("reset_expired", {{"minutes", std::to_string(minutes)}}));
  d.set("back", "/password-reset");
  c.cookies.push_back({kResetCookie, "", 0, "/", true, c.req.secure, "Lax"});
  return c.Render("message", d, 410);
}

// The text of each question asked, in the page's language.
std::vector<std::string> QuestionTexts(const Ctx& c, const flows::ResetView& v) {
  flows::QuestionsRegistration registration(c.deps.store, c.deps.clock);
  store::User stand_in;
  stand_in.tenant_id = v.tenant_id;
  auto setup = registration.Setup(stand_in, c.lang);
  std::vector<std::string> texts;
  for (const std::string& id : v.questions) {
    std::string text = c.T(id);
    if (setup.ok()) {
      for (const auto& q : setup->offered) {
        if (q.id == id) text = q.text;
      }
    }
    texts.push_back(text);
  }
  return texts;
}

const char* ErrorKey(ResetOutcome o) {
  switch (o) {
    case ResetOutcome::kThrottled:
      return "reset_throttled";
    case ResetOutcome::kNumberDiffers:
      return "reset_number_differs";
    case ResetOutcome::kWrong:
      return "reset_wrong";
    case ResetOutcome::kMalformed:
      return "reset_malformed";
    case ResetOutcome::kSendFailed:
      return "verify_send_failed";
    default:
      return "internal_error";
  }
}

// What the page says of an outcome, with the limits in force ([password_reset] in the config).
std::string ErrorText(const Ctx& c, ResetOutcome o) {
  if (o != ResetOutcome::kPathLocked) return c.T(ErrorKey(o));
  const int64_t hours = c.deps.resets->options().path_lock_millis / 3'600'000;
  if (hours == 1) return c.T("reset_path_locked_one");
  return c.T("reset_path_locked", {{"hours", std::to_string(hours)}});
}

int StatusOf(ResetOutcome o) {
  switch (o) {
    case ResetOutcome::kThrottled:
    case ResetOutcome::kPathLocked:
      return 429;
    case ResetOutcome::kSendFailed:
    case ResetOutcome::kUnavailable:
      return 503;
    default:
      return 400;
  }
}

http::Response StepPage(Ctx& c, const std::string& error, int status) {
  auto view = c.deps.resets->Get(Token(c), c.lang);
  if (!view.ok()) return Over(c);
  Data d = c.PageData("reset_title");
  if (!error.empty()) d.set("error", error);
  if (view->stage == ResetStage::kNewPassword) {
    d.set("heading", c.T("reset_new_password_heading"));
    d.set("new_password", true);
    return c.Render("reset_step", d, status);
  }
  d.set("heading", c.T("reset_step_heading", {{"step", std::to_string(view->step)}}));
  switch (view->stage) {
    case ResetStage::kChoose: {
      d.set("choose", true);
      List offers;
      for (const methods::ResetOffer* o : view->offers) {
        offers.push_back(
            Object{{"name", std::string(o->name)}, {"label", c.T(std::string(o->label_key))}});
      }
      d.set("offers", offers);
      break;
    }
    case ResetStage::kTypeNumber:
      d.set("type_number", true);
      d.set("way", c.T(std::string(view->offer->label_key)));
      d.set("number_intro", c.T("reset_number_intro"));
      break;
    case ResetStage::kCode:
      d.set("code", true);
      d.set("code_intro",
            c.T("reset_code_intro_" + std::string(methods::ProofName(view->offer->proof)),
                {{"minutes", std::to_string(c.deps.codes.ValidityMinutes("email"))}}));
      break;
    case ResetStage::kQuestions: {
      d.set("questions", true);
      List rows;
      const std::vector<std::string> texts = QuestionTexts(c, *view);
      for (size_t i = 0; i < texts.size(); ++i) {
        rows.push_back(Object{{"index", std::to_string(i)}, {"text", texts[i]}});
      }
      d.set("rows", rows);
      d.set("count", std::to_string(texts.size()));
      break;
    }
    case ResetStage::kCall:
    case ResetStage::kPush:
      d.set("progress", true);
      d.set("state",
            std::string(store::StateName(view->failed ? store::VerificationState::kFailed
                                                      : store::VerificationState::kPending)));
      if (view->stage == ResetStage::kCall) {
        d.set("doing", c.T("reset_calling"));
        if (view->call_state) d.set("status", c.T(CallStateKey(*view->call_state)));
      } else {
        d.set("doing", c.T("reset_push_sent"));
        d.set("push", true);
        d.set("number", std::to_string(view->push_number));
      }
      if (view->failed) d.set("error", c.T("reset_proof_failed"));
      break;
    default:
      break;
  }
  if (view->stage != ResetStage::kChoose) d.set("another_way", true);
  return c.Render("reset_step", d, status);
}

// After a form: back to the step page (303), or the page with the error.
http::Response After(Ctx& c, const flows::ResetResult& r) {
  if (r.outcome == ResetOutcome::kOk) return c.Redirect(kStepPath);
  if (r.outcome == ResetOutcome::kExpired) return Over(c);
  return StepPage(c, ErrorText(c, r.outcome), StatusOf(r.outcome));
}

}  // namespace

http::Response ResetForm(Ctx& c) { return StartPage(c, "", 200); }

http::Response ResetStart(Ctx& c) {
  const std::string username = c.req.Form("username");
  if (username.find_first_not_of(" \t") == std::string::npos) {
    return StartPage(c, c.T("reset_username_missing"), 400);
  }
  flows::ResetResult r = c.deps.resets->Start(username, c.req.remote_ip);
  if (r.outcome != ResetOutcome::kOk) {
    return StartPage(c, ErrorText(c, r.outcome), StatusOf(r.outcome));
  }
  c.cookies.push_back({kResetCookie, r.token, std::nullopt, "/", true, c.req.secure, "Lax"});
  return c.Redirect(kStepPath);
}

http::Response ResetStep(Ctx& c) { return StepPage(c, "", 200); }

http::Response ResetChoose(Ctx& c) {
  return After(c, c.deps.resets->Choose(Token(c), c.req.Form("way"), c.lang));
}

http::Response ResetAnotherWay(Ctx& c) { return After(c, c.deps.resets->ChooseAgain(Token(c))); }

http::Response ResetNumber(Ctx& c) {
  return After(c, c.deps.resets->SubmitNumber(Token(c), c.req.Form("number"), c.lang));
}

http::Response ResetCode(Ctx& c) {
  return After(c, c.deps.resets->SubmitCode(Token(c), c.req.Form("code")));
}

http::Response ResetAnswers(Ctx& c) {
  std::vector<std::string> answers;
  const int64_t count = ParseId(c.req.Form("count")).value_or(0);
  for (int64_t i = 0; i < count && i < methods::questions::kMaxQuestionsRequired; ++i) {
    answers.push_back(c.req.Form("answer_" + std::to_string(i)));
  }
  return After(c, c.deps.resets->SubmitAnswers(Token(c), answers, c.lang));
}

http::Response ResetStatusJson(Ctx& c) {
  auto view = c.deps.resets->Get(Token(c), c.lang);
  if (!view.ok()) return http::Response::Json(R"({"final":true,"succeeded":false})", 200);
  const bool waiting =
      (view->stage == ResetStage::kCall || view->stage == ResetStage::kPush) && !view->failed;
  std::string message;
  if (view->stage == ResetStage::kCall && view->call_state) {
    message = c.T(CallStateKey(*view->call_state));
  }
  nlohmann::json j = {{"final", !waiting}, {"succeeded", false}, {"message", message}};
  return http::Response::Json(j.dump());
}

http::Response ResetFinish(Ctx& c) {
  flows::ResetResult r = c.deps.resets->Finish(Token(c), c.req.Form("new"), c.req.Form("confirm"));
  if (r.outcome == ResetOutcome::kRefused) {
    return StepPage(c, c.T(r.password.message_key()), 400);
  }
  if (r.outcome != ResetOutcome::kOk) return After(c, r);
  c.cookies.push_back({kResetCookie, "", 0, "/", true, c.req.secure, "Lax"});
  Data d = c.PageData("reset_title");
  d.set("done", true);
  return c.Render("reset_step", d, 200);
}

}  // namespace secinfo::web
