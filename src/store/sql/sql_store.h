#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/store.h"

// The SQL implementation of the store (SOCI). SQLite is built in; the queries are portable so a
// PostgreSQL backend can be added with its own migrations/postgresql/ files.
namespace secinfo::store {

struct SqlStoreOptions {
  // "sqlite3". ("postgresql" is reserved for the multi-node deployment and not built in yet.)
  std::string backend = "sqlite3";
  // For sqlite3: a file path such as "data/secinfo.db"; the file and its parent directories are
  // created if missing. Several processes may open the same file.
  std::string connection;
  // Database sessions shared by all threads; a call waits for a free one.
  int pool_size = 4;
  // Apply pending migrations on open. When false, opening fails with FailedPrecondition while
  // migrations are pending (run `secinfo migrate`).
  bool migrate = true;
};

// Opens the database, prepares every session (SQLite: WAL, busy_timeout 5000 ms, foreign keys,
// synchronous=NORMAL) and, per `options.migrate`, applies pending migrations.
// InvalidArgument for bad options, Unavailable when the database cannot be opened.
// The returned store is thread-safe and owns its connections.
Result<std::unique_ptr<Store>> OpenSqlStore(const SqlStoreOptions& options);

// Applies the migrations embedded in the binary that the database has not recorded yet, each in its
// own transaction, and returns their versions ("001_initial", ...) in the order applied; empty when
// the schema is up to date. Safe when several processes run it at once: each migration is applied
// exactly once. `options.pool_size` and `options.migrate` are ignored.
Result<std::vector<std::string>> ApplyMigrations(const SqlStoreOptions& options);

}  // namespace secinfo::store
