#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "channels/voice/voice_channel.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/result.h"
#include "core/status.h"

namespace secinfo::channels {

namespace sip {
class EventDispatcher;
class PromptCache;
class SipEngine;
}  // namespace sip

// Knobs of the SIP provider that are not operator settings (tests and benchmarks change them).
struct SipVoiceOptions {
  std::string espeak_ng = "espeak-ng";  // text to speech; a name looked up on PATH, or a path
  std::string sox = "sox";              // WAV to 8 kHz u-law
  uint16_t rtp_port_min = 16384;        // our RTP sockets bind in this range, one per call
  uint16_t rtp_port_max = 32767;
  size_t max_calls = 1000;         // calls in progress at once; more: Unavailable
  int64_t max_call_seconds = 300;  // safety net: a call still up after this ends (kFailed)
  int event_threads = 2;           // threads delivering events to the sink
};

// Voice calls through a SIP trunk or proxy (voice.provider = "sip"): calls
// sip:<+E164>@<host>:<port>;transport=<udp|tcp>, speaks the prompt (espeak-ng, cached) or plays
// the tenant's greeting as PCMU once answered, and reports the keys pressed (RFC 4733). See
// sip/sip_engine.h for the call itself and sip/call_outcome.h for how SIP responses map to events.
//
// Threads: libre runs on a thread of its own (SipEngine). Prompts are made on the caller's thread
// inside PlaceCall and Say, before they reach the SIP thread. Events reach the sink on a few
// dispatcher threads (SipVoiceOptions::event_threads), never on the SIP thread, so a slow sink
// (store writes) does not delay anyone's audio or keys; events of one call arrive in order.
// The sink may call HangUp (or PlaceCall) from OnCallEvent.
//
// Thread-safe. Owns its threads; the destructor hangs up every call (no events) and joins them.
class SipVoice final : public VoiceChannel {
 public:
  // Validates `voice.sip`, finds espeak-ng and sox, creates the prompt cache directory, speaks a
  // probe prompt, and starts the SIP stack. InvalidArgument naming the setting for bad settings
  // (`voice.sip.host` missing or malformed, ...), FailedPrecondition when a tool is missing,
  // Unavailable when the SIP socket cannot listen.
  static Result<std::unique_ptr<SipVoice>> Create(const Config::Voice& voice, const Clock& clock,
                                                  const SipVoiceOptions& options = {});
  ~SipVoice() override;

  std::string_view name() const override { return "sip"; }
  // Also accepts nullptr (at shutdown, before the sink is destroyed): when it returns, no event is
  // being delivered and none will be.
  void SetEventSink(CallEventSink* sink) override;
  // Makes (or finds) the spoken prompt, unless the request carries a greeting to play instead, then
  // queues the call and returns. InvalidArgument for a destination that is not E.164 or an empty
  // reference; AlreadyExists for a reference still in progress; Unavailable when the prompt cannot
  // be made, too many calls are up, or the SIP stack does not run (no events follow then).
  Status PlaceCall(const CallRequest& request) override;
  // CANCEL while ringing, BYE once answered. No event is delivered for the call afterwards (an
  // event already being handed to the sink at that instant may still arrive).
  Status HangUp(std::string_view reference) override;
  // Makes (or finds) the spoken words on the caller's thread, as PlaceCall does, then queues them
  // to the SIP thread, where the call's RTP stream switches to them (SipEngine::Say). NotFound for
  // a call that is not in progress or was hung up; Unavailable when the words cannot be spoken.
  bool CanSay() const override { return true; }
  Status Say(std::string_view reference, std::string prompt, std::string locale) override;

  // OK while the SIP thread runs and answers its heartbeat; Unavailable saying why otherwise.
  // For /readyz.
  Status Health() const override;
  // Calls placed whose last event has not been delivered yet.
  size_t ActiveCalls() const;

 private:
  explicit SipVoice(const SipVoiceOptions& options);
  void Deliver(const std::string& reference, const CallEvent& event);
  void Done(const std::string& reference);

  const SipVoiceOptions options_;
  std::unique_ptr<sip::PromptCache> prompts_;

  mutable std::mutex mu_;          // guards live_ and hung_up_
  std::set<std::string> live_;     // placed, last event not delivered yet
  std::set<std::string> hung_up_;  // HangUp called: their events are dropped

  std::shared_mutex sink_mu_;  // shared while delivering, exclusive to change sink_
  CallEventSink* sink_ = nullptr;

  // Declared last: destroyed first, so their threads stop before the state above goes.
  std::unique_ptr<sip::EventDispatcher> dispatcher_;
  std::unique_ptr<sip::SipEngine> engine_;
};

// The factory secinfo serve uses for voice.provider = "sip" (same checks as SipVoice::Create).
Result<std::unique_ptr<VoiceChannel>> MakeSipVoice(const Config::Voice& voice, const Clock& clock);

// Checks `voice.sip` without starting anything. InvalidArgument naming the first bad setting.
Status ValidateSipSettings(const Config::Voice::Sip& sip);

}  // namespace secinfo::channels
