#pragma once

#include <string>
#include <string_view>

// Placeholder substitution for HTTP SMS gateways (sms.http.url and sms.http.body). Pure functions,
// thread-safe.
//
// A template holds any of the placeholders {to} (E.164, "+33612345678"), {to_digits} (the same
// without "+", for APIs such as Vonage's), {from} (the sender), {text} (the message) and
// {receipt_url} (where the gateway reports on this message: http/receipt_link.h). Anything
// else, including other braces (a JSON body is full of them), is copied as is. Each value is
// inserted encoded for where it lands:
//   - in the URL, always percent-encoded (RFC 3986: all but A-Z a-z 0-9 - . _ ~), so a '&', '+',
//     '=', '#', newline or UTF-8 byte in a value never changes the URL's structure;
//   - in a "form" body, percent-encoded the same way (a valid application/x-www-form-urlencoded
//     value: "%20" for a space, "%2B" for '+');
//   - in a "json" body, as a COMPLETE JSON string, quotes included: the template is written
//     `{"to": {to}, "text": {text}}`, never `"{to}"`. UTF-8 stays as is; '"', '\' and control
//     characters are escaped.
namespace secinfo::channels::http_sms {

struct TemplateValues {
  std::string_view to;                // E.164
  std::string_view from;              // sender
  std::string_view text;              // UTF-8
  std::string_view receipt_url = {};  // empty when the template asks for no receipt
};

inline constexpr std::string_view kReceiptUrlPlaceholder = "{receipt_url}";

enum class Encoding { kPercent, kJson };

// `value` with every byte outside RFC 3986's unreserved set as %XX (upper-case hex).
std::string PercentEncode(std::string_view value);

// `value` as a JSON string literal with its quotes: '"' and '\' escaped, \b \f \n \r \t, other
// characters below U+0020 and U+007F as \u00XX. REQUIRES: `value` is UTF-8 (other bytes are
// copied and would make invalid JSON; HttpSms checks the text before).
std::string JsonString(std::string_view value);

// `templ` with each placeholder replaced by its value, encoded.
std::string Expand(std::string_view templ, const TemplateValues& values, Encoding encoding);

// Whether `s` is well-formed UTF-8 (no overlongs, surrogates or code points above U+10FFFF).
bool IsUtf8(std::string_view s);

}  // namespace secinfo::channels::http_sms
