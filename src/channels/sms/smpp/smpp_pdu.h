#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

// SMPP 3.4 PDUs as bytes, packed and unpacked by libsmpp34 (which keeps its error text in
// process-wide globals: every call into it here holds one process-wide mutex, so these functions
// are thread-safe). The 16-byte header is read by hand: a response's command_status must be
// checked before its body is unpacked, since an SMSC may answer a failure with the header alone,
// which libsmpp34 rejects.
namespace secinfo::channels::smpp {

inline constexpr size_t kHeaderSize = 16;
inline constexpr uint32_t kMaxPduSize = 64 * 1024;  // a larger command_length is a broken stream

inline constexpr uint32_t kGenericNack = 0x80000000;
inline constexpr uint32_t kBindTransmitter = 0x00000002;
inline constexpr uint32_t kBindTransceiver = 0x00000009;
inline constexpr uint32_t kSubmitSm = 0x00000004;
inline constexpr uint32_t kDeliverSm = 0x00000005;
inline constexpr uint32_t kUnbind = 0x00000006;
inline constexpr uint32_t kEnquireLink = 0x00000015;
inline constexpr uint32_t kResponseBit = 0x80000000;

inline constexpr uint8_t kTonInternational = 1;
inline constexpr uint8_t kTonAlphanumeric = 5;
inline constexpr uint8_t kNpiUnknown = 0;
inline constexpr uint8_t kNpiIsdn = 1;  // E.164

struct PduHeader {
  uint32_t command_length = 0;
  uint32_t command_id = 0;
  uint32_t command_status = 0;
  uint32_t sequence_number = 0;
};

// REQUIRES: bytes.size() >= kHeaderSize.
PduHeader ParseHeader(std::string_view bytes);

struct Address {
  uint8_t ton = 0;
  uint8_t npi = 0;
  std::string value;  // at most 20 characters
};

struct BindRequest {
  bool transceiver = true;  // else transmitter
  std::string system_id;    // at most 15 characters
  std::string password;     // at most 8
  std::string system_type;  // at most 12
};

struct SubmitRequest {
  Address source;
  Address destination;
  uint8_t esm_class = 0;
  uint8_t data_coding = 0;
  uint8_t registered_delivery = 0;  // 1: ask for a delivery receipt
  std::string short_message;        // at most 254 octets
};

// InvalidArgument when a field does not fit its PDU field.
Result<std::string> PackBind(const BindRequest& bind, uint32_t sequence_number);
Result<std::string> PackSubmitSm(const SubmitRequest& submit, uint32_t sequence_number);
// enquire_link, enquire_link_resp, unbind, unbind_resp, generic_nack: a header and no body.
std::string PackHeaderOnly(uint32_t command_id, uint32_t command_status, uint32_t sequence_number);
std::string PackDeliverSmResp(uint32_t sequence_number);

// message_id of an OK submit_sm_resp; empty when the body is missing or malformed (the part
// was accepted all the same).
std::string UnpackSubmitSmRespMessageId(std::string_view pdu);
// system_id of an OK bind_*_resp; empty when missing.
std::string UnpackBindRespSystemId(std::string_view pdu);

struct DeliverSm {
  Address source;       // the phone
  Address destination;  // our sender
  uint8_t esm_class = 0;
  uint8_t data_coding = 0;
  std::string short_message;
  std::string receipted_message_id;      // TLV 0x001E, when present
  std::optional<uint8_t> message_state;  // TLV 0x0427, when present
};
// InvalidArgument with libsmpp34's complaint when malformed.
Result<DeliverSm> UnpackDeliverSm(std::string_view pdu);

}  // namespace secinfo::channels::smpp
