#include <gtest/gtest.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "store/sql/store_test_fixture.h"

// Migrations, several nodes on one database, and concurrent writers.
namespace secinfo::store::test {
namespace {

class StoreMultiNodeTest : public StoreContractTest {};

TEST_P(StoreMultiNodeTest, MigrationsApplyOnce) {
  // The fixture's store already migrated this file.
  Result<std::vector<std::string>> again = ApplyMigrations(options_);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->empty());

  SqlStoreOptions fresh = OptionsFor(GetParam(), dir_ / "fresh");
  fresh.migrate = false;
  Result<std::unique_ptr<Store>> unmigrated = OpenSqlStore(fresh);
  EXPECT_EQ(unmigrated.status().code(), Code::kFailedPrecondition);

  Result<std::vector<std::string>> applied = ApplyMigrations(fresh);
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  ASSERT_FALSE(applied->empty());
  EXPECT_EQ(applied->front(), "001_initial");
  EXPECT_TRUE(ApplyMigrations(fresh)->empty());
  EXPECT_NE(MustOpen(fresh), nullptr);
}

TEST_P(StoreMultiNodeTest, ConcurrentStartsApplyEachMigrationOnce) {
  SqlStoreOptions fresh = OptionsFor(GetParam(), dir_ / "race");
  constexpr int kNodes = 4;
  std::vector<Result<std::vector<std::string>>> results(kNodes, Status::Internal("not run"));
  std::vector<std::thread> nodes;
  for (int i = 0; i < kNodes; ++i) {
    nodes.emplace_back([&, i] { results[i] = ApplyMigrations(fresh); });
  }
  for (std::thread& t : nodes) t.join();

  std::vector<std::string> all;
  for (const auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    all.insert(all.end(), r->begin(), r->end());
  }
  std::sort(all.begin(), all.end());
  EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end()) << "a migration ran twice";
  EXPECT_EQ(all.front(), "001_initial");
  // Together the nodes applied every migration; a node that waited found nothing left to do.
  SqlStoreOptions again = fresh;
  again.migrate = false;
  EXPECT_NE(MustOpen(again), nullptr);
  Result<std::vector<std::string>> later = ApplyMigrations(fresh);
  ASSERT_TRUE(later.ok()) << later.status().ToString();
  EXPECT_TRUE(later->empty());
}

// Counters are reserved in one statement, so guesses spread over nodes never pass a limit.
TEST_P(StoreMultiNodeTest, SixtyFourReservationsOnTwoNodesGetExactlyTheLimit) {
  SqlStoreOptions wide = options_;
  wide.pool_size = 16;
  std::unique_ptr<Store> a = MustOpen(wide);
  std::unique_ptr<Store> b = MustOpen(wide);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  constexpr int kCallers = 64;
  constexpr int64_t kWindow = 15 * 60'000;
  std::atomic<int> reserved{0}, checks{0}, errors{0};
  std::barrier start(kCallers);
  std::vector<std::thread> callers;
  for (int i = 0; i < kCallers; ++i) {
    callers.emplace_back([&, i] {
      Store& node = i % 2 == 0 ? *a : *b;
      start.arrive_and_wait();
      Result<bool> r = node.rate_limits().Reserve("signin:account:ana", kT0, kWindow, 5);
      Result<bool> c = node.sign_in().ReserveCheck(ana_, kT0, 10, kWindow, 100);
      if (!r.ok() || !c.ok()) ++errors;
      if (r.ok() && *r) ++reserved;
      if (c.ok() && *c) ++checks;
    });
  }
  for (std::thread& t : callers) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(reserved.load(), 5);
  EXPECT_EQ(*store_->rate_limits().Peek("signin:account:ana", kT0, kWindow), 5);
  EXPECT_EQ(checks.load(), 10);
  Result<VerificationFailures> failures = store_->sign_in().GetFailures(ana_);
  ASSERT_TRUE(failures.ok()) << failures.status().ToString();
  EXPECT_EQ(failures->failures, 10);
  EXPECT_EQ(failures->locked_until, kT0 + kWindow);
}

// Replacing and deleting methods read the user's methods and default before changing them: two
// nodes doing so at once for one person must leave a default that exists.
TEST_P(StoreMultiNodeTest, ConcurrentMethodChangesKeepADefaultThatExists) {
  std::unique_ptr<Store> other = MustOpen(options_);
  ASSERT_NE(other, nullptr);
  int64_t mobile = AddPhone(ana_, "a1", "mobile", "+33611111111", kT0);
  int64_t office = AddPhone(ana_, "a2", "office", "+33422222222", kT0 + 10);
  int64_t alternate = AddPhone(ana_, "a3", "alternate", "+33633333333", kT0 + 20);
  ASSERT_EQ(store_->users().Get(ana_)->default_method_id, mobile);

  std::barrier start(2);
  Status deleted_mobile, deleted_office;
  std::thread t1([&] {
    start.arrive_and_wait();
    deleted_mobile = store_->methods().Delete(ana_, mobile);
  });
  std::thread t2([&] {
    start.arrive_and_wait();
    deleted_office = other->methods().Delete(ana_, office);
  });
  t1.join();
  t2.join();
  EXPECT_OK(deleted_mobile);
  EXPECT_OK(deleted_office);
  // Whichever ran first, the default moved to the one phone left.
  EXPECT_EQ(store_->users().Get(ana_)->default_method_id, alternate);
}

