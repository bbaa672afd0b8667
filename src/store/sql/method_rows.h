#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/sql/db.h"
#include "store/types.h"

// Method rows shared by the stores that create methods (the method store itself, and call
// attempts and code challenges that create one when confirmed). Call inside a write transaction.
namespace secinfo::store::sql {

// A query over methods and their keys selects SECINFO_METHOD_COLUMNS FROM
// SECINFO_METHODS_WITH_KEYS: a method's columns and one of its keys (NULL when it has none), one
// row per key. It orders by method (then k.key), so that a method's rows come together.
#define SECINFO_METHOD_COLUMNS \
  "m.id, m.user_id, m.kind, m.data, m.secret, m.counter, m.created_at, k.key"
#define SECINFO_METHODS_WITH_KEYS "methods m LEFT JOIN method_keys k ON k.method_id = m.id"

// The methods of a query over SECINFO_METHOD_COLUMNS FROM SECINFO_METHODS_WITH_KEYS.
class MethodRows {
 public:
  // Binds the columns; bind the query's values after.
  Query& Bind(Query& q);
  // Runs `q` and gathers its rows: the methods in the query's order, each with its keys. A method
  // whose kind is not one this build knows (a row written by a newer version) is left out, never
  // shown or used.
  std::vector<Method> ReadAll(Query& q);

 private:
  Method row_;
  std::string kind_;
  std::string key_;
  soci::indicator key_ind_ = soci::i_null;
};

// Serialises the transactions that read a user's methods or default and then change them (replace,
// delete, set the default), so that each one sees the others' commits, on any node. SQLite's
// BEGIN IMMEDIATE already holds the one write lock; on PostgreSQL (READ COMMITTED) this locks the
// user's row until the transaction ends. FOR NO KEY UPDATE, not FOR UPDATE: inserting a row that
// refers to the user (a method, a session) takes only a key-share lock, which it does not block.
// NotFound when the user does not exist.
Status LockUserTx(soci::session& session, Dialect dialect, int64_t user_id);

// Whether method `method_id` exists and is `user_id`'s.
bool IsUsersMethodTx(soci::session& session, int64_t method_id, int64_t user_id);

// Locks the user (LockUserTx), deletes `replaces` (NotFound unless it is `m.user_id`'s), inserts
// `m` and makes it the user's default when the user has none and its kind can be one
// (methods::CanBeDefault) (a replaced default is thus inherited), with its keys. A key the user's
// other methods hold throws (the primary key of method_keys), and Db::Write turns it into
// AlreadyExists.
Result<int64_t> InsertMethodTx(soci::session& session, Dialect dialect, const Method& m,
                               std::optional<int64_t> replaces);

// Replaces the keys of method `method_id` of `user_id` with `keys` (AlreadyExists as above).
void PutMethodKeysTx(soci::session& session, int64_t method_id, int64_t user_id,
                     const std::vector<std::string>& keys);

}  // namespace secinfo::store::sql
