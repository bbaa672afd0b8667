#include "store/sql/store_test_fixture.h"

// Contract cases for rate-limit counters, which count over a sliding window (run for every
// backend, see sql_store_test.cc's instantiation).
namespace secinfo::store::test {
namespace {

constexpr int64_t kMinute = 60'000;
constexpr int64_t kHour = 60 * kMinute;
constexpr int64_t kDay = 24 * kHour;

// The start of the fixed window of `window` containing kT0.
int64_t WindowStart(int64_t window) { return kT0 - kT0 % window; }

// How many of `tries` reservations of `key` at `now` are counted, one after the other.
int ReserveMany(RateLimitStore& limits, const std::string& key, int64_t now, int64_t window,
                int64_t limit, int tries) {
  int reserved = 0;
  for (int i = 0; i < tries; ++i) {
    Result<bool> r = limits.Reserve(key, now, window, limit);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (r.ok() && *r) ++reserved;
  }
  return reserved;
}

TEST_P(StoreContractTest, RateLimitsCountOverASlidingWindow) {
  RateLimitStore& limits = store_->rate_limits();
  constexpr int64_t kWindow = kMinute;
  const int64_t start = WindowStart(kWindow);  // the window [start, start + kWindow)

  EXPECT_EQ(*limits.Peek("sms:+336", start + 5, kWindow), 0);
  EXPECT_EQ(*limits.Hit("sms:+336", start + 5, kWindow), 1);
  EXPECT_EQ(*limits.Hit("sms:+336", start + 10, kWindow), 2);
  EXPECT_EQ(*limits.Hit("sms:+336", start + kWindow - 1, kWindow), 3);
  EXPECT_EQ(*limits.Peek("sms:+336", start + kWindow - 1, kWindow), 3);
  EXPECT_EQ(*limits.Hit("ip:192.0.2.7", start + 5, kWindow), 1);

  // The next fixed window does not start over: the last one weighs as much as it still overlaps
  // the minute ending now, all of it at the edge, two thirds of it a third of the way in.
  EXPECT_EQ(*limits.Peek("sms:+336", start + kWindow, kWindow), 3);
  EXPECT_EQ(*limits.Peek("sms:+336", start + kWindow + kWindow / 3, kWindow), 2);
  EXPECT_EQ(*limits.Hit("sms:+336", start + kWindow + kWindow / 3, kWindow), 3);
  // One window on, that one event is the previous window's; one more, nothing is left.
  EXPECT_EQ(*limits.Peek("sms:+336", start + 2 * kWindow, kWindow), 1);
  EXPECT_EQ(*limits.Peek("sms:+336", start + 3 * kWindow, kWindow), 0);

  ASSERT_OK(limits.Reset("sms:+336"));
  EXPECT_EQ(*limits.Peek("sms:+336", start + kWindow + 1, kWindow), 0);
  EXPECT_EQ(*limits.Peek("ip:192.0.2.7", start + 6, kWindow), 1);
  EXPECT_EQ(limits.Hit("x", start, 0).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(limits.Reserve("x", start, -1, 5).status().code(), Code::kInvalidArgument);
}

TEST_P(StoreContractTest, ReserveNeverCountsPastTheLimitUnderParallelCallers) {
  RateLimitStore& limits = store_->rate_limits();
  constexpr int64_t kWindow = 15 * kMinute;
  int reserved = CountTrueInParallel(64, [&](int) {
    auto r = limits.Reserve("signin:account:ana", kT0, kWindow, 5);
    return r.ok() && *r;
  });
  EXPECT_EQ(reserved, 5);
  auto count = limits.Peek("signin:account:ana", kT0, kWindow);
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 5);
}

// Ten at the end of one window and ten at the start of the next were twenty in two milliseconds
// when each fixed window started over.
TEST_P(StoreContractTest, ABurstStraddlingAWindowEdgeIsHeldToAboutTheLimit) {
  RateLimitStore& limits = store_->rate_limits();
  constexpr int64_t kWindow = 10 * kMinute;
  const int64_t edge = WindowStart(kWindow) + kWindow;
  EXPECT_EQ(ReserveMany(limits, "code:+33612345678", edge - 1, kWindow, 10, 10), 10);
  EXPECT_EQ(ReserveMany(limits, "code:+33612345678", edge, kWindow, 10, 10), 0);
  // A millisecond on, the burst weighs a little less than 10: the approximation lets one through.
  EXPECT_EQ(ReserveMany(limits, "code:+33612345678", edge + 1, kWindow, 10, 10), 1);
  // Half a window on, half of the burst has slid out: 1 + 10 / 2 counted, 4 more fit.
  EXPECT_EQ(ReserveMany(limits, "code:+33612345678", edge + kWindow / 2, kWindow, 10, 10), 4);
}

TEST_P(StoreContractTest, AWholeQuietWindowLaterTheFullLimitIsBack) {
  RateLimitStore& limits = store_->rate_limits();
  constexpr int64_t kWindow = 15 * kMinute;
  const int64_t start = WindowStart(kWindow);
  EXPECT_EQ(ReserveMany(limits, "signin:ip:192.0.2.1", start + kWindow - 1, kWindow, 5, 5), 5);
  // Nothing happens in [start + kWindow, start + 2 * kWindow).
  EXPECT_EQ(ReserveMany(limits, "signin:ip:192.0.2.1", start + 2 * kWindow, kWindow, 5, 10), 5);
}

TEST_P(StoreContractTest, ParallelReservationsAcrossAWindowEdgeGetExactlyWhatTheLimitLeaves) {
  RateLimitStore& limits = store_->rate_limits();
  constexpr int64_t kWindow = 15 * kMinute;
  const int64_t edge = WindowStart(kWindow) + kWindow;
  ASSERT_EQ(ReserveMany(limits, "signin:account:ana", edge - 1, kWindow, 5, 4), 4);
  // Half a window on, the 4 of the last window weigh 2: 3 more fit under 5, however many try.
  int reserved = CountTrueInParallel(64, [&](int) {
    auto r = limits.Reserve("signin:account:ana", edge + kWindow / 2, kWindow, 5);
    return r.ok() && *r;
  });
  EXPECT_EQ(reserved, 3);
  EXPECT_EQ(*limits.Peek("signin:account:ana", edge + kWindow / 2, kWindow), 5);
}

TEST_P(StoreContractTest, ReleaseGivesBackOneReservation) {
  RateLimitStore& limits = store_->rate_limits();
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(*limits.Reserve("k", kT0, kMinute, 2));
  EXPECT_FALSE(*limits.Reserve("k", kT0, kMinute, 2));
  ASSERT_OK(limits.Release("k", kT0, kMinute));
  EXPECT_TRUE(*limits.Reserve("k", kT0, kMinute, 2));
  EXPECT_FALSE(*limits.Reserve("k", kT0, kMinute, 2));
}

// A check reserved just before a window edge and given back just after it is taken from the window
// it was counted in, whether or not the counter has moved on to the next window.
TEST_P(StoreContractTest, ReleaseAfterAWindowEdgeGivesBackToTheWindowItWasCountedIn) {
  RateLimitStore& limits = store_->rate_limits();
  constexpr int64_t kWindow = kMinute;
  const int64_t edge = WindowStart(kWindow) + kWindow;
  const int64_t before = edge - 1;
  ASSERT_EQ(ReserveMany(limits, "k", before, kWindow, 2, 2), 2);
  EXPECT_FALSE(*limits.Reserve("k", edge, kWindow, 2));

  ASSERT_OK(limits.Release("k", before, kWindow));  // the counter is still in its first window
  EXPECT_EQ(*limits.Peek("k", edge, kWindow), 1);
  EXPECT_TRUE(*limits.Reserve("k", edge, kWindow, 2));  // now it counts in the next one
  EXPECT_EQ(*limits.Peek("k", edge, kWindow), 2);
  ASSERT_OK(limits.Release("k", before, kWindow));
  EXPECT_EQ(*limits.Peek("k", edge, kWindow), 1);
  EXPECT_TRUE(*limits.Reserve("k", edge, kWindow, 2));
  EXPECT_FALSE(*limits.Reserve("k", edge, kWindow, 2));
}

// A counter still weighs, as the previous window, for a whole window after its own: retention
// must keep it that long, whatever the length of its window.
TEST_P(StoreContractTest, RetentionKeepsACounterWhileItStillWeighs) {
  RateLimitStore& limits = store_->rate_limits();
  const int64_t day = WindowStart(kDay);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(limits.Hit("reset:start:ana", day + kHour, kDay).ok());
  ASSERT_TRUE(limits.Hit("sms:+336", day + kHour, kHour).ok());

  // A day and a half later, the hourly counter is over; the daily one still weighs half.
  const int64_t later = day + kDay + kDay / 2;
  Result<int64_t> deleted = limits.DeleteEndedBefore(later);
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  EXPECT_EQ(*deleted, 1);
  EXPECT_EQ(*limits.Peek("reset:start:ana", later, kDay), 2);
  EXPECT_FALSE(*limits.Reserve("reset:start:ana", later, kDay, 2));

  deleted = limits.DeleteEndedBefore(day + 2 * kDay);
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  EXPECT_EQ(*deleted, 1);
  EXPECT_TRUE(*limits.Reserve("reset:start:ana", later, kDay, 2));
}

}  // namespace
}  // namespace secinfo::store::test
