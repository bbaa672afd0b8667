#include "flows/registration/call_state.h"

#include <gtest/gtest.h>

#include "core/clock.h"

namespace secinfo::flows {
namespace {

using channels::CallEvent;
using channels::CallEventKind;

class CallStateTest : public testing::Test {
 protected:
  CallStateTest() {
    attempt_.state = "placing";
    attempt_.created_at = clock_.NowMillis();
  }
  bool Event(CallEventKind kind, char digit = 0) {
    return ApplyCallEvent(attempt_, CallEvent{kind, digit}, clock_.NowMillis());
  }
  bool Tick() { return ApplyCallTimeouts(attempt_, clock_.NowMillis(), timeouts_); }
  CallState State() const { return *ParseCallState(attempt_.state); }
  void Answer() {
    Event(CallEventKind::kRinging);
    clock_.AdvanceSeconds(3);
    Event(CallEventKind::kAnswered);
  }

  FakeClock clock_;
  CallTimeouts timeouts_{30'000, 20'000};
  store::CallAttempt attempt_;
};

TEST_F(CallStateTest, PoundConfirms) {
  Answer();
  EXPECT_EQ(State(), CallState::kAnswered);
  EXPECT_EQ(attempt_.answered_at, clock_.NowMillis());
  clock_.AdvanceSeconds(2);
  EXPECT_TRUE(Event(CallEventKind::kDigit, '#'));
  EXPECT_EQ(State(), CallState::kConfirmed);
  EXPECT_EQ(attempt_.ended_at, clock_.NowMillis());
  // Final: later events and time change nothing.
  EXPECT_FALSE(Event(CallEventKind::kHungUp));
  clock_.AdvanceSeconds(600);
  EXPECT_FALSE(Tick());
  EXPECT_EQ(State(), CallState::kConfirmed);
}

TEST_F(CallStateTest, ZeroPoundReportsFraud) {
  Answer();
  EXPECT_TRUE(Event(CallEventKind::kDigit, '0'));
  EXPECT_EQ(State(), CallState::kAnswered);
  EXPECT_TRUE(Event(CallEventKind::kDigit, '#'));
  EXPECT_EQ(State(), CallState::kFraudReported);
  EXPECT_EQ(attempt_.digits, "0#");
}

TEST_F(CallStateTest, OtherKeysAreWrong) {
  Answer();
  EXPECT_TRUE(Event(CallEventKind::kDigit, '5'));
  EXPECT_EQ(State(), CallState::kWrongKey);

  attempt_ = {};
  attempt_.state = "placing";
  attempt_.created_at = clock_.NowMillis();
  Answer();
  Event(CallEventKind::kDigit, '0');
  Event(CallEventKind::kDigit, '1');
  EXPECT_EQ(State(), CallState::kWrongKey);
}

TEST_F(CallStateTest, KeysBeforeAnswerAreIgnored) {
  Event(CallEventKind::kRinging);
  EXPECT_FALSE(Event(CallEventKind::kDigit, '#'));
  EXPECT_EQ(State(), CallState::kRinging);
}

TEST_F(CallStateTest, NoAnswerAfterRingTime) {
  Event(CallEventKind::kRinging);
  clock_.AdvanceMillis(29'999);
  EXPECT_FALSE(Tick());
  EXPECT_EQ(State(), CallState::kRinging);
  clock_.AdvanceMillis(1);
  EXPECT_TRUE(Tick());
  EXPECT_EQ(State(), CallState::kNoAnswer);
}

TEST_F(CallStateTest, StuckPlacingCountsAsNoAnswer) {
  clock_.AdvanceSeconds(31);
  EXPECT_TRUE(Tick());
  EXPECT_EQ(State(), CallState::kNoAnswer);
}

TEST_F(CallStateTest, NoInputAfterAnswer) {
  Answer();
  clock_.AdvanceMillis(19'999);
  EXPECT_FALSE(Tick());
  clock_.AdvanceMillis(1);
  EXPECT_TRUE(Tick());
  EXPECT_EQ(State(), CallState::kNoInput);
}

TEST_F(CallStateTest, HangUpBusyFailure) {
  Event(CallEventKind::kRinging);
  EXPECT_TRUE(Event(CallEventKind::kHungUp));
  EXPECT_EQ(State(), CallState::kHungUp);

  for (auto [kind, expected] : {std::pair{CallEventKind::kBusy, CallState::kBusy},
                                std::pair{CallEventKind::kFailed, CallState::kFailed}}) {
    attempt_ = {};
    attempt_.state = "placing";
    EXPECT_TRUE(Event(kind));
    EXPECT_EQ(State(), expected);
  }
}

TEST(CallStateNamesTest, RoundTrip) {
  for (CallState s : {CallState::kPlacing, CallState::kConfirmed, CallState::kFraudReported,
                      CallState::kCancelled}) {
    EXPECT_EQ(ParseCallState(CallStateName(s)), s);
  }
  EXPECT_FALSE(ParseCallState("bogus").has_value());
  EXPECT_FALSE(IsFinal(CallState::kAnswered));
  EXPECT_TRUE(IsFinal(CallState::kNoInput));
}

}  // namespace
}  // namespace secinfo::flows
