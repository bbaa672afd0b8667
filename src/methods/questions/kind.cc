#include "methods/registry.h"

namespace secinfo::methods::questions {

// Answers are knowledge, not possession: password reset only, and off until an administrator
// chooses questions for them (as in Entra ID).
KindInfo Kind() {
  return {MethodKind::kQuestions,
          "questions",
          "method_questions",
          /*mfa=*/false,
          /*sspr=*/true,
          /*allowed_by_default=*/false,
          [](const store::Method&) { return std::vector<Proof>{Proof::kAnswers}; },
          "/security-info/questions",
          Detail::kAnswerCount,
          /*detail_text=*/nullptr,
          /*type_of=*/nullptr,
          /*label_key_of=*/nullptr,
          // An administrator's account opens every other account of the tenant: it must not be
          // recoverable by someone who merely knows its owner well (QuestionsAllowedFor).
          /*offered_to_admins=*/false,
          {{"questions", "reset_offer_questions", Proof::kAnswers, ResetInput::kNothing, false,
            nullptr}}};
}

}  // namespace secinfo::methods::questions
