#include "http/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <stdexcept>

namespace secinfo::http {
namespace {

TEST(WorkerPoolTest, RunsJobsAndDrainsOnShutdown) {
  std::atomic<int> done{0};
  WorkerPool pool(3, 100);
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(pool.TrySubmit([&done] { ++done; }));
  pool.Shutdown();
  EXPECT_EQ(done, 50);
  EXPECT_FALSE(pool.TrySubmit([] {}));
}

TEST(WorkerPoolTest, RefusesWhenQueueIsFull) {
  WorkerPool pool(1, 1);
  std::promise<void> started, release;
  std::shared_future<void> released = release.get_future().share();
  ASSERT_TRUE(pool.TrySubmit([&started, released] {
    started.set_value();
    released.wait();
  }));
  started.get_future().wait();  // the only thread is busy, the queue empty
  EXPECT_TRUE(pool.TrySubmit([] {}));
  EXPECT_EQ(pool.queued(), 1u);
  EXPECT_FALSE(pool.TrySubmit([] {}));
  release.set_value();
  pool.Shutdown();
  EXPECT_EQ(pool.queued(), 0u);
}

TEST(WorkerPoolTest, ThrowingJobDoesNotKillTheThread) {
  WorkerPool pool(1, 10);
  std::promise<void> after;
  ASSERT_TRUE(pool.TrySubmit([] { throw std::runtime_error("boom"); }));
  ASSERT_TRUE(pool.TrySubmit([&after] { after.set_value(); }));
  after.get_future().wait();
}

}  // namespace
}  // namespace secinfo::http
