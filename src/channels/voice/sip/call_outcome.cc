#include "channels/voice/sip/call_outcome.h"

#include <string>

namespace secinfo::channels::sip {

CallEvent EventForFinalResponse(uint16_t status_code, std::string_view reason) {
  CallEvent e;
  e.detail = "SIP " + std::to_string(status_code) + " " + std::string(reason);
  switch (status_code) {
    case 486:
    case 600:
      e.kind = CallEventKind::kBusy;
      break;
    case 408:
    case 480:
    case 487:
    case 603:
      e.kind = CallEventKind::kHungUp;
      break;
    default:
      e.kind = CallEventKind::kFailed;
      break;
  }
  return e;
}

std::optional<char> DtmfReceiver::OnPacket(uint32_t rtp_timestamp, const uint8_t* payload,
                                           size_t size) {
  if (size < 4) return std::nullopt;
  const bool end = (payload[1] & 0x80) != 0;
  if (!end) return std::nullopt;
  if (reported_any_ && last_timestamp_ == rtp_timestamp) return std::nullopt;
  static constexpr char kKeys[] = "0123456789*#";
  const uint8_t event = payload[0];
  if (event >= 12) return std::nullopt;  // A-D and tones are not phone keys
  reported_any_ = true;
  last_timestamp_ = rtp_timestamp;
  return kKeys[event];
}

}  // namespace secinfo::channels::sip
