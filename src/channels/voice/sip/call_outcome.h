#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "channels/voice/voice_channel.h"

namespace secinfo::channels::sip {

// The event that ends a call which was never answered, from its final SIP response:
//
//   486 Busy Here, 600 Busy Everywhere                      → kBusy
//   408 Request Timeout, 480 Temporarily Unavailable,
//   487 Request Terminated, 603 Decline                     → kHungUp (reached, or the network
//                                                              gave up ringing: nobody answered)
//   anything else (404 Not Found, 484, 403, 407, 5xx, ...)  → kFailed (the number or the trunk
//                                                              refused the call)
//
// 408/480 are what carriers answer when a phone rang out or is switched off, so they read as "did
// not answer" to the person, not as our failure. detail is "SIP <code> <reason>". Pure.
CallEvent EventForFinalResponse(uint16_t status_code, std::string_view reason);

// Digits from RFC 4733 telephone-event RTP packets of one call. A key press is sent as several
// packets sharing one RTP timestamp, the last three with the End bit. A digit is reported once,
// on the first End packet of its timestamp, so duplicates and retransmitted ends are ignored and a
// press whose start packets were lost still counts (libre's telev_recv would drop it: it
// remembers only that the previous event ended). Not thread-safe: one per call.
class DtmfReceiver {
 public:
  // `payload` is the RTP payload (4 bytes: event, E|R|volume, duration). Returns '0'-'9', '*' or
  // '#' when this packet completes a press not reported yet.
  std::optional<char> OnPacket(uint32_t rtp_timestamp, const uint8_t* payload, size_t size);

 private:
  bool reported_any_ = false;
  uint32_t last_timestamp_ = 0;  // of the last reported press
};

}  // namespace secinfo::channels::sip
