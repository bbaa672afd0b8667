#include "store/sql/db.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/metrics.h"
#include "store/sql/store_test_fixture.h"

// The SQLite side of Db: statements kept prepared per session, every write on one session, the
// write-ahead log checkpointed beside the writers.
namespace secinfo::store::sql {
namespace {

class SqliteDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::MakeTempDir();
    ASSERT_FALSE(dir_.empty());
    options_.connection = (dir_ / "db.sqlite").string();
    options_.pool_size = 2;
    db_ = Open();
    ASSERT_NE(db_, nullptr);
    ASSERT_OK(db_->Write("create", [](soci::session& s) {
      Execute(s, "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)");
      return Status::Ok();
    }));
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<Db> Open() {
    Result<std::unique_ptr<Db>> db = Db::Open(options_);
    EXPECT_TRUE(db.ok()) << db.status().message();
    return db.ok() ? std::move(*db) : nullptr;
  }
  Status Insert(Db& db, int64_t id, const std::string& name) {
    return db.Write("insert", [&](soci::session& s) {
      Query(s, "INSERT INTO items (id, name) VALUES (:id, :name)").Use(id).Use(name).Run();
      return Status::Ok();
    });
  }
  // The names with an id from `from`, in order.
  std::vector<std::string> NamesFrom(Db& db, int64_t from) {
    Result<std::vector<std::string>> names =
        db.Read("names", [&](soci::session& s) -> Result<std::vector<std::string>> {
          std::vector<std::string> out;
          std::string name;
          Query q(s, "SELECT name FROM items WHERE id >= :from ORDER BY id");
          for (bool row = q.Into(name).Use(from).Run(); row; row = q.Next()) out.push_back(name);
          return out;
        });
    EXPECT_TRUE(names.ok()) << names.status().message();
    return names.ok() ? *names : std::vector<std::string>{};
  }

