#include "methods/questions/questions_data.h"

namespace secinfo::methods::questions {

void Put(const QuestionsData&, store::Method& m) {
  m.kind = MethodKind::kQuestions;
  m.data = "{}";
  m.keys = {"questions"};
}

}  // namespace secinfo::methods::questions
