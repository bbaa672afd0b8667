#include "http/deferred.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace secinfo::http {
namespace {

// What the "network" got: each sent response, in order.
struct Sent {
  std::mutex mu;
  std::vector<Response> responses;
  DeferredResponse::Sender Sender() {
    return [this](Response r) {
      std::lock_guard lock(mu);
      responses.push_back(std::move(r));
    };
  }
};

TEST(DeferredResponseTest, AnswerGivenDuringTheHandlerWaitsForItToReturnAndItsEdits) {
  Sent sent;
  DeferredResponse d(sent.Sender());
  EXPECT_TRUE(d.Complete(Response::Text("early")));
  EXPECT_TRUE(d.completed());
  d.Edit([](Response& r) { r.SetHeader("X-Frame-Options", "DENY"); });
  EXPECT_TRUE(sent.responses.empty()) << "sent before the handler returned";
  d.HandlerReturned();
  ASSERT_EQ(sent.responses.size(), 1u);
  EXPECT_EQ(sent.responses[0].body, "early");
  EXPECT_EQ(sent.responses[0].GetHeader("X-Frame-Options"), "DENY");
}

TEST(DeferredResponseTest, OnlyTheFirstOfManyThreadsAnswers) {
  Sent sent;
  auto d = std::make_shared<DeferredResponse>(sent.Sender());
  d->HandlerReturned();
  std::atomic<int> won{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] { won += d->Complete(Response::Text(std::to_string(i))); });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(sent.responses.size(), 1u);
}

TEST(DeferredResponseTest, ADroppedHandleAnswers500) {
  Sent sent;
  {
    DeferredResponse d(sent.Sender());
    d.HandlerReturned();
  }
  ASSERT_EQ(sent.responses.size(), 1u);
  EXPECT_EQ(sent.responses[0].status, 500);
}

TEST(DeferredResponseTest, ARequestBuiltByHandCanBeDeferredIntoTheCallersHandle) {
  Sent sent;
  Request req;
  EXPECT_FALSE(req.deferred);
  req.deferral = std::make_shared<DeferredResponse>(sent.Sender());
  auto d = req.Defer();
  EXPECT_TRUE(req.deferred);
  EXPECT_EQ(d, req.deferral);
  d->HandlerReturned();
  d->Complete(Response::Json("{}", 202));
  ASSERT_EQ(sent.responses.size(), 1u);
  EXPECT_EQ(sent.responses[0].status, 202);
}

}  // namespace
}  // namespace secinfo::http
