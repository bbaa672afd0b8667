#include "channels/sms/smpp/outbound_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>

namespace secinfo::channels::smpp {
namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

std::vector<SubmitRequest> Parts(int n) {
  std::vector<SubmitRequest> parts(n);
  for (int i = 0; i < n; ++i) parts[i].short_message = "part" + std::to_string(i + 1);
  return parts;
}

// Plays the session thread: waits until a part can be taken.
std::optional<SubmitRequest> Take(OutboundQueue& q, uint32_t seq) {
  const auto deadline = SteadyClock::now() + 5s;
  while (SteadyClock::now() < deadline) {
    if (auto p = q.TakeNext(seq, SteadyClock::now())) return p;
    std::this_thread::yield();
  }
  return std::nullopt;
}

TEST(OutboundQueueTest, OkOnceEveryPartIsAccepted) {
  std::atomic<int> wakes = 0;
  OutboundQueue q([&] { ++wakes; });
  auto sent = std::async(std::launch::async,
                         [&] { return q.SubmitAndWait(Parts(2), SteadyClock::now() + 5s); });
  ASSERT_EQ(Take(q, 1)->short_message, "part1");
  ASSERT_EQ(Take(q, 2)->short_message, "part2");
  EXPECT_EQ(q.InFlight(), 2u);
  EXPECT_EQ(q.OnResponse(2, 0, "id-b"), SubmitOutcome::kAccepted);  // out of order is fine
  EXPECT_EQ(q.OnResponse(1, 0, "id-a"), SubmitOutcome::kAccepted);
  auto ids = sent.get();
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(*ids, (std::vector<std::string>{"id-a", "id-b"}));
  EXPECT_GE(wakes.load(), 1);
}

TEST(OutboundQueueTest, UnconfirmedPartsAreResentAfterALinkDropAcceptedOnesNever) {
  OutboundQueue q([] {});
  auto sent = std::async(std::launch::async,
                         [&] { return q.SubmitAndWait(Parts(3), SteadyClock::now() + 5s); });
  ASSERT_TRUE(Take(q, 1));
  ASSERT_TRUE(Take(q, 2));
  q.OnResponse(1, 0, "id-1");  // part 1 confirmed; part 2 in flight; part 3 not sent
  q.OnLinkDown();
  EXPECT_EQ(q.InFlight(), 0u);
  // After the new bind: part 2 again, then part 3, and nothing else.
  EXPECT_EQ(q.TakeNext(10, SteadyClock::now())->short_message, "part2");
  EXPECT_EQ(q.TakeNext(11, SteadyClock::now())->short_message, "part3");
  EXPECT_FALSE(q.TakeNext(12, SteadyClock::now()));
  q.OnResponse(2, 0, "stale");  // the old link's number means nothing now
  q.OnResponse(10, 0, "id-2");
  q.OnResponse(11, 0, "id-3");
  auto ids = sent.get();
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(*ids, (std::vector<std::string>{"id-1", "id-2", "id-3"}));
}

TEST(OutboundQueueTest, ThrottledPartsWaitAndARefusalFailsTheMessage) {
  OutboundQueue q([] {});
  auto sent = std::async(std::launch::async,
                         [&] { return q.SubmitAndWait(Parts(1), SteadyClock::now() + 5s); });
  ASSERT_TRUE(Take(q, 1));
  EXPECT_EQ(q.OnResponse(1, 0x58, ""), SubmitOutcome::kRetryLater);
  ASSERT_TRUE(q.HasPending());
  ASSERT_TRUE(Take(q, 2));
  EXPECT_EQ(q.OnResponse(2, 0x0B, ""), SubmitOutcome::kInvalidNumber);
  auto result = sent.get();
  EXPECT_EQ(result.status().code(), Status::Code::kUnavailable);
  EXPECT_NE(result.status().message().find("invalid number"), std::string::npos);
}

TEST(OutboundQueueTest, AWaiterThatGivesUpTakesItsUnsentPartsAlong) {
  OutboundQueue q([] {});
  auto result = q.SubmitAndWait(Parts(2), SteadyClock::now() + 20ms);
  EXPECT_EQ(result.status().code(), Status::Code::kUnavailable);
  EXPECT_FALSE(q.HasPending());
  EXPECT_FALSE(q.TakeNext(1, SteadyClock::now()));
}

TEST(OutboundQueueTest, CloseFailsWaitersAndLaterMessages) {
  OutboundQueue q([] {});
  auto sent = std::async(std::launch::async,
                         [&] { return q.SubmitAndWait(Parts(1), SteadyClock::now() + 5s); });
  ASSERT_TRUE(Take(q, 1));
  q.Close(Status::Unavailable("shutting down"));
  EXPECT_EQ(sent.get().status().message(), "shutting down");
  EXPECT_EQ(q.SubmitAndWait(Parts(1), SteadyClock::now() + 5s).status().message(), "shutting down");
}

}  // namespace
}  // namespace secinfo::channels::smpp
