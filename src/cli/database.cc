#include "cli/database.h"

#include <filesystem>

#include "core/private_files.h"

namespace secinfo::cli {

store::SqlStoreOptions StoreOptions(const Config& c) {
  store::SqlStoreOptions o;
  o.backend = c.database.backend;
  o.connection = c.database.connection;
  o.pool_size = static_cast<int>(c.database.pool_size);
  return o;
}

void EnsureParentDir(const std::string& path) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) CreatePrivateDirectories(parent.string());  // errors show at first use
}

Result<std::unique_ptr<store::Store>> OpenStore(const Config& config) {
  EnsureParentDir(config.database.connection);
  return store::OpenSqlStore(StoreOptions(config));
}

}  // namespace secinfo::cli
