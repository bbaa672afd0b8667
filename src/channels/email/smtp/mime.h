#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/status.h"

// Builds the RFC 5322 / MIME text of one mail. Pure functions: no I/O, no clock, no randomness
// (the caller passes the date, Message-ID and boundary), so every byte is testable. Thread-safe.
//
// Lines end in CRLF and stay within 78 characters (RFC 5322 §2.1.1); the text is 7-bit ASCII,
// so no relay has to downgrade it. Non-ASCII header text becomes RFC 2047 encoded-words (UTF-8,
// B encoding, whole characters only, at most 75 characters per word); bodies are
// quoted-printable UTF-8. Leading dots are left alone: libcurl dot-stuffs on the way out.
namespace secinfo::channels::smtp {

struct MimeMail {
  std::string from_address;  // "secinfo@contoso.com"
  std::string from_name;     // display name, UTF-8; empty: the bare address
  std::string to;            // "ana@example.org"
  std::string subject;       // UTF-8
  std::string text;          // UTF-8; "\n" or "\r\n" line breaks, sent as CRLF
  std::string html;          // UTF-8; empty: a text/plain message instead of multipart/alternative
  int64_t date_millis = 0;   // the Date: header, milliseconds since the Unix epoch (shown in UTC)
  std::string message_id;    // "<unique@domain>", from NewMessageId
  std::string boundary;      // from NewBoundary; never occurs in quoted-printable output
};

// The whole message, headers and body. InvalidArgument naming the field when a header value holds
// CR, LF or another control character (header injection), an address is not IsValidAddress, or
// any text is not UTF-8.
Result<std::string> BuildMime(const MimeMail& mail);

// "local@domain" in plain ASCII: a dot-atom local part (at most 64 characters) and a host name
// domain (letters, digits, hyphens; one label allowed, like "localhost"). No display name, no
// angle brackets, no quoted local parts, no SMTPUTF8 (internationalized domains go in punycode).
bool IsValidAddress(std::string_view address);

// The part after the '@'. REQUIRES: IsValidAddress(address).
std::string_view AddressDomain(std::string_view address);

// "<32 hex digits@domain>" from 16 random bytes. REQUIRES: random_bytes.size() == 16.
std::string NewMessageId(std::string_view random_bytes, std::string_view domain);
// "=_secinfo_<32 hex digits>": '=' followed by '_' cannot appear in quoted-printable text.
std::string NewBoundary(std::string_view random_bytes);

// "Tue, 01 Jul 2025 09:05:03 +0000" (RFC 5322 §3.3), English names whatever the locale.
std::string Rfc5322Date(int64_t millis);

// RFC 2047 encoded-words ("=?UTF-8?B?...?=") carrying `utf8`, split between whole characters so
// each word is at most `max_word` characters (≤ 75). REQUIRES: `utf8` is valid UTF-8.
std::vector<std::string> EncodedWords(std::string_view utf8, size_t max_word = 64);

// Quoted-printable (RFC 2045 §6.7): encoded lines of at most 76 characters, CRLF hard breaks,
// trailing whitespace and "From " at a line start encoded.
std::string QuotedPrintable(std::string_view utf8);

// True when `text` is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
bool IsUtf8(std::string_view text);

}  // namespace secinfo::channels::smtp
