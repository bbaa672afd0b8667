#include "store/sql/stores.h"

namespace secinfo::store::sql {
namespace {

#define SECINFO_SIM_CALL_SELECT                                                           \
  "SELECT id, number_e164, caller, locale, prompt, custom_greeting, said, state, digits," \
  " end_reason, created_at, answered_at, ended_at FROM sim_calls "
constexpr char kGetSimCall[] = SECINFO_SIM_CALL_SELECT "WHERE id = :id";
constexpr char kListSimCallsForNumber[] = SECINFO_SIM_CALL_SELECT
    "WHERE number_e164 = :number ORDER BY created_at DESC, id DESC LIMIT :limit";
#undef SECINFO_SIM_CALL_SELECT
constexpr char kInsertSimCall[] =
    "INSERT INTO sim_calls (id, number_e164, caller, locale, prompt, custom_greeting, said,"
    " state, digits, end_reason, created_at, answered_at, ended_at)"
    " VALUES (:id, :number_e164, :caller, :locale, :prompt, :custom_greeting, :said, :state,"
    " :digits, :end_reason, :created_at, :answered_at, :ended_at)";
constexpr char kListSimNumbers[] =
    "SELECT number_e164 FROM sim_calls GROUP BY number_e164"
    " ORDER BY MAX(created_at) DESC, number_e164 LIMIT :limit";
constexpr char kUpdateSimCall[] =
    "UPDATE sim_calls SET state = :state, digits = :digits, end_reason = :end_reason,"
    " answered_at = :answered_at, ended_at = :ended_at"
    " WHERE id = :id AND state = :expected_state";
constexpr char kSaySimCall[] =
    "UPDATE sim_calls SET said = :said WHERE id = :id AND state = 'answered'";
constexpr char kCountSimCall[] = "SELECT COUNT(*) FROM sim_calls WHERE id = :id";

// Binds the columns of SECINFO_SIM_CALL_SELECT, in order; custom_greeting (0/1) goes to
// `greeting`, since a bool is not a SOCI 4.0 type.
Query& IntoSimCall(Query& q, SimCall& c, int& greeting) {
  return q.Into(c.id)
      .Into(c.number_e164)
      .Into(c.caller)
      .Into(c.locale)
      .Into(c.prompt)
      .Into(greeting)
      .Into(c.said)
      .Into(c.state)
      .Into(c.digits)
      .Into(c.end_reason)
      .Into(c.created_at)
      .Into(c.answered_at)
      .Into(c.ended_at);
}

}  // namespace

Status SqlSimCallStore::Create(const SimCall& c) {
  return db_.Write("create sim call", [&](soci::session& session) {
    int greeting = c.custom_greeting ? 1 : 0;
    Query(session, kInsertSimCall)
        .Use(c.id)
        .Use(c.number_e164)
        .Use(c.caller)
        .Use(c.locale)
        .Use(c.prompt)
        .Use(greeting)
        .Use(c.said)
        .Use(c.state)
        .Use(c.digits)
        .Use(c.end_reason)
        .Use(c.created_at)
        .Use(c.answered_at)
        .Use(c.ended_at)
        .Run();
    return Status::Ok();
  });
}

Result<SimCall> SqlSimCallStore::Get(std::string_view id) {
  return db_.Read("get sim call", [&](soci::session& session) -> Result<SimCall> {
    std::string key(id);
    SimCall c;
    int greeting = 0;
    Query q(session, kGetSimCall);
    IntoSimCall(q, c, greeting).Use(key);
    if (!q.Run()) return Status::NotFound("get sim call: no such call");
    c.custom_greeting = greeting != 0;
    return c;
  });
}

Result<std::vector<SimCall>> SqlSimCallStore::ListForNumber(std::string_view number_e164,
                                                            int limit) {
  return db_.Read("list sim calls", [&](soci::session& session) -> Result<std::vector<SimCall>> {
    std::string number(number_e164);
    std::vector<SimCall> out;
    SimCall c;
    int greeting = 0;
    Query q(session, kListSimCallsForNumber);
    IntoSimCall(q, c, greeting).Use(number).Use(limit);
    for (bool row = q.Run(); row; row = q.Next()) {
      c.custom_greeting = greeting != 0;
      out.push_back(c);
    }
    return out;
  });
}

Result<std::vector<std::string>> SqlSimCallStore::ListNumbers(int limit) {
  using Numbers = std::vector<std::string>;
  return db_.Read("list sim numbers", [&](soci::session& session) -> Result<Numbers> {
    std::vector<std::string> out;
    std::string number;
    Query q(session, kListSimNumbers);
    q.Into(number).Use(limit);
    for (bool row = q.Run(); row; row = q.Next()) out.push_back(number);
    return out;
  });
}

Status SqlSimCallStore::Update(const SimCall& c, std::string_view expected_state) {
  return db_.Write("update sim call", [&](soci::session& session) {
    std::string expected(expected_state);
    Query q(session, kUpdateSimCall);
    q.Use(c.state)
        .Use(c.digits)
        .Use(c.end_reason)
        .Use(c.answered_at)
        .Use(c.ended_at)
        .Use(c.id)
        .Use(expected)
        .Run();
    if (q.AffectedRows() == 1) return Status::Ok();
    int64_t count = 0;
    Query(session, kCountSimCall).Into(count).Use(c.id).Run();
    if (count == 0) return Status::NotFound("update sim call: no such call");
    return Status::FailedPrecondition("update sim call: state is no longer " + expected);
  });
}

Status SqlSimCallStore::Say(std::string_view id, std::string_view said) {
  return db_.Write("sim call says", [&](soci::session& session) {
    std::string key(id), words(said);
    Query q(session, kSaySimCall);
    q.Use(words).Use(key).Run();
    if (q.AffectedRows() == 1) return Status::Ok();
    int64_t count = 0;
    Query(session, kCountSimCall).Into(count).Use(key).Run();
    if (count == 0) return Status::NotFound("sim call says: no such call");
    return Status::FailedPrecondition("sim call says: the call is not answered");
  });
}

}  // namespace secinfo::store::sql
