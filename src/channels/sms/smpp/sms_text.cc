#include "channels/sms/smpp/sms_text.h"

#include <array>

namespace secinfo::channels::smpp {
namespace {

constexpr char32_t kReplacement = 0xFFFD;
constexpr char32_t kNone = 0;  // 0x1B is the escape to the extension table, not a character

// GSM 03.38 basic character set, indexed by code.
constexpr std::array<char32_t, 128> kGsmBasic = {
    U'@', U'£', U'$', U'¥', U'è', U'é', U'ù', U'ì', U'ò', U'Ç',  U'\n', U'Ø', U'ø',  U'\r', U'Å',
    U'å', U'Δ', U'_', U'Φ', U'Γ', U'Λ', U'Ω', U'Π', U'Ψ', U'Σ',  U'Θ',  U'Ξ', kNone, U'Æ',  U'æ',
    U'ß', U'É', U' ', U'!', U'"', U'#', U'¤', U'%', U'&', U'\'', U'(',  U')', U'*',  U'+',  U',',
    U'-', U'.', U'/', U'0', U'1', U'2', U'3', U'4', U'5', U'6',  U'7',  U'8', U'9',  U':',  U';',
    U'<', U'=', U'>', U'?', U'¡', U'A', U'B', U'C', U'D', U'E',  U'F',  U'G', U'H',  U'I',  U'J',
    U'K', U'L', U'M', U'N', U'O', U'P', U'Q', U'R', U'S', U'T',  U'U',  U'V', U'W',  U'X',  U'Y',
    U'Z', U'Ä', U'Ö', U'Ñ', U'Ü', U'§', U'¿', U'a', U'b', U'c',  U'd',  U'e', U'f',  U'g',  U'h',
    U'i', U'j', U'k', U'l', U'm', U'n', U'o', U'p', U'q', U'r',  U's',  U't', U'u',  U'v',  U'w',
    U'x', U'y', U'z', U'ä', U'ö', U'ñ', U'ü', U'à'};

// UTF-16 code units of `c`.
size_t Utf16Units(char32_t c) { return c > 0xFFFF ? 2 : 1; }

void AppendUdh(std::string& out, uint8_t reference, size_t total, size_t sequence) {
  const uint8_t udh[] = {
      0x05, 0x00, 0x03, reference, static_cast<uint8_t>(total), static_cast<uint8_t>(sequence)};
  out.append(reinterpret_cast<const char*>(udh), sizeof udh);
}

}  // namespace

Result<std::u32string> DecodeUtf8(std::string_view utf8) {
  std::u32string out;
  out.reserve(utf8.size());
  for (size_t i = 0; i < utf8.size();) {
    const auto b0 = static_cast<unsigned char>(utf8[i]);
    size_t len = 0;
    char32_t c = 0;
    char32_t min = 0;
    if (b0 < 0x80) {
      len = 1, c = b0;
    } else if ((b0 & 0xE0) == 0xC0) {
      len = 2, c = b0 & 0x1F, min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
      len = 3, c = b0 & 0x0F, min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
      len = 4, c = b0 & 0x07, min = 0x10000;
    } else {
      return Status::InvalidArgument("text is not valid UTF-8 (byte " + std::to_string(i) + ")");
    }
    if (i + len > utf8.size()) return Status::InvalidArgument("text ends inside a UTF-8 sequence");
    for (size_t k = 1; k < len; ++k) {
      const auto b = static_cast<unsigned char>(utf8[i + k]);
      if ((b & 0xC0) != 0x80) {
        return Status::InvalidArgument("text is not valid UTF-8 (byte " + std::to_string(i + k) +
                                       ")");
      }
      c = (c << 6) | (b & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
      return Status::InvalidArgument("text is not valid UTF-8 (byte " + std::to_string(i) + ")");
    }
    out += c;
    i += len;
  }
  return out;
}

std::string EncodeUtf8(std::u32string_view text) {
  std::string out;
  for (char32_t c : text) {
    if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) c = kReplacement;
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

std::optional<uint8_t> GsmBasicCode(char32_t c) {
  if (c == kNone) return std::nullopt;
  for (size_t code = 0; code < kGsmBasic.size(); ++code) {
    if (kGsmBasic[code] == c) return static_cast<uint8_t>(code);
  }
  return std::nullopt;
}

bool IsGsm7(std::u32string_view text) {
  for (char32_t c : text) {
    if (!GsmBasicCode(c)) return false;
  }
  return true;
}

std::string EncodeGsm7(std::u32string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char32_t c : text) out += static_cast<char>(GsmBasicCode(c).value_or(0x3F));  // '?'
  return out;
}

std::string EncodeUcs2(std::u32string_view text) {
  std::string out;
  auto unit = [&out](uint32_t u) {
    out += static_cast<char>(u >> 8);
    out += static_cast<char>(u & 0xFF);
  };
  for (char32_t c : text) {
    if (c > 0xFFFF) {
      const uint32_t v = c - 0x10000;
      unit(0xD800 | (v >> 10));
      unit(0xDC00 | (v & 0x3FF));
    } else {
      unit(c);
    }
  }
  return out;
}

std::string DecodeGsm7ToUtf8(std::string_view octets) {
  std::u32string text;
  for (char o : octets) {
    const auto code = static_cast<unsigned char>(o);
    const char32_t c = code < kGsmBasic.size() ? kGsmBasic[code] : kNone;
    text += c == kNone ? kReplacement : c;
  }
  return EncodeUtf8(text);
}

std::string DecodeUcs2ToUtf8(std::string_view octets) {
  std::u32string text;
  for (size_t i = 0; i + 1 < octets.size(); i += 2) {
    const char32_t u =
        (static_cast<unsigned char>(octets[i]) << 8) | static_cast<unsigned char>(octets[i + 1]);
    if (u >= 0xD800 && u <= 0xDBFF && i + 3 < octets.size()) {
      const char32_t low = (static_cast<unsigned char>(octets[i + 2]) << 8) |
                           static_cast<unsigned char>(octets[i + 3]);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        text += static_cast<char32_t>(0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00));
        i += 2;
        continue;
      }
    }
    text += (u >= 0xD800 && u <= 0xDFFF) ? kReplacement : u;
  }
  return EncodeUtf8(text);
}