  std::filesystem::path dir_;
  SqlStoreOptions options_;
  std::unique_ptr<Db> db_;
};

TEST_F(SqliteDbTest, AKeptStatementRunsAgainWithEachQuerysOwnValues) {
  for (int64_t i = 1; i <= 50; ++i) ASSERT_OK(Insert(*db_, i, "item " + std::to_string(i)));
  for (int64_t from : {int64_t{48}, int64_t{50}, int64_t{51}, int64_t{1}}) {
    std::vector<std::string> names = NamesFrom(*db_, from);
    ASSERT_EQ(names.size(), static_cast<size_t>(from > 50 ? 0 : 51 - from)) << from;
    if (!names.empty()) {
      EXPECT_EQ(names.front(), "item " + std::to_string(from));
    }
  }
}

// A query whose text is already running on the session (its rows being read) gets a statement of
// its own; the outer query's rows go on unharmed.
TEST_F(SqliteDbTest, TheSameTextRunInsideItsOwnRowsRunsOnItsOwnStatement) {
  for (int64_t i = 1; i <= 3; ++i) ASSERT_OK(Insert(*db_, i, "n" + std::to_string(i)));
  Result<std::vector<std::string>> pairs =
      db_->Read("pairs", [&](soci::session& s) -> Result<std::vector<std::string>> {
        std::vector<std::string> out;
        std::string outer;
        int64_t from = 1;
        Query q(s, "SELECT name FROM items WHERE id >= :from ORDER BY id");
        for (bool row = q.Into(outer).Use(from).Run(); row; row = q.Next()) {
          std::string inner;
          int64_t last = 3;
          Query(s, "SELECT name FROM items WHERE id >= :from ORDER BY id")
              .Into(inner)
              .Use(last)
              .Run();
          out.push_back(outer + "/" + inner);
        }
        return out;
      });
  ASSERT_TRUE(pairs.ok()) << pairs.status().message();
  EXPECT_EQ(*pairs, (std::vector<std::string>{"n1/n3", "n2/n3", "n3/n3"}));
}

TEST_F(SqliteDbTest, AStatementThatFailedRunsAgain) {
  ASSERT_OK(Insert(*db_, 1, "taken"));
  EXPECT_EQ(Insert(*db_, 2, "taken").code(), Status::Code::kAlreadyExists);
  EXPECT_OK(Insert(*db_, 2, "free"));
  EXPECT_EQ(NamesFrom(*db_, 1), (std::vector<std::string>{"taken", "free"}));
}

// A SELECT whose rows were not all read ends with its Query: a kept statement left running would
// keep its session's read transaction, and so an old snapshot, open.
TEST_F(SqliteDbTest, ASelectLeftUnfinishedKeepsNoOldSnapshot) {
  for (int64_t i = 1; i <= 3; ++i) ASSERT_OK(Insert(*db_, i, "n" + std::to_string(i)));
  std::unique_ptr<Db> other = Open();
  ASSERT_NE(other, nullptr);
  for (int round = 0; round < 4; ++round) {  // whichever pooled session each read lands on
    Result<std::string> first = db_->Read("first", [&](soci::session& s) -> Result<std::string> {
      std::string name;
      int64_t from = 1;
      Query(s, "SELECT name FROM items WHERE id >= :from ORDER BY id").Into(name).Use(from).Run();
      return name;
    });
    ASSERT_TRUE(first.ok());
    EXPECT_EQ(*first, "n1");
  }
  ASSERT_OK(Insert(*other, 4, "from the other node"));
  for (int round = 0; round < 4; ++round) {
    EXPECT_EQ(NamesFrom(*db_, 4), (std::vector<std::string>{"from the other node"})) << round;
  }
}

// Once the log holds more than the checkpoint threshold, its pages reach the database file. The
// writer only checkpoints itself far beyond this log's size: the checkpointer's thread did it.
TEST_F(SqliteDbTest, TheLogIsCheckpointedBesideTheWriters) {
  const std::string db_file = options_.connection;
  const auto before = std::filesystem::file_size(db_file);
  const std::string filler(3000, 'x');
  for (int64_t i = 1; i <= 1600; ++i) {  // about 5 MiB of log, 1,000 pages being the threshold
    ASSERT_OK(Insert(*db_, i, std::to_string(i) + filler));
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::filesystem::file_size(db_file) < before + 3'000'000 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  EXPECT_GE(std::filesystem::file_size(db_file), before + 3'000'000);
  EXPECT_EQ(NamesFrom(*db_, 1600).size(), 1u);
}

// Group commit: units arriving while another runs share its commit. Each still returns only once
// its writes are committed (another node sees them at once), and a unit that fails keeps nothing
// while the others of its commit are kept.
TEST_F(SqliteDbTest, ParallelUnitsShareCommitsAndEachAnswersOnlyOnceItsWritesAreCommitted) {
  std::unique_ptr<Db> other = Open();
  ASSERT_NE(other, nullptr);
  auto seen_by_other = [&](int64_t id) {
    Result<int64_t> n = other->Read("count", [&](soci::session& s) -> Result<int64_t> {
      int64_t count = 0;
      Query(s, "SELECT count(*) FROM items WHERE id = :id").Into(count).Use(id).Run();
      return count;
    });
    return n.ok() ? *n : -1;
  };
  constexpr int kUnits = 32;
  const int64_t commits_before = metrics::DbCommits().Value({});
  const int64_t writes_before = metrics::DbWrites().Value({});
  std::atomic<bool> first_running{false};
  std::atomic<int> kept{0}, refused{0}, wrong{0};
  auto unit = [&](int64_t id) {
    Status s = db_->Unit("unit", [&]() -> Status {
      if (id == 0) {
        // The first unit holds the writer until every other one waits for it.
        first_running = true;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (db_->units_waiting() < kUnits - 1 && std::chrono::steady_clock::now() < deadline) {
          std::this_thread::yield();
        }
      }
      SECINFO_RETURN_IF_ERROR(Insert(*db_, id, "unit " + std::to_string(id)));
      return id % 4 == 3 ? Status::FailedPrecondition("this unit gives up") : Status::Ok();
    });
    const int64_t seen = seen_by_other(id);
    if (s.ok()) {
      ++kept;
      if (seen != 1) ++wrong;
    } else {
      ++refused;
      if (s.code() != Status::Code::kFailedPrecondition || seen != 0) ++wrong;
    }
  };
  std::vector<std::thread> threads;
  threads.emplace_back(unit, 0);
  while (!first_running) std::this_thread::yield();
  for (int64_t id = 1; id < kUnits; ++id) threads.emplace_back(unit, id);
  for (std::thread& t : threads) t.join();

  EXPECT_EQ(wrong, 0);
  EXPECT_EQ(kept, kUnits * 3 / 4);
  EXPECT_EQ(refused, kUnits / 4);
  EXPECT_EQ(NamesFrom(*other, 0).size(), static_cast<size_t>(kUnits * 3 / 4));
  EXPECT_EQ(metrics::DbWrites().Value({}) - writes_before, kUnits * 3 / 4);
  // 32 units, at most 16 to a commit: 2 commits when every unit found the others waiting.
  EXPECT_LE(metrics::DbCommits().Value({}) - commits_before, 4);
}

}  // namespace
}  // namespace secinfo::store::sql
