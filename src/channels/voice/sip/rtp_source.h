#pragma once

#include <cstdint>
#include <optional>

namespace secinfo::channels::sip {

// Which RTP packets of a call are the phone's: only those from the media address and port it gave
// in its SDP and, once the first of them is seen, with that packet's SSRC. Anyone who can reach
// our RTP port could otherwise press # (or 0#) in someone else's call with a forged RFC 4733
// telephone-event. Phones behind a NAT that rewrites their media port are therefore not heard:
// the SDP must name the address they send from. Not thread-safe: one per call, used on the SIP
// thread.
class RtpSourceFilter {
 public:
  enum class Verdict {
    kAccept,
    kWrongSource,  // not from the negotiated address and port
    kWrongSsrc,    // from there, but another stream than the one first seen
  };

  // `from_negotiated_peer`: the packet's source equals the SDP's media address and port.
  Verdict Check(bool from_negotiated_peer, uint32_t ssrc);

 private:
  std::optional<uint32_t> ssrc_;  // learnt from the first accepted packet
};

// "wrong source", "wrong SSRC", "accepted": for log lines.
const char* VerdictName(RtpSourceFilter::Verdict verdict);

}  // namespace secinfo::channels::sip
