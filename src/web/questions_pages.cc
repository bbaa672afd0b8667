// Security questions: the form that registers a person's answers, or replaces them (Change).
#include <spdlog/spdlog.h>

#include <algorithm>

#include "flows/audit.h"
#include "methods/questions/answers.h"
#include "methods/questions/questions.h"
#include "policy/policy.h"
#include "web/pages.h"

namespace secinfo::web {
namespace {

namespace q = methods::questions;

// Well above kMaxAnswerLength (40): the browser must never silently cut an answer the server would
// then accept and hash, or the person would later type the whole answer and be refused. A long
// answer reaches the server, which says it is too long.
constexpr int kAnswerInputMaxLength = 100;

constexpr char kCustomPrefix[] = "custom:";

http::Response Message(Ctx& c, const std::string& key, int status) {
  Data d = c.PageData("questions_title");
  d.set("message", c.T(key));
  d.set("back", "/security-info");
  return c.Render("message", d, status);
}

// A page refusing the method when the tenant does not allow it or the person is an administrator.
std::optional<http::Response> Refusal(Ctx& c) {
  auto policy = policy::LoadPolicy(c.deps.store.tenants(), c.principal->user.tenant_id);
  if (!policy.ok()) return Message(c, "internal_error", 503);
  if (!policy->Allows("questions")) return Message(c, "questions_not_allowed", 403);
  if (!q::QuestionsAllowedFor(c.principal->user.is_admin)) {
    return Message(c, "questions_not_allowed_admin", 403);
  }
  return std::nullopt;
}

// What the tenant asks for: how many questions, and which may be picked (in the page language).
struct Setup {
  int to_register = q::kMinQuestionsRequired;
  std::vector<q::Question> offered;
};

Result<Setup> LoadSetup(Ctx& c) {
  const int64_t tenant_id = c.principal->user.tenant_id;
  auto settings = c.deps.store.questions().GetSettings(tenant_id);
  if (!settings.ok()) return settings.status();
  q::QuestionPolicy rules{static_cast<int>(settings->to_register),
                          static_cast<int>(settings->to_reset)};
  SECINFO_RETURN_IF_ERROR(q::Validate(rules));
  auto custom = c.deps.store.questions().ListCustom(tenant_id);
  if (!custom.ok()) return custom.status();
  std::vector<q::Question> tenant_questions;
  for (const store::CustomQuestion& cq : *custom) {
    tenant_questions.push_back({kCustomPrefix + std::to_string(cq.id), cq.text});
  }
  return Setup{rules.to_register,
               q::OfferedQuestions(c.lang, q::PredefinedQuestionKeys(), tenant_questions)};
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

void Audit(Ctx& c, const std::string& action, size_t count) {
  // Never which questions, never an answer.
  flows::RecordAudit(c.deps.store, c.deps.clock,
                     {c.principal->user.tenant_id, c.principal->user.id, c.req.remote_ip, action,
                      "questions", "success", std::to_string(count) + " answers"});
}

}  // namespace

std::string QuestionsDetail(const Ctx& c, const store::Method& m) {
  auto answers = c.deps.store.questions().GetAnswers(m.user_id, m.id);
  if (!answers.ok()) return "";
  return c.T("questions_detail", {{"count", std::to_string(answers->size())}});
}

http::Response QuestionsForm(Ctx& c) {
  if (auto refused = Refusal(c)) return *refused;
  auto setup = LoadSetup(c);
  if (!setup.ok()) {
    spdlog::error("security questions setup: {}", setup.status().ToString());
    return Message(c, "internal_error", 503);
  }
  FormState f;
  // Change: the questions picked last time come preselected; the answers are typed again.
  if (std::string change = c.req.Query("change"); !change.empty()) {
    std::optional<int64_t> id = ParseId(change);
    auto saved = id ? c.deps.store.questions().GetAnswers(c.principal->user.id, *id)
                    : Result<std::vector<store::QuestionAnswer>>(Status::NotFound(""));
    if (!saved.ok()) return Message(c, "method_not_found", 404);
    for (const store::QuestionAnswer& a : *saved) f.rows.push_back({a.question_id, "", "", ""});
  }
  return RenderForm(c, *setup, f, 200);
}

http::Response QuestionsSubmit(Ctx& c) {
  if (auto refused = Refusal(c)) return *refused;
  auto setup = LoadSetup(c);
  if (!setup.ok()) {
    spdlog::error("security questions setup: {}", setup.status().ToString());
    return Message(c, "internal_error", 503);
  }
  FormState f = ParseForm(c);
  std::vector<q::QuestionAnswer> typed;
  for (const Row& row : f.rows) typed.push_back({row.question_id, row.answer});

  std::vector<q::AnswerError> errors =
      q::ValidateAnswers(typed, setup->to_register, setup->offered);
  if (!errors.empty()) {
    for (const q::AnswerError& e : errors) {
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

  std::vector<store::QuestionAnswer> hashed;
  for (const q::QuestionAnswer& qa : typed) {
    Result<std::string> hash = q::HashAnswer(qa.answer);
    if (!hash.ok()) {
      spdlog::error("hashing a security answer: {}", hash.status().ToString());
      return Message(c, "internal_error", 503);
    }
    hashed.push_back({qa.question_id, std::move(*hash)});
  }
  const int64_t user_id = c.principal->user.id;
  auto methods = c.deps.store.methods().ListForUser(user_id);
  if (!methods.ok()) return Message(c, "internal_error", 503);
  bool replacing = std::any_of(methods->begin(), methods->end(),
                               [](const store::Method& m) { return m.kind == "questions"; });
  auto saved = c.deps.store.questions().SaveAnswers(user_id, hashed, c.deps.clock.NowMillis());
  if (!saved.ok()) {
    spdlog::error("saving security answers: {}", saved.status().ToString());
    return Message(c, "internal_error", 503);
  }
  Audit(c, replacing ? "method_change" : "method_register", hashed.size());
  return c.Redirect("/security-info?notice=questions_saved");
}

}  // namespace secinfo::web
