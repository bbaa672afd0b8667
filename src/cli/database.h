#pragma once

#include <memory>

#include "core/config.h"
#include "core/result.h"
#include "store/sql/sql_store.h"

namespace secinfo::cli {

// The store settings of `config`.
store::SqlStoreOptions StoreOptions(const Config& config);

// Creates the folder that holds `path` (the SQLite file, the key file) if it is missing.
void EnsureParentDir(const std::string& path);

// Opens the database `config` names, applying pending migrations.
Result<std::unique_ptr<store::Store>> OpenStore(const Config& config);

}  // namespace secinfo::cli
