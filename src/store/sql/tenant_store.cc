#include "store/sql/stores.h"

namespace secinfo::store::sql {
namespace {

#define SECINFO_TENANT_SELECT \
  "SELECT id, name, domain, default_locale, default_region FROM tenants "
constexpr char kInsertTenant[] =
    "INSERT INTO tenants (name, domain, default_locale, default_region)"
    " VALUES (:name, :domain, :default_locale, :default_region) RETURNING id";
constexpr char kGetTenant[] = SECINFO_TENANT_SELECT "WHERE id = :id";
constexpr char kFindTenantByDomain[] = SECINFO_TENANT_SELECT "WHERE domain = :domain";
constexpr char kListTenants[] = SECINFO_TENANT_SELECT "ORDER BY id";
#undef SECINFO_TENANT_SELECT
constexpr char kListSwitches[] =
    "SELECT method, enabled, mfa, sspr FROM tenant_method_switches WHERE tenant_id = :tenant_id"
    " ORDER BY method";
constexpr char kUpsertSwitch[] =
    "INSERT INTO tenant_method_switches (tenant_id, method, enabled, mfa, sspr)"
    " VALUES (:tenant_id, :method, :enabled, :mfa, :sspr)"
    " ON CONFLICT (tenant_id, method) DO UPDATE SET enabled = excluded.enabled,"
    " mfa = excluded.mfa, sspr = excluded.sspr";

constexpr char kGetTollFraud[] =
    "SELECT countries, refused_types, per_user_hour, per_ip_hour, per_tenant_hour,"
    " per_country_hour FROM tenant_toll_fraud WHERE tenant_id = :tenant_id";
constexpr char kUpsertTollFraud[] =
    "INSERT INTO tenant_toll_fraud (tenant_id, countries, refused_types, per_user_hour,"
    " per_ip_hour, per_tenant_hour, per_country_hour) VALUES (:tenant_id, :countries,"
    " :refused_types, :per_user_hour, :per_ip_hour, :per_tenant_hour, :per_country_hour)"
    " ON CONFLICT (tenant_id) DO UPDATE SET countries = excluded.countries,"
    " refused_types = excluded.refused_types, per_user_hour = excluded.per_user_hour,"
    " per_ip_hour = excluded.per_ip_hour, per_tenant_hour = excluded.per_tenant_hour,"
    " per_country_hour = excluded.per_country_hour";
constexpr char kAddBannedWord[] =
    "INSERT INTO tenant_banned_words (tenant_id, folded, word) VALUES (:tenant_id, :folded, :word)";
constexpr char kRemoveBannedWord[] =
    "DELETE FROM tenant_banned_words WHERE tenant_id = :tenant_id AND folded = :folded";
constexpr char kListBannedWords[] =
    "SELECT word FROM tenant_banned_words WHERE tenant_id = :tenant_id ORDER BY folded";

// Binds the columns of SECINFO_TENANT_SELECT, in order.
Query& IntoTenant(Query& q, Tenant& t) {
  return q.Into(t.id).Into(t.name).Into(t.domain).Into(t.default_locale).Into(t.default_region);
}

// The tenant selected by `query`, whose one placeholder takes `key`.
template <typename Key>
Result<Tenant> GetOne(Db& db, const char* query, const Key& key, std::string_view what) {
  return db.Read(what, [&](soci::session& session) -> Result<Tenant> {
    Tenant t;
    Query q(session, query);
    IntoTenant(q, t).Use(key);
    if (!q.Run()) return Status::NotFound(std::string(what) + ": no such tenant");
    return t;
  });
}

}  // namespace

Result<int64_t> SqlTenantStore::Create(const Tenant& t) {
  return db_.Write("create tenant", [&](soci::session& session) -> Result<int64_t> {
    int64_t id = 0;
    Query(session, kInsertTenant)
        .Use(t.name)
        .Use(t.domain)
        .Use(t.default_locale)
        .Use(t.default_region)
        .Into(id)
        .Run();
    return id;
  });
}

Result<Tenant> SqlTenantStore::Get(int64_t id) { return GetOne(db_, kGetTenant, id, "get tenant"); }

Result<Tenant> SqlTenantStore::FindByDomain(std::string_view domain) {
  return GetOne(db_, kFindTenantByDomain, std::string(domain), "find tenant by domain");
}

Result<std::vector<Tenant>> SqlTenantStore::List() {
  return db_.Read("list tenants", [&](soci::session& session) -> Result<std::vector<Tenant>> {
    std::vector<Tenant> out;
    Tenant t;
    Query q(session, kListTenants);
    IntoTenant(q, t);
    for (bool row = q.Run(); row; row = q.Next()) out.push_back(t);
    return out;
  });
}

Result<std::vector<MethodSwitch>> SqlTenantStore::GetMethodSwitches(int64_t tenant_id) {
  using Switches = std::vector<MethodSwitch>;
  return db_.Read("get method switches", [&](soci::session& session) -> Result<Switches> {
    Switches out;
    std::string method;
    int enabled = 0, mfa = 0, sspr = 0;
    Query q(session, kListSwitches);
    q.Into(method).Into(enabled).Into(mfa).Into(sspr).Use(tenant_id);
    for (bool row = q.Run(); row; row = q.Next()) {
      out.push_back({method, enabled != 0, mfa != 0, sspr != 0});
    }
    return out;
  });
}

Status SqlTenantStore::SetMethodSwitch(int64_t tenant_id, const MethodSwitch& s) {
  return db_.Write("set method switch", [&](soci::session& session) {
    int enabled = s.enabled ? 1 : 0, mfa = s.mfa ? 1 : 0, sspr = s.sspr ? 1 : 0;
    Query(session, kUpsertSwitch)
        .Use(tenant_id)
        .Use(s.method)
        .Use(enabled)
        .Use(mfa)
        .Use(sspr)
        .Run();
    return Status::Ok();
  });
}

Result<TollFraudPolicy> SqlTenantStore::GetTollFraudPolicy(int64_t tenant_id) {
  return db_.Read("get toll-fraud policy", [&](soci::session& session) -> Result<TollFraudPolicy> {
    TollFraudPolicy p;
    std::string countries, refused;
    Query q(session, kGetTollFraud);
    q.Into(countries)
        .Into(refused)
        .Into(p.per_user_hour)
        .Into(p.per_ip_hour)
        .Into(p.per_tenant_hour)
        .Into(p.per_country_hour)
        .Use(tenant_id);
    if (!q.Run()) return TollFraudPolicy{};
    p.countries = SplitLines(countries);
    p.refused_types = SplitLines(refused);
    return p;
  });
}

Status SqlTenantStore::SetTollFraudPolicy(int64_t tenant_id, const TollFraudPolicy& p) {
  return db_.Write("set toll-fraud policy", [&](soci::session& session) {
    std::string countries = JoinLines(p.countries), refused = JoinLines(p.refused_types);
    Query(session, kUpsertTollFraud)
        .Use(tenant_id)
        .Use(countries)
        .Use(refused)
        .Use(p.per_user_hour)
        .Use(p.per_ip_hour)
        .Use(p.per_tenant_hour)
        .Use(p.per_country_hour)
        .Run();
    return Status::Ok();
  });
}

Status SqlTenantStore::AddBannedWord(int64_t tenant_id, std::string_view folded,
                                     std::string_view word) {
  return db_.Write("add banned word", [&](soci::session& session) {
    const std::string f(folded), w(word);
    Query(session, kAddBannedWord).Use(tenant_id).Use(f).Use(w).Run();
    return Status::Ok();
  });
}

Status SqlTenantStore::RemoveBannedWord(int64_t tenant_id, std::string_view folded) {
  return db_.Write("remove banned word", [&](soci::session& session) {
    const std::string f(folded);
    Query q(session, kRemoveBannedWord);
    q.Use(tenant_id).Use(f).Run();
    if (q.AffectedRows() == 0) return Status::NotFound("remove banned word: not listed");
    return Status::Ok();
  });
}

Result<std::vector<std::string>> SqlTenantStore::ListBannedWords(int64_t tenant_id) {
  using Words = std::vector<std::string>;
  return db_.Read("list banned words", [&](soci::session& session) -> Result<Words> {
    Words out;
    std::string word;
    Query q(session, kListBannedWords);
    q.Into(word).Use(tenant_id);
    for (bool row = q.Run(); row; row = q.Next()) out.push_back(word);
    return out;
  });
}

}  // namespace secinfo::store::sql
