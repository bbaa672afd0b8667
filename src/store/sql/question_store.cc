#include "methods/registry.h"
#include "store/sql/method_rows.h"
#include "store/sql/stores.h"

namespace secinfo::store::sql {
namespace {

constexpr char kGetSettings[] =
    "SELECT to_register, to_reset FROM tenant_question_settings WHERE tenant_id = :tenant_id";
constexpr char kUpsertSettings[] =
    "INSERT INTO tenant_question_settings (tenant_id, to_register, to_reset)"
    " VALUES (:tenant_id, :to_register, :to_reset)"
    " ON CONFLICT (tenant_id) DO UPDATE SET to_register = excluded.to_register,"
    " to_reset = excluded.to_reset";
constexpr char kListCustom[] =
    "SELECT id, tenant_id, text, created_at FROM tenant_custom_questions"
    " WHERE tenant_id = :tenant_id ORDER BY created_at, id";
constexpr char kInsertCustom[] =
    "INSERT INTO tenant_custom_questions (tenant_id, text, created_at)"
    " VALUES (:tenant_id, :text, :created_at) RETURNING id";
constexpr char kDeleteCustom[] =
    "DELETE FROM tenant_custom_questions WHERE id = :id AND tenant_id = :tenant_id";
constexpr char kFindQuestionsMethod[] =
    "SELECT id FROM methods WHERE user_id = :user_id AND kind = :kind";
constexpr char kCountQuestionsMethod[] =
    "SELECT COUNT(*) FROM methods WHERE id = :id AND user_id = :user_id AND kind = :kind";
constexpr char kInsertAnswer[] =
    "INSERT INTO question_answers (method_id, position, question_id, answer_hash)"
    " VALUES (:method_id, :position, :question_id, :answer_hash)";
constexpr char kListAnswers[] =
    "SELECT question_id, answer_hash FROM question_answers WHERE method_id = :method_id"
    " ORDER BY position";

// The stored name of the kind whose answers this store keeps.
const std::string& QuestionsKind() {
  static const std::string kind(methods::KindName(methods::MethodKind::kQuestions));
  return kind;
}

}  // namespace

Result<QuestionSettings> SqlQuestionStore::GetSettings(int64_t tenant_id) {
  return db_.Read("get question settings", [&](soci::session& session) -> Result<QuestionSettings> {
    QuestionSettings s;
    Query(session, kGetSettings).Into(s.to_register).Into(s.to_reset).Use(tenant_id).Run();
    return s;  // the defaults when no row
  });
}

Status SqlQuestionStore::SetSettings(int64_t tenant_id, const QuestionSettings& s) {
  return db_.Write("set question settings", [&](soci::session& session) {
    Query(session, kUpsertSettings).Use(tenant_id).Use(s.to_register).Use(s.to_reset).Run();
    return Status::Ok();
  });
}

Result<std::vector<CustomQuestion>> SqlQuestionStore::ListCustom(int64_t tenant_id) {
  using Questions = std::vector<CustomQuestion>;
  return db_.Read("list custom questions", [&](soci::session& session) -> Result<Questions> {
    Questions out;
    CustomQuestion q;
    Query query(session, kListCustom);
    query.Into(q.id).Into(q.tenant_id).Into(q.text).Into(q.created_at).Use(tenant_id);
    for (bool row = query.Run(); row; row = query.Next()) out.push_back(q);
    return out;
  });
}

Result<int64_t> SqlQuestionStore::AddCustom(const CustomQuestion& q) {
  return db_.Write("add custom question", [&](soci::session& session) -> Result<int64_t> {
    int64_t id = 0;
    Query(session, kInsertCustom).Use(q.tenant_id).Use(q.text).Use(q.created_at).Into(id).Run();
    return id;
  });
}

Status SqlQuestionStore::DeleteCustom(int64_t tenant_id, int64_t id) {
  return db_.Write("delete custom question", [&](soci::session& session) {
    Query q(session, kDeleteCustom);
    q.Use(id).Use(tenant_id).Run();
    return q.AffectedRows() == 1 ? Status::Ok()
                                 : Status::NotFound("delete custom question: no such question");
  });
}

Result<int64_t> SqlQuestionStore::SaveAnswers(const Method& m,
                                              const std::vector<QuestionAnswer>& answers) {
  return db_.Write("save question answers", [&](soci::session& session) -> Result<int64_t> {
    // Before looking for the questions to replace: two saves at once then replace one another.
    SECINFO_RETURN_IF_ERROR(LockUserTx(session, db_.dialect(), m.user_id));
    std::optional<int64_t> existing;
    int64_t found = 0;
    Query find(session, kFindQuestionsMethod);
    find.Into(found).Use(m.user_id).Use(QuestionsKind());
    if (find.Run()) existing = found;
    Result<int64_t> method_id = InsertMethodTx(session, db_.dialect(), m, existing);
    if (!method_id.ok()) return method_id;
    for (size_t i = 0; i < answers.size(); ++i) {
      int64_t position = static_cast<int64_t>(i);
      Query(session, kInsertAnswer)
          .Use(*method_id)
          .Use(position)
          .Use(answers[i].question_id)
          .Use(answers[i].answer_hash)
          .Run();
    }
    return method_id;
  });
}

Result<std::vector<QuestionAnswer>> SqlQuestionStore::GetAnswers(int64_t user_id,
                                                                 int64_t method_id) {
  using Answers = std::vector<QuestionAnswer>;
  return db_.Read("get question answers", [&](soci::session& session) -> Result<Answers> {
    int64_t count = 0;
    Query(session, kCountQuestionsMethod)
        .Into(count)
        .Use(method_id)
        .Use(user_id)
        .Use(QuestionsKind())
        .Run();
    if (count == 0) return Status::NotFound("get question answers: no such method");
    Answers out;
    QuestionAnswer a;
    Query q(session, kListAnswers);
    q.Into(a.question_id).Into(a.answer_hash).Use(method_id);
    for (bool row = q.Run(); row; row = q.Next()) out.push_back(a);
    return out;
  });
}

}  // namespace secinfo::store::sql
