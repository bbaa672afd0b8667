#pragma once

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/store.h"

// The SQL implementation of the store (SOCI) on SQLite or PostgreSQL: the same statements, and the
// same numbered migrations in each dialect (migrations/sqlite/, migrations/postgresql/).
namespace secinfo::store {

struct SqlStoreOptions {
  // "sqlite3" (one machine) or "postgresql" (several nodes on one database).
  std::string backend = "sqlite3";
  // For sqlite3: a file path such as "data/secinfo.db"; the file and its parent directories are
  // created if missing. Several processes may open the same file. For postgresql: a libpq
  // connection string ("host=db.example dbname=secinfo user=secinfo" or a postgresql:// URI).
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

// How many rows of a table a tenant's export or import moved.
struct TransferCount {
  std::string table;
  int64_t rows = 0;
};

// Writes the tenant with `domain` as JSON lines: a header {"secinfo_export": 1, "tenant",
// "schema"} then one {"table", "row"} per row, tables in the order an import needs, every column
// (greetings' audio in hexadecimal; sealed secrets as sealed: the importing nodes need the same
// key file). Rate-limit counters, used poll signatures and the simulated network are left out.
// NotFound for an unknown domain.
Result<std::vector<TransferCount>> ExportTenant(const SqlStoreOptions& options,
                                                std::string_view domain, std::ostream& out);

// Inserts what ExportTenant wrote, in one transaction: ids are kept, so a database already using
// one of them refuses the import (AlreadyExists) and keeps nothing of it. The export's schema
// version must be this database's (FailedPrecondition otherwise); bad input is InvalidArgument.
Result<std::vector<TransferCount>> ImportTenant(const SqlStoreOptions& options, std::istream& in);

}  // namespace secinfo::store
