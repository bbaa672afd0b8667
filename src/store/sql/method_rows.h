#pragma once

#include <optional>
#include <string>

#include "store/sql/db.h"
#include "store/types.h"

// Method rows shared by the stores that create methods (the method store itself, and call
// attempts and code challenges that create one when confirmed). Call inside a write transaction.
namespace secinfo::store::sql {

// The columns of a methods row, in the order MethodRow reads them.
#define SECINFO_METHOD_COLUMNS                                                             \
  "id, user_id, kind, phone_type, phone_e164, email, name, secret, public_key, device_id," \
  " last_used_step, created_at"

// A methods row on its way out of a query over SECINFO_METHOD_COLUMNS.
class MethodRow {
 public:
  Query& Bind(Query& q);
  // The method of the row fetched last; nullopt when its kind is not one this build knows (a row
  // written by a newer version): it is left alone, never shown or used.
  std::optional<Method> Get() const;

 private:
  Method method_;
  std::string kind_;
};

// Serialises the transactions that read a user's methods or default and then change them (replace,
// delete, set the default), so that each one sees the others' commits, on any node. SQLite's
// BEGIN IMMEDIATE already holds the one write lock; on PostgreSQL (READ COMMITTED) this locks the
// user's row until the transaction ends. FOR NO KEY UPDATE, not FOR UPDATE: inserting a row that
// refers to the user (a method, a session) takes only a key-share lock, which it does not block.
// NotFound when the user does not exist.
Status LockUserTx(soci::session& session, Dialect dialect, int64_t user_id);

// Locks the user (LockUserTx), deletes `replaces` (NotFound unless it is `m.user_id`'s), inserts
// `m` and makes it the user's default when the user has none and its kind can be one
// (methods::CanBeDefault) (a replaced default is thus inherited). The uniqueness rules are the
// schema's unique indexes: a clash throws, and Db::Write turns it into AlreadyExists.
Result<int64_t> InsertMethodTx(soci::session& session, Dialect dialect, const Method& m,
                               std::optional<int64_t> replaces);

}  // namespace secinfo::store::sql
