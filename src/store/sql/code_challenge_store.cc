#include "methods/registry.h"
#include "store/sql/method_rows.h"
#include "store/sql/state_column.h"
#include "store/sql/stores.h"

namespace secinfo::store::sql {
namespace {

constexpr char kGetChallenge[] =
    "SELECT id, tenant_id, user_id, purpose, channel, destination, method_kind, phone_type,"
    " extension_removed, replaces_method_id, locale, code_hash, state, failed_attempts, sends,"
    " last_sent_at, expires_at, client_ip, created_at, updated_at, method_id, version"
    " FROM code_challenges WHERE id = :id";
constexpr char kInsertChallenge[] =
    "INSERT INTO code_challenges (id, tenant_id, user_id, purpose, channel, destination,"
    " method_kind, phone_type, extension_removed, replaces_method_id, locale, code_hash, state,"
    " failed_attempts, sends, last_sent_at, expires_at, client_ip, created_at, updated_at,"
    " method_id, version)"
    " VALUES (:id, :tenant_id, :user_id, :purpose, :channel, :destination, :method_kind,"
    " :phone_type, :extension_removed, :replaces_method_id, :locale, :code_hash, :state,"
    " :failed_attempts, :sends, :last_sent_at, :expires_at, :client_ip, :created_at,"
    " :updated_at, :method_id, 1)";
// Compare-and-set: what the challenge proves never changes; only its progress does.
constexpr char kUpdateChallenge[] =
    "UPDATE code_challenges SET code_hash = :code_hash, state = :state,"
    " failed_attempts = :failed_attempts, sends = :sends, last_sent_at = :last_sent_at,"
    " expires_at = :expires_at, updated_at = :updated_at, method_id = :method_id,"
    " version = version + 1 WHERE id = :id AND version = :version";
constexpr char kCountChallenge[] = "SELECT COUNT(*) FROM code_challenges WHERE id = :id";
constexpr char kSetChallengeMethod[] =
    "UPDATE code_challenges SET method_id = :method_id WHERE id = :id";

Status CasUpdate(soci::session& session, const CodeChallenge& c) {
  NullableInt method_id(c.method_id);
  const std::string state(StateName(c.state));
  Query q(session, kUpdateChallenge);
  q.Use(c.code_hash)
      .Use(state)
      .Use(c.failed_attempts)
      .Use(c.sends)
      .Use(c.last_sent_at)
      .Use(c.expires_at)
      .Use(c.updated_at)
      .Use(method_id.value, method_id.ind)
      .Use(c.id)
      .Use(c.version)
      .Run();
  if (q.AffectedRows() == 1) return Status::Ok();
  int64_t count = 0;
  Query(session, kCountChallenge).Into(count).Use(c.id).Run();
  if (count == 0) return Status::NotFound("update code challenge: no such challenge");
  return Status::FailedPrecondition("update code challenge: version is stale");
}

}  // namespace

Status SqlCodeChallengeStore::Create(const CodeChallenge& c) {
  return db_.Write("create code challenge", [&](soci::session& session) {
    int extension_removed = c.extension_removed ? 1 : 0;
    NullableInt replaces(c.replaces_method_id);
    NullableInt method_id(c.method_id);
    const std::string method_kind(methods::KindName(c.method_kind));
    const std::string state(StateName(c.state));
    Query(session, kInsertChallenge)
        .Use(c.id)
        .Use(c.tenant_id)
        .Use(c.user_id)
        .Use(c.purpose)
        .Use(c.channel)
        .Use(c.destination)
        .Use(method_kind)
        .Use(c.phone_type)
        .Use(extension_removed)
        .Use(replaces.value, replaces.ind)
        .Use(c.locale)
        .Use(c.code_hash)
        .Use(state)
        .Use(c.failed_attempts)
        .Use(c.sends)
        .Use(c.last_sent_at)
        .Use(c.expires_at)
        .Use(c.client_ip)
        .Use(c.created_at)
        .Use(c.updated_at)
        .Use(method_id.value, method_id.ind)
        .Run();
    return Status::Ok();
  });
}

Result<CodeChallenge> SqlCodeChallengeStore::Get(std::string_view id) {
  return db_.Read("get code challenge", [&](soci::session& session) -> Result<CodeChallenge> {
    std::string key(id);
    CodeChallenge c;
    int extension_removed = 0;
    NullableIntColumn replaces, method_id;
    std::string method_kind, state;
    Query q(session, kGetChallenge);
    q.Into(c.id)
        .Into(c.tenant_id)
        .Into(c.user_id)
        .Into(c.purpose)
        .Into(c.channel)
        .Into(c.destination)
        .Into(method_kind)
        .Into(c.phone_type)
        .Into(extension_removed)
        .Into(replaces.value, replaces.ind)
        .Into(c.locale)
        .Into(c.code_hash)
        .Into(state)
        .Into(c.failed_attempts)
        .Into(c.sends)
        .Into(c.last_sent_at)
        .Into(c.expires_at)
        .Into(c.client_ip)
        .Into(c.created_at)
        .Into(c.updated_at)
        .Into(method_id.value, method_id.ind)
        .Into(c.version)
        .Use(key);
    if (!q.Run()) return Status::NotFound("get code challenge: no such challenge");
    std::optional<methods::MethodKind> kind = methods::ParseKind(method_kind);
    if (!kind) return Status::NotFound("get code challenge: a kind this version does not know");
    c.method_kind = *kind;
    SECINFO_RETURN_IF_ERROR(ReadState(ParseCodeChallengeState, state, "code_challenges", c.state));
    c.extension_removed = extension_removed != 0;
    c.replaces_method_id = replaces.get();
    c.method_id = method_id.get();
    return c;
  });
}

Status SqlCodeChallengeStore::Update(const CodeChallenge& c) {
  return db_.Write("update code challenge",
                   [&](soci::session& session) { return CasUpdate(session, c); });
}

Result<int64_t> SqlCodeChallengeStore::UpdateAndCreateMethod(const CodeChallenge& c,
                                                             const Method& m) {
  if (m.user_id != c.user_id) {
    return Status::InvalidArgument("verify code challenge: the method belongs to another user");
  }
  return db_.Write("verify code challenge", [&](soci::session& session) -> Result<int64_t> {
    SECINFO_RETURN_IF_ERROR(CasUpdate(session, c));
    Result<int64_t> method_id = InsertMethodTx(session, db_.dialect(), m, c.replaces_method_id);
    if (!method_id.ok()) return method_id;
    Query(session, kSetChallengeMethod).Use(*method_id).Use(c.id).Run();
    return method_id;
  });
}

}  // namespace secinfo::store::sql
