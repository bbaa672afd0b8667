#pragma once

#include "store/types.h"

// Security questions keep nothing of their own in the method: their answers are rows of their own
// (QuestionStore).
namespace secinfo::methods::questions {

struct QuestionsData {};

// Makes `m` a set of security questions: sets its kind, data ("{}") and keys. A person has one set
// ("questions").
void Put(const QuestionsData& d, store::Method& m);

}  // namespace secinfo::methods::questions