TEST_P(StoreMultiNodeTest, TwoNodesOnOneDatabaseSeeEachOthersWrites) {
  std::unique_ptr<Store> other = MustOpen(options_);  // like a second `secinfo serve`
  ASSERT_NE(other, nullptr);

  ASSERT_OK(store_->call_attempts().Create(NewAttempt("att-1", ana_, "mobile", "+33612345678")));
  Result<CallAttempt> seen = other->call_attempts().Get("att-1");
  ASSERT_TRUE(seen.ok()) << seen.status().ToString();
  CallAttempt stale_here = *store_->call_attempts().Get("att-1");

  seen->state = CallState::kRinging;
  ASSERT_OK(other->call_attempts().Update(*seen));
  EXPECT_EQ(store_->call_attempts().Get("att-1")->state, CallState::kRinging);
  EXPECT_EQ(store_->call_attempts().Get("att-1")->version, 2);

  stale_here.state = CallState::kFailed;
  EXPECT_EQ(store_->call_attempts().Update(stale_here).code(), Code::kFailedPrecondition);

  Result<int64_t> method = other->call_attempts().UpdateAndCreateMethod(
      *store_->call_attempts().Get("att-1"), PhoneMethod(ana_, "mobile", "+33612345678"));
  ASSERT_TRUE(method.ok()) << method.status().ToString();
  EXPECT_EQ(store_->users().Get(ana_)->default_method_id, *method);
  EXPECT_EQ(*other->rate_limits().Hit("k", kT0, 1000), 1);
  EXPECT_EQ(*store_->rate_limits().Hit("k", kT0, 1000), 2);
}

TEST_P(StoreMultiNodeTest, APollSignatureIsUsedOnceOnAnyNode) {
  std::unique_ptr<Store> other = MustOpen(options_);
  ASSERT_NE(other, nullptr);
  constexpr int kTries = 8;
  std::atomic<int> accepted{0};
  std::atomic<int> refused{0};
  std::barrier start(kTries);
  std::vector<std::thread> nodes;
  for (int i = 0; i < kTries; ++i) {
    nodes.emplace_back([&, i] {
      Store& node = i % 2 == 0 ? *store_ : *other;
      start.arrive_and_wait();
      Status s = node.push().UsePollSignature("dev-1", 1000, 900);
      if (s.ok()) ++accepted;
      if (s.code() == Code::kAlreadyExists) ++refused;
    });
  }
  for (std::thread& t : nodes) t.join();
  EXPECT_EQ(accepted.load(), 1);
  EXPECT_EQ(refused.load(), kTries - 1);
  // Another time or another device is another poll.
  EXPECT_OK(other->push().UsePollSignature("dev-1", 1001, 900));
  EXPECT_OK(store_->push().UsePollSignature("dev-2", 1000, 900));
  // Once outside the clock skew, the pair is forgotten: the time check refuses it by then.
  EXPECT_OK(store_->push().UsePollSignature("dev-3", 2000, 1001));
  EXPECT_OK(store_->push().UsePollSignature("dev-1", 1000, 900));
  EXPECT_EQ(store_->push().UsePollSignature("dev-1", 1001, 900).code(), Code::kAlreadyExists);
}

