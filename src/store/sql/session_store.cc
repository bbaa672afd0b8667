#include "store/sql/stores.h"

namespace secinfo::store::sql {
namespace {

constexpr char kInsertSession[] =
    "INSERT INTO sessions (id_hash, user_id, tenant_id, created_at, last_seen_at, expires_at,"
    " amr, second_factor_at, second_step, client_ip, user_agent)"
    " VALUES (:id_hash, :user_id, :tenant_id, :created_at, :last_seen_at, :expires_at, :amr,"
    " :second_factor_at, :second_step, :client_ip, :user_agent)";
#define SECINFO_SESSION_SELECT                                                     \
  "SELECT id_hash, user_id, tenant_id, created_at, last_seen_at, expires_at, amr," \
  " second_factor_at, second_step, client_ip, user_agent FROM sessions "
// A session is live while now < expires_at.
constexpr char kGetSession[] =
    SECINFO_SESSION_SELECT "WHERE id_hash = :id_hash AND expires_at > :now";
constexpr char kListUserSessions[] = SECINFO_SESSION_SELECT
    "WHERE user_id = :user_id AND expires_at > :now ORDER BY created_at DESC, id_hash";
#undef SECINFO_SESSION_SELECT
constexpr char kDeleteOtherSessions[] =
    "DELETE FROM sessions WHERE user_id = :user_id AND id_hash <> :keep";
constexpr char kSetAssurance[] =
    "UPDATE sessions SET amr = :amr, second_factor_at = :second_factor_at,"
    " second_step = :second_step WHERE id_hash = :id_hash AND expires_at > :now";

Query& IntoSession(Query& q, Session& s) {
  return q.Into(s.id_hash)
      .Into(s.user_id)
      .Into(s.tenant_id)
      .Into(s.created_at)
      .Into(s.last_seen_at)
      .Into(s.expires_at)
      .Into(s.amr)
      .Into(s.second_factor_at)
      .Into(s.second_step)
      .Into(s.client_ip)
      .Into(s.user_agent);
}
constexpr char kTouchSession[] =
    "UPDATE sessions SET last_seen_at = :now, expires_at = :expires_at"
    " WHERE id_hash = :id_hash AND expires_at > :live_at";
constexpr char kDeleteSession[] = "DELETE FROM sessions WHERE id_hash = :id_hash";
constexpr char kDeleteUserSessions[] = "DELETE FROM sessions WHERE user_id = :user_id";

}  // namespace

Status SqlSessionStore::Create(const Session& s) {
  return db_.Write("create session", [&](soci::session& session) {
    Query(session, kInsertSession)
        .Use(s.id_hash)
        .Use(s.user_id)
        .Use(s.tenant_id)
        .Use(s.created_at)
        .Use(s.last_seen_at)
        .Use(s.expires_at)
        .Use(s.amr)
        .Use(s.second_factor_at)
        .Use(s.second_step)
        .Use(s.client_ip)
        .Use(s.user_agent)
        .Run();
    return Status::Ok();
  });
}

Result<Session> SqlSessionStore::Get(std::string_view id_hash, int64_t now) {
  return db_.Read("get session", [&](soci::session& session) -> Result<Session> {
    std::string key(id_hash);
    Session s;
    Query q(session, kGetSession);
    IntoSession(q, s).Use(key).Use(now);
    if (!q.Run()) return Status::NotFound("get session: absent or expired");
    return s;
  });
}

Status SqlSessionStore::Touch(std::string_view id_hash, int64_t now, int64_t expires_at) {
  return db_.Write("touch session", [&](soci::session& session) {
    std::string key(id_hash);
    Query q(session, kTouchSession);
    q.Use(now).Use(expires_at).Use(key).Use(now).Run();
    if (q.AffectedRows() == 0) return Status::NotFound("touch session: absent or expired");
    return Status::Ok();
  });
}

Status SqlSessionStore::Delete(std::string_view id_hash) {
  return db_.Write("delete session", [&](soci::session& session) {
    std::string key(id_hash);
    Query(session, kDeleteSession).Use(key).Run();
    return Status::Ok();
  });
}

Status SqlSessionStore::DeleteForUser(int64_t user_id) {
  return db_.Write("delete sessions of user", [&](soci::session& session) {
    Query(session, kDeleteUserSessions).Use(user_id).Run();
    return Status::Ok();
  });
}

Result<std::vector<Session>> SqlSessionStore::ListForUser(int64_t user_id, int64_t now) {
  return db_.Read("list sessions of user",
                  [&](soci::session& session) -> Result<std::vector<Session>> {
                    std::vector<Session> out;
                    Session s;
                    Query q(session, kListUserSessions);
                    IntoSession(q, s).Use(user_id).Use(now);
                    for (bool row = q.Run(); row; row = q.Next()) out.push_back(s);
                    return out;
                  });
}

Result<int64_t> SqlSessionStore::DeleteOthers(int64_t user_id, std::string_view keep_hash) {
  return db_.Write("delete other sessions", [&](soci::session& session) -> Result<int64_t> {
    std::string keep(keep_hash);
    Query q(session, kDeleteOtherSessions);
    q.Use(user_id).Use(keep).Run();
    return q.AffectedRows();
  });
}

Status SqlSessionStore::SetAssurance(std::string_view id_hash, std::string_view amr,
                                     int64_t second_factor_at, std::string_view second_step,
                                     int64_t now) {
  return db_.Write("set session assurance", [&](soci::session& session) {
    std::string a(amr), step(second_step), key(id_hash);
    Query q(session, kSetAssurance);
    q.Use(a).Use(second_factor_at).Use(step).Use(key).Use(now).Run();
    if (q.AffectedRows() == 0) return Status::NotFound("set session assurance: absent or expired");
    return Status::Ok();
  });
}

}  // namespace secinfo::store::sql
