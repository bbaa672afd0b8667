#include "channels/sms/http/http_template.h"

#include <array>
#include <cstdint>

#include "core/logging.h"

namespace secinfo::channels::http_sms {
namespace {

constexpr char kHex[] = "0123456789ABCDEF";

struct Placeholder {
  std::string_view token;
  std::string_view TemplateValues::*value;
  bool strip_plus;
};

constexpr std::array<Placeholder, 5> kPlaceholders = {{
    {"{to_digits}", &TemplateValues::to, true},
    {"{to}", &TemplateValues::to, false},
    {"{from}", &TemplateValues::from, false},
    {"{text}", &TemplateValues::text, false},
    {kReceiptUrlPlaceholder, &TemplateValues::receipt_url, false},
}};

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

}  // namespace

std::string PercentEncode(std::string_view value) {
  std::string out;
  out.reserve(value.size() * 3);
  for (const char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if (IsUnreserved(c)) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

std::string JsonString(std::string_view value) {
  std::string out;
  out.reserve(value.size() + 2);
  out += '"';
  AppendJsonEscaped(out, value);
  out += '"';
  return out;
}

std::string Expand(std::string_view templ, const TemplateValues& values, Encoding encoding) {
  std::string out;
  out.reserve(templ.size() + values.text.size() * 3);
  size_t i = 0;
  while (i < templ.size()) {
    const Placeholder* found = nullptr;
    if (templ[i] == '{') {
      for (const Placeholder& p : kPlaceholders) {
        if (templ.substr(i).starts_with(p.token)) {
          found = &p;
          break;
        }
      }
    }
    if (found == nullptr) {
      out += templ[i++];
      continue;
    }
    std::string_view value = values.*(found->value);
    if (found->strip_plus && value.starts_with('+')) value.remove_prefix(1);
    out += encoding == Encoding::kJson ? JsonString(value) : PercentEncode(value);
    i += found->token.size();
  }
  return out;
}

bool IsUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    int extra = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if ((c & 0xE0) == 0xC0) {
      extra = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= s.size()) return false;
    for (int k = 1; k <= extra; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += extra + 1;
  }
  return true;
}

}  // namespace secinfo::channels::http_sms
