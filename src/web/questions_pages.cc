// Security questions: the form that registers a person's answers, or replaces them (Change).
// Parses, asks flows/questions, renders.
#include <spdlog/spdlog.h>

#include "flows/questions/questions_registration.h"
#include "methods/questions/answers.h"
#include "web/pages.h"

namespace secinfo::web {
namespace {

namespace q = methods::questions;

// Well above kMaxAnswerLength (40): the browser must never silently cut an answer the server would
// then accept and hash, or the person would later type the whole answer and be refused. A long
// answer reaches the server, which says it is too long.
constexpr int kAnswerInputMaxLength = 100;

http::Response Message(Ctx& c, const std::string& key, int status) {
  Data d = c.PageData("questions_title");
  d.set("message", c.T(key));
  d.set("back", "/security-info");
  return c.Render("message", d, status);
}

// A page refusing the method when the tenant does not allow it or the person is an administrator.
std::optional<http::Response> Refusal(Ctx& c, flows::QuestionsRegistration& flow) {
  switch (flow.Check(c.principal->user)) {
    case flows::QuestionsRefusal::kNone:
      return std::nullopt;
    case flows::QuestionsRefusal::kNotAllowed:
      return Message(c, "questions_not_allowed", 403);
    case flows::QuestionsRefusal::kNotForAdmins:
      return Message(c, "questions_not_allowed_admin", 403);
    case flows::QuestionsRefusal::kUnavailable:
      break;
  }
  return Message(c, "internal_error", 503);
}

using Setup = flows::QuestionsSetup;

// The tenant's setup, or nullopt after logging why it cannot be read.
std::optional<Setup> LoadSetup(Ctx& c, flows::QuestionsRegistration& flow) {
  auto setup = flow.Setup(c.principal->user, c.lang);
  if (!setup.ok()) {
    spdlog::error("security questions setup: {}", setup.status().ToString());
    return std::nullopt;
  }
  return std::move(*setup);
}

// One row of the form as typed, with the translated errors to show beside its fields.
struct Row {
  std::string question_id;
  std::string answer;
  std::string question_error;
  std::string answer_error;
};

struct FormState {
  std::vector<Row> rows;
  std::string form_error;  // shown above the form: the wrong count, or a summary of row errors
};

http::Response RenderForm(Ctx& c, const Setup& setup, const FormState& f, int status) {
  Data d = c.PageData("questions_title");
  d.set("intro", c.T("questions_intro", {{"count", std::to_string(setup.to_register)}}));
  d.set("answer_hint",
        c.T("questions_answer_hint", {{"min", std::to_string(q::kMinAnswerLength)},
                                      {"max", std::to_string(q::kMaxAnswerLength)}}));
  d.set("answer_maxlength", std::to_string(kAnswerInputMaxLength));
  if (!f.form_error.empty()) d.set("form_error", f.form_error);
  List rows;
  // Always the number the tenant asks for now, keeping what was typed in those rows.
  for (size_t i = 0; i < static_cast<size_t>(setup.to_register); ++i) {
    Row row = i < f.rows.size() ? f.rows[i] : Row{};
    std::string n = std::to_string(i + 1);
    List options;
    for (const q::Question& question : setup.offered) {
      Object o{{"id", question.id}, {"text", question.text}};
      if (question.id == row.question_id) o["selected"] = true;
      options.push_back(o);
    }
    Object r{{"n", n},
             {"legend", c.T("questions_question_n", {{"n", n}})},
             {"options", options},
             {"answer", row.answer}};
    if (!row.question_error.empty()) r["question_error"] = row.question_error;
    if (!row.answer_error.empty()) r["answer_error"] = row.answer_error;
    rows.push_back(r);
  }
  d.set("rows", rows);
  return c.Render("questions_form", d, status);
}

// The rows posted: question_1/answer_1, question_2/answer_2, ... up to the most a tenant may ask,
// so a forged form never makes the server hash more answers than that.
FormState ParseForm(const Ctx& c) {
  FormState f;
  for (int i = 1; i <= q::kMaxQuestionsRequired; ++i) {
    std::string question = "question_" + std::to_string(i);
    std::string answer = "answer_" + std::to_string(i);
    if (!c.req.form.contains(question) && !c.req.form.contains(answer)) break;
    f.rows.push_back({c.req.Form(question), c.req.Form(answer), "", ""});
  }
  return f;
}

}  // namespace

std::string QuestionsDetail(const Ctx& c, const store::Method& m) {
  flows::QuestionsRegistration flow(c.deps.store, c.deps.clock);
  std::optional<size_t> count = flow.AnswerCount(m);
  if (!count) return "";
  return c.T("questions_detail", {{"count", std::to_string(*count)}});
}

namespace {

http::Response QuestionsForm(Ctx& c) {
  flows::QuestionsRegistration flow(c.deps.store, c.deps.clock);
  if (auto refused = Refusal(c, flow)) return *refused;
  std::optional<Setup> setup = LoadSetup(c, flow);
  if (!setup) return Message(c, "internal_error", 503);
  FormState f;
  // Change: the questions picked last time come preselected; the answers are typed again.
  if (std::string change = c.req.Query("change"); !change.empty()) {
    std::optional<int64_t> id = ParseId(change);
    auto picked = id ? flow.PickedQuestions(c.principal->user, *id)
                     : Result<std::vector<std::string>>(Status::NotFound(""));
    if (!picked.ok()) return Message(c, "method_not_found", 404);
    for (const std::string& question_id : *picked) f.rows.push_back({question_id, "", "", ""});
  }
  return RenderForm(c, *setup, f, 200);
}

http::Response QuestionsSubmit(Ctx& c) {
  flows::QuestionsRegistration flow(c.deps.store, c.deps.clock);
  if (auto refused = Refusal(c, flow)) return *refused;
  std::optional<Setup> setup = LoadSetup(c, flow);
  if (!setup) return Message(c, "internal_error", 503);
  FormState f = ParseForm(c);
  std::vector<q::QuestionAnswer> typed;
  for (const Row& row : f.rows) typed.push_back({row.question_id, row.answer});

  flows::QuestionsSaveResult saved = flow.Save(c.principal->user, *setup, typed, c.req.remote_ip);
  switch (saved.outcome) {
    case flows::QuestionsSaveOutcome::kRegistered:
    case flows::QuestionsSaveOutcome::kReplaced:
      return c.Redirect("/security-info?notice=questions_saved");
    case flows::QuestionsSaveOutcome::kInvalid:
      break;
    case flows::QuestionsSaveOutcome::kUnavailable:
      return Message(c, "internal_error", 503);
  }
  for (const q::AnswerError& e : saved.errors) {
    q::Message m = q::Describe(e.code, setup->to_register);
    std::string text = c.T(m.key, m.args);
    if (!e.index) {
      f.form_error = text;
    } else if (q::IsQuestionError(e.code)) {
      f.rows[*e.index].question_error = text;
    } else {
      f.rows[*e.index].answer_error = text;
    }
  }
  if (f.form_error.empty()) f.form_error = c.T("questions_fix_errors");
  return RenderForm(c, *setup, f, 400);
}

}  // namespace

std::span<const PageRoute> QuestionsPages() {
  static constexpr PageRoute kRoutes[] = {
      {"GET", "/security-info/questions", QuestionsForm},
      {"POST", "/security-info/questions", QuestionsSubmit},
  };
  return kRoutes;
}

}  // namespace secinfo::web
