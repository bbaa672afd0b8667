#include <limits>

#include "store/sql/stores.h"

namespace secinfo::store::sql {
namespace {

constexpr char kInsertEntry[] =
    "INSERT INTO audit_log (at, tenant_id, user_id, actor, ip, action, method, result, detail)"
    " VALUES (:at, :tenant_id, :user_id, :actor, :ip, :action, :method, :result, :detail)";
constexpr char kListForTenant[] =
    "SELECT id, at, tenant_id, user_id, actor, ip, action, method, result, detail FROM audit_log"
    " WHERE tenant_id = :tenant_id AND at >= :since AND at < :until"
    " ORDER BY at DESC, id DESC LIMIT :limit";

}  // namespace

Status SqlAuditLog::Append(const AuditEntry& e) {
  return db_.Write("append audit entry", [&](soci::session& session) {
    NullableInt tenant_id(e.tenant_id);
    NullableInt user_id(e.user_id);
    Query(session, kInsertEntry)
        .Use(e.at)
        .Use(tenant_id.value, tenant_id.ind)
        .Use(user_id.value, user_id.ind)
        .Use(e.actor)
        .Use(e.ip)
        .Use(e.action)
        .Use(e.method)
        .Use(e.result)
        .Use(e.detail)
        .Run();
    return Status::Ok();
  });
}

Result<std::vector<AuditEntry>> SqlAuditLog::ListForTenant(int64_t tenant_id, int limit) {
  return ListForTenantBetween(tenant_id, std::numeric_limits<int64_t>::min(),
                              std::numeric_limits<int64_t>::max(), limit);
}

Result<std::vector<AuditEntry>> SqlAuditLog::ListForTenantBetween(int64_t tenant_id, int64_t since,
                                                                  int64_t until, int limit) {
  using Entries = std::vector<AuditEntry>;
  return db_.Read("list audit entries", [&](soci::session& session) -> Result<Entries> {
    std::vector<AuditEntry> out;
    AuditEntry e;
    NullableIntColumn entry_tenant;
    NullableIntColumn entry_user;
    Query q(session, kListForTenant);
    q.Into(e.id)
        .Into(e.at)
        .Into(entry_tenant.value, entry_tenant.ind)
        .Into(entry_user.value, entry_user.ind)
        .Into(e.actor)
        .Into(e.ip)
        .Into(e.action)
        .Into(e.method)
        .Into(e.result)
        .Into(e.detail)
        .Use(tenant_id)
        .Use(since)
        .Use(until)
        .Use(limit);
    for (bool row = q.Run(); row; row = q.Next()) {
      e.tenant_id = entry_tenant.get();
      e.user_id = entry_user.get();
      out.push_back(e);
    }
    return out;
  });
}

}  // namespace secinfo::store::sql
