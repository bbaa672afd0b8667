#include "store/sql/method_rows.h"
#include "store/sql/stores.h"

namespace secinfo::store::sql {
namespace {

#define SECINFO_USER_SELECT                                                                  \
  "SELECT id, tenant_id, username, display_name, password_hash, locale, default_method_id, " \
  "is_admin, created_at, registration_skips, must_change_password, default_proof FROM users "
constexpr char kInsertUser[] =
    "INSERT INTO users (tenant_id, username, display_name, password_hash, locale,"
    " default_method_id, is_admin, created_at)"
    " VALUES (:tenant_id, :username, :display_name, :password_hash, :locale,"
    " :default_method_id, :is_admin, :created_at) RETURNING id";
constexpr char kGetUser[] = SECINFO_USER_SELECT "WHERE id = :id";
constexpr char kFindUserByUsername[] = SECINFO_USER_SELECT "WHERE username = :username";
constexpr char kListUsersForTenant[] =
    SECINFO_USER_SELECT "WHERE tenant_id = :tenant_id ORDER BY username";
#undef SECINFO_USER_SELECT
constexpr char kSetPasswordHash[] = "UPDATE users SET password_hash = :hash WHERE id = :id";
constexpr char kSetPassword[] =
    "UPDATE users SET password_hash = :hash, must_change_password = :must_change WHERE id = :id";
constexpr char kSetLocale[] = "UPDATE users SET locale = :locale WHERE id = :id";
constexpr char kCountUserMethod[] =
    "SELECT COUNT(*) FROM methods WHERE id = :method_id AND user_id = :user_id";
constexpr char kSetDefaultMethod[] =
    "UPDATE users SET default_method_id = :method_id, default_proof = :proof WHERE id = :id";
constexpr char kCountSkip[] =
    "UPDATE users SET registration_skips = registration_skips + 1"
    " WHERE id = :id AND registration_skips < :max";

// A users row on its way out: the columns of SECINFO_USER_SELECT.
struct UserRow {
  User user;
  NullableIntColumn default_method_id;
  int is_admin = 0;
  int must_change_password = 0;

  Query& Bind(Query& q) {
    return q.Into(user.id)
        .Into(user.tenant_id)
        .Into(user.username)
        .Into(user.display_name)
        .Into(user.password_hash)
        .Into(user.locale)
        .Into(default_method_id.value, default_method_id.ind)
        .Into(is_admin)
        .Into(user.created_at)
        .Into(user.registration_skips)
        .Into(must_change_password)
        .Into(user.default_proof);
  }
  User Get() const {
    User u = user;
    u.default_method_id = default_method_id.get();
    u.is_admin = is_admin != 0;
    u.must_change_password = must_change_password != 0;
    return u;
  }
};

template <typename Key>
Result<User> GetOne(Db& db, const char* query, const Key& key, std::string_view what) {
  return db.Read(what, [&](soci::session& session) -> Result<User> {
    UserRow row;
    Query q(session, query);
    row.Bind(q).Use(key);
    if (!q.Run()) return Status::NotFound(std::string(what) + ": no such user");
    return row.Get();
  });
}

// Runs a one-column UPDATE of a user; NotFound when the user does not exist.
Status UpdateUser(Db& db, const char* query, const std::string& value, int64_t user_id,
                  std::string_view what) {
  return db.Write(what, [&](soci::session& session) {
    Query q(session, query);
    q.Use(value).Use(user_id).Run();
    if (q.AffectedRows() == 0) return Status::NotFound(std::string(what) + ": no such user");
    return Status::Ok();
  });
}

}  // namespace

Result<int64_t> SqlUserStore::Create(const User& u) {
  return db_.Write("create user", [&](soci::session& session) -> Result<int64_t> {
    NullableInt default_method(u.default_method_id);
    int is_admin = u.is_admin ? 1 : 0;
    int64_t id = 0;
    Query(session, kInsertUser)
        .Use(u.tenant_id)
        .Use(u.username)
        .Use(u.display_name)
        .Use(u.password_hash)
        .Use(u.locale)
        .Use(default_method.value, default_method.ind)
        .Use(is_admin)
        .Use(u.created_at)
        .Into(id)
        .Run();
    return id;
  });
}

Result<User> SqlUserStore::Get(int64_t id) { return GetOne(db_, kGetUser, id, "get user"); }

Result<User> SqlUserStore::FindByUsername(std::string_view username) {
  return GetOne(db_, kFindUserByUsername, std::string(username), "find user by username");
}

Result<std::vector<User>> SqlUserStore::ListForTenant(int64_t tenant_id) {
  return db_.Read("list users", [&](soci::session& session) -> Result<std::vector<User>> {
    std::vector<User> out;
    UserRow row;
    Query q(session, kListUsersForTenant);
    row.Bind(q).Use(tenant_id);
    for (bool more = q.Run(); more; more = q.Next()) out.push_back(row.Get());
    return out;
  });
}

Status SqlUserStore::SetPasswordHash(int64_t user_id, std::string_view hash) {
  return UpdateUser(db_, kSetPasswordHash, std::string(hash), user_id, "set password hash");
}

Status SqlUserStore::SetPassword(int64_t user_id, std::string_view hash, bool must_change) {
  return db_.Write("set password", [&](soci::session& session) {
    const std::string h(hash);
    int flag = must_change ? 1 : 0;
    Query q(session, kSetPassword);
    q.Use(h).Use(flag).Use(user_id).Run();
    if (q.AffectedRows() == 0) return Status::NotFound("set password: no such user");
    return Status::Ok();
  });
}

Status SqlUserStore::SetLocale(int64_t user_id, std::string_view locale) {
  return UpdateUser(db_, kSetLocale, std::string(locale), user_id, "set locale");
}

Status SqlUserStore::SetDefaultMethod(int64_t user_id, std::optional<int64_t> method_id,
                                      std::string_view proof) {
  return db_.Write("set default method", [&](soci::session& session) {
    if (!LockUserTx(session, db_.dialect(), user_id).ok()) {
      return Status::NotFound("set default method: no such user");
    }
    if (method_id) {
      int64_t count = 0;
      Query(session, kCountUserMethod).Into(count).Use(*method_id).Use(user_id).Run();
      if (count == 0) return Status::NotFound("set default method: no such method for the user");
    }
    NullableInt method(method_id);
    const std::string proof_name(method_id ? proof : "");
    Query q(session, kSetDefaultMethod);
    q.Use(method.value, method.ind).Use(proof_name).Use(user_id).Run();
    if (q.AffectedRows() == 0) return Status::NotFound("set default method: no such user");
    return Status::Ok();
  });
}

Result<bool> SqlUserStore::CountRegistrationSkip(int64_t user_id, int64_t max) {
  return db_.Write("count registration skip", [&](soci::session& session) -> Result<bool> {
    Query q(session, kCountSkip);
    q.Use(user_id).Use(max).Run();
    return q.AffectedRows() > 0;
  });
}

}  // namespace secinfo::store::sql
