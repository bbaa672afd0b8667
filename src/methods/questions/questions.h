#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace secinfo::methods::questions {

// Security questions: a person registers answers to a few questions and may later answer them to
// reset a forgotten password (never for two-step verification: answers are too easy to research
// or guess for that). This header holds the question pool and the tenant's rules; answers.h holds
// what the person types. Rules only: storage and pages are the flows' business. Thread-safe.

// A catalog key and the values of its "{name}" placeholders, for i18n::Catalog::Get().
struct Message {
  std::string key;
  std::map<std::string, std::string> args;
};

// ---- Predefined questions ----

// The catalog keys of the predefined, translated questions, "question_predefined_01" up to
// "question_predefined_24", in display order. A key is the question's stable id: store it, never
// the text, so a person sees their question in their language and a wording fix reaches everyone.
const std::vector<std::string>& PredefinedQuestionKeys();

bool IsPredefinedQuestion(std::string_view id);

// ---- Custom questions (written by the tenant's administrators) ----

inline constexpr int kMaxCustomQuestions = 20;
inline constexpr size_t kMinQuestionLength = 3;    // code points, once tidied (see normalize.h)
inline constexpr size_t kMaxQuestionLength = 200;  // code points, once tidied

enum class CustomQuestionError {
  kNone,
  kInvalidText,  // not UTF-8, or holds control characters
  kTooShort,     // fewer than kMinQuestionLength code points (an empty text is too short)
  kTooLong,      // more than kMaxQuestionLength code points
  kDuplicate,    // the same as one of the tenant's questions, once normalized
  kPredefined,   // the same as a predefined question (in any language): offer that one instead
  kTooMany,      // the tenant already has kMaxCustomQuestions
};

// Checks a question an administrator adds. `existing` holds the tenant's custom question texts;
// when changing a question, leave the question being changed out of it. Store Tidy(text).
CustomQuestionError CheckCustomQuestion(std::string_view text,
                                        const std::vector<std::string>& existing);

// CheckCustomQuestion as a Status: OK, InvalidArgument (text), AlreadyExists (kDuplicate,
// kPredefined) or ResourceExhausted (kTooMany). The message is for logs; pages show
// Describe(CheckCustomQuestion(...)).
Status ValidateCustomQuestion(std::string_view text, const std::vector<std::string>& existing);

// The message for an error, e.g. {"questions_error_custom_too_long", {{"max", "200"}}}.
// REQUIRES: error != kNone.
Message Describe(CustomQuestionError error);

// ---- Tenant policy ----

inline constexpr int kMinQuestionsRequired = 3;
inline constexpr int kMaxQuestionsRequired = 5;

struct QuestionPolicy {
  // How many questions a person answers to register security questions, 3 to 5.
  int to_register = 3;
  // How many of those they must answer correctly to reset their password, 3 to 5 and at most
  // to_register.
  int to_reset = 3;
};

enum class PolicyError {
  kNone,
  kToRegisterOutOfRange,  // to_register not in [3, 5]
  kToResetOutOfRange,     // to_reset not in [3, 5]
  kToResetAboveRegister,  // to_reset > to_register: a person could never answer enough
};

PolicyError CheckPolicy(const QuestionPolicy& policy);

// CheckPolicy as a Status: OK or InvalidArgument with a message for logs. Call it when the policy
// is loaded or saved, so a bad policy is refused then, never at a person's first reset.
Status Validate(const QuestionPolicy& policy);

// REQUIRES: error != kNone.
Message Describe(PolicyError error);

// ---- Who may use the method ----

// Whether security questions may be offered to a person. Administrators never get them (Entra ID
// does the same: admin roles always use a stronger two-gate reset policy). Answers are low-entropy
// facts that friends, colleagues, social networks and genealogy sites often reveal, so they are
// the weakest way to reset a password; an administrator's account opens every other account of
// the tenant, so it must not be recoverable by someone who merely knows its owner well.
bool QuestionsAllowedFor(bool is_admin);

}  // namespace secinfo::methods::questions
