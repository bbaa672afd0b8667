#include "store/sql/stores.h"

namespace secinfo::store::sql {
namespace {

#define SECINFO_METHOD_SELECT \
  "SELECT id, user_id, kind, phone_type, phone_e164, created_at FROM methods "
// Oldest first: the order of the Security info page, and the order the default falls back in.
constexpr char kListMethods[] =
    SECINFO_METHOD_SELECT "WHERE user_id = :user_id ORDER BY created_at, id";
constexpr char kGetMethod[] = SECINFO_METHOD_SELECT "WHERE id = :id AND user_id = :user_id";
#undef SECINFO_METHOD_SELECT
constexpr char kGetDefaultMethod[] = "SELECT default_method_id FROM users WHERE id = :id";
constexpr char kDeleteMethod[] = "DELETE FROM methods WHERE id = :id AND user_id = :user_id";
constexpr char kOldestMethod[] =
    "SELECT id FROM methods WHERE user_id = :user_id ORDER BY created_at, id LIMIT 1";
constexpr char kSetDefaultMethod[] =
    "UPDATE users SET default_method_id = :method_id WHERE id = :id";

Query& IntoMethod(Query& q, Method& m) {
  return q.Into(m.id)
      .Into(m.user_id)
      .Into(m.kind)
      .Into(m.phone_type)
      .Into(m.phone_e164)
      .Into(m.created_at);
}

}  // namespace

Result<std::vector<Method>> SqlMethodStore::ListForUser(int64_t user_id) {
  return db_.Read("list methods", [&](soci::session& session) -> Result<std::vector<Method>> {
    std::vector<Method> out;
    Method m;
    Query q(session, kListMethods);
    IntoMethod(q, m).Use(user_id);
    for (bool row = q.Run(); row; row = q.Next()) out.push_back(m);
    return out;
  });
}

Result<Method> SqlMethodStore::Get(int64_t user_id, int64_t method_id) {
  return db_.Read("get method", [&](soci::session& session) -> Result<Method> {
    Method m;
    Query q(session, kGetMethod);
    IntoMethod(q, m).Use(method_id).Use(user_id);
    if (!q.Run()) return Status::NotFound("get method: no such method for the user");
    return m;
  });
}

Status SqlMethodStore::Delete(int64_t user_id, int64_t method_id) {
  return db_.Write("delete method", [&](soci::session& session) {
    // Read the default before deleting: the foreign key clears it when the method goes.
    NullableIntColumn default_method;
    if (!Query(session, kGetDefaultMethod)
             .Into(default_method.value, default_method.ind)
             .Use(user_id)
             .Run()) {
      return Status::NotFound("delete method: no such user");
    }
    Query del(session, kDeleteMethod);
    del.Use(method_id).Use(user_id).Run();
    if (del.AffectedRows() == 0) {
      return Status::NotFound("delete method: no such method for the user");
    }
    if (default_method.get() != method_id) return Status::Ok();

    int64_t oldest = 0;
    bool any_left = Query(session, kOldestMethod).Into(oldest).Use(user_id).Run();
    NullableInt next(any_left ? std::optional<int64_t>(oldest) : std::nullopt);
    Query(session, kSetDefaultMethod).Use(next.value, next.ind).Use(user_id).Run();
    return Status::Ok();
  });
}

}  // namespace secinfo::store::sql
