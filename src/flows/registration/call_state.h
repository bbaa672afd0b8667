#pragma once

#include <cstdint>

#include "channels/voice/voice_channel.h"
#include "store/types.h"

namespace secinfo::flows {

struct CallTimeouts {
  int64_t ring_millis = 30'000;   // kPlacing/kRinging → kNoAnswer
  int64_t input_millis = 20'000;  // kAnswered → kNoInput
};

// The call-attempt state machine over store::CallState (store/states.h). Pure functions over the
// stored record: they change `a` (state, digits, timestamps) and return true when something
// changed. Final states (store::IsFinal) never change.
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
