#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "methods/questions/answers.h"
#include "store/store.h"

namespace secinfo::flows {

// Why a person may not register security questions.
enum class QuestionsRefusal {
  kNone,
  kNotAllowed,    // the tenant does not allow them
  kNotForAdmins,  // the person is a tenant administrator (methods::questions::QuestionsAllowedFor)
  kUnavailable,   // the database could not be reached
};

// What the tenant asks for: how many questions, and which may be picked (in the page's language).
struct QuestionsSetup {
  int to_register = methods::questions::kMinQuestionsRequired;
  std::vector<methods::questions::Question> offered;
};

enum class QuestionsSaveOutcome {
  kRegistered,   // a first set of answers
  kReplaced,     // the person's earlier set was replaced
  kInvalid,      // `errors` says what to fix; nothing saved
  kUnavailable,  // hashing or the database failed; nothing saved
};

struct QuestionsSaveResult {
  QuestionsSaveOutcome outcome = QuestionsSaveOutcome::kUnavailable;
  // For kInvalid: methods::questions::ValidateAnswers's errors, rows as given.
  std::vector<methods::questions::AnswerError> errors;
};

// Registering (or replacing) a person's security questions: who may, what the tenant asks for,
// and saving Argon2id-hashed answers in one transaction, audit-logged without the questions or
// answers. Thread-safe; `store` and `clock` must outlive it.
class QuestionsRegistration {
 public:
  QuestionsRegistration(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  QuestionsRefusal Check(const store::User& user);
  // The tenant's numbers and offered questions. Unavailable or InvalidArgument when the stored
  // settings cannot be read or are out of range.
  Result<QuestionsSetup> Setup(const store::User& user, std::string_view lang);
  // The questions picked last time, in order (a Change preselects them). NotFound unless
  // `method_id` is the person's set of questions.
  Result<std::vector<std::string>> PickedQuestions(const store::User& user, int64_t method_id);
  // How many answers a registered set holds; nullopt when they cannot be read.
  std::optional<size_t> AnswerCount(const store::Method& m);

  // Checks `typed` against `setup` and saves it, replacing any earlier set.
  // REQUIRES: Check(user) == kNone; `setup` from Setup(user, ...).
  QuestionsSaveResult Save(const store::User& user, const QuestionsSetup& setup,
                           const std::vector<methods::questions::QuestionAnswer>& typed,
                           std::string_view ip);

 private:
  store::Store& store_;
  const Clock& clock_;
};

}  // namespace secinfo::flows
