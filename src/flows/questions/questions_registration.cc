#include "flows/questions/questions_registration.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "flows/audit.h"
#include "methods/questions/questions.h"
#include "methods/questions/questions_data.h"
#include "methods/registry.h"
#include "policy/policy.h"

namespace secinfo::flows {
namespace {

namespace q = methods::questions;

// Custom questions are offered as "custom:<id>" next to the predefined keys.
constexpr char kCustomPrefix[] = "custom:";

}  // namespace

QuestionsRefusal QuestionsRegistration::Check(const store::User& user) {
  auto policy = policy::LoadPolicy(store_.tenants(), user.tenant_id);
  if (!policy.ok()) return QuestionsRefusal::kUnavailable;
  if (!policy->Allows(methods::MethodKind::kQuestions)) return QuestionsRefusal::kNotAllowed;
  if (!q::QuestionsAllowedFor(user.is_admin)) return QuestionsRefusal::kNotForAdmins;
  return QuestionsRefusal::kNone;
}

Result<QuestionsSetup> QuestionsRegistration::Setup(const store::User& user,
                                                    std::string_view lang) {
  auto settings = store_.questions().GetSettings(user.tenant_id);
  if (!settings.ok()) return settings.status();
  q::QuestionPolicy rules{static_cast<int>(settings->to_register),
                          static_cast<int>(settings->to_reset)};
  SECINFO_RETURN_IF_ERROR(q::Validate(rules));
  auto custom = store_.questions().ListCustom(user.tenant_id);
  if (!custom.ok()) return custom.status();
  std::vector<q::Question> tenant_questions;
  for (const store::CustomQuestion& cq : *custom) {
    tenant_questions.push_back({kCustomPrefix + std::to_string(cq.id), cq.text});
  }
  return QuestionsSetup{rules.to_register,
                        q::OfferedQuestions(lang, q::PredefinedQuestionKeys(), tenant_questions)};
}

Result<std::vector<std::string>> QuestionsRegistration::PickedQuestions(const store::User& user,
                                                                        int64_t method_id) {
  auto saved = store_.questions().GetAnswers(user.id, method_id);
  if (!saved.ok()) return saved.status();
  std::vector<std::string> ids;
  for (const store::QuestionAnswer& a : *saved) ids.push_back(a.question_id);
  return ids;
}

std::optional<size_t> QuestionsRegistration::AnswerCount(const store::Method& m) {
  auto answers = store_.questions().GetAnswers(m.user_id, m.id);
  if (!answers.ok()) return std::nullopt;
  return answers->size();
}

QuestionsSaveResult QuestionsRegistration::Save(const store::User& user,
                                                const QuestionsSetup& setup,
                                                const std::vector<q::QuestionAnswer>& typed,
                                                std::string_view ip) {
  std::vector<q::AnswerError> errors = q::ValidateAnswers(typed, setup.to_register, setup.offered);
  if (!errors.empty()) return {QuestionsSaveOutcome::kInvalid, std::move(errors)};

  std::vector<store::QuestionAnswer> hashed;
  for (const q::QuestionAnswer& qa : typed) {
    Result<std::string> hash = q::HashAnswer(qa.answer);
    if (!hash.ok()) {
      spdlog::error("hashing a security answer: {}", hash.status().ToString());
      return {QuestionsSaveOutcome::kUnavailable, {}};
    }
    hashed.push_back({qa.question_id, std::move(*hash)});
  }
  auto methods = store_.methods().ListForUser(user.id);
  if (!methods.ok()) return {QuestionsSaveOutcome::kUnavailable, {}};
  const bool replacing = std::any_of(methods->begin(), methods->end(), [](const store::Method& m) {
    return methods::IsKind(m, methods::MethodKind::kQuestions);
  });
  store::Method m;
  m.user_id = user.id;
  m.created_at = clock_.NowMillis();
  methods::questions::Put({}, m);
  Status saved = ChangeWithAudit(
      store_, [&] { return store_.questions().SaveAnswers(m, hashed).status(); },
      [&] {
        // Never which questions, never an answer.
        RecordAudit(store_, clock_,
                    {user.tenant_id, user.id, std::string(ip),
                     replacing ? "method_change" : "method_register",
                     std::string(methods::KindName(methods::MethodKind::kQuestions)), "success",
                     std::to_string(hashed.size()) + " answers"});
      });
  if (!saved.ok()) {
    spdlog::error("saving security answers: {}", saved.ToString());
    return {QuestionsSaveOutcome::kUnavailable, {}};
  }
  return {replacing ? QuestionsSaveOutcome::kReplaced : QuestionsSaveOutcome::kRegistered, {}};
}

}  // namespace secinfo::flows
