#include "methods/registry.h"
#include "store/sql/method_rows.h"
#include "store/sql/stores.h"

namespace secinfo::store::sql {
namespace {

#define SECINFO_METHOD_SELECT "SELECT " SECINFO_METHOD_COLUMNS " FROM methods "
// Oldest first: the order of the Security info page, and the order the default falls back in.
constexpr char kListMethods[] =
    SECINFO_METHOD_SELECT "WHERE user_id = :user_id ORDER BY created_at, id";
constexpr char kGetMethod[] = SECINFO_METHOD_SELECT "WHERE id = :id AND user_id = :user_id";
#undef SECINFO_METHOD_SELECT
constexpr char kGetDefaultMethod[] = "SELECT default_method_id FROM users WHERE id = :id";
constexpr char kDeleteMethod[] = "DELETE FROM methods WHERE id = :id AND user_id = :user_id";
constexpr char kMethodKinds[] =
    "SELECT id, kind FROM methods WHERE user_id = :user_id ORDER BY created_at, id";
constexpr char kUpdateMethod[] =
    "UPDATE methods SET phone_type = :phone_type, phone_e164 = :phone_e164, email = :email,"
    " name = :name, secret = :secret, public_key = :public_key, device_id = :device_id,"
    " last_used_step = :last_used_step"
    " WHERE id = :id AND user_id = :user_id";
constexpr char kAdvanceStep[] =
    "UPDATE methods SET last_used_step = :step"
    " WHERE id = :id AND user_id = :user_id AND last_used_step < :step2";
// A default that moves to another method proves the way that method offers first.
constexpr char kSetDefaultMethod[] =
    "UPDATE users SET default_method_id = :method_id, default_proof = '' WHERE id = :id";
constexpr char kAnySealedSecret[] =
    "SELECT secret FROM methods WHERE secret <> ''"
    " UNION ALL SELECT secret FROM app_enrolments WHERE secret <> '' LIMIT 1";

}  // namespace

Result<std::vector<Method>> SqlMethodStore::ListForUser(int64_t user_id) {
  return db_.Read("list methods", [&](soci::session& session) -> Result<std::vector<Method>> {
    std::vector<Method> out;
    MethodRow row;
    Query q(session, kListMethods);
    row.Bind(q).Use(user_id);
    for (bool more = q.Run(); more; more = q.Next()) {
      if (std::optional<Method> m = row.Get()) out.push_back(std::move(*m));
    }
    return out;
  });
}

Result<Method> SqlMethodStore::Get(int64_t user_id, int64_t method_id) {
  return db_.Read("get method", [&](soci::session& session) -> Result<Method> {
    MethodRow row;
    Query q(session, kGetMethod);
    row.Bind(q).Use(method_id).Use(user_id);
    std::optional<Method> m = q.Run() ? row.Get() : std::nullopt;
    if (!m) return Status::NotFound("get method: no such method for the user");
    return *m;
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
    q.Use(m.phone_type)
        .Use(m.phone_e164)
        .Use(m.email)
        .Use(m.name)
        .Use(m.secret)
        .Use(m.public_key)
        .Use(m.device_id)
        .Use(m.last_used_step)
        .Use(m.id)
        .Use(m.user_id)
        .Run();
    return q.AffectedRows() == 1 ? Status::Ok() : Status::NotFound("update method: no such method");
  });
}

Status SqlMethodStore::AdvanceLastUsedStep(int64_t user_id, int64_t method_id, int64_t step) {
  return db_.Write("advance last used step", [&](soci::session& session) {
    Query q(session, kAdvanceStep);
    q.Use(step).Use(method_id).Use(user_id).Use(step).Run();
    if (q.AffectedRows() == 1) return Status::Ok();
    MethodRow row;
    Query get(session, kGetMethod);
    row.Bind(get).Use(method_id).Use(user_id);
    if (!get.Run()) return Status::NotFound("advance last used step: no such method");
    return Status::FailedPrecondition("advance last used step: step already used");
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
