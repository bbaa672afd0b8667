#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "channels/voice/voice_channel.h"
#include "core/clock.h"
#include "core/result.h"
#include "core/status.h"

namespace secinfo::channels::sip {

// Validated settings of the SIP thread (see SipVoice for where they come from).
struct EngineSettings {
  std::string host;  // trunk or proxy: IP address or DNS name
  uint16_t port = 5060;
  bool tcp = false;  // transport of our requests: TCP, else UDP
  std::string user;  // digest user; empty: answer no challenge
  std::string password;
  std::string from_user = "secinfo";
  std::string local_address = "127.0.0.1";  // SIP and RTP sockets; written into SDP and Contact
  uint16_t local_port = 0;                  // SIP; 0: any
  uint16_t rtp_port_min = 16384;
  uint16_t rtp_port_max = 32767;
  int64_t max_call_seconds = 300;  // safety net: any call is ended after this long
};

// One call to place: the prompt is already u-law audio.
struct OutgoingCall {
  std::string reference;
  std::string destination;   // "+33612345678"
  std::string display_name;  // sanitized caller id, may be empty
  std::shared_ptr<const std::string> audio;
};

// The libre SIP stack on a thread of its own. libre is single-threaded: every libre object is
// created, used and freed on that thread, inside re_main. Other threads hand it work through a
// job queue whose wake-up goes through libre's mqueue (one message per batch, so its pipe never
// fills and a caller never blocks).
//
// For each call: INVITE with an SDP offer of PCMU/8000 and telephone-event/8000 0-15 from an RTP
// socket of its own; 180/183 → kRinging (once); 200 → kAnswered and the prompt streams as 20 ms
// PCMU packets (prompt, 1 s pause, prompt again, then silence until the end); RFC 4733 ends →
// kDigit; BYE → kHungUp; a final error response → see EventForFinalResponse.
//
// Events go to `on_event` (called on the SIP thread: it must not block), and `on_gone` is called
// after a call's last event (also after HangUp, which emits none). Thread-safe public methods.
class SipEngine {
 public:
  using EventFn = std::function<void(const std::string& reference, CallEvent event)>;
  using GoneFn = std::function<void(const std::string& reference)>;

  // Starts the thread and waits until the SIP socket listens. Unavailable naming the setting when
  // it cannot (address in use, unknown local address, ...).
  static Result<std::unique_ptr<SipEngine>> Start(const EngineSettings& settings,
                                                  const Clock& clock, EventFn on_event,
                                                  GoneFn on_gone);
  // Hangs up every call (BYE or CANCEL, no events), stops re_main and joins the thread.
  ~SipEngine();

  // Queues the call. Unavailable when the SIP thread is not running.
  Status Place(OutgoingCall call);
  // Queues the end of a call: BYE when answered, CANCEL while ringing. Nothing when unknown.
  void HangUp(const std::string& reference);
  // Queues new words for a call: from the next 20 ms packet on, the call's RTP stream carries
  // `audio` (u-law) from its start, then a pause, `audio` again and silence, as for the opening
  // prompt, instead of what it was playing. A call not answered yet starts with `audio` once
  // answered. Nothing when the call is unknown or has ended. Unavailable when the SIP thread is
  // not running.
  Status Say(const std::string& reference, std::shared_ptr<const std::string> audio);
  // OK while re_main runs and its heartbeat (every second) is recent.
  Status Health() const;

  struct Impl;

 private:
  explicit SipEngine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace secinfo::channels::sip
