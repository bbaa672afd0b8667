#include "methods/questions/questions.h"

#include <algorithm>
#include <set>

#include "i18n/catalog.h"
#include "methods/questions/normalize.h"
#include "methods/registry.h"

namespace secinfo::methods::questions {
namespace {

constexpr int kPredefinedCount = 24;

// Every predefined question, normalized, in every catalog language.
const std::set<std::string>& NormalizedPredefinedTexts() {
  static const std::set<std::string>* texts = [] {
    auto* out = new std::set<std::string>();
    const i18n::Catalog& catalog = i18n::Catalog::BuiltIn();
    for (const std::string& lang : catalog.languages()) {
      for (const std::string& key : PredefinedQuestionKeys()) {
        Result<std::string> n = NormalizeQuestion(catalog.Get(lang, key));
        if (n.ok()) out->insert(*std::move(n));
      }
    }
    return out;
  }();
  return *texts;
}

}  // namespace

const std::vector<std::string>& PredefinedQuestionKeys() {
  static const std::vector<std::string>* keys = [] {
    auto* out = new std::vector<std::string>();
    for (int i = 1; i <= kPredefinedCount; ++i) {
      out->push_back((i < 10 ? "question_predefined_0" : "question_predefined_") +
                     std::to_string(i));
    }
    return out;
  }();
  return *keys;
}

bool IsPredefinedQuestion(std::string_view id) {
  const std::vector<std::string>& keys = PredefinedQuestionKeys();
  return std::find(keys.begin(), keys.end(), id) != keys.end();
}

CustomQuestionError CheckCustomQuestion(std::string_view text,
                                        const std::vector<std::string>& existing) {
  // Said first: whatever the text, nothing more can be added until a question is removed.
  if (existing.size() >= static_cast<size_t>(kMaxCustomQuestions)) {
    return CustomQuestionError::kTooMany;
  }
  if (text.size() > kMaxTextBytes) return CustomQuestionError::kTooLong;
  Result<std::string> tidy = Tidy(text);
  if (!tidy.ok()) return CustomQuestionError::kInvalidText;
  size_t length = CountCodePoints(*tidy);
  if (length < kMinQuestionLength) return CustomQuestionError::kTooShort;
  if (length > kMaxQuestionLength) return CustomQuestionError::kTooLong;

  Result<std::string> normalized = NormalizeQuestion(text);
  if (!normalized.ok()) return CustomQuestionError::kInvalidText;
  for (const std::string& other : existing) {
    Result<std::string> n = NormalizeQuestion(other);
    if (n.ok() && *n == *normalized) return CustomQuestionError::kDuplicate;
  }
  if (NormalizedPredefinedTexts().count(*normalized) > 0) return CustomQuestionError::kPredefined;
  return CustomQuestionError::kNone;
}

Status ValidateCustomQuestion(std::string_view text, const std::vector<std::string>& existing) {
  switch (CheckCustomQuestion(text, existing)) {
    case CustomQuestionError::kNone:
      return Status::Ok();
    case CustomQuestionError::kInvalidText:
      return Status::InvalidArgument("custom question is not valid text");
    case CustomQuestionError::kTooShort:
      return Status::InvalidArgument("custom question shorter than 3 characters");
    case CustomQuestionError::kTooLong:
      return Status::InvalidArgument("custom question longer than 200 characters");
    case CustomQuestionError::kDuplicate:
      return Status::AlreadyExists("custom question already exists");
    case CustomQuestionError::kPredefined:
      return Status::AlreadyExists("custom question is a predefined question");
    case CustomQuestionError::kTooMany:
      return Status::ResourceExhausted("tenant already has 20 custom questions");
  }
  return Status::Internal("unknown custom question error");
}

Message Describe(CustomQuestionError error) {
  switch (error) {
    case CustomQuestionError::kNone:
      break;
    case CustomQuestionError::kInvalidText:
      return {"questions_error_custom_invalid", {}};
    case CustomQuestionError::kTooShort:
      return {"questions_error_custom_too_short", {{"min", std::to_string(kMinQuestionLength)}}};
    case CustomQuestionError::kTooLong:
      return {"questions_error_custom_too_long", {{"max", std::to_string(kMaxQuestionLength)}}};
    case CustomQuestionError::kDuplicate:
      return {"questions_error_custom_duplicate", {}};
    case CustomQuestionError::kPredefined:
      return {"questions_error_custom_predefined", {}};
    case CustomQuestionError::kTooMany:
      return {"questions_error_custom_too_many", {{"max", std::to_string(kMaxCustomQuestions)}}};
  }
  return {"internal_error", {}};
}

PolicyError CheckPolicy(const QuestionPolicy& policy) {
  auto in_range = [](int n) { return n >= kMinQuestionsRequired && n <= kMaxQuestionsRequired; };
  if (!in_range(policy.to_register)) return PolicyError::kToRegisterOutOfRange;
  if (!in_range(policy.to_reset)) return PolicyError::kToResetOutOfRange;
  if (policy.to_reset > policy.to_register) return PolicyError::kToResetAboveRegister;
  return PolicyError::kNone;
}

Status Validate(const QuestionPolicy& policy) {
  std::string numbers = " (to_register=" + std::to_string(policy.to_register) +
                        ", to_reset=" + std::to_string(policy.to_reset) + ")";
  switch (CheckPolicy(policy)) {
    case PolicyError::kNone:
      return Status::Ok();
    case PolicyError::kToRegisterOutOfRange:
      return Status::InvalidArgument("questions to register must be 3 to 5" + numbers);
    case PolicyError::kToResetOutOfRange:
      return Status::InvalidArgument("questions to reset must be 3 to 5" + numbers);
    case PolicyError::kToResetAboveRegister:
      return Status::InvalidArgument("questions to reset exceed questions to register" + numbers);
  }
  return Status::Internal("unknown question policy error");
}

Message Describe(PolicyError error) {
  const std::map<std::string, std::string> range = {{"min", std::to_string(kMinQuestionsRequired)},
                                                    {"max", std::to_string(kMaxQuestionsRequired)}};
  switch (error) {
    case PolicyError::kNone:
      break;
    case PolicyError::kToRegisterOutOfRange:
      return {"questions_error_policy_register_range", range};
    case PolicyError::kToResetOutOfRange:
      return {"questions_error_policy_reset_range", range};
    case PolicyError::kToResetAboveRegister:
      return {"questions_error_policy_reset_above_register", {}};
  }
  return {"internal_error", {}};
}

bool QuestionsAllowedFor(bool is_admin) {
  return !is_admin || Info(MethodKind::kQuestions).offered_to_admins;
}

}  // namespace secinfo::methods::questions
