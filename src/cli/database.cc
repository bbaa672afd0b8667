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

namespace {

bool IsSqlite(const Config& config) { return config.database.backend == "sqlite3"; }

}  // namespace

std::string DatabaseForLog(const Config& config) {
  return IsSqlite(config) ? config.database.connection : config.database.backend;
}

std::string DataDir(const Config& config) {
  const std::string& file =
      IsSqlite(config) ? config.database.connection : config.security.key_file;
  return std::filesystem::path(file).parent_path().string();
}

Result<std::vector<std::string>> Migrate(const Config& config) {
  if (IsSqlite(config)) EnsureParentDir(config.database.connection);
  return store::ApplyMigrations(StoreOptions(config));
}

Result<std::unique_ptr<store::Store>> OpenStore(const Config& config) {
  if (IsSqlite(config)) EnsureParentDir(config.database.connection);
  return store::OpenSqlStore(StoreOptions(config));
}

}  // namespace secinfo::cli
