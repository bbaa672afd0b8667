#include "crypto/base32.h"

#include <cstdint>

namespace secinfo::crypto {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

// The 5-bit value of a Base32 letter (either case), or -1.
int DecodeChar(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a';
  if (c >= '2' && c <= '7') return c - '2' + 26;
  return -1;
}

}  // namespace

std::string Base32Encode(std::string_view raw) {
  std::string out;
  out.reserve((raw.size() * 8 + 4) / 5);
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char byte : raw) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out.push_back(kAlphabet[(buffer >> bits) & 0x1f]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (5 - bits)) & 0x1f]);
  return out;
}

Result<std::string> Base32Decode(std::string_view text) {
  std::string out;
  out.reserve(text.size() * 5 / 8);
  uint32_t buffer = 0;
  int bits = 0;
  size_t letters = 0;
  bool padding_seen = false;
  for (char c : text) {
    if (c == ' ') continue;
    if (c == '=') {
      padding_seen = true;
      continue;
    }
    const int value = DecodeChar(c);
    if (value < 0) return Status::InvalidArgument("not a Base32 character");
    if (padding_seen) return Status::InvalidArgument("Base32 data after '=' padding");
    buffer = (buffer << 5) | static_cast<uint32_t>(value);
    bits += 5;
    ++letters;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  switch (letters % 8) {
    case 1:
    case 3:
    case 6:
      return Status::InvalidArgument("impossible Base32 length");
    default:
      return out;
  }
}

}  // namespace secinfo::crypto
