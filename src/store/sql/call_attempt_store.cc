#include "store/sql/method_rows.h"
#include "store/sql/state_column.h"
#include "store/sql/stores.h"

namespace secinfo::store::sql {
namespace {

#define SECINFO_CALL_ATTEMPT_SELECT                                                            \
  "SELECT id, tenant_id, user_id, purpose, phone_e164, phone_type, extension_removed, locale," \
  " state, provider, provider_call_id, digits, client_ip, created_at, updated_at, ringing_at," \
  " answered_at, ended_at, method_id, replaces_method_id, version, fraud_confirm"              \
  " FROM call_attempts "
constexpr char kGetAttempt[] = SECINFO_CALL_ATTEMPT_SELECT "WHERE id = :id";
constexpr char kFindAttemptByProviderCall[] =
    SECINFO_CALL_ATTEMPT_SELECT "WHERE provider = :provider AND provider_call_id = :call_id";
constexpr char kListLiveAttempts[] = SECINFO_CALL_ATTEMPT_SELECT
    "WHERE user_id = :user_id AND ended_at = 0 ORDER BY created_at DESC, id DESC";
constexpr char kListLiveCreatedBefore[] = SECINFO_CALL_ATTEMPT_SELECT
    "WHERE ended_at = 0 AND created_at < :created_before ORDER BY created_at, id LIMIT :limit";
#undef SECINFO_CALL_ATTEMPT_SELECT
constexpr char kInsertAttempt[] =
    "INSERT INTO call_attempts (id, tenant_id, user_id, purpose, phone_e164, phone_type,"
    " extension_removed, locale, state, provider, provider_call_id, digits, client_ip, created_at,"
    " updated_at, ringing_at, answered_at, ended_at, method_id, replaces_method_id, fraud_confirm,"
    " version)"
    " VALUES (:id, :tenant_id, :user_id, :purpose, :phone_e164, :phone_type, :extension_removed,"
    " :locale, :state, :provider, :provider_call_id, :digits, :client_ip, :created_at,"
    " :updated_at, :ringing_at, :answered_at, :ended_at, :method_id, :replaces_method_id,"
    " :fraud_confirm, 1)";
// Compare-and-set: writes only over the version the caller read. id, tenant, user and creation time
// never change.
constexpr char kUpdateAttempt[] =
    "UPDATE call_attempts SET purpose = :purpose, phone_e164 = :phone_e164,"
    " phone_type = :phone_type, extension_removed = :extension_removed, locale = :locale,"
    " state = :state, provider = :provider, provider_call_id = :provider_call_id,"
    " digits = :digits, client_ip = :client_ip, updated_at = :updated_at,"
    " ringing_at = :ringing_at, answered_at = :answered_at, ended_at = :ended_at,"
    " method_id = :method_id, version = version + 1"
    " WHERE id = :id AND version = :version";
constexpr char kCountAttempt[] = "SELECT COUNT(*) FROM call_attempts WHERE id = :id";
constexpr char kSetAttemptMethod[] =
    "UPDATE call_attempts SET method_id = :method_id WHERE id = :id";

// A call_attempts row on its way out: the columns of SECINFO_CALL_ATTEMPT_SELECT.
struct AttemptRow {
  CallAttempt a;
  std::string state;
  int extension_removed = 0;
  int fraud_confirm = 0;
  NullableIntColumn method_id;
  NullableIntColumn replaces_method_id;

