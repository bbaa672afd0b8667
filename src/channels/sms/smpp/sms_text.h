#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

// How a UTF-8 text becomes SMPP short_message octets: GSM 03.38 (7-bit default alphabet, one
// unpacked character per octet as SMPP carries it) when every character is in the basic set,
// else UCS-2 big-endian (UTF-16BE: characters beyond the BMP, such as emoji, take a surrogate
// pair). Long texts are split into parts carrying a concatenation UDH (3GPP TS 23.040 §9.2.3.24.1,
// 8-bit reference). Pure functions, thread-safe.
namespace secinfo::channels::smpp {

inline constexpr uint8_t kDataCodingGsm7 = 0x00;  // SMSC default alphabet (GSM 03.38)
inline constexpr uint8_t kDataCodingUcs2 = 0x08;
inline constexpr uint8_t kEsmClassUdhi = 0x40;  // short_message starts with a UDH

inline constexpr size_t kGsmSingle = 160;  // characters in one unsplit message
inline constexpr size_t kGsmPerPart = 153;
inline constexpr size_t kUcs2Single = 70;  // UTF-16 code units
inline constexpr size_t kUcs2PerPart = 67;
// A verification text takes one or two parts; more means a bug upstream, and each part is billed.
inline constexpr size_t kMaxParts = 10;

// Code points of a UTF-8 text. InvalidArgument for malformed UTF-8 (overlong forms, surrogates,
// values beyond U+10FFFF, truncated sequences).
Result<std::u32string> DecodeUtf8(std::string_view utf8);
std::string EncodeUtf8(std::u32string_view text);

// The GSM 03.38 basic-set code (0-127) of `c`; nullopt when `c` is not in the basic set (the
// extension table, reached by an escape, is not used: some SMSCs mangle it).
std::optional<uint8_t> GsmBasicCode(char32_t c);
bool IsGsm7(std::u32string_view text);

// REQUIRES: IsGsm7(text). One octet per character.
std::string EncodeGsm7(std::u32string_view text);
// UTF-16BE.
std::string EncodeUcs2(std::u32string_view text);

// Inverse of the encoders (for receipts, MO texts and tests). Unknown GSM codes and unpaired
// surrogates become U+FFFD.
std::string DecodeGsm7ToUtf8(std::string_view octets);
std::string DecodeUcs2ToUtf8(std::string_view octets);

struct SmsPart {
  uint8_t data_coding = kDataCodingGsm7;
  uint8_t esm_class = 0;      // kEsmClassUdhi when short_message starts with the UDH
  std::string short_message;  // at most 254 octets (UDH included)
};

// `utf8` as one part (≤ 160 GSM characters or ≤ 70 UCS-2 code units) or as several parts of
// ≤ 153 / ≤ 67 each with the UDH 05 00 03 <reference> <total> <sequence 1..total>. A surrogate
// pair is never cut between parts. InvalidArgument for an empty text, malformed UTF-8, or more
// than kMaxParts parts.
Result<std::vector<SmsPart>> SplitSms(std::string_view utf8, uint8_t reference);

}  // namespace secinfo::channels::smpp
