#include <atomic>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "store/sql/store_test_fixture.h"

// Contract cases for Store::Atomically, the one transaction a request's writes share (run for
// every backend, see sql_store_test.cc's instantiation).
namespace secinfo::store::test {
namespace {

constexpr int64_t kHour = 3'600'000;

class UnitOfWorkTest : public StoreContractTest {
 protected:
  Session NewSession(const std::string& hash) {
    return Session{.id_hash = hash,
                   .user_id = ana_,
                   .tenant_id = tenant_id_,
                   .created_at = kT0,
                   .last_seen_at = kT0,
                   .expires_at = kT0 + kHour};
  }
  bool HasSession(Store& store, const std::string& hash) {
    return store.sessions().Get(hash, kT0).ok();
  }
  int64_t Count(const std::string& key) { return *store_->rate_limits().Peek(key, kT0, kHour); }
};

TEST_P(UnitOfWorkTest, KeepsEverythingWhenItSucceedsAndNothingWhenItFails) {
  Status failed = store_->Atomically([&] {
    EXPECT_OK(store_->sessions().Create(NewSession("a")));
    EXPECT_TRUE(*store_->rate_limits().Reserve("k", kT0, kHour, 5));
    // Inside, its own writes are seen.
    EXPECT_TRUE(HasSession(*store_, "a"));
    return Status::Unavailable("the caller gave up");
  });
  EXPECT_EQ(failed.code(), Code::kUnavailable);
  EXPECT_FALSE(HasSession(*store_, "a"));
  EXPECT_EQ(Count("k"), 0);

  EXPECT_OK(store_->Atomically([&] {
    EXPECT_OK(store_->sessions().Create(NewSession("a")));
    EXPECT_TRUE(*store_->rate_limits().Reserve("k", kT0, kHour, 5));
    return Status::Ok();
  }));
  EXPECT_TRUE(HasSession(*store_, "a"));
  EXPECT_EQ(Count("k"), 1);
}

// A write refused inside (a unique clash, which aborts a PostgreSQL transaction without its
// savepoint) keeps nothing of itself; the writes around it are kept.
TEST_P(UnitOfWorkTest, ARefusedWriteInsideLeavesTheOthersToCommit) {
  ASSERT_OK(store_->sessions().Create(NewSession("taken")));
  EXPECT_OK(store_->Atomically([&] {
    EXPECT_OK(store_->sessions().Create(NewSession("before")));
    EXPECT_EQ(store_->sessions().Create(NewSession("taken")).code(), Code::kAlreadyExists);
    EXPECT_OK(store_->sessions().Create(NewSession("after")));
    return Status::Ok();
  }));
  EXPECT_TRUE(HasSession(*store_, "before"));
  EXPECT_TRUE(HasSession(*store_, "after"));
}

TEST_P(UnitOfWorkTest, ANestedUnitThatFailsUndoesOnlyItself) {
  EXPECT_OK(store_->Atomically([&] {
    EXPECT_OK(store_->sessions().Create(NewSession("outer")));
    Status inner = store_->Atomically([&] {
      EXPECT_OK(store_->sessions().Create(NewSession("inner")));
      return Status::FailedPrecondition("inner gave up");
    });
    EXPECT_EQ(inner.code(), Code::kFailedPrecondition);
    EXPECT_FALSE(HasSession(*store_, "inner"));
    EXPECT_OK(store_->Atomically([&] { return store_->sessions().Create(NewSession("kept")); }));
    return Status::Ok();
  }));
  EXPECT_TRUE(HasSession(*store_, "outer"));
  EXPECT_FALSE(HasSession(*store_, "inner"));
  EXPECT_TRUE(HasSession(*store_, "kept"));
}

// Another node (or thread) sees nothing of a unit until it committed: an answer given after
// Atomically returned is never ahead of the database.
TEST_P(UnitOfWorkTest, OtherNodesSeeTheUnitOnlyOnceCommitted) {
  std::unique_ptr<Store> other = MustOpen(options_);
  ASSERT_NE(other, nullptr);
  EXPECT_OK(store_->Atomically([&] {
    EXPECT_OK(store_->sessions().Create(NewSession("pending")));
    EXPECT_FALSE(
        std::async(std::launch::async, [&] { return HasSession(*other, "pending"); }).get());
    EXPECT_FALSE(
        std::async(std::launch::async, [&] { return HasSession(*store_, "pending"); }).get());
    return Status::Ok();
  }));
  EXPECT_TRUE(HasSession(*other, "pending"));
}

// Units on two nodes reserving against one limit at once: never more than the limit counted, and
// each unit's other write is kept exactly when its reservation is.
TEST_P(UnitOfWorkTest, ParallelUnitsOnTwoNodesNeverReservePastTheLimit) {
  std::unique_ptr<Store> other = MustOpen(options_);
  ASSERT_NE(other, nullptr);
  constexpr int kUnits = 24;
  constexpr int kLimit = 7;
  std::atomic<int> go{0}, reserved{0}, failed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kUnits; ++i) {
    threads.emplace_back([&, i] {
      Store& node = i % 2 == 0 ? *store_ : *other;
      while (go.load() == 0) std::this_thread::yield();
      Status s = node.Atomically([&] {
        Result<bool> r = node.rate_limits().Reserve("guess", kT0, kHour, kLimit);
        if (!r.ok()) return r.status();
        if (!*r) return Status::Ok();
        reserved++;
        return node.sessions().Create(NewSession("s" + std::to_string(i)));
      });
      if (!s.ok()) failed++;
    });
  }
  go = 1;
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(reserved.load(), kLimit);
  EXPECT_EQ(Count("guess"), kLimit);
  int sessions = 0;
  for (int i = 0; i < kUnits; ++i) sessions += HasSession(*store_, "s" + std::to_string(i));
  EXPECT_EQ(sessions, kLimit);
}

INSTANTIATE_TEST_SUITE_P(Backends, UnitOfWorkTest, StoreBackends(), BackendName);

}  // namespace
}  // namespace secinfo::store::test
