#include "store/sql/method_rows.h"

#include "methods/registry.h"

namespace secinfo::store::sql {
namespace {

constexpr char kLockUserSqlite[] = "SELECT id FROM users WHERE id = :id";
constexpr char kLockUserPostgresql[] = "SELECT id FROM users WHERE id = :id FOR NO KEY UPDATE";
constexpr char kCountUserMethod[] =
    "SELECT COUNT(*) FROM methods WHERE id = :id AND user_id = :user_id";
constexpr char kDeleteUserMethod[] = "DELETE FROM methods WHERE id = :id AND user_id = :user_id";
constexpr char kInsertMethod[] =
    "INSERT INTO methods (user_id, kind, data, secret, counter, created_at)"
    " VALUES (:user_id, :kind, :data, :secret, :counter, :created_at) RETURNING id";
constexpr char kDeleteMethodKeys[] = "DELETE FROM method_keys WHERE method_id = :method_id";
constexpr char kInsertMethodKey[] =
    "INSERT INTO method_keys (method_id, user_id, key) VALUES (:method_id, :user_id, :key)";
constexpr char kSetDefaultIfNone[] =
    "UPDATE users SET default_method_id = :method_id, default_proof = ''"
    " WHERE id = :id AND default_method_id IS NULL";

}  // namespace

Query& MethodRows::Bind(Query& q) {
  return q.Into(row_.id)
      .Into(row_.user_id)
      .Into(kind_)
      .Into(row_.data)
      .Into(row_.secret)
      .Into(row_.counter)
      .Into(row_.created_at)
      .Into(key_, key_ind_);
}

std::vector<Method> MethodRows::ReadAll(Query& q) {
  std::vector<Method> out;
  std::optional<int64_t> last_id;  // the method of the row before
  bool known = false;              // whether that method is kept
  for (bool more = q.Run(); more; more = q.Next()) {
    if (last_id != row_.id) {
      last_id = row_.id;
      std::optional<methods::MethodKind> kind = methods::ParseKind(kind_);
      known = kind.has_value();
      if (known) {
        out.push_back(row_);
        out.back().kind = *kind;
      }
    }
    if (known && key_ind_ == soci::i_ok) out.back().keys.push_back(key_);
  }
  return out;
}

Status LockUserTx(soci::session& session, Dialect dialect, int64_t user_id) {
  int64_t id = 0;
  if (!Query(session, dialect == Dialect::kSqlite ? kLockUserSqlite : kLockUserPostgresql)
           .Into(id)
           .Use(user_id)
           .Run()) {
    return Status::NotFound("no such user");
  }
  return Status::Ok();
}

bool IsUsersMethodTx(soci::session& session, int64_t method_id, int64_t user_id) {
  int64_t owned = 0;
  Query(session, kCountUserMethod).Into(owned).Use(method_id).Use(user_id).Run();
  return owned > 0;
}

Result<int64_t> InsertMethodTx(soci::session& session, Dialect dialect, const Method& m,
                               std::optional<int64_t> replaces) {
  SECINFO_RETURN_IF_ERROR(LockUserTx(session, dialect, m.user_id));
  if (replaces) {
    if (!IsUsersMethodTx(session, *replaces, m.user_id))
      return Status::NotFound("replace method: no such method for this user");
    // Deleting clears users.default_method_id (ON DELETE SET NULL); the new method then takes the
    // default below, as the one it replaces had it.
    Query(session, kDeleteUserMethod).Use(*replaces).Use(m.user_id).Run();
  }
  int64_t method_id = 0;
  const std::string kind(methods::KindName(m.kind));
  Query(session, kInsertMethod)
      .Use(m.user_id)
      .Use(kind)
      .Use(m.data)
      .Use(m.secret)
      .Use(m.counter)
      .Use(m.created_at)
      .Into(method_id)
      .Run();
  PutMethodKeysTx(session, method_id, m.user_id, m.keys);
  if (methods::CanBeDefault(m.kind))
    Query(session, kSetDefaultIfNone).Use(method_id).Use(m.user_id).Run();
  return method_id;
}

void PutMethodKeysTx(soci::session& session, int64_t method_id, int64_t user_id,
                     const std::vector<std::string>& keys) {
  Query(session, kDeleteMethodKeys).Use(method_id).Run();
  for (const std::string& key : keys) {
    Query(session, kInsertMethodKey).Use(method_id).Use(user_id).Use(key).Run();
  }
}

}  // namespace secinfo::store::sql
