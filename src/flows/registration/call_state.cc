#include "flows/registration/call_state.h"

namespace secinfo::flows {
namespace {

using store::CallState;

void Finish(store::CallAttempt& a, CallState s, int64_t now) {
  a.state = s;
  a.ended_at = now;
}

}  // namespace

bool FraudConfirmed(const store::CallAttempt& a) {
  return a.state == CallState::kFraudReported && a.digits == "0#1";
}

bool ApplyCallEvent(store::CallAttempt& a, const channels::CallEvent& e, int64_t now) {
  const CallState state = a.state;
  if (store::IsFinal(state)) return false;
  using K = channels::CallEventKind;
  switch (e.kind) {
    case K::kRinging:
      if (state != CallState::kPlacing) return false;
      a.state = CallState::kRinging;
      a.ringing_at = now;
      return true;
    case K::kAnswered:
      if (state == CallState::kAnswered || state == CallState::kConfirmingFraud) return false;
      a.state = CallState::kAnswered;
      if (a.ringing_at == 0) a.ringing_at = now;
      a.answered_at = now;
      return true;
    case K::kDigit:
      if (state == CallState::kConfirmingFraud) {
        a.digits += e.digit;
        Finish(a, CallState::kFraudReported, now);
        return true;
      }
      if (state != CallState::kAnswered) return false;
      a.digits += e.digit;
      if (e.digit == '#' && a.digits == "0#" && a.fraud_confirm) {
        a.state = CallState::kConfirmingFraud;
        a.answered_at = now;  // the input time starts again for the confirmation
      } else if (e.digit == '#') {
        CallState end = a.digits == "#"    ? CallState::kConfirmed
                        : a.digits == "0#" ? CallState::kFraudReported
                                           : CallState::kWrongKey;
        Finish(a, end, now);
      } else if (a.digits != "0") {
        Finish(a, CallState::kWrongKey, now);
      }
      return true;
    case K::kHungUp:
    case K::kBusy:
    case K::kFailed:
      // "0#" was pressed: the report stands whatever ends the call before a '1'. It stays
      // unconfirmed, as when no key comes (ApplyCallTimeouts).
      if (state == CallState::kConfirmingFraud) {
        Finish(a, CallState::kFraudReported, now);
      } else {
        Finish(a,
               e.kind == K::kHungUp ? CallState::kHungUp
               : e.kind == K::kBusy ? CallState::kBusy
                                    : CallState::kFailed,
               now);
      }
      return true;
  }
  return false;
}

bool ApplyCallTimeouts(store::CallAttempt& a, int64_t now, const CallTimeouts& t) {
  switch (a.state) {
    case CallState::kPlacing:
    case CallState::kRinging:
      if (now - a.created_at < t.ring_millis) return false;
      Finish(a, CallState::kNoAnswer, now);
      return true;
    case CallState::kAnswered:
      if (now - a.answered_at < t.input_millis) return false;
      Finish(a, CallState::kNoInput, now);
      return true;
    case CallState::kConfirmingFraud:
      if (now - a.answered_at < t.input_millis) return false;
      Finish(a, CallState::kFraudReported, now);  // reported, not confirmed
      return true;
    default:
      return false;
  }
}

}  // namespace secinfo::flows
