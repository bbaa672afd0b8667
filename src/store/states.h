#pragma once

#include <optional>
#include <string_view>

// Where each challenge record stands, typed. The store keeps every state as text in a `state`
// column; StateName(s) gives that exact text (rows written by earlier versions read back as they
// are, and audit entries and metrics labels keep their words), and Parse<Record>State(text) reads
// it back: nullopt for a text this version does not know. Only src/store/sql converts; everything
// above it compares enums.
namespace secinfo::store {

// CodeChallenge::state.
enum class CodeChallengeState {
  kPending,    // a code is out and may be typed
  kVerified,   // the right code was typed
  kExpired,    // the code ran out before a right one was typed (a new code may be sent)
  kLocked,     // too many wrong codes (a new code may be sent)
  kCancelled,  // given up by the person
  kFailed,     // the code could not be sent, or what it would register was taken meanwhile
};
std::string_view StateName(CodeChallengeState s);
std::optional<CodeChallengeState> ParseCodeChallengeState(std::string_view text);

// AppEnrolment::state.
enum class AppEnrolmentState {
  kPending,  // the QR code is shown; a right code from the app finishes it
  kDone,     // the app is registered
  kExpired,
  kCancelled,
};
std::string_view StateName(AppEnrolmentState s);
std::optional<AppEnrolmentState> ParseAppEnrolmentState(std::string_view text);

// PushChallenge::state. Every state but kPending is final.
enum class PushState {
  kPending,
  kApproved,     // the device typed the right number and approved
  kDenied,       // the device said no (PushChallenge::reported: "It's not me")
  kWrongNumber,  // the device typed another number: the request ends (one try)
  kExpired,      // nobody answered in time
};
std::string_view StateName(PushState s);
std::optional<PushState> ParsePushState(std::string_view text);

// Verification::state.
enum class VerificationState {
  kPending,
  kSucceeded,  // the proof succeeded; not used yet
  kFailed,
  kUsed,  // it served its session or reset once, and never again
};
std::string_view StateName(VerificationState s);
std::optional<VerificationState> ParseVerificationState(std::string_view text);

// TextDelivery::state: what the network said of a text.
enum class DeliveryState {
  kNoReceipt,    // no final receipt yet (text "")
  kDelivered,    // it reached the phone
  kUndelivered,  // the network gave up on it
};
std::string_view StateName(DeliveryState s);
std::optional<DeliveryState> ParseDeliveryState(std::string_view text);

// CallAttempt::state: where a verification call stands. The first four are live; the rest are
// final. The machine that moves it is in flows/registration/call_state.h.
enum class CallState {
  kPlacing,  // asked the provider; the phone does not ring yet
  kRinging,
  kAnswered,         // prompt playing, waiting for keys
  kConfirmingFraud,  // "0#" pressed where reports block: waiting for 1 to confirm
  kConfirmed,        // '#' pressed: the number is proven
  kNoAnswer,         // nobody picked up within the ring time
  kHungUp,           // the phone declined or hung up before confirming
  kBusy,
  kWrongKey,       // a key other than '#' (or the fraud code "0#")
  kNoInput,        // answered, but no key within the input time
  kFraudReported,  // "0#": the person did not ask for this call
  kFailed,         // the provider could not place or keep the call
  kCancelled,      // the person gave up from the page
};
std::string_view StateName(CallState s);
std::optional<CallState> ParseCallState(std::string_view text);
bool IsFinal(CallState s);

}  // namespace secinfo::store
