#include "store/sql/stores.h"

namespace secinfo::store::sql {
namespace {

constexpr char kGetPolicy[] =
    "SELECT methods_required, notify_admins, require_registration, reconfirm_days"
    " FROM tenant_reset_policy"
    " WHERE tenant_id = :tenant_id";
constexpr char kUpsertPolicy[] =
    "INSERT INTO tenant_reset_policy (tenant_id, methods_required, notify_admins,"
    " require_registration, reconfirm_days) VALUES (:tenant_id, :methods_required,"
    " :notify_admins, :require_registration, :reconfirm_days)"
    " ON CONFLICT (tenant_id) DO UPDATE SET methods_required = excluded.methods_required,"
    " notify_admins = excluded.notify_admins,"
    " require_registration = excluded.require_registration,"
    " reconfirm_days = excluded.reconfirm_days";

#define SECINFO_RESET_COLUMNS                                                                  \
  "id_hash, tenant_id, user_id, username, decoy, steps, step, proven_method_id, offer,"        \
  " verification_id, questions, push_number, push_ends_at, client_ip, created_at, expires_at," \
  " version"
constexpr char kInsertReset[] = "INSERT INTO password_resets (" SECINFO_RESET_COLUMNS
                                ") VALUES (:id_hash, :tenant_id, :user_id, :username, :decoy,"
                                " :steps, :step, :proven_method_id, :offer, :verification_id,"
                                " :questions, :push_number, :push_ends_at, :client_ip,"
                                " :created_at, :expires_at, 1)";
constexpr char kGetReset[] = "SELECT " SECINFO_RESET_COLUMNS
                             " FROM password_resets WHERE id_hash = :id_hash AND expires_at > :now";
#undef SECINFO_RESET_COLUMNS
constexpr char kUpdateReset[] =
    "UPDATE password_resets SET step = :step, proven_method_id = :proven_method_id,"
    " offer = :offer, verification_id = :verification_id, questions = :questions,"
    " push_number = :push_number, push_ends_at = :push_ends_at, version = version + 1"
    " WHERE id_hash = :id_hash AND version = :version";
constexpr char kDeleteReset[] = "DELETE FROM password_resets WHERE id_hash = :id_hash";
constexpr char kDeleteExpired[] = "DELETE FROM password_resets WHERE expires_at < :before";

constexpr char kUpsertLock[] =
    "INSERT INTO password_reset_locks (lock_key, locked_until) VALUES (:lock_key, :until)"
    " ON CONFLICT (lock_key) DO UPDATE SET locked_until = excluded.locked_until";
constexpr char kGetLock[] = "SELECT locked_until FROM password_reset_locks WHERE lock_key = :key";
constexpr char kDeleteLock[] = "DELETE FROM password_reset_locks WHERE lock_key = :key";

constexpr char kGetReview[] = "SELECT reviewed_at FROM security_info_reviews WHERE user_id = :id";
constexpr char kUpsertReview[] =
    "INSERT INTO security_info_reviews (user_id, reviewed_at) VALUES (:user_id, :at)"
    " ON CONFLICT (user_id) DO UPDATE SET reviewed_at = excluded.reviewed_at";

}  // namespace

Result<ResetPolicy> SqlPasswordResetStore::GetPolicy(int64_t tenant_id) {
  return db_.Read("get reset policy", [&](soci::session& session) -> Result<ResetPolicy> {
    ResetPolicy p;
    int notify = 0, require = 0;
    Query q(session, kGetPolicy);
    q.Into(p.methods_required).Into(notify).Into(require).Into(p.reconfirm_days).Use(tenant_id);
    if (!q.Run()) return ResetPolicy{};
    p.notify_admins = notify != 0;
    p.require_registration = require != 0;
    return p;
  });
}

Status SqlPasswordResetStore::SetPolicy(int64_t tenant_id, const ResetPolicy& p) {
  return db_.Write("set reset policy", [&](soci::session& session) {
    const int notify = p.notify_admins ? 1 : 0;
    const int require = p.require_registration ? 1 : 0;
    Query(session, kUpsertPolicy)
        .Use(tenant_id)
        .Use(p.methods_required)
        .Use(notify)
        .Use(require)
        .Use(p.reconfirm_days)
        .Run();
    return Status::Ok();
  });
}

Status SqlPasswordResetStore::Create(const PasswordReset& r) {
  return db_.Write("create password reset", [&](soci::session& session) {
    Query(session, kInsertReset)
        .Use(r.id_hash)
        .Use(r.tenant_id)
        .Use(r.user_id)
        .Use(r.username)
        .Use(r.decoy)
        .Use(r.steps)
        .Use(r.step)
        .Use(r.proven_method_id)
        .Use(r.offer)
        .Use(r.verification_id)
        .Use(r.questions)
        .Use(r.push_number)
        .Use(r.push_ends_at)
        .Use(r.client_ip)
        .Use(r.created_at)
        .Use(r.expires_at)
        .Run();
    return Status::Ok();
  });
}

Result<PasswordReset> SqlPasswordResetStore::Get(std::string_view id_hash, int64_t now) {
  return db_.Read("get password reset", [&](soci::session& session) -> Result<PasswordReset> {
    PasswordReset r;
    std::string id(id_hash);
    Query q(session, kGetReset);
    q.Into(r.id_hash)
        .Into(r.tenant_id)
        .Into(r.user_id)
        .Into(r.username)
        .Into(r.decoy)
        .Into(r.steps)
        .Into(r.step)
        .Into(r.proven_method_id)
        .Into(r.offer)
        .Into(r.verification_id)
        .Into(r.questions)
        .Into(r.push_number)
        .Into(r.push_ends_at)
        .Into(r.client_ip)
        .Into(r.created_at)
        .Into(r.expires_at)
        .Into(r.version)
        .Use(id)
        .Use(now);
    if (!q.Run()) return Status::NotFound("no such password reset");
    return r;
  });
}

Status SqlPasswordResetStore::Update(const PasswordReset& r) {
  return db_.Write("update password reset", [&](soci::session& session) {
    Query q(session, kUpdateReset);
    q.Use(r.step)
        .Use(r.proven_method_id)
        .Use(r.offer)
        .Use(r.verification_id)
        .Use(r.questions)
        .Use(r.push_number)
        .Use(r.push_ends_at)
        .Use(r.id_hash)
        .Use(r.version)
        .Run();
    if (q.AffectedRows() == 0)
      return Status::FailedPrecondition("password reset changed meanwhile");
    return Status::Ok();
  });
}

Status SqlPasswordResetStore::Delete(std::string_view id_hash) {
  return db_.Write("delete password reset", [&](soci::session& session) {
    std::string id(id_hash);
    Query(session, kDeleteReset).Use(id).Run();
    return Status::Ok();
  });
}

Result<int64_t> SqlPasswordResetStore::DeleteExpiredBefore(int64_t before) {
  return db_.Write("delete expired password resets",
                   [&](soci::session& session) -> Result<int64_t> {
                     Query q(session, kDeleteExpired);
                     q.Use(before).Run();
                     return q.AffectedRows();
                   });
}

Status SqlPasswordResetStore::Lock(std::string_view key, int64_t until) {
  return db_.Write("lock reset path", [&](soci::session& session) {
    std::string k(key);
    Query(session, kUpsertLock).Use(k).Use(until).Run();
    return Status::Ok();
  });
}

Result<int64_t> SqlPasswordResetStore::LockedUntil(std::string_view key) {
  return db_.Read("reset path lock", [&](soci::session& session) -> Result<int64_t> {
    std::string k(key);
    int64_t until = 0;
    if (!Query(session, kGetLock).Into(until).Use(k).Run()) return int64_t{0};
    return until;
  });
}

Status SqlPasswordResetStore::Unlock(std::string_view key) {
  return db_.Write("unlock reset path", [&](soci::session& session) {
    std::string k(key);
    Query(session, kDeleteLock).Use(k).Run();
    return Status::Ok();
  });
}

Result<int64_t> SqlPasswordResetStore::ReviewedAt(int64_t user_id) {
  return db_.Read("security info review", [&](soci::session& session) -> Result<int64_t> {
    int64_t at = 0;
    if (!Query(session, kGetReview).Into(at).Use(user_id).Run()) return int64_t{0};
    return at;
  });
}

Status SqlPasswordResetStore::SetReviewedAt(int64_t user_id, int64_t at) {
  return db_.Write("record security info review", [&](soci::session& session) {
    Query(session, kUpsertReview).Use(user_id).Use(at).Run();
    return Status::Ok();
  });
}

}  // namespace secinfo::store::sql
