#include "flows/registration/call_state.h"

#include <gtest/gtest.h>

#include "core/clock.h"

namespace secinfo::flows {
namespace {

using channels::CallEvent;
using channels::CallEventKind;
using store::CallState;

class CallStateTest : public testing::Test {
 protected:
  CallStateTest() { Restart(); }
  // A new attempt, placed now; `fraud_confirm`: "0#" waits for 1 (the tenant blocks on reports).
  void Restart(bool fraud_confirm = false) {
    attempt_ = {};
    attempt_.state = CallState::kPlacing;
    attempt_.fraud_confirm = fraud_confirm;
    attempt_.created_at = clock_.NowMillis();
  }
  bool Event(CallEventKind kind, char digit = 0) {
    return ApplyCallEvent(attempt_, CallEvent{kind, digit}, clock_.NowMillis());
  }
  bool Tick() { return ApplyCallTimeouts(attempt_, clock_.NowMillis(), timeouts_); }
  CallState State() const { return attempt_.state; }
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

TEST_F(CallStateTest, ZeroPoundThenOneConfirmsTheReportWhereAsked) {
  Restart(true);
  Answer();
  EXPECT_TRUE(Event(CallEventKind::kDigit, '0'));
  clock_.AdvanceSeconds(1);
  EXPECT_TRUE(Event(CallEventKind::kDigit, '#'));
  // The call now asks for 1 (VoiceChannel::Say), and the person has the whole input time again.
  EXPECT_EQ(State(), CallState::kConfirmingFraud);
  EXPECT_FALSE(IsFinal(State()));
  EXPECT_FALSE(FraudConfirmed(attempt_));
  EXPECT_EQ(attempt_.answered_at, clock_.NowMillis());
  clock_.AdvanceMillis(19'999);
  EXPECT_FALSE(Tick());
  EXPECT_TRUE(Event(CallEventKind::kDigit, '1'));
  EXPECT_EQ(State(), CallState::kFraudReported);
  EXPECT_EQ(attempt_.digits, "0#1");
  EXPECT_TRUE(FraudConfirmed(attempt_));
  EXPECT_EQ(attempt_.ended_at, clock_.NowMillis());
}

TEST_F(CallStateTest, OneWithoutZeroPoundConfirmsNothing) {
  Restart(true);
  Answer();
  // Nothing asked for 1 yet: it is a wrong key like any other, and reports nothing.
  EXPECT_TRUE(Event(CallEventKind::kDigit, '1'));
  EXPECT_EQ(State(), CallState::kWrongKey);
  EXPECT_FALSE(FraudConfirmed(attempt_));
  // The call is over: a late "0#" changes nothing.
  EXPECT_FALSE(Event(CallEventKind::kDigit, '0'));
  EXPECT_FALSE(Event(CallEventKind::kDigit, '#'));
  EXPECT_EQ(State(), CallState::kWrongKey);
  EXPECT_EQ(attempt_.digits, "1");
}

TEST_F(CallStateTest, ZeroPoundThenHangingUpReportsWithoutConfirming) {
  Restart(true);
  Answer();
  Event(CallEventKind::kDigit, '0');
  Event(CallEventKind::kDigit, '#');
  ASSERT_EQ(State(), CallState::kConfirmingFraud);
  // Hanging up is not a '1', but the "0#" still stands: the report is kept, unconfirmed.
  EXPECT_TRUE(Event(CallEventKind::kHungUp));
  EXPECT_EQ(State(), CallState::kFraudReported);
  EXPECT_EQ(attempt_.digits, "0#");
  EXPECT_FALSE(FraudConfirmed(attempt_));
  EXPECT_FALSE(Event(CallEventKind::kDigit, '1'));
  EXPECT_FALSE(FraudConfirmed(attempt_));
}

TEST_F(CallStateTest, ZeroPoundThenAnotherKeyOrSilenceReportsWithoutConfirming) {
  for (char key : {'2', '#', '0'}) {
    Restart(true);
    Answer();
    Event(CallEventKind::kDigit, '0');
    Event(CallEventKind::kDigit, '#');
    EXPECT_TRUE(Event(CallEventKind::kDigit, key));
    EXPECT_EQ(State(), CallState::kFraudReported) << key;
    EXPECT_FALSE(FraudConfirmed(attempt_)) << key;
  }
  Restart(true);
  Answer();
  Event(CallEventKind::kDigit, '0');
  Event(CallEventKind::kDigit, '#');
  clock_.AdvanceMillis(20'000);
  EXPECT_TRUE(Tick());
  EXPECT_EQ(State(), CallState::kFraudReported);
  EXPECT_FALSE(FraudConfirmed(attempt_));
}

TEST_F(CallStateTest, OtherKeysAreWrong) {
  Answer();
  EXPECT_TRUE(Event(CallEventKind::kDigit, '5'));
  EXPECT_EQ(State(), CallState::kWrongKey);

  Restart();
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
    attempt_.state = CallState::kPlacing;
    EXPECT_TRUE(Event(kind));
    EXPECT_EQ(State(), expected);
  }
}

}  // namespace
}  // namespace secinfo::flows
