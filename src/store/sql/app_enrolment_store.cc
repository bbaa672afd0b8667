#include "store/sql/method_rows.h"
#include "store/sql/state_column.h"
#include "store/sql/stores.h"

namespace secinfo::store::sql {
namespace {

constexpr char kGetEnrolment[] =
    "SELECT id, tenant_id, user_id, name, secret, state, created_at, expires_at, client_ip,"
    " method_id, version FROM app_enrolments WHERE id = :id";
constexpr char kInsertEnrolment[] =
    "INSERT INTO app_enrolments (id, tenant_id, user_id, name, secret, state, created_at,"
    " expires_at, client_ip, method_id, version)"
    " VALUES (:id, :tenant_id, :user_id, :name, :secret, :state, :created_at, :expires_at,"
    " :client_ip, :method_id, 1)";
constexpr char kUpdateEnrolment[] =
    "UPDATE app_enrolments SET name = :name, state = :state, method_id = :method_id,"
    " version = version + 1 WHERE id = :id AND version = :version";
constexpr char kCountEnrolment[] = "SELECT COUNT(*) FROM app_enrolments WHERE id = :id";

Status CasUpdate(soci::session& session, const AppEnrolment& e) {
  NullableInt method_id(e.method_id);
  const std::string state(StateName(e.state));
  Query q(session, kUpdateEnrolment);
  q.Use(e.name).Use(state).Use(method_id.value, method_id.ind).Use(e.id).Use(e.version).Run();
  if (q.AffectedRows() == 1) return Status::Ok();
  int64_t count = 0;
  Query(session, kCountEnrolment).Into(count).Use(e.id).Run();
  if (count == 0) return Status::NotFound("update app enrolment: no such enrolment");
  return Status::FailedPrecondition("update app enrolment: version is stale");
}

}  // namespace

Status SqlAppEnrolmentStore::Create(const AppEnrolment& e) {
  return db_.Write("create app enrolment", [&](soci::session& session) {
    NullableInt method_id(e.method_id);
    const std::string state(StateName(e.state));
    Query(session, kInsertEnrolment)
        .Use(e.id)
        .Use(e.tenant_id)
        .Use(e.user_id)
        .Use(e.name)
        .Use(e.secret)
        .Use(state)
        .Use(e.created_at)
        .Use(e.expires_at)
        .Use(e.client_ip)
        .Use(method_id.value, method_id.ind)
        .Run();
    return Status::Ok();
  });
}

Result<AppEnrolment> SqlAppEnrolmentStore::Get(std::string_view id) {
  return db_.Read("get app enrolment", [&](soci::session& session) -> Result<AppEnrolment> {
    std::string key(id);
    AppEnrolment e;
    NullableIntColumn method_id;
    std::string state;
    Query q(session, kGetEnrolment);
    q.Into(e.id)
        .Into(e.tenant_id)
        .Into(e.user_id)
        .Into(e.name)
        .Into(e.secret)
        .Into(state)
        .Into(e.created_at)
        .Into(e.expires_at)
        .Into(e.client_ip)
        .Into(method_id.value, method_id.ind)
        .Into(e.version)
        .Use(key);
    if (!q.Run()) return Status::NotFound("get app enrolment: no such enrolment");
    SECINFO_RETURN_IF_ERROR(ReadState(ParseAppEnrolmentState, state, "app_enrolments", e.state));
    e.method_id = method_id.get();
    return e;
  });
}

Status SqlAppEnrolmentStore::Update(const AppEnrolment& e) {
  return db_.Write("update app enrolment",
                   [&](soci::session& session) { return CasUpdate(session, e); });
}

Result<int64_t> SqlAppEnrolmentStore::UpdateAndCreateMethod(const AppEnrolment& e,
                                                            const Method& m) {
  if (m.user_id != e.user_id) {
    return Status::InvalidArgument("finish app enrolment: the method belongs to another user");
  }
  return db_.Write("finish app enrolment", [&](soci::session& session) -> Result<int64_t> {
    SECINFO_RETURN_IF_ERROR(CasUpdate(session, e));
    Result<int64_t> method_id = InsertMethodTx(session, db_.dialect(), m, std::nullopt);
    if (!method_id.ok()) return method_id;
    AppEnrolment done = e;
    done.version += 1;
    done.method_id = *method_id;
    SECINFO_RETURN_IF_ERROR(CasUpdate(session, done));
    return method_id;
  });
}

}  // namespace secinfo::store::sql
