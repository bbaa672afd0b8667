#include "channels/sms/smpp/smpp_pdu.h"

#include <algorithm>
#include <cstring>
#include <mutex>
#include <vector>

// In this order: each header uses what the one before defines.
// clang-format off
extern "C" {
#include <smpp34.h>
#include <smpp34_structs.h>
#include <smpp34_params.h>
}
// clang-format on

namespace secinfo::channels::smpp {
namespace {

// libsmpp34 reports through the globals smpp34_errno / smpp34_strerror.
std::mutex& LibraryMutex() {
  static std::mutex mu;
  return mu;
}

// Copies `value` into a C-octet field of `size` bytes (terminating NUL included).
bool Fill(uint8_t* field, size_t size, std::string_view value) {
  if (value.size() >= size || value.find('\0') != std::string_view::npos) return false;
  std::memcpy(field, value.data(), value.size());
  field[value.size()] = 0;
  return true;
}

std::string CString(const uint8_t* field, size_t size) {
  const char* text = reinterpret_cast<const char*>(field);
  return std::string(text, strnlen(text, size));
}

// Packs `pdu` (a libsmpp34 struct). Fails only on values the caller did not validate.
template <typename T>
Result<std::string> Pack(uint32_t type, T& pdu) {
  std::vector<uint8_t> buffer(kMaxPduSize);
  int length = 0;
  std::lock_guard lock(LibraryMutex());
  if (smpp34_pack(type, buffer.data(), static_cast<int>(buffer.size()), &length, &pdu) != 0) {
    return Status::InvalidArgument(std::string("smpp34_pack: ") + smpp34_strerror);
  }
  return std::string(reinterpret_cast<const char*>(buffer.data()), length);
}

uint32_t Be32(std::string_view b, size_t at) {
  return (static_cast<uint32_t>(static_cast<unsigned char>(b[at])) << 24) |
         (static_cast<uint32_t>(static_cast<unsigned char>(b[at + 1])) << 16) |
         (static_cast<uint32_t>(static_cast<unsigned char>(b[at + 2])) << 8) |
         static_cast<uint32_t>(static_cast<unsigned char>(b[at + 3]));
}

uint16_t Be16(std::string_view b, size_t at) {
  return static_cast<uint16_t>((static_cast<unsigned char>(b[at]) << 8) |
                               static_cast<unsigned char>(b[at + 1]));
}

// Where the mandatory body of a PDU ends and its optional parameters (TLVs) begin, walking the
// fields from `at`: 'c' a C-octet string (up to its NUL), a digit that many octets, 'm' an octet
// giving the length of the octets that follow (sm_length, short_message). nullopt when a field
// runs past the PDU. Lengths are checked by libsmpp34 afterwards.
std::optional<size_t> MandatoryEnd(std::string_view pdu, std::string_view fields) {
  size_t at = kHeaderSize;
  for (char f : fields) {
    size_t n = 0;
    if (f == 'c') {
      const size_t nul = pdu.find('\0', at);
      if (nul == std::string_view::npos) return std::nullopt;
      n = nul + 1 - at;
    } else if (f == 'm') {
      if (at >= pdu.size()) return std::nullopt;
      n = 1 + static_cast<unsigned char>(pdu[at]);
    } else {
      n = static_cast<size_t>(f - '0');
    }
    if (pdu.size() - at < n) return std::nullopt;
    at += n;
  }
  return at;
}

// Unpacks the first `length` bytes of `pdu` as a whole PDU of that length. libsmpp34 is never
// given optional parameters: it leaks the entry it was filling when one is malformed (1 KiB per
// PDU, which whoever speaks for the SMSC could repeat at will), so callers read the few they need
// themselves. The bytes are copied into a std::string because libsmpp34 runs strlen() over
// C-octet fields: the string's terminating NUL stops it at the end of the data.
// REQUIRES: LibraryMutex() held; kHeaderSize <= length <= pdu.size().
template <typename T>
bool UnpackMandatory(uint32_t type, T& out, std::string_view pdu, size_t length) {
  std::string bytes(pdu.substr(0, length));
  for (int i = 0; i < 4; ++i) bytes[i] = static_cast<char>((length >> (24 - 8 * i)) & 0xFF);
  return smpp34_unpack(type, &out, reinterpret_cast<const uint8_t*>(bytes.data()),
                       static_cast<int>(bytes.size())) == 0;
}

}  // namespace

PduHeader ParseHeader(std::string_view b) {
  return {Be32(b, 0), Be32(b, 4), Be32(b, 8), Be32(b, 12)};
}

Result<std::string> PackBind(const BindRequest& bind, uint32_t sequence_number) {
  auto pack = [&](auto pdu, uint32_t command_id) -> Result<std::string> {
    pdu.command_id = command_id;
    pdu.sequence_number = sequence_number;
    pdu.interface_version = SMPP_VERSION;
    if (!Fill(pdu.system_id, sizeof pdu.system_id, bind.system_id) ||
        !Fill(pdu.password, sizeof pdu.password, bind.password) ||
        !Fill(pdu.system_type, sizeof pdu.system_type, bind.system_type)) {
      return Status::InvalidArgument("bind: system_id, password or system_type too long");
    }
    return Pack(command_id, pdu);
  };
  if (bind.transceiver) return pack(bind_transceiver_t{}, BIND_TRANSCEIVER);
  return pack(bind_transmitter_t{}, BIND_TRANSMITTER);
}

Result<std::string> PackSubmitSm(const SubmitRequest& submit, uint32_t sequence_number) {
  submit_sm_t pdu{};
  pdu.command_id = SUBMIT_SM;
  pdu.sequence_number = sequence_number;
  pdu.source_addr_ton = submit.source.ton;
  pdu.source_addr_npi = submit.source.npi;
  pdu.dest_addr_ton = submit.destination.ton;
  pdu.dest_addr_npi = submit.destination.npi;
  if (!Fill(pdu.source_addr, sizeof pdu.source_addr, submit.source.value) ||
      !Fill(pdu.destination_addr, sizeof pdu.destination_addr, submit.destination.value)) {
    return Status::InvalidArgument("submit_sm: address too long");
  }
  pdu.esm_class = submit.esm_class;
  pdu.registered_delivery = submit.registered_delivery;
  pdu.data_coding = submit.data_coding;
  if (submit.short_message.size() > sizeof pdu.short_message) {
    return Status::InvalidArgument("submit_sm: short_message longer than 254 octets");
  }
  pdu.sm_length = static_cast<uint8_t>(submit.short_message.size());
  std::memcpy(pdu.short_message, submit.short_message.data(), submit.short_message.size());
  return Pack(SUBMIT_SM, pdu);
}

std::string PackHeaderOnly(uint32_t command_id, uint32_t command_status, uint32_t sequence_number) {
  // The header-only PDUs share one layout; libsmpp34 packs them by command_id.
  generic_nack_t pdu{};
  pdu.command_id = command_id;
  pdu.command_status = command_status;
  pdu.sequence_number = sequence_number;
  auto packed = Pack(command_id, pdu);
  return packed.ok() ? *packed : std::string();
}

std::string PackDeliverSmResp(uint32_t sequence_number) {
  deliver_sm_resp_t pdu{};
  pdu.command_id = DELIVER_SM_RESP;
  pdu.sequence_number = sequence_number;
  auto packed = Pack(DELIVER_SM_RESP, pdu);
  return packed.ok() ? *packed : std::string();
}

std::string UnpackSubmitSmRespMessageId(std::string_view bytes) {
  if (bytes.size() <= kHeaderSize) return "";
  submit_sm_resp_t pdu{};
  std::lock_guard lock(LibraryMutex());
  if (!UnpackMandatory(SUBMIT_SM_RESP, pdu, bytes, bytes.size())) return "";
  return CString(pdu.message_id, sizeof pdu.message_id);
}

std::string UnpackBindRespSystemId(std::string_view bytes) {
  if (bytes.size() <= kHeaderSize) return "";
  const uint32_t id = ParseHeader(bytes).command_id;
  if (id != BIND_TRANSCEIVER_RESP && id != BIND_TRANSMITTER_RESP) return "";
  // Both responses have the same body: system_id, then optional parameters we do not use.
  static_assert(sizeof(bind_transceiver_resp_t) == sizeof(bind_transmitter_resp_t));
  const std::optional<size_t> end = MandatoryEnd(bytes, "c");
  if (!end) return "";
  bind_transceiver_resp_t pdu{};
  std::lock_guard lock(LibraryMutex());
  if (!UnpackMandatory(id, pdu, bytes, *end)) return "";
  return CString(pdu.system_id, sizeof pdu.system_id);
}

Result<DeliverSm> UnpackDeliverSm(std::string_view bytes) {
  // service_type, source (ton, npi, addr), destination (ton, npi, addr), esm_class, protocol_id,
  // priority_flag, schedule_delivery_time, validity_period, registered_delivery,
  // replace_if_present_flag, data_coding, sm_default_msg_id, sm_length and short_message.
  const std::optional<size_t> end = MandatoryEnd(bytes, "c11c11c111cc1111m");
  if (!end) return Status::InvalidArgument("deliver_sm: the PDU is cut short");
  deliver_sm_t pdu{};
  {
    std::lock_guard lock(LibraryMutex());
    if (!UnpackMandatory(DELIVER_SM, pdu, bytes, *end)) {
      return Status::InvalidArgument(std::string("deliver_sm: ") + smpp34_strerror);
    }
  }
  DeliverSm out;
  out.source = {pdu.source_addr_ton, pdu.source_addr_npi,
                CString(pdu.source_addr, sizeof pdu.source_addr)};
  out.destination = {pdu.dest_addr_ton, pdu.dest_addr_npi,
                     CString(pdu.destination_addr, sizeof pdu.destination_addr)};
  out.esm_class = pdu.esm_class;
  out.data_coding = pdu.data_coding;
  out.short_message.assign(reinterpret_cast<const char*>(pdu.short_message), pdu.sm_length);
  // Optional parameters: tag, length, value. Those we do not use are skipped, vendors' own
  // included (SMPP 3.4 lets a receiver ignore optional parameters it does not support).
  for (size_t at = *end; at < bytes.size();) {
    if (bytes.size() - at < 4) return Status::InvalidArgument("deliver_sm: a TLV is cut short");
    const uint16_t tag = Be16(bytes, at), length = Be16(bytes, at + 2);
    at += 4;
    if (bytes.size() - at < length) {
      return Status::InvalidArgument("deliver_sm: TLV " + std::to_string(tag) + " is cut short");
    }
    const std::string_view value = bytes.substr(at, length);
    at += length;
    if (tag == TLVID_receipted_message_id) {
      // A C-octet string of at most 65 octets.
      out.receipted_message_id =
          std::string(value.substr(0, std::min(value.find('\0'), size_t{65})));
    } else if (tag == TLVID_message_state && length == 1) {
      out.message_state = static_cast<uint8_t>(value[0]);
    }
  }
  return out;
}

}  // namespace secinfo::channels::smpp
