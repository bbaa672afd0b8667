#include "store/sql/migrations.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <tuple>

#include "store/sql/store_test_fixture.h"

namespace secinfo::store::sql {
namespace {

TEST(SplitSqlScriptTest, SplitsAtSemicolonsOutsideQuotesAndComments) {
  std::vector<std::string> statements = SplitSqlScript(
      "-- a comment; with a semicolon\n"
      "CREATE TABLE t (a TEXT DEFAULT 'x;y'); -- trailing\n"
      "\n"
      "CREATE INDEX i ON t (a) WHERE a <> '';\n"
      "  ;\n"
      "INSERT INTO \"odd;name\" VALUES ('it''s')");
  ASSERT_EQ(statements.size(), 3u);
  EXPECT_EQ(statements[0], "\nCREATE TABLE t (a TEXT DEFAULT 'x;y')");
  EXPECT_EQ(statements[1], " \n\nCREATE INDEX i ON t (a) WHERE a <> ''");
  EXPECT_EQ(statements[2], "\nINSERT INTO \"odd;name\" VALUES ('it''s')");
}

TEST(EmbeddedMigrationsTest, SqliteMigrationsAreEmbeddedInOrder) {
  std::vector<Migration> migrations = EmbeddedMigrations(Dialect::kSqlite);
  ASSERT_FALSE(migrations.empty());
  EXPECT_EQ(migrations.front().version, "001_initial");
  EXPECT_NE(migrations.front().script.find("CREATE TABLE call_attempts"), std::string_view::npos);
  for (size_t i = 1; i < migrations.size(); ++i) {
    EXPECT_LT(migrations[i - 1].version, migrations[i].version);
  }
  ASSERT_GE(migrations.size(), 2u);
  EXPECT_EQ(migrations[1].version, "002_tenant_greetings");
  EXPECT_NE(migrations[1].script.find("CREATE TABLE tenant_greetings"), std::string_view::npos);
}

// Whoever adds a migration for one dialect must add its twin for the other, with the same number
// and name.
TEST(EmbeddedMigrationsTest, EveryMigrationHasAPostgresqlTwin) {
  std::vector<std::string> sqlite, postgresql;
  for (const Migration& m : EmbeddedMigrations(Dialect::kSqlite)) sqlite.push_back(m.version);
  for (const Migration& m : EmbeddedMigrations(Dialect::kPostgresql)) {
    postgresql.push_back(m.version);
  }
  ASSERT_FALSE(sqlite.empty());
  EXPECT_EQ(sqlite, postgresql) << "src/store/migrations/sqlite and postgresql differ";
}

// (table, column, nullable) of every column a migrated database has.
using Columns = std::set<std::tuple<std::string, std::string, bool>>;

constexpr char kSqliteColumns[] =
    "SELECT m.name, p.name, p.\"notnull\", p.pk FROM sqlite_master m,"
    " pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'";
constexpr char kPostgresqlColumns[] =
    "SELECT table_name, column_name, CASE WHEN is_nullable = 'NO' THEN 1 ELSE 0 END, 0"
    " FROM information_schema.columns WHERE table_schema = 'public'";

Columns MigratedColumns(const SqlStoreOptions& options, const char* query) {
  Columns out;
  Result<std::unique_ptr<Db>> db = Db::Open(options);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  if (!db.ok()) return out;
  EXPECT_TRUE(ApplyPendingMigrations(**db, EmbeddedMigrations((*db)->dialect())).ok());
  Status listed = (*db)->Read("list columns", [&](soci::session& session) {
    std::string table, column;
    int not_null = 0, primary_key = 0;
    Query q(session, query);
    q.Into(table).Into(column).Into(not_null).Into(primary_key);
    // A primary key column is NOT NULL on PostgreSQL; SQLite only says so when declared.
    for (bool row = q.Run(); row; row = q.Next()) {
      out.emplace(table, column, not_null == 0 && primary_key == 0);
    }
    return Status::Ok();
  });
  EXPECT_TRUE(listed.ok()) << listed.ToString();
  return out;
}

// The C++ reads both dialects the same way, so both must build the same tables and columns.
TEST(EmbeddedMigrationsTest, BothDialectsBuildTheSameColumns) {
  std::filesystem::path dir = test::MakeTempDir();
  ASSERT_FALSE(dir.empty());
  Columns sqlite = MigratedColumns(test::OptionsFor("sqlite3", dir), kSqliteColumns);
  Columns postgresql = MigratedColumns(test::OptionsFor("postgresql", dir), kPostgresqlColumns);
  std::filesystem::remove_all(dir);
  ASSERT_GT(sqlite.size(), 100u);
  for (const auto& c : sqlite) {
    EXPECT_TRUE(postgresql.count(c)) << "only on SQLite: " << std::get<0>(c) << "."
                                     << std::get<1>(c) << (std::get<2>(c) ? " NULL" : "");
  }
  for (const auto& c : postgresql) {
    EXPECT_TRUE(sqlite.count(c)) << "only on PostgreSQL: " << std::get<0>(c) << "."
                                 << std::get<1>(c) << (std::get<2>(c) ? " NULL" : "");
  }
}

}  // namespace
}  // namespace secinfo::store::sql