TEST_P(StoreMultiNodeTest, ConcurrentUpdatesHaveOneWinnerPerVersion) {
  std::unique_ptr<Store> other = MustOpen(options_);
  ASSERT_NE(other, nullptr);
  ASSERT_OK(store_->call_attempts().Create(NewAttempt("att-1", ana_, "mobile", "+33612345678")));

  constexpr int kThreads = 8;
  constexpr int kRounds = 25;
  std::barrier sync(kThreads);
  std::atomic<int> wins[kRounds] = {};
  std::atomic<int> unexpected{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      Store& store = i % 2 == 0 ? *store_ : *other;  // two nodes, four threads each
      for (int round = 0; round < kRounds; ++round) {
        sync.arrive_and_wait();  // the previous round is over
        Result<CallAttempt> a = store.call_attempts().Get("att-1");
        sync.arrive_and_wait();  // everyone read the same version
        if (!a.ok()) {
          ++unexpected;
          continue;
        }
        a->digits += std::to_string(i);
        Status s = store.call_attempts().Update(*a);
        if (s.ok()) {
          ++wins[round];
        } else if (s.code() != Code::kFailedPrecondition) {
          ++unexpected;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();

  EXPECT_EQ(unexpected.load(), 0);
  for (int round = 0; round < kRounds; ++round) EXPECT_EQ(wins[round].load(), 1) << round;
  CallAttempt last = *store_->call_attempts().Get("att-1");
  EXPECT_EQ(last.version, 1 + kRounds);
  EXPECT_EQ(last.digits.size(), static_cast<size_t>(kRounds));
}

// Transactions that read before they write (SetDefaultMethod checks the method first) must not fail
// when two nodes run them at once, and no rate-limit hit may be lost.
TEST_P(StoreMultiNodeTest, ConcurrentReadThenWriteTransactionsDoNotFail) {
  std::unique_ptr<Store> other = MustOpen(options_);
  ASSERT_NE(other, nullptr);
  int64_t mobile = AddPhone(ana_, "a1", "mobile", "+33611111111", kT0);
  int64_t office = AddPhone(ana_, "a2", "office", "+33422222222", kT0 + 10);

  constexpr int kThreads = 8;
  constexpr int kIterations = 20;
  std::barrier sync(kThreads);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      Store& store = i % 2 == 0 ? *store_ : *other;
      sync.arrive_and_wait();
      for (int n = 0; n < kIterations; ++n) {
        if (!store.users().SetDefaultMethod(ana_, (i + n) % 2 ? mobile : office, "").ok())
          ++failures;
        if (!store.rate_limits().Hit("sign_in:ana", kT0, 60'000).ok()) ++failures;
      }
    });
  }
  for (std::thread& t : threads) t.join();

  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(*store_->rate_limits().Peek("sign_in:ana", kT0, 60'000), kThreads * kIterations);
}

// A database server restart (here: every session of the database ended by an administrator) is
// not a node restart: the pooled sessions reconnect, and reads and writes go on.
TEST_P(StoreMultiNodeTest, ANodeGoesOnAfterTheDatabaseEndedItsSessions) {
  if (GetParam() != "postgresql") GTEST_SKIP() << "SQLite has no server to lose";
  ASSERT_OK(store_->Ping());
  std::string database = options_.connection.substr(options_.connection.rfind('=') + 1);
  Result<std::string> admin = PostgresqlAdminConnection();
  ASSERT_TRUE(admin.ok()) << admin.status().ToString();
  int ended = 0;
  {
    soci::session session(*soci::factory_postgresql(), *admin);
    session << "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity"
               " WHERE datname = :db AND pid <> pg_backend_pid()",
        soci::use(database), soci::into(ended);
  }
  ASSERT_EQ(ended, options_.pool_size) << "every pooled session was ended";
  for (int i = 0; i < 2 * options_.pool_size; ++i) {
    EXPECT_TRUE(store_->tenants().Get(tenant_id_).ok()) << "read " << i;
    Result<int64_t> hit = store_->rate_limits().Hit("after-restart", kT0, 60'000);
    EXPECT_TRUE(hit.ok()) << "write " << i << ": " << hit.status().ToString();
  }
  EXPECT_EQ(*store_->rate_limits().Peek("after-restart", kT0, 60'000), 2 * options_.pool_size);
}

TEST(SqlStoreOptionsTest, BadOptionsAreRefusedAtOpen) {
  SqlStoreOptions options;
  options.connection = ":memory:";
  EXPECT_EQ(OpenSqlStore(options).status().code(), Code::kInvalidArgument);
  options.connection = "";
  EXPECT_EQ(OpenSqlStore(options).status().code(), Code::kInvalidArgument);
  options.connection = "/tmp/x.db";
  options.backend = "oracle";
  EXPECT_EQ(OpenSqlStore(options).status().code(), Code::kInvalidArgument);
  options.backend = "sqlite3";
  options.pool_size = 0;
  EXPECT_EQ(OpenSqlStore(options).status().code(), Code::kInvalidArgument);
  options.pool_size = 1;
  options.connection = "/proc/secinfo/cannot/create/here.db";
  EXPECT_EQ(OpenSqlStore(options).status().code(), Code::kUnavailable);

  options.backend = "postgresql";
  options.connection = "";
  EXPECT_EQ(OpenSqlStore(options).status().code(), Code::kInvalidArgument);
  // Nothing listens on port 1; the message never repeats the connection string (a password).
  options.connection = "host=127.0.0.1 port=1 dbname=x password=hunter2 connect_timeout=5";
  Result<std::unique_ptr<Store>> unreachable = OpenSqlStore(options);
  EXPECT_EQ(unreachable.status().code(), Code::kUnavailable);
  EXPECT_EQ(unreachable.status().message().find("hunter2"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreMultiNodeTest, StoreBackends(), BackendName);

}  // namespace
}  // namespace secinfo::store::test
