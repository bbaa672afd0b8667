#include "channels/voice/sip/rtp_source.h"

namespace secinfo::channels::sip {

RtpSourceFilter::Verdict RtpSourceFilter::Check(bool from_negotiated_peer, uint32_t ssrc) {
  if (!from_negotiated_peer) return Verdict::kWrongSource;
  if (!ssrc_) ssrc_ = ssrc;
  return *ssrc_ == ssrc ? Verdict::kAccept : Verdict::kWrongSsrc;
}

const char* VerdictName(RtpSourceFilter::Verdict verdict) {
  switch (verdict) {
    case RtpSourceFilter::Verdict::kAccept:
      return "accepted";
    case RtpSourceFilter::Verdict::kWrongSource:
      return "wrong source";
    case RtpSourceFilter::Verdict::kWrongSsrc:
      return "wrong SSRC";
  }
  return "unknown";
}

}  // namespace secinfo::channels::sip
