#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/result.h"
#include "store/sql/sql_store.h"

namespace secinfo::cli {

// The store settings of `config`.
store::SqlStoreOptions StoreOptions(const Config& config);

// Creates the folder that holds `path` (the SQLite file, the key file) if it is missing.
void EnsureParentDir(const std::string& path);

// The database for a log line: the SQLite file, or only "postgresql" (its connection string may
// hold a password).
std::string DatabaseForLog(const Config& config);

// A folder for files the server writes beside its data (the demo's credentials): the SQLite
// file's, or the key file's with PostgreSQL.
std::string DataDir(const Config& config);

// Applies pending migrations (`secinfo migrate`): safe from several nodes at once.
Result<std::vector<std::string>> Migrate(const Config& config);

// Opens the database `config` names, applying pending migrations.
Result<std::unique_ptr<store::Store>> OpenStore(const Config& config);

}  // namespace secinfo::cli
