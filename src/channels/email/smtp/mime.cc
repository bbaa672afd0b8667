#include "channels/email/smtp/mime.h"

#include <cctype>
#include <cstdio>
#include <ctime>

#include "crypto/encoding.h"

namespace secinfo::channels::smtp {
namespace {

constexpr size_t kMaxHeaderLine = 78;        // RFC 5322 §2.1.1 "SHOULD"
constexpr size_t kMaxQpLine = 76;            // RFC 2045 §6.7 (5)
constexpr char kHex[] = "0123456789ABCDEF";  // quoted-printable wants upper case

std::string Base64(std::string_view raw) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 3 <= raw.size(); i += 3) {
    uint32_t v = (uint8_t(raw[i]) << 16) | (uint8_t(raw[i + 1]) << 8) | uint8_t(raw[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) out += kAlphabet[(v >> shift) & 63];
  }
  if (size_t rest = raw.size() - i; rest > 0) {
    uint32_t v = uint8_t(raw[i]) << 16;
    if (rest == 2) v |= uint8_t(raw[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// Bytes in the UTF-8 sequence that starts with `lead`. REQUIRES: valid UTF-8.
size_t SequenceLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead < 0xE0) return 2;
  if (lead < 0xF0) return 3;
  return 4;
}

bool IsPrintableAscii(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

// Header values may hold any character but control characters: CR and LF would end the header and
// start another one of the sender's choosing.
Status CheckHeaderText(std::string_view field, std::string_view value) {
  for (unsigned char c : value) {
    if (c == '\r' || c == '\n') {
      return Status::InvalidArgument(std::string(field) + " contains a line break (CR or LF)");
    }
    if ((c < 0x20 && c != '\t') || c == 0x7F) {
      return Status::InvalidArgument(std::string(field) + " contains a control character");
    }
  }
  if (!IsUtf8(value)) return Status::InvalidArgument(std::string(field) + " is not UTF-8");
  return Status::Ok();
}

// "Name: token token..." with a fold (CRLF SP) before a token that would pass 78 characters.
std::string Header(std::string_view name, const std::vector<std::string>& tokens) {
  std::string out(name);
  out += ':';
  size_t column = out.size();
  bool first = true;
  for (const std::string& token : tokens) {
    if (!first && column + 1 + token.size() > kMaxHeaderLine) {
      out += "\r\n";
      column = 0;
    }
    out += ' ';
    out += token;
    column += 1 + token.size();
    first = false;
  }
  out += "\r\n";
  return out;
}

std::vector<std::string> SubjectTokens(std::string_view subject) {
  // Plain ASCII that fits on the line is sent as is; anything else is encoded, which also avoids
  // folding inside the text, text that merely looks like an encoded-word ("=?"), and edge spaces
  // that parsers would strip.
  if (IsPrintableAscii(subject) && subject.find("=?") == std::string_view::npos &&
      std::string_view("Subject: ").size() + subject.size() <= kMaxHeaderLine &&
      !subject.starts_with(' ') && !subject.ends_with(' ')) {
    return {std::string(subject)};
  }
  return EncodedWords(subject);
}

std::vector<std::string> FromTokens(std::string_view name, std::string_view address) {
  std::vector<std::string> tokens;
  if (name.empty()) return {std::string(address)};
  if (IsPrintableAscii(name)) {
    std::string quoted = "\"";
    for (char c : name) {
      if (c == '"' || c == '\\') quoted += '\\';
      quoted += c;
    }
    tokens.push_back(quoted + '"');
  } else {
    tokens = EncodedWords(name);
  }
  tokens.push_back("<" + std::string(address) + ">");
  return tokens;
}

void AppendQuotedPrintableLine(std::string_view line, std::string& out) {
  const bool from_line = line.starts_with("From ");  // mbox readers would mangle it to ">From "
  size_t column = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    const unsigned char c = line[i];
    const bool last = i + 1 == line.size();
    // Blanks are literal unless they end the line (transports strip trailing blanks).
    const bool literal = ((c == ' ' || c == '\t') && !last) ||
                         (c >= 33 && c <= 126 && c != '=' && !(from_line && i == 0));
    char token[3];
    size_t length = 1;
    if (literal) {
      token[0] = line[i];
    } else {
      token[0] = '=';
      token[1] = kHex[c >> 4];
      token[2] = kHex[c & 15];
      length = 3;
    }
    // A soft break "=" takes the 76th column, unless this token ends the line.
    const size_t limit = last ? kMaxQpLine : kMaxQpLine - 1;
    if (column + length > limit) {
      out += "=\r\n";
      column = 0;
    }
    out.append(token, length);
    column += length;
  }
}

}  // namespace

bool IsUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = text[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t n = 0;
    uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n > text.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      const unsigned char cc = text[i + k];
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n;
  }
  return true;
}

bool IsValidAddress(std::string_view address) {
  const size_t at = address.rfind('@');
  if (at == std::string_view::npos || address.size() > 254) return false;
  const std::string_view local = address.substr(0, at);
  const std::string_view domain = address.substr(at + 1);
  if (local.empty() || local.size() > 64 || local.front() == '.' || local.back() == '.' ||
      local.find("..") != std::string_view::npos) {
    return false;
  }
  static constexpr std::string_view kAtext = "!#$%&'*+-/=?^_`{|}~.";
  for (char c : local) {
    const unsigned char u = c;
    if (u > 0x7F || (!std::isalnum(u) && kAtext.find(c) == std::string_view::npos)) return false;
  }
  if (domain.empty() || domain.size() > 253) return false;
  size_t start = 0;
  while (start <= domain.size()) {
    size_t dot = domain.find('.', start);
    if (dot == std::string_view::npos) dot = domain.size();
    const std::string_view label = domain.substr(start, dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char c : label) {
      const unsigned char u = c;
      if (u > 0x7F || (!std::isalnum(u) && c != '-')) return false;
    }
    start = dot + 1;
  }
  return true;
}

std::string_view AddressDomain(std::string_view address) {
  return address.substr(address.rfind('@') + 1);
}

std::string NewMessageId(std::string_view random_bytes, std::string_view domain) {
  return "<" + crypto::HexEncode(random_bytes) + "@" + std::string(domain) + ">";
}

std::string NewBoundary(std::string_view random_bytes) {
  return "=_secinfo_" + crypto::HexEncode(random_bytes);
}

std::string Rfc5322Date(int64_t millis) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const time_t seconds = static_cast<time_t>(millis / 1000);
  std::tm t{};
  gmtime_r(&seconds, &t);
  char out[40];
  std::snprintf(out, sizeof out, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[t.tm_wday],
                t.tm_mday, kMonths[t.tm_mon], t.tm_year + 1900, t.tm_hour, t.tm_min, t.tm_sec);
  return out;
}