Result<std::vector<SmsPart>> SplitSms(std::string_view utf8, uint8_t reference) {
  auto decoded = DecodeUtf8(utf8);
  if (!decoded.ok()) return decoded.status();
  const std::u32string& text = *decoded;
  if (text.empty()) return Status::InvalidArgument("empty text");

  const bool gsm = IsGsm7(text);
  const size_t single = gsm ? kGsmSingle : kUcs2Single;
  const size_t per_part = gsm ? kGsmPerPart : kUcs2PerPart;
  auto size_of = [gsm](char32_t c) { return gsm ? 1 : Utf16Units(c); };

  // Cut into chunks of characters, each within the budget, never inside a surrogate pair.
  size_t total_size = 0;
  for (char32_t c : text) total_size += size_of(c);
  std::vector<std::u32string_view> chunks;
  if (total_size <= single) {
    chunks.push_back(text);
  } else {
    size_t begin = 0;
    while (begin < text.size()) {
      size_t end = begin;
      size_t used = 0;
      while (end < text.size() && used + size_of(text[end]) <= per_part)
        used += size_of(text[end++]);
      chunks.push_back(std::u32string_view(text).substr(begin, end - begin));
      begin = end;
    }
  }
  if (chunks.size() > kMaxParts) {
    return Status::InvalidArgument("text needs " + std::to_string(chunks.size()) +
                                   " SMS parts; at most " + std::to_string(kMaxParts) +
                                   " are sent");
  }

  std::vector<SmsPart> parts;
  for (size_t i = 0; i < chunks.size(); ++i) {
    SmsPart part;
    part.data_coding = gsm ? kDataCodingGsm7 : kDataCodingUcs2;
    if (chunks.size() > 1) {
      part.esm_class = kEsmClassUdhi;
      AppendUdh(part.short_message, reference, chunks.size(), i + 1);
    }
    part.short_message += gsm ? EncodeGsm7(chunks[i]) : EncodeUcs2(chunks[i]);
    parts.push_back(std::move(part));
  }
  return parts;
}

}  // namespace secinfo::channels::smpp
