#include "methods/questions/answers.h"

#include <algorithm>
#include <numeric>
#include <set>

#include "crypto/password.h"
#include "i18n/catalog.h"
#include "methods/questions/normalize.h"

namespace secinfo::methods::questions {

std::vector<Question> OfferedQuestions(std::string_view lang,
                                       const std::vector<std::string>& predefined_keys,
                                       const std::vector<Question>& custom) {
  const i18n::Catalog& catalog = i18n::Catalog::BuiltIn();
  std::vector<Question> out;
  for (const std::string& key : predefined_keys) {
    if (IsPredefinedQuestion(key)) out.push_back({key, catalog.Get(lang, key)});
  }
  out.insert(out.end(), custom.begin(), custom.end());
  return out;
}

bool IsQuestionError(AnswerErrorCode code) {
  return code == AnswerErrorCode::kUnknownQuestion || code == AnswerErrorCode::kDuplicateQuestion;
}

std::vector<AnswerError> ValidateAnswers(const std::vector<QuestionAnswer>& qa, int required,
                                         const std::vector<Question>& offered) {
  std::vector<AnswerError> errors;
  if (required < 0 || qa.size() != static_cast<size_t>(required)) {
    errors.push_back({std::nullopt, AnswerErrorCode::kWrongCount});
  }
  std::set<std::string> ids_seen;
  std::set<std::string> questions_seen;  // NormalizeQuestion of each question picked
  std::set<std::string> answers_seen;    // Normalize of each acceptable answer
  for (size_t i = 0; i < qa.size(); ++i) {
    auto error = [&](AnswerErrorCode code) { errors.push_back({i, code}); };

    // The question.
    auto q = std::find_if(offered.begin(), offered.end(),
                          [&](const Question& o) { return o.id == qa[i].question_id; });
    std::string question;  // normalized, empty when unknown
    if (q == offered.end()) {
      error(AnswerErrorCode::kUnknownQuestion);
    } else {
      Result<std::string> n = NormalizeQuestion(q->text);
      if (n.ok()) question = *std::move(n);
      bool new_id = ids_seen.insert(q->id).second;
      bool new_text = question.empty() || questions_seen.insert(question).second;
      if (!new_id || !new_text) error(AnswerErrorCode::kDuplicateQuestion);
    }

    // The answer.
    if (qa[i].answer.size() > kMaxTextBytes) {
      error(AnswerErrorCode::kTooLong);
      continue;
    }
    Result<std::string> tidy = Tidy(qa[i].answer);
    Result<std::string> answer = Normalize(qa[i].answer);
    if (!tidy.ok() || !answer.ok()) {
      error(AnswerErrorCode::kInvalidText);
      continue;
    }
    size_t length = CountCodePoints(*tidy);
    if (length == 0) {
      error(AnswerErrorCode::kMissing);
    } else if (length < kMinAnswerLength) {
      error(AnswerErrorCode::kTooShort);
    } else if (length > kMaxAnswerLength) {
      error(AnswerErrorCode::kTooLong);
    } else if (!question.empty() && answer->find(question) != std::string::npos) {
      error(AnswerErrorCode::kContainsQuestion);
    } else if (!answers_seen.insert(*answer).second) {
      error(AnswerErrorCode::kDuplicateAnswer);
    }
  }
  return errors;
}

Message Describe(AnswerErrorCode code, int required) {
  switch (code) {
    case AnswerErrorCode::kWrongCount:
      return {"questions_error_wrong_count", {{"count", std::to_string(required)}}};
    case AnswerErrorCode::kUnknownQuestion:
      return {"questions_error_unknown_question", {}};
    case AnswerErrorCode::kDuplicateQuestion:
      return {"questions_error_duplicate_question", {}};
    case AnswerErrorCode::kInvalidText:
      return {"questions_error_answer_invalid", {}};
    case AnswerErrorCode::kMissing:
      return {"questions_error_answer_missing", {}};
    case AnswerErrorCode::kTooShort:
      return {"questions_error_answer_too_short", {{"min", std::to_string(kMinAnswerLength)}}};
    case AnswerErrorCode::kTooLong:
      return {"questions_error_answer_too_long", {{"max", std::to_string(kMaxAnswerLength)}}};
    case AnswerErrorCode::kContainsQuestion:
      return {"questions_error_answer_contains_question", {}};
    case AnswerErrorCode::kDuplicateAnswer:
      return {"questions_error_duplicate_answer", {}};
  }
  return {"internal_error", {}};
}

Result<std::string> HashAnswer(std::string_view raw) {
  Result<std::string> normalized = Normalize(raw);
  if (!normalized.ok()) return normalized.status();
  return crypto::HashPassword(*normalized);
}

bool VerifyAnswer(std::string_view hash, std::string_view raw) {
  Result<std::string> normalized = Normalize(raw);
  if (!normalized.ok()) {
    // Spend the same time as a real check, so timing shows nothing either.
    crypto::VerifyAgainstDummy(raw);
    return false;
  }
  return crypto::VerifyPassword(hash, *normalized);
}

std::vector<size_t> PickQuestionsToAsk(size_t registered, int count, Random& random) {
  std::vector<size_t> all(registered);
  std::iota(all.begin(), all.end(), size_t{0});
  size_t n = std::min(registered, static_cast<size_t>(std::max(count, 0)));
  // The first n steps of a Fisher-Yates shuffle.
  for (size_t i = 0; i < n; ++i) {
    size_t j = i + random.Uniform(static_cast<uint32_t>(registered - i));
    std::swap(all[i], all[j]);
  }
  all.resize(n);
  return all;
}

}  // namespace secinfo::methods::questions
