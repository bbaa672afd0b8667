#include "store/sql/stores.h"

namespace secinfo::store::sql {
namespace {

constexpr char kInsertSession[] =
    "INSERT INTO sessions (id_hash, user_id, tenant_id, created_at, last_seen_at, expires_at)"
    " VALUES (:id_hash, :user_id, :tenant_id, :created_at, :last_seen_at, :expires_at)";
// A session is live while now < expires_at.
constexpr char kGetSession[] =
    "SELECT id_hash, user_id, tenant_id, created_at, last_seen_at, expires_at FROM sessions"
    " WHERE id_hash = :id_hash AND expires_at > :now";
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
        .Run();
    return Status::Ok();
  });
}

Result<Session> SqlSessionStore::Get(std::string_view id_hash, int64_t now) {
  return db_.Read("get session", [&](soci::session& session) -> Result<Session> {
    std::string key(id_hash);
    Session s;
    Query q(session, kGetSession);
    q.Into(s.id_hash)
        .Into(s.user_id)
        .Into(s.tenant_id)
        .Into(s.created_at)
        .Into(s.last_seen_at)
        .Into(s.expires_at)
        .Use(key)
        .Use(now);
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

}  // namespace secinfo::store::sql
