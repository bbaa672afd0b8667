#include "api/poll_waiters.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace secinfo::api {
namespace {

using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

// One parked poll's answer, as its client would receive it.
class Answer {
 public:
  Answer()
      : out_(std::make_shared<http::DeferredResponse>([this](http::Response r) {
          std::lock_guard lock(mu_);
          response_ = std::move(r);
        })) {
    out_->HandlerReturned();
  }
  std::shared_ptr<http::DeferredResponse> out() { return out_; }
  // The response once sent, waiting up to `within`.
  std::optional<http::Response> Get(std::chrono::milliseconds within = 5s) {
    auto deadline = Steady::now() + within;
    while (true) {
      {
        std::lock_guard lock(mu_);
        if (response_ || Steady::now() >= deadline) return response_;
      }
      std::this_thread::sleep_for(1ms);
    }
  }

 private:
  std::mutex mu_;
  std::optional<http::Response> response_;  // guarded by mu_
  std::shared_ptr<http::DeferredResponse> out_;
};

// A check that answers "request" once `ready` is set, and "none" at the hold's end.
PollWaiters::Check WhenReady(const std::atomic<bool>& ready) {
  return [&ready](bool last) -> std::optional<http::Response> {
    if (ready) return http::Response::Json("request");
    if (last) return http::Response::Json("none");
    return std::nullopt;
  };
}

TEST(PollWaitersTest, AWokenAppIsAnsweredAtOnce) {
  PollWaiters waiters({.hold = 60s, .recheck = 60s});
  std::atomic<bool> ready{false};
  Answer a;
  ASSERT_EQ(waiters.Park(7, a.out(), WhenReady(ready)), PollWaiters::Parked::kYes);
  EXPECT_FALSE(a.Get(100ms).has_value()) << "answered with nothing to say";
  EXPECT_EQ(waiters.parked(), 1u);
  ready = true;
  waiters.Wake(7);
  auto r = a.Get();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->body, "request");
  auto deadline = Steady::now() + 5s;
  while (waiters.parked() != 0 && Steady::now() < deadline) std::this_thread::yield();
  EXPECT_EQ(waiters.parked(), 0u);
}

TEST(PollWaitersTest, ARequestMadeOnAnotherNodeIsFoundByTheRecheck) {
  PollWaiters waiters({.hold = 60s, .recheck = 50ms});
  std::atomic<bool> ready{false};
  Answer a;
  ASSERT_EQ(waiters.Park(7, a.out(), WhenReady(ready)), PollWaiters::Parked::kYes);
  ready = true;  // no Wake: this node did not make the request
  auto r = a.Get();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->body, "request");
}

TEST(PollWaitersTest, APollWithNothingToSayIsAnsweredWhenTheHoldEnds) {
  PollWaiters waiters({.hold = 100ms, .recheck = 60s});
  std::atomic<bool> ready{false};
  Answer a;
  auto start = Steady::now();
  ASSERT_EQ(waiters.Park(7, a.out(), WhenReady(ready)), PollWaiters::Parked::kYes);
  auto r = a.Get();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->body, "none");
  EXPECT_GE(Steady::now() - start, 100ms);
}

TEST(PollWaitersTest, PollsPastTheLimitsAreRefusedAndTheRestAnswered503OnShutdown) {
  std::atomic<bool> ready{false};
  std::vector<std::unique_ptr<Answer>> answers;
  for (int i = 0; i < 5; ++i) answers.push_back(std::make_unique<Answer>());
  {
    PollWaiters waiters({.hold = 60s, .recheck = 60s, .max_per_app = 2, .max_total = 3});
    EXPECT_EQ(waiters.Park(1, answers[0]->out(), WhenReady(ready)), PollWaiters::Parked::kYes);
    EXPECT_EQ(waiters.Park(1, answers[1]->out(), WhenReady(ready)), PollWaiters::Parked::kYes);
    EXPECT_EQ(waiters.Park(1, answers[2]->out(), WhenReady(ready)),
              PollWaiters::Parked::kTooManyForApp);
    EXPECT_EQ(waiters.Park(2, answers[3]->out(), WhenReady(ready)), PollWaiters::Parked::kYes);
    EXPECT_EQ(waiters.Park(3, answers[4]->out(), WhenReady(ready)), PollWaiters::Parked::kTooMany);
    EXPECT_EQ(waiters.parked(), 3u);
  }
  for (int i : {0, 1, 3}) {
    auto r = answers[i]->Get();
    ASSERT_TRUE(r.has_value()) << i;
    EXPECT_EQ(r->status, 503) << i;
  }
  // A refused poll is its caller's to answer.
  EXPECT_FALSE(answers[2]->out()->completed());
}

}  // namespace
}  // namespace secinfo::api
