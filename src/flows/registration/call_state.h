#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "channels/voice/voice_channel.h"
#include "store/types.h"

namespace secinfo::flows {

// Where a verification call stands. The first four are live; the rest are final.
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

std::string_view CallStateName(CallState s);
std::optional<CallState> ParseCallState(std::string_view name);
bool IsFinal(CallState s);

struct CallTimeouts {
  int64_t ring_millis = 30'000;   // kPlacing/kRinging → kNoAnswer
  int64_t input_millis = 20'000;  // kAnswered → kNoInput
};

// The call-attempt state machine. Pure functions over the stored record: they change `a` (state,
// digits, timestamps) and return true when something changed. Final states never change.
//
// Keys: '#' alone confirms; "0#" reports fraud; a lone '0' waits for the next key; any other key
// (a '1' too) ends the call as kWrongKey at once (the person is told to try again). When the
// attempt asks for it (fraud_confirm), "0#" waits for '1' to confirm the report (as Entra ID does);
// any other key, no key, or the call ending (hung up, broken) still ends it as kFraudReported,
// unconfirmed (digits "0#1" mean confirmed).
bool FraudConfirmed(const store::CallAttempt& a);
bool ApplyCallEvent(store::CallAttempt& a, const channels::CallEvent& e, int64_t now);
bool ApplyCallTimeouts(store::CallAttempt& a, int64_t now, const CallTimeouts& t);

}  // namespace secinfo::flows