std::vector<std::string> EncodedWords(std::string_view utf8, size_t max_word) {
  static constexpr std::string_view kPrefix = "=?UTF-8?B?";
  static constexpr std::string_view kSuffix = "?=";
  // Base64 turns 3 bytes into 4 characters; a UTF-8 character has at most 4 bytes.
  const size_t max_bytes = (max_word - kPrefix.size() - kSuffix.size()) / 4 * 3;
  std::vector<std::string> words;
  size_t start = 0;
  while (start < utf8.size()) {
    size_t end = start;
    while (end < utf8.size()) {
      const size_t n = SequenceLength(static_cast<unsigned char>(utf8[end]));
      if (end + n - start > max_bytes) break;
      end += n;
    }
    words.push_back(std::string(kPrefix) + Base64(utf8.substr(start, end - start)) +
                    std::string(kSuffix));
    start = end;
  }
  return words;
}

std::string QuotedPrintable(std::string_view utf8) {
  std::string out;
  size_t start = 0;
  while (true) {
    const size_t newline = utf8.find('\n', start);
    std::string_view line = utf8.substr(
        start, newline == std::string_view::npos ? std::string_view::npos : newline - start);
    if (newline != std::string_view::npos && line.ends_with('\r')) line.remove_suffix(1);
    AppendQuotedPrintableLine(line, out);
    if (newline == std::string_view::npos) break;
    out += "\r\n";
    start = newline + 1;
  }
  return out;
}

Result<std::string> BuildMime(const MimeMail& mail) {
  if (!IsValidAddress(mail.from_address)) {
    return Status::InvalidArgument("from address is not a valid mail address");
  }
  if (!IsValidAddress(mail.to)) return Status::InvalidArgument("to is not a valid mail address");
  SECINFO_RETURN_IF_ERROR(CheckHeaderText("from name", mail.from_name));
  SECINFO_RETURN_IF_ERROR(CheckHeaderText("subject", mail.subject));
  SECINFO_RETURN_IF_ERROR(CheckHeaderText("message id", mail.message_id));
  SECINFO_RETURN_IF_ERROR(CheckHeaderText("boundary", mail.boundary));
  if (!IsUtf8(mail.text)) return Status::InvalidArgument("text is not UTF-8");
  if (!IsUtf8(mail.html)) return Status::InvalidArgument("html is not UTF-8");

  std::string out;
  out += "Date: " + Rfc5322Date(mail.date_millis) + "\r\n";
  out += Header("From", FromTokens(mail.from_name, mail.from_address));
  out += "To: " + mail.to + "\r\n";
  out += Header("Subject", SubjectTokens(mail.subject));
  out += "Message-ID: " + mail.message_id + "\r\n";
  out += "MIME-Version: 1.0\r\n";
  // RFC 3834: a code mail is machine-made; out-of-office responders must not answer it.
  out += "Auto-Submitted: auto-generated\r\n";
  static constexpr std::string_view kPartHeaders =
      "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
  if (mail.html.empty()) {
    out += "Content-Type: text/plain; charset=UTF-8\r\n";
    out += kPartHeaders;
    out += QuotedPrintable(mail.text);
    out += "\r\n";
    return out;
  }
  const std::string delimiter = "--" + mail.boundary;
  out += Header("Content-Type", {"multipart/alternative;", "boundary=\"" + mail.boundary + "\""});
  out += "\r\n";
  out += delimiter + "\r\nContent-Type: text/plain; charset=UTF-8\r\n";
  out += kPartHeaders;
  out += QuotedPrintable(mail.text);
  out += "\r\n" + delimiter + "\r\nContent-Type: text/html; charset=UTF-8\r\n";
  out += kPartHeaders;
  out += QuotedPrintable(mail.html);
  out += "\r\n" + delimiter + "--\r\n";
  return out;
}

}  // namespace secinfo::channels::smtp
