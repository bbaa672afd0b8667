#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "core/status.h"

namespace secinfo::channels {

// What to call and what to say. The provider knows nothing about users or why it calls.
struct CallRequest {
  std::string reference;    // the caller's unique id for this call; every event carries it
  std::string destination;  // E.164, "+33425555123"
  std::string locale;       // language of the prompt, "fr"
  std::string prompt;       // the words to say once answered
  std::string caller_id;    // what the called phone shows
  // The tenant's own recording to play instead of speaking `prompt`: raw 8 kHz mono G.711 u-law
  // (channels/voice/greeting.h). Empty: speak `prompt`.
  std::string greeting_ulaw;
};

enum class CallEventKind {
  kRinging,   // the phone rings
  kAnswered,  // someone picked up; the prompt starts
  kDigit,     // a key was pressed (CallEvent::digit)
  kHungUp,    // the called party hung up or declined
  kBusy,      // the line was busy
  kFailed,    // the call could not be placed or broke off (CallEvent::detail says why)
};

struct CallEvent {
  CallEventKind kind = CallEventKind::kFailed;
  char digit = 0;      // '0'-'9', '*', '#' for kDigit
  std::string detail;  // for operators
};

// Receives the events of calls. Called on any thread, possibly concurrently for different calls;
// events of one call arrive in order.
class CallEventSink {
 public:
  virtual ~CallEventSink() = default;
  virtual void OnCallEvent(std::string_view provider, std::string_view reference,
                           const CallEvent& event) = 0;
};

// A way to make voice calls: the simulated network, a SIP trunk, ... Thread-safe.
class VoiceChannel {
 public:
  virtual ~VoiceChannel() = default;
  // "simulated", "sip", ...
  virtual std::string_view name() const = 0;
  // Where events go. REQUIRES: set once, before the first PlaceCall.
  virtual void SetEventSink(CallEventSink* sink) = 0;
  // Starts a call and returns without waiting for it to ring. Unavailable when the provider cannot
  // place calls now; the call then never produces events.
  virtual Status PlaceCall(const CallRequest& request) = 0;
  // Ends a call from our side (the caller hangs up). No event follows. OK if already ended.
  virtual Status HangUp(std::string_view reference) = 0;
  // Whether Say works on this provider's calls. A caller that needs to say more later in a call
  // must otherwise put everything into CallRequest::prompt at the start.
  virtual bool CanSay() const { return false; }
  // Says `prompt` (spoken in `locale`) on a live call, in place of what the call was saying: the
  // person hears it from its start, as they heard the opening prompt. Returns once queued; keys
  // pressed meanwhile are still reported. NotFound when the call is not live (never placed, or
  // ended); Unimplemented when the provider cannot speak after the opening prompt (CanSay() is
  // false); Unavailable when the words cannot be made into speech now.
  virtual Status Say(std::string_view reference, std::string prompt, std::string locale) {
    (void)reference, (void)prompt, (void)locale;
    return Status::Unimplemented(std::string(name()) + " calls say only their opening prompt");
  }
  // OK when the provider can place calls now; Unavailable saying why otherwise. For /readyz.
  virtual Status Health() const { return Status::Ok(); }
};

}  // namespace secinfo::channels
