#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/random.h"
#include "core/result.h"
#include "methods/questions/questions.h"

namespace secinfo::methods::questions {

// What a person types when registering security questions, and how answers are kept: hashed with
// Argon2id once normalized (see normalize.h), so nobody, administrators included, can read an
// answer back. Thread-safe.

inline constexpr size_t kMinAnswerLength = 3;   // code points, once tidied (see normalize.h)
inline constexpr size_t kMaxAnswerLength = 40;  // code points, once tidied

// A question a person may pick.
struct Question {
  std::string id;    // a predefined key ("question_predefined_07") or the tenant's custom id
  std::string text;  // as shown to the person, in their language
};

// The questions offered on a page in `lang`: the tenant's chosen predefined ones (texts from the
// built-in catalog; keys not in PredefinedQuestionKeys() are skipped), then its custom ones.
std::vector<Question> OfferedQuestions(std::string_view lang,
                                       const std::vector<std::string>& predefined_keys,
                                       const std::vector<Question>& custom);

// One row of the registration form.
struct QuestionAnswer {
  std::string question_id;  // a Question::id
  std::string answer;       // as typed
};

enum class AnswerErrorCode {
  kWrongCount,         // the form: not exactly the required number of questions
  kUnknownQuestion,    // the question: not one of those offered
  kDuplicateQuestion,  // the question: already picked in an earlier row (same id or same text)
  kInvalidText,        // the answer: not UTF-8, or holds control characters
  kMissing,            // the answer: empty, or only spaces
  kTooShort,           // the answer: fewer than kMinAnswerLength code points
  kTooLong,            // the answer: more than kMaxAnswerLength code points
  kContainsQuestion,   // the answer: holds the whole question text, once normalized
  kDuplicateAnswer,    // the answer: the same as an earlier row's, once normalized
};

// Whether an error is about the question picked (shown next to its list) rather than the answer.
bool IsQuestionError(AnswerErrorCode code);

struct AnswerError {
  std::optional<size_t> index;  // the row in `qa`; none for kWrongCount, which is about the form
  AnswerErrorCode code;

  bool operator==(const AnswerError&) const = default;
};

// Checks a registration form: `qa` must hold exactly `required` rows (QuestionPolicy::to_register),
// each a distinct question among `offered` with an acceptable answer. Returns no error when the
// form can be saved; otherwise kWrongCount first if any, then, row by row, at most one question
// error and at most one answer error per row. The first of two equal questions or answers is
// fine; the later ones are flagged. A question "is contained" in an answer when its normalized
// text, without surrounding punctuation ("?", " ?", "¿"), occurs in the normalized answer.
std::vector<AnswerError> ValidateAnswers(const std::vector<QuestionAnswer>& qa, int required,
                                         const std::vector<Question>& offered);

// The message for an error; `required` fills "{count}" for kWrongCount.
Message Describe(AnswerErrorCode code, int required);

// The Argon2id hash (crypto::HashPassword) of Normalize(raw). Returns InvalidArgument when `raw`
// cannot be normalized, Internal when hashing fails. ~50 ms.
Result<std::string> HashAnswer(std::string_view raw);

// True when Normalize(raw) matches `hash` from HashAnswer. False otherwise, including for a
// malformed hash or a `raw` that cannot be normalized. ~50 ms. At reset, verify every answer
// asked even after a wrong one, and tell the person only that "one or more" answers are wrong.
bool VerifyAnswer(std::string_view hash, std::string_view raw);

// Which of the person's `registered` questions to ask at a reset: `count` distinct indexes in
// [0, registered), in random order. Keep the pick with the reset attempt until it ends: picking
// again on each try would let someone retry until only questions they know come up.
// REQUIRES: 0 <= count <= registered.
std::vector<size_t> PickQuestionsToAsk(size_t registered, int count, Random& random);

}  // namespace secinfo::methods::questions
