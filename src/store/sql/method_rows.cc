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
    "INSERT INTO methods (user_id, kind, phone_type, phone_e164, email, name, secret, public_key,"
    " device_id, last_used_step, created_at)"
    " VALUES (:user_id, :kind, :phone_type, :phone_e164, :email, :name, :secret, :public_key,"
    " :device_id, :last_used_step, :created_at) RETURNING id";
constexpr char kSetDefaultIfNone[] =
    "UPDATE users SET default_method_id = :method_id, default_proof = ''"
    " WHERE id = :id AND default_method_id IS NULL";

}  // namespace

Query& MethodRow::Bind(Query& q) {
  Method& m = method_;
  return q.Into(m.id)
      .Into(m.user_id)
      .Into(kind_)
      .Into(m.phone_type)
      .Into(m.phone_e164)
      .Into(m.email)
      .Into(m.name)
      .Into(m.secret)
      .Into(m.public_key)
      .Into(m.device_id)
      .Into(m.last_used_step)
      .Into(m.created_at);
}

std::optional<Method> MethodRow::Get() const {
  std::optional<methods::MethodKind> kind = methods::ParseKind(kind_);
  if (!kind) return std::nullopt;
  Method m = method_;
  m.kind = *kind;
  return m;
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

Result<int64_t> InsertMethodTx(soci::session& session, Dialect dialect, const Method& m,
                               std::optional<int64_t> replaces) {
  SECINFO_RETURN_IF_ERROR(LockUserTx(session, dialect, m.user_id));
  if (replaces) {
    int64_t owned = 0;
    Query(session, kCountUserMethod).Into(owned).Use(*replaces).Use(m.user_id).Run();
    if (owned == 0) return Status::NotFound("replace method: no such method for this user");
    // Deleting clears users.default_method_id (ON DELETE SET NULL); the new method then takes the
    // default below, as the one it replaces had it.
    Query(session, kDeleteUserMethod).Use(*replaces).Use(m.user_id).Run();
  }
  int64_t method_id = 0;
  const std::string kind(methods::KindName(m.kind));
  Query(session, kInsertMethod)
      .Use(m.user_id)
      .Use(kind)
      .Use(m.phone_type)
      .Use(m.phone_e164)
      .Use(m.email)
      .Use(m.name)
      .Use(m.secret)
      .Use(m.public_key)
      .Use(m.device_id)
      .Use(m.last_used_step)
      .Use(m.created_at)
      .Into(method_id)
      .Run();
  if (methods::CanBeDefault(m.kind))
    Query(session, kSetDefaultIfNone).Use(method_id).Use(m.user_id).Run();
  return method_id;
}

}  // namespace secinfo::store::sql
