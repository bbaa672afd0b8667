#include "store/sql/state_column.h"
#include "store/sql/stores.h"

namespace secinfo::store::sql {
namespace {

constexpr char kGetPolicy[] =
    "SELECT mfa, mfa_listed, remember_days, max_skips, fraud_alert, fraud_block, notify"
    " FROM tenant_sign_in_policy WHERE tenant_id = :tenant_id";
constexpr char kUpsertPolicy[] =
    "INSERT INTO tenant_sign_in_policy (tenant_id, mfa, mfa_listed, remember_days, max_skips,"
    " fraud_alert, fraud_block, notify) VALUES (:tenant_id, :mfa, :mfa_listed, :remember_days,"
    " :max_skips, :fraud_alert, :fraud_block, :notify)"
    " ON CONFLICT (tenant_id) DO UPDATE SET mfa = excluded.mfa, mfa_listed = excluded.mfa_listed,"
    " remember_days = excluded.remember_days, max_skips = excluded.max_skips,"
    " fraud_alert = excluded.fraud_alert, fraud_block = excluded.fraud_block,"
    " notify = excluded.notify";

constexpr char kInsertRemembered[] =
    "INSERT INTO remembered_browsers (id_hash, user_id, tenant_id, created_at, expires_at,"
    " client_ip, user_agent) VALUES (:id_hash, :user_id, :tenant_id, :created_at, :expires_at,"
    " :client_ip, :user_agent)";
#define SECINFO_REMEMBERED_SELECT                                                     \
  "SELECT id_hash, user_id, tenant_id, created_at, expires_at, client_ip, user_agent" \
  " FROM remembered_browsers "
constexpr char kFindRemembered[] = SECINFO_REMEMBERED_SELECT
    "WHERE id_hash = :id_hash AND user_id = :user_id AND expires_at > :now";
constexpr char kListRemembered[] = SECINFO_REMEMBERED_SELECT
    "WHERE user_id = :user_id AND expires_at > :now ORDER BY created_at DESC, id_hash";
#undef SECINFO_REMEMBERED_SELECT
constexpr char kForgetOne[] =
    "DELETE FROM remembered_browsers WHERE user_id = :user_id AND id_hash = :id_hash";
constexpr char kForgetAll[] = "DELETE FROM remembered_browsers WHERE user_id = :user_id";

// The reservation: one statement, so parallel checks on any node are counted one by one. A new row
// counts its first failure; an existing one only while unlocked and under the ceiling. Every
// `every`-th consecutive failure locks until `until`.
constexpr char kReserveCheck[] =
    "INSERT INTO verification_failures (user_id, failures, locked_until)"
    " VALUES (:user_id, 1, :first_lock)"
    " ON CONFLICT (user_id) DO UPDATE SET"
    " failures = verification_failures.failures + 1,"
    " locked_until = CASE WHEN (verification_failures.failures + 1) % :every = 0"
    " THEN :until ELSE verification_failures.locked_until END"
    " WHERE verification_failures.locked_until <= :now"
    " AND verification_failures.failures < :max";
constexpr char kClearFailures[] = "DELETE FROM verification_failures WHERE user_id = :user_id";
constexpr char kGetFailures[] =
    "SELECT failures, locked_until FROM verification_failures WHERE user_id = :user_id";

constexpr char kInsertVerification[] =
    "INSERT INTO verifications (id, tenant_id, user_id, binding, purpose, method_id, proof,"
    " challenge_id, state, client_ip, created_at, expires_at, version)"
    " VALUES (:id, :tenant_id, :user_id, :binding, :purpose, :method_id, :proof, :challenge_id,"
    " :state, :client_ip, :created_at, :expires_at, 1)";
constexpr char kGetVerification[] =
    "SELECT id, tenant_id, user_id, binding, purpose, method_id, proof, challenge_id, state,"
    " client_ip, created_at, expires_at, version FROM verifications WHERE id = :id";
constexpr char kUpdateVerification[] =
    "UPDATE verifications SET challenge_id = :challenge_id, state = :state,"
    " expires_at = :expires_at, version = version + 1"
    " WHERE id = :id AND version = :version";

constexpr char kUpsertBlock[] =
    "INSERT INTO verification_blocks (user_id, tenant_id, blocked_at, blocked_until, reason, "
    "detail)"
    " VALUES (:user_id, :tenant_id, :blocked_at, :until, :reason, :detail)"
    " ON CONFLICT (user_id) DO UPDATE SET blocked_at = excluded.blocked_at,"
    " blocked_until = excluded.blocked_until, reason = excluded.reason, detail = excluded.detail";
#define SECINFO_BLOCK_SELECT                                                                     \
  "SELECT b.user_id, b.tenant_id, u.username, b.blocked_at, b.blocked_until, b.reason, b.detail" \
  " FROM verification_blocks b JOIN users u ON u.id = b.user_id "
constexpr char kFindBlock[] =
    SECINFO_BLOCK_SELECT "WHERE b.user_id = :user_id AND b.blocked_until > :now";
constexpr char kListBlocks[] = SECINFO_BLOCK_SELECT
    "WHERE b.tenant_id = :tenant_id AND b.blocked_until > :now ORDER BY b.blocked_at";
#undef SECINFO_BLOCK_SELECT
constexpr char kDeleteBlock[] = "DELETE FROM verification_blocks WHERE user_id = :user_id";

Query& IntoRemembered(Query& q, RememberedBrowser& b) {
  return q.Into(b.id_hash)
      .Into(b.user_id)
      .Into(b.tenant_id)
      .Into(b.created_at)
      .Into(b.expires_at)
      .Into(b.client_ip)
      .Into(b.user_agent);
}

Query& IntoBlock(Query& q, VerificationBlock& b) {
  return q.Into(b.user_id)
      .Into(b.tenant_id)
      .Into(b.username)
      .Into(b.blocked_at)
      .Into(b.until)
      .Into(b.reason)
      .Into(b.detail);
}

}  // namespace

Result<SignInPolicy> SqlSignInStore::GetPolicy(int64_t tenant_id) {
  return db_.Read("get sign-in policy", [&](soci::session& session) -> Result<SignInPolicy> {
    SignInPolicy p;
    std::string listed, notify;
    int fraud_alert = 1, fraud_block = 0;
    Query q(session, kGetPolicy);
    q.Into(p.mfa)
        .Into(listed)
        .Into(p.remember_days)
        .Into(p.max_skips)
        .Into(fraud_alert)
        .Into(fraud_block)
        .Into(notify)
        .Use(tenant_id);
    if (!q.Run()) return SignInPolicy{};
    p.mfa_listed = SplitLines(listed);
    p.notify = SplitLines(notify);
    p.fraud_alert = fraud_alert != 0;
    p.fraud_block = fraud_block != 0;
    return p;
  });
}

Status SqlSignInStore::SetPolicy(int64_t tenant_id, const SignInPolicy& p) {
  return db_.Write("set sign-in policy", [&](soci::session& session) {
    std::string listed = JoinLines(p.mfa_listed), notify = JoinLines(p.notify);
    int fraud_alert = p.fraud_alert ? 1 : 0, fraud_block = p.fraud_block ? 1 : 0;
    Query(session, kUpsertPolicy)
        .Use(tenant_id)
        .Use(p.mfa)
        .Use(listed)
        .Use(p.remember_days)
        .Use(p.max_skips)
        .Use(fraud_alert)
        .Use(fraud_block)
        .Use(notify)
        .Run();
    return Status::Ok();
  });
}

Status SqlSignInStore::RememberBrowser(const RememberedBrowser& b) {
  return db_.Write("remember browser", [&](soci::session& session) {
    Query(session, kInsertRemembered)
        .Use(b.id_hash)
        .Use(b.user_id)
        .Use(b.tenant_id)
        .Use(b.created_at)
        .Use(b.expires_at)
        .Use(b.client_ip)
        .Use(b.user_agent)
        .Run();
    return Status::Ok();
  });
}

Result<RememberedBrowser> SqlSignInStore::FindRemembered(std::string_view id_hash, int64_t user_id,
                                                         int64_t now) {
  return db_.Read("find remembered browser",
                  [&](soci::session& session) -> Result<RememberedBrowser> {
                    std::string key(id_hash);
                    RememberedBrowser b;
                    Query q(session, kFindRemembered);
                    IntoRemembered(q, b).Use(key).Use(user_id).Use(now);
                    if (!q.Run()) return Status::NotFound("find remembered browser: none");
                    return b;
                  });
}

Result<std::vector<RememberedBrowser>> SqlSignInStore::ListRemembered(int64_t user_id,
                                                                      int64_t now) {
  return db_.Read("list remembered browsers",
                  [&](soci::session& session) -> Result<std::vector<RememberedBrowser>> {
                    std::vector<RememberedBrowser> out;
                    RememberedBrowser b;
                    Query q(session, kListRemembered);
                    IntoRemembered(q, b).Use(user_id).Use(now);
                    for (bool row = q.Run(); row; row = q.Next()) out.push_back(b);
                    return out;
                  });
}

Status SqlSignInStore::ForgetRemembered(int64_t user_id, std::string_view id_hash) {
  return db_.Write("forget remembered browser", [&](soci::session& session) {
    if (id_hash.empty()) {
      Query(session, kForgetAll).Use(user_id).Run();
      return Status::Ok();
    }
    std::string key(id_hash);
    Query q(session, kForgetOne);
    q.Use(user_id).Use(key).Run();
    if (q.AffectedRows() == 0) return Status::NotFound("forget remembered browser: none");
    return Status::Ok();
  });
}

Result<bool> SqlSignInStore::ReserveCheck(int64_t user_id, int64_t now, int64_t lock_every,
                                          int64_t lock_millis, int64_t max_failures) {
  if (lock_every <= 0 || max_failures <= 0) return Status::InvalidArgument("bad lockout limits");
  return db_.Write("reserve verification check", [&](soci::session& session) -> Result<bool> {
    const int64_t until = now + lock_millis;
    const int64_t first_lock = lock_every == 1 ? until : 0;
    Query q(session, kReserveCheck);
    q.Use(user_id).Use(first_lock).Use(lock_every).Use(until).Use(now).Use(max_failures).Run();
    return q.AffectedRows() > 0;
  });
}

Status SqlSignInStore::ClearFailures(int64_t user_id) {
  return db_.Write("clear verification failures", [&](soci::session& session) {
    Query(session, kClearFailures).Use(user_id).Run();
    return Status::Ok();
  });
}

Result<VerificationFailures> SqlSignInStore::GetFailures(int64_t user_id) {
  return db_.Read("get verification failures",
                  [&](soci::session& session) -> Result<VerificationFailures> {
                    VerificationFailures f;
                    Query q(session, kGetFailures);
                    q.Into(f.failures).Into(f.locked_until).Use(user_id);
                    if (!q.Run()) return VerificationFailures{};
                    return f;
                  });
}

Status SqlSignInStore::CreateVerification(const Verification& v) {
  return db_.Write("create verification", [&](soci::session& session) {
    const std::string state(StateName(v.state));
    Query(session, kInsertVerification)
        .Use(v.id)
        .Use(v.tenant_id)
        .Use(v.user_id)
        .Use(v.binding)
        .Use(v.purpose)
        .Use(v.method_id)
        .Use(v.proof)
        .Use(v.challenge_id)
        .Use(state)
        .Use(v.client_ip)
        .Use(v.created_at)
        .Use(v.expires_at)
        .Run();
    return Status::Ok();
  });
}

Result<Verification> SqlSignInStore::GetVerification(std::string_view id) {
  return db_.Read("get verification", [&](soci::session& session) -> Result<Verification> {
    std::string key(id);
    Verification v;
    std::string state;
    Query q(session, kGetVerification);
    q.Into(v.id)
        .Into(v.tenant_id)
        .Into(v.user_id)
        .Into(v.binding)
        .Into(v.purpose)
        .Into(v.method_id)
        .Into(v.proof)
        .Into(v.challenge_id)
        .Into(state)
        .Into(v.client_ip)
        .Into(v.created_at)
        .Into(v.expires_at)
        .Into(v.version)
        .Use(key);
    if (!q.Run()) return Status::NotFound("get verification: none");
    SECINFO_RETURN_IF_ERROR(ReadState(ParseVerificationState, state, "verifications", v.state));
    return v;
  });
}

Status SqlSignInStore::UpdateVerification(const Verification& v) {
  return db_.Write("update verification", [&](soci::session& session) {
    const std::string state(StateName(v.state));
    Query q(session, kUpdateVerification);
    q.Use(v.challenge_id).Use(state).Use(v.expires_at).Use(v.id).Use(v.version).Run();
    if (q.AffectedRows() == 0) {
      return Status::FailedPrecondition("update verification: changed meanwhile");
    }
    return Status::Ok();
  });
}

Status SqlSignInStore::Block(const VerificationBlock& b) {
  return db_.Write("block verification", [&](soci::session& session) {
    Query(session, kUpsertBlock)
        .Use(b.user_id)
        .Use(b.tenant_id)
        .Use(b.blocked_at)
        .Use(b.until)
        .Use(b.reason)
        .Use(b.detail)
        .Run();
    return Status::Ok();
  });
}

Result<VerificationBlock> SqlSignInStore::FindBlock(int64_t user_id, int64_t now) {
  return db_.Read("find verification block",
                  [&](soci::session& session) -> Result<VerificationBlock> {
                    VerificationBlock b;
                    Query q(session, kFindBlock);
                    IntoBlock(q, b).Use(user_id).Use(now);
                    if (!q.Run()) return Status::NotFound("find verification block: none");
                    return b;
                  });
}

Result<std::vector<VerificationBlock>> SqlSignInStore::ListBlocks(int64_t tenant_id, int64_t now) {
  return db_.Read("list verification blocks",
                  [&](soci::session& session) -> Result<std::vector<VerificationBlock>> {
                    std::vector<VerificationBlock> out;
                    VerificationBlock b;
                    Query q(session, kListBlocks);
                    IntoBlock(q, b).Use(tenant_id).Use(now);
                    for (bool row = q.Run(); row; row = q.Next()) out.push_back(b);
                    return out;
                  });
}

Status SqlSignInStore::Unblock(int64_t user_id) {
  return db_.Write("unblock verification", [&](soci::session& session) {
    Query blocks(session, kDeleteBlock);
    blocks.Use(user_id).Run();
    Query failures(session, kClearFailures);
    failures.Use(user_id).Run();
    if (blocks.AffectedRows() + failures.AffectedRows() == 0) {
      return Status::NotFound("unblock: the person was neither blocked nor locked");
    }
    return Status::Ok();
  });
}

}  // namespace secinfo::store::sql
