#include "methods/registry.h"
#include "store/sql/method_rows.h"
#include "store/sql/stores.h"

namespace secinfo::store::sql {
namespace {

#define SECINFO_METHOD_SELECT "SELECT " SECINFO_METHOD_COLUMNS " FROM " SECINFO_METHODS_WITH_KEYS
// Oldest first: the order of the Security info page, and the order the default falls back in.
constexpr char kListMethods[] =
    SECINFO_METHOD_SELECT " WHERE m.user_id = :user_id ORDER BY m.created_at, m.id, k.key";
constexpr char kGetMethod[] =
    SECINFO_METHOD_SELECT " WHERE m.id = :id AND m.user_id = :user_id ORDER BY k.key";
constexpr char kFindByKey[] = SECINFO_METHOD_SELECT
    " WHERE m.id = (SELECT MIN(method_id) FROM method_keys WHERE key = :key) ORDER BY k.key";
#undef SECINFO_METHOD_SELECT
constexpr char kGetDefaultMethod[] = "SELECT default_method_id FROM users WHERE id = :id";
constexpr char kDeleteMethod[] = "DELETE FROM methods WHERE id = :id AND user_id = :user_id";
constexpr char kMethodKinds[] =
    "SELECT id, kind FROM methods WHERE user_id = :user_id ORDER BY created_at, id";
constexpr char kUpdateMethod[] =
    "UPDATE methods SET data = :data, secret = :secret WHERE id = :id AND user_id = :user_id";
constexpr char kAdvanceCounter[] =
    "UPDATE methods SET counter = :counter"
    " WHERE id = :id AND user_id = :user_id AND counter < :counter2";
// A default that moves to another method proves the way that method offers first.
constexpr char kSetDefaultMethod[] =
    "UPDATE users SET default_method_id = :method_id, default_proof = '' WHERE id = :id";
constexpr char kAnySealedSecret[] =
    "SELECT secret FROM methods WHERE secret <> ''"
    " UNION ALL SELECT secret FROM app_enrolments WHERE secret <> '' LIMIT 1";

}  // namespace

Result<std::vector<Method>> SqlMethodStore::ListForUser(int64_t user_id) {
  return db_.Read("list methods", [&](soci::session& session) -> Result<std::vector<Method>> {
    MethodRows rows;
    Query q(session, kListMethods);
    rows.Bind(q).Use(user_id);
    return rows.ReadAll(q);
  });
}

Result<Method> SqlMethodStore::Get(int64_t user_id, int64_t method_id) {
  return db_.Read("get method", [&](soci::session& session) -> Result<Method> {
    MethodRows rows;
    Query q(session, kGetMethod);
    rows.Bind(q).Use(method_id).Use(user_id);
    std::vector<Method> found = rows.ReadAll(q);
    if (found.empty()) return Status::NotFound("get method: no such method for the user");
    return std::move(found.front());
  });
}

Result<Method> SqlMethodStore::FindByKey(std::string_view key) {
  return db_.Read("find method by key", [&](soci::session& session) -> Result<Method> {
    std::string k(key);
    MethodRows rows;
    Query q(session, kFindByKey);
    rows.Bind(q).Use(k);
    std::vector<Method> found = rows.ReadAll(q);
    if (found.empty()) return Status::NotFound("find method: no method holds the key");
    return std::move(found.front());
  });
}

Status SqlMethodStore::Delete(int64_t user_id, int64_t method_id) {
  return db_.Write("delete method", [&](soci::session& session) {
    if (!LockUserTx(session, db_.dialect(), user_id).ok()) {
      return Status::NotFound("delete method: no such user");
    }
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

    // The oldest remaining method whose kind can be a default (the registry says which).
    std::optional<int64_t> oldest;
    int64_t id = 0;
    std::string kind;
    Query left(session, kMethodKinds);
    left.Into(id).Into(kind).Use(user_id);
    for (bool row = left.Run(); row && !oldest; row = left.Next()) {
      if (methods::CanBeDefault(kind)) oldest = id;
    }
    NullableInt next(oldest);
    Query(session, kSetDefaultMethod).Use(next.value, next.ind).Use(user_id).Run();
    return Status::Ok();
  });
}

Result<int64_t> SqlMethodStore::Create(const Method& m) {
  return db_.Write("create method", [&](soci::session& session) {
    return InsertMethodTx(session, db_.dialect(), m, std::nullopt);
  });
}

Status SqlMethodStore::Update(const Method& m) {
  return db_.Write("update method", [&](soci::session& session) {
    Query q(session, kUpdateMethod);
    q.Use(m.data).Use(m.secret).Use(m.id).Use(m.user_id).Run();
    if (q.AffectedRows() != 1) return Status::NotFound("update method: no such method");
    PutMethodKeysTx(session, m.id, m.user_id, m.keys);
    return Status::Ok();
  });
}

Status SqlMethodStore::AdvanceCounter(int64_t user_id, int64_t method_id, int64_t counter) {
  return db_.Write("advance method counter", [&](soci::session& session) {
    Query q(session, kAdvanceCounter);
    q.Use(counter).Use(method_id).Use(user_id).Use(counter).Run();
    if (q.AffectedRows() == 1) return Status::Ok();
    if (!IsUsersMethodTx(session, method_id, user_id))
      return Status::NotFound("advance method counter: no such method");
    return Status::FailedPrecondition("advance method counter: counter already used");
  });
}

Result<std::optional<std::string>> SqlMethodStore::AnySealedSecret() {
  using Secret = std::optional<std::string>;
  return db_.Read("find a sealed secret", [&](soci::session& session) -> Result<Secret> {
    std::string secret;
    if (!Query(session, kAnySealedSecret).Into(secret).Run()) return Secret();
    return Secret(std::move(secret));
  });
}

}  // namespace secinfo::store::sql
