#include "store/states.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

namespace secinfo::store {
namespace {

// Every state with the text rows already hold for it: these texts are what older versions wrote
// and what dashboards and audit searches look for, so each is spelled out here, once.
template <typename State>
using Texts = std::vector<std::pair<State, std::string>>;

// Checks that `texts` names every value of State up to `last`, that each value's name is its text
// and reads back as it, and that the texts are distinct.
template <typename State, typename Parse>
void ExpectRoundTrip(const Texts<State>& texts, State last, Parse parse) {
  ASSERT_EQ(texts.size(), static_cast<size_t>(last) + 1) << "a state without its text here";
  std::set<std::string> seen;
  for (size_t i = 0; i < texts.size(); ++i) {
    const auto& [state, text] = texts[i];
    EXPECT_EQ(static_cast<size_t>(state), i) << text;
    EXPECT_EQ(StateName(state), text);
    EXPECT_EQ(parse(text), state) << text;
    EXPECT_TRUE(seen.insert(text).second) << "two states share '" << text << "'";
  }
}

// Texts this version must not read as any state: near misses, other records' words, case and
// spacing variants.
template <typename Parse>
void ExpectRefused(Parse parse, const std::vector<std::string>& texts) {
  for (const std::string& text : texts) {
    EXPECT_FALSE(parse(text).has_value()) << "'" << text << "' read as a state";
  }
}

TEST(StatesTest, CodeChallengeStatesKeepTheirText) {
  ExpectRoundTrip<CodeChallengeState>({{CodeChallengeState::kPending, "pending"},
                                       {CodeChallengeState::kVerified, "verified"},
                                       {CodeChallengeState::kExpired, "expired"},
                                       {CodeChallengeState::kLocked, "locked"},
                                       {CodeChallengeState::kCancelled, "cancelled"},
                                       {CodeChallengeState::kFailed, "failed"}},
                                      CodeChallengeState::kFailed, ParseCodeChallengeState);
  ExpectRefused(ParseCodeChallengeState, {"", "Pending", "pending ", "verifed", "done", "used"});
}

TEST(StatesTest, AppEnrolmentStatesKeepTheirText) {
  ExpectRoundTrip<AppEnrolmentState>({{AppEnrolmentState::kPending, "pending"},
                                      {AppEnrolmentState::kDone, "done"},
                                      {AppEnrolmentState::kExpired, "expired"},
                                      {AppEnrolmentState::kCancelled, "cancelled"}},
                                     AppEnrolmentState::kCancelled, ParseAppEnrolmentState);
  ExpectRefused(ParseAppEnrolmentState, {"", "DONE", "verified", "failed", "canceled"});
}

TEST(StatesTest, PushStatesKeepTheirText) {
  ExpectRoundTrip<PushState>({{PushState::kPending, "pending"},
                              {PushState::kApproved, "approved"},
                              {PushState::kDenied, "denied"},
                              {PushState::kWrongNumber, "wrong_number"},
                              {PushState::kExpired, "expired"}},
                             PushState::kExpired, ParsePushState);
  ExpectRefused(ParsePushState, {"", "wrong-number", "wrongnumber", "succeeded", "Approved"});
}

TEST(StatesTest, VerificationStatesKeepTheirText) {
  ExpectRoundTrip<VerificationState>({{VerificationState::kPending, "pending"},
                                      {VerificationState::kSucceeded, "succeeded"},
                                      {VerificationState::kFailed, "failed"},
                                      {VerificationState::kUsed, "used"}},
                                     VerificationState::kUsed, ParseVerificationState);
  ExpectRefused(ParseVerificationState, {"", "success", "approved", "verified", "USED"});
}

TEST(StatesTest, DeliveryStatesKeepTheirText) {
  // A text without a final receipt keeps an empty state, as rows always have.
  ExpectRoundTrip<DeliveryState>({{DeliveryState::kNoReceipt, ""},
                                  {DeliveryState::kDelivered, "delivered"},
                                  {DeliveryState::kUndelivered, "undelivered"}},
                                 DeliveryState::kUndelivered, ParseDeliveryState);
  // The provider's own words are not ours: SMPP's stat: field is mapped by the provider.
  ExpectRefused(ParseDeliveryState, {"DELIVRD", "UNDELIV", "ENROUTE", " ", "pending"});
}

TEST(StatesTest, CallStatesKeepTheirText) {
  ExpectRoundTrip<CallState>({{CallState::kPlacing, "placing"},
                              {CallState::kRinging, "ringing"},
                              {CallState::kAnswered, "answered"},
                              {CallState::kConfirmingFraud, "confirming_fraud"},
                              {CallState::kConfirmed, "confirmed"},
                              {CallState::kNoAnswer, "no_answer"},
                              {CallState::kHungUp, "hung_up"},
                              {CallState::kBusy, "busy"},
                              {CallState::kWrongKey, "wrong_key"},
                              {CallState::kNoInput, "no_input"},
                              {CallState::kFraudReported, "fraud_reported"},
                              {CallState::kFailed, "failed"},
                              {CallState::kCancelled, "cancelled"}},
                             CallState::kCancelled, ParseCallState);
  ExpectRefused(ParseCallState, {"", "dialing", "ended", "hungup", "Confirmed"});
}

TEST(StatesTest, OnlyLiveCallsAreNotFinal) {
  for (CallState live : {CallState::kPlacing, CallState::kRinging, CallState::kAnswered,
                         CallState::kConfirmingFraud}) {
    EXPECT_FALSE(IsFinal(live)) << StateName(live);
  }
  for (int i = static_cast<int>(CallState::kConfirmed);
       i <= static_cast<int>(CallState::kCancelled); ++i) {
    EXPECT_TRUE(IsFinal(static_cast<CallState>(i))) << StateName(static_cast<CallState>(i));
  }
}

}  // namespace
}  // namespace secinfo::store