  Query& Bind(Query& q) {
    return q.Into(a.id)
        .Into(a.tenant_id)
        .Into(a.user_id)
        .Into(a.purpose)
        .Into(a.phone_e164)
        .Into(a.phone_type)
        .Into(extension_removed)
        .Into(a.locale)
        .Into(state)
        .Into(a.provider)
        .Into(a.provider_call_id)
        .Into(a.digits)
        .Into(a.client_ip)
        .Into(a.created_at)
        .Into(a.updated_at)
        .Into(a.ringing_at)
        .Into(a.answered_at)
        .Into(a.ended_at)
        .Into(method_id.value, method_id.ind)
        .Into(replaces_method_id.value, replaces_method_id.ind)
        .Into(a.version)
        .Into(fraud_confirm);
  }
  Result<CallAttempt> Get() const {
    CallAttempt out = a;
    SECINFO_RETURN_IF_ERROR(ReadState(ParseCallState, state, "call_attempts", out.state));
    out.extension_removed = extension_removed != 0;
    out.fraud_confirm = fraud_confirm != 0;
    out.method_id = method_id.get();
    out.replaces_method_id = replaces_method_id.get();
    return out;
  }
};

// The compare-and-set write of Update, inside the caller's transaction.
Status CasUpdate(soci::session& session, const CallAttempt& a) {
  int extension_removed = a.extension_removed ? 1 : 0;
  NullableInt method_id(a.method_id);
  const std::string state(StateName(a.state));
  Query q(session, kUpdateAttempt);
  q.Use(a.purpose)
      .Use(a.phone_e164)
      .Use(a.phone_type)
      .Use(extension_removed)
      .Use(a.locale)
      .Use(state)
      .Use(a.provider)
      .Use(a.provider_call_id)
      .Use(a.digits)
      .Use(a.client_ip)
      .Use(a.updated_at)
      .Use(a.ringing_at)
      .Use(a.answered_at)
      .Use(a.ended_at)
      .Use(method_id.value, method_id.ind)
      .Use(a.id)
      .Use(a.version)
      .Run();
  if (q.AffectedRows() == 1) return Status::Ok();
  int64_t count = 0;
  Query(session, kCountAttempt).Into(count).Use(a.id).Run();
  if (count == 0) return Status::NotFound("update call attempt: no such attempt");
  return Status::FailedPrecondition("update call attempt: version " + std::to_string(a.version) +
                                    " is stale");
}

}  // namespace

Status SqlCallAttemptStore::Create(const CallAttempt& a) {
  return db_.Write("create call attempt", [&](soci::session& session) {
    int extension_removed = a.extension_removed ? 1 : 0;
    NullableInt method_id(a.method_id);
    NullableInt replaces_method_id(a.replaces_method_id);
    int fraud_confirm = a.fraud_confirm ? 1 : 0;
    const std::string state(StateName(a.state));
    Query(session, kInsertAttempt)
        .Use(a.id)
        .Use(a.tenant_id)
        .Use(a.user_id)
        .Use(a.purpose)
        .Use(a.phone_e164)
        .Use(a.phone_type)
        .Use(extension_removed)
        .Use(a.locale)
        .Use(state)
        .Use(a.provider)
        .Use(a.provider_call_id)
        .Use(a.digits)
        .Use(a.client_ip)
        .Use(a.created_at)
        .Use(a.updated_at)
        .Use(a.ringing_at)
        .Use(a.answered_at)
        .Use(a.ended_at)
        .Use(method_id.value, method_id.ind)
        .Use(replaces_method_id.value, replaces_method_id.ind)
        .Use(fraud_confirm)
        .Run();
    return Status::Ok();
  });
}

Result<CallAttempt> SqlCallAttemptStore::Get(std::string_view id) {
  return db_.Read("get call attempt", [&](soci::session& session) -> Result<CallAttempt> {
    std::string key(id);
    AttemptRow row;
    Query q(session, kGetAttempt);
    row.Bind(q).Use(key);
    if (!q.Run()) return Status::NotFound("get call attempt: no such attempt");
    return row.Get();
  });
}

Result<CallAttempt> SqlCallAttemptStore::FindByProviderCall(std::string_view provider,
                                                            std::string_view provider_call_id) {
  return db_.Read("find call attempt", [&](soci::session& session) -> Result<CallAttempt> {
    std::string provider_name(provider);
    std::string call_id(provider_call_id);
    AttemptRow row;
    Query q(session, kFindAttemptByProviderCall);
    row.Bind(q).Use(provider_name).Use(call_id);
    if (!q.Run()) return Status::NotFound("find call attempt: no attempt for that provider call");
    return row.Get();
  });
}

Status SqlCallAttemptStore::Update(const CallAttempt& a) {
  return db_.Write("update call attempt",
                   [&](soci::session& session) { return CasUpdate(session, a); });
}

Result<int64_t> SqlCallAttemptStore::UpdateAndCreateMethod(const CallAttempt& a, const Method& m) {
  if (m.user_id != a.user_id) {
    return Status::InvalidArgument("update call attempt: the method belongs to another user");
  }
  return db_.Write("confirm call attempt", [&](soci::session& session) -> Result<int64_t> {
    SECINFO_RETURN_IF_ERROR(CasUpdate(session, a));

    Result<int64_t> method_id = InsertMethodTx(session, db_.dialect(), m, a.replaces_method_id);
    if (!method_id.ok()) return method_id;
    Query(session, kSetAttemptMethod).Use(*method_id).Use(a.id).Run();
    return method_id;
  });
}

Result<std::vector<CallAttempt>> SqlCallAttemptStore::ListLiveForUser(int64_t user_id) {
  using Attempts = std::vector<CallAttempt>;
  return db_.Read("list live call attempts", [&](soci::session& session) -> Result<Attempts> {
    std::vector<CallAttempt> out;
    AttemptRow row;
    Query q(session, kListLiveAttempts);
    row.Bind(q).Use(user_id);
    for (bool more = q.Run(); more; more = q.Next()) {
      Result<CallAttempt> a = row.Get();
      if (!a.ok()) return a.status();
      out.push_back(std::move(*a));
    }
    return out;
  });
}

Result<std::vector<CallAttempt>> SqlCallAttemptStore::ListLiveCreatedBefore(int64_t created_before,
                                                                            int limit) {
  using Attempts = std::vector<CallAttempt>;
  return db_.Read("list stale call attempts", [&](soci::session& session) -> Result<Attempts> {
    std::vector<CallAttempt> out;
    AttemptRow row;
    Query q(session, kListLiveCreatedBefore);
    row.Bind(q).Use(created_before).Use(limit);
    for (bool more = q.Run(); more; more = q.Next()) {
      Result<CallAttempt> a = row.Get();
      if (!a.ok()) return a.status();
      out.push_back(std::move(*a));
    }
    return out;
  });
}

}  // namespace secinfo::store::sql
