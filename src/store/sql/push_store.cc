#include "store/sql/state_column.h"
#include "store/sql/stores.h"

namespace secinfo::store::sql {
namespace {

constexpr char kInsertToken[] =
    "INSERT INTO push_enrol_tokens (token_hash, tenant_id, user_id, method_id, created_at,"
    " expires_at, used) VALUES (:token_hash, :tenant_id, :user_id, :method_id, :created_at,"
    " :expires_at, 0)";
constexpr char kUseToken[] =
    "UPDATE push_enrol_tokens SET used = 1"
    " WHERE token_hash = :token_hash AND used = 0 AND expires_at > :now";
constexpr char kGetToken[] =
    "SELECT token_hash, tenant_id, user_id, method_id, created_at, expires_at, used"
    " FROM push_enrol_tokens WHERE token_hash = :token_hash";
#define SECINFO_PUSH_SELECT                                                                \
  "SELECT id, tenant_id, user_id, method_id, number, purpose, state, reported, client_ip," \
  " created_at, expires_at, version FROM push_challenges "
constexpr char kGetChallenge[] = SECINFO_PUSH_SELECT "WHERE id = :id";
constexpr char kListPending[] = SECINFO_PUSH_SELECT
    "WHERE method_id = :method_id AND state = 'pending' AND expires_at > :now"
    " ORDER BY created_at, id";
#undef SECINFO_PUSH_SELECT
constexpr char kInsertChallenge[] =
    "INSERT INTO push_challenges (id, tenant_id, user_id, method_id, number, purpose, state,"
    " reported, client_ip, created_at, expires_at, version)"
    " VALUES (:id, :tenant_id, :user_id, :method_id, :number, :purpose, :state, :reported,"
    " :client_ip, :created_at, :expires_at, 1)";
constexpr char kUpdateChallenge[] =
    "UPDATE push_challenges SET state = :state, reported = :reported, version = version + 1"
    " WHERE id = :id AND version = :version";
constexpr char kForgetPollSignatures[] = "DELETE FROM push_poll_signatures WHERE ts < :before";
constexpr char kUsePollSignature[] =
    "INSERT INTO push_poll_signatures (device_id, ts) VALUES (:device_id, :ts)"
    " ON CONFLICT (device_id, ts) DO NOTHING";
constexpr char kCountChallenge[] = "SELECT COUNT(*) FROM push_challenges WHERE id = :id";

struct ChallengeRow {
  PushChallenge c;
  std::string state;
  int reported = 0;
  Query& Bind(Query& q) {
    return q.Into(c.id)
        .Into(c.tenant_id)
        .Into(c.user_id)
        .Into(c.method_id)
        .Into(c.number)
        .Into(c.purpose)
        .Into(state)
        .Into(reported)
        .Into(c.client_ip)
        .Into(c.created_at)
        .Into(c.expires_at)
        .Into(c.version);
  }
  Result<PushChallenge> Get() const {
    PushChallenge out = c;
    SECINFO_RETURN_IF_ERROR(ReadState(ParsePushState, state, "push_challenges", out.state));
    out.reported = reported != 0;
    return out;
  }
};

}  // namespace

Status SqlPushStore::CreateEnrolToken(const PushEnrolToken& t) {
  return db_.Write("create push enrol token", [&](soci::session& session) {
    Query(session, kInsertToken)
        .Use(t.token_hash)
        .Use(t.tenant_id)
        .Use(t.user_id)
        .Use(t.method_id)
        .Use(t.created_at)
        .Use(t.expires_at)
        .Run();
    return Status::Ok();
  });
}

Result<PushEnrolToken> SqlPushStore::UseEnrolToken(std::string_view token_hash, int64_t now) {
  return db_.Write("use push enrol token", [&](soci::session& session) -> Result<PushEnrolToken> {
    std::string hash(token_hash);
    Query use(session, kUseToken);
    use.Use(hash).Use(now).Run();
    if (use.AffectedRows() != 1) return Status::NotFound("no usable enrolment link");
    PushEnrolToken t;
    int used = 0;
    Query get(session, kGetToken);
    get.Into(t.token_hash)
        .Into(t.tenant_id)
        .Into(t.user_id)
        .Into(t.method_id)
        .Into(t.created_at)
        .Into(t.expires_at)
        .Into(used)
        .Use(hash);
    if (!get.Run()) return Status::NotFound("no usable enrolment link");
    t.used = used != 0;
    return t;
  });
}

Status SqlPushStore::CreateChallenge(const PushChallenge& c) {
  return db_.Write("create push challenge", [&](soci::session& session) {
    int reported = c.reported ? 1 : 0;
    const std::string state(StateName(c.state));
    Query(session, kInsertChallenge)
        .Use(c.id)
        .Use(c.tenant_id)
        .Use(c.user_id)
        .Use(c.method_id)
        .Use(c.number)
        .Use(c.purpose)
        .Use(state)
        .Use(reported)
        .Use(c.client_ip)
        .Use(c.created_at)
        .Use(c.expires_at)
        .Run();
    return Status::Ok();
  });
}

Result<PushChallenge> SqlPushStore::GetChallenge(std::string_view id) {
  return db_.Read("get push challenge", [&](soci::session& session) -> Result<PushChallenge> {
    std::string key(id);
    ChallengeRow row;
    Query q(session, kGetChallenge);
    row.Bind(q).Use(key);
    if (!q.Run()) return Status::NotFound("no such push challenge");
    return row.Get();
  });
}

Status SqlPushStore::UpdateChallenge(const PushChallenge& c) {
  return db_.Write("update push challenge", [&](soci::session& session) {
    int reported = c.reported ? 1 : 0;
    const std::string state(StateName(c.state));
    Query q(session, kUpdateChallenge);
    q.Use(state).Use(reported).Use(c.id).Use(c.version).Run();
    if (q.AffectedRows() == 1) return Status::Ok();
    int64_t count = 0;
    Query(session, kCountChallenge).Into(count).Use(c.id).Run();
    return count == 0 ? Status::NotFound("no such push challenge")
                      : Status::FailedPrecondition("push challenge version is stale");
  });
}

Result<std::vector<PushChallenge>> SqlPushStore::ListPending(int64_t method_id, int64_t now) {
  using Challenges = std::vector<PushChallenge>;
  return db_.Read("list pending push", [&](soci::session& session) -> Result<Challenges> {
    Challenges out;
    ChallengeRow row;
    Query q(session, kListPending);
    row.Bind(q).Use(method_id).Use(now);
    for (bool more = q.Run(); more; more = q.Next()) {
      Result<PushChallenge> c = row.Get();
      if (!c.ok()) return c.status();
      out.push_back(std::move(*c));
    }
    return out;
  });
}

Status SqlPushStore::UsePollSignature(std::string_view device_id, int64_t ts,
                                      int64_t forget_before_ts) {
  return db_.Write("use poll signature", [&](soci::session& session) {
    Query(session, kForgetPollSignatures).Use(forget_before_ts).Run();
    std::string device(device_id);
    Query use(session, kUsePollSignature);
    use.Use(device).Use(ts).Run();
    // The unique key decides, on one node or many: a second use of the pair inserts nothing.
    if (use.AffectedRows() != 1) return Status::AlreadyExists("poll signature already used");
    return Status::Ok();
  });
}

}  // namespace secinfo::store::sql
