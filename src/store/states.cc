#include "store/states.h"

#include <utility>

namespace secinfo::store {
namespace {

// Each state with the text the store keeps for it. The texts are a contract with the rows already
// written: never change one.
template <typename State>
using Names = std::pair<State, std::string_view>;

constexpr Names<CodeChallengeState> kCodeChallengeNames[] = {
    {CodeChallengeState::kPending, "pending"},     {CodeChallengeState::kVerified, "verified"},
    {CodeChallengeState::kExpired, "expired"},     {CodeChallengeState::kLocked, "locked"},
    {CodeChallengeState::kCancelled, "cancelled"}, {CodeChallengeState::kFailed, "failed"},
};

constexpr Names<AppEnrolmentState> kAppEnrolmentNames[] = {
    {AppEnrolmentState::kPending, "pending"},
    {AppEnrolmentState::kDone, "done"},
    {AppEnrolmentState::kExpired, "expired"},
    {AppEnrolmentState::kCancelled, "cancelled"},
};

constexpr Names<PushState> kPushNames[] = {
    {PushState::kPending, "pending"}, {PushState::kApproved, "approved"},
    {PushState::kDenied, "denied"},   {PushState::kWrongNumber, "wrong_number"},
    {PushState::kExpired, "expired"},
};

constexpr Names<VerificationState> kVerificationNames[] = {
    {VerificationState::kPending, "pending"},
    {VerificationState::kSucceeded, "succeeded"},
    {VerificationState::kFailed, "failed"},
    {VerificationState::kUsed, "used"},
};

constexpr Names<DeliveryState> kDeliveryNames[] = {
    {DeliveryState::kNoReceipt, ""},
    {DeliveryState::kDelivered, "delivered"},
    {DeliveryState::kUndelivered, "undelivered"},
};

constexpr Names<CallState> kCallNames[] = {
    {CallState::kPlacing, "placing"},
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
    {CallState::kCancelled, "cancelled"},
};

// Every table lists its enum's values in order, so the value is its index.
template <typename State, std::size_t N>
constexpr bool InOrder(const Names<State> (&names)[N]) {
  for (std::size_t i = 0; i < N; ++i) {
    if (static_cast<std::size_t>(names[i].first) != i) return false;
  }
  return true;
}
static_assert(InOrder(kCodeChallengeNames) && InOrder(kAppEnrolmentNames) && InOrder(kPushNames) &&
              InOrder(kVerificationNames) && InOrder(kDeliveryNames) && InOrder(kCallNames));
static_assert(std::size(kCodeChallengeNames) == 1 + int(CodeChallengeState::kFailed));
static_assert(std::size(kAppEnrolmentNames) == 1 + int(AppEnrolmentState::kCancelled));
static_assert(std::size(kPushNames) == 1 + int(PushState::kExpired));
static_assert(std::size(kVerificationNames) == 1 + int(VerificationState::kUsed));
static_assert(std::size(kDeliveryNames) == 1 + int(DeliveryState::kUndelivered));
static_assert(std::size(kCallNames) == 1 + int(CallState::kCancelled));

template <typename State, std::size_t N>
std::string_view NameIn(const Names<State> (&names)[N], State s) {
  const auto i = static_cast<std::size_t>(s);
  return i < N ? names[i].second : std::string_view();
}

template <typename State, std::size_t N>
std::optional<State> ParseIn(const Names<State> (&names)[N], std::string_view text) {
  for (const auto& [state, name] : names) {
    if (name == text) return state;
  }
  return std::nullopt;
}

}  // namespace

std::string_view StateName(CodeChallengeState s) { return NameIn(kCodeChallengeNames, s); }
std::optional<CodeChallengeState> ParseCodeChallengeState(std::string_view text) {
  return ParseIn(kCodeChallengeNames, text);
}

std::string_view StateName(AppEnrolmentState s) { return NameIn(kAppEnrolmentNames, s); }
std::optional<AppEnrolmentState> ParseAppEnrolmentState(std::string_view text) {
  return ParseIn(kAppEnrolmentNames, text);
}

std::string_view StateName(PushState s) { return NameIn(kPushNames, s); }
std::optional<PushState> ParsePushState(std::string_view text) { return ParseIn(kPushNames, text); }

std::string_view StateName(VerificationState s) { return NameIn(kVerificationNames, s); }
std::optional<VerificationState> ParseVerificationState(std::string_view text) {
  return ParseIn(kVerificationNames, text);
}

std::string_view StateName(DeliveryState s) { return NameIn(kDeliveryNames, s); }
std::optional<DeliveryState> ParseDeliveryState(std::string_view text) {
  return ParseIn(kDeliveryNames, text);
}

std::string_view StateName(CallState s) { return NameIn(kCallNames, s); }
std::optional<CallState> ParseCallState(std::string_view text) { return ParseIn(kCallNames, text); }

bool IsFinal(CallState s) {
  return s != CallState::kPlacing && s != CallState::kRinging && s != CallState::kAnswered &&
         s != CallState::kConfirmingFraud;
}

}  // namespace secinfo::store
