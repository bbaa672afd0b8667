#include "store/sql/migrations.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace secinfo::store::sql
