// SMPP PDUs as an SMSC sends them (channels/sms/smpp/smpp_pdu.h), unpacked the way the session
// does: the header read by hand, then the body by libsmpp34 according to command_id, then a
// delivered text decoded from GSM 03.38 or UCS-2. Input: one PDU; its command_length is set to
// the input's size, as the session only ever hands over whole PDUs of the declared length.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "channels/sms/smpp/smpp_pdu.h"
#include "channels/sms/smpp/sms_text.h"
#include "fuzz_support.h"

using namespace secinfo::channels::smpp;

namespace {

constexpr uint32_t kBindTransmitterResp = kBindTransmitter | kResponseBit;
constexpr uint32_t kBindTransceiverResp = kBindTransceiver | kResponseBit;

void CheckUtf8(const std::string& text) { FUZZ_CHECK(DecodeUtf8(text).ok()); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < kHeaderSize || size > kMaxPduSize) return 0;  // the session refuses these itself
  std::string pdu(reinterpret_cast<const char*>(data), size);
  for (int i = 0; i < 4; ++i) pdu[i] = static_cast<char>((size >> (24 - 8 * i)) & 0xFF);

  const PduHeader h = ParseHeader(pdu);
  FUZZ_CHECK(h.command_length == size);
  switch (h.command_id) {
    case kSubmitSm | kResponseBit:
    case kGenericNack:
      if (h.command_status == 0) {
        // At most 64 octets with its NUL in SMPP 3.4; libsmpp34 must not read or copy more.
        FUZZ_CHECK(UnpackSubmitSmRespMessageId(pdu).size() <= 65);
      }
      break;
    case kBindTransmitterResp:
    case kBindTransceiverResp:
      FUZZ_CHECK(UnpackBindRespSystemId(pdu).size() <= 16);
      break;
    case kDeliverSm: {
      auto deliver = UnpackDeliverSm(pdu);
      if (!deliver.ok()) break;
      FUZZ_CHECK(deliver->source.value.size() <= 21 && deliver->destination.value.size() <= 21);
      FUZZ_CHECK(deliver->short_message.size() <= 255);
      FUZZ_CHECK(deliver->receipted_message_id.size() <= 65);
      CheckUtf8(DecodeGsm7ToUtf8(deliver->short_message));
      CheckUtf8(DecodeUcs2ToUtf8(deliver->short_message));
      break;
    }
    default:
      break;
  }
  return 0;
}
