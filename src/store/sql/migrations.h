#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/sql/db.h"

// Schema migrations: numbered SQL files per dialect (src/store/migrations/<dialect>/NNN_name.sql),
// embedded in the binary and recorded in schema_migrations once applied.
namespace secinfo::store::sql {

struct Migration {
  std::string version;      // the file name without ".sql": "001_initial"
  std::string_view script;  // the file's text
};

// The embedded migrations of a dialect, in version order.
std::vector<Migration> EmbeddedMigrations(Dialect dialect);

// Splits a migration script into statements at each ';' outside quotes and comments, dropping
// comments and empty statements. Scripts therefore cannot contain compound statements (triggers)
// nor BEGIN/COMMIT: each file already runs in one transaction.
std::vector<std::string> SplitSqlScript(std::string_view script);

// Applies pending `migrations` in order, each in its own write transaction that first checks
// schema_migrations, so concurrent callers apply each one exactly once. Returns the versions
// applied.
Result<std::vector<std::string>> ApplyPendingMigrations(Db& db,
                                                        const std::vector<Migration>& migrations);

// The versions of `migrations` not yet recorded.
Result<std::vector<std::string>> PendingMigrations(Db& db,
                                                   const std::vector<Migration>& migrations);

}  // namespace secinfo::store::sql
