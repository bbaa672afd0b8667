#pragma once

#include <string>
#include <string_view>

#include "channels/sms/sms_channel.h"

// The link through which an HTTP SMS gateway reports on one message (Kannel's dlr-url):
//   <callback url>?ref=<reference>&sig=<signature>[&status=<placeholder>]
// The reference is ours, drawn from the CSPRNG (OWASP ASVS 4.0 V6.3.1), so it names one message
// and cannot be guessed. The signature is HMAC-SHA256 of the reference under the callback key, so
// any node tells our links from forged ones before looking anything up; it is checked in constant
// time. The placeholder is written as is, for the gateway to replace with its status code (Kannel:
// %d). Pure functions, thread-safe.
namespace secinfo::channels::http_sms {

// The signature of `reference`: URL-safe base64 (43 characters).
std::string ReceiptSignature(std::string_view key, std::string_view reference);

// The link for `reference`. REQUIRES: `reference` is URL-safe base64 (Random::Token), and
// `status_placeholder` holds only characters that need no encoding in a query (IsUrlSafe).
std::string ReceiptLink(const ReceiptCallback& callback, std::string_view reference,
                        std::string_view status_placeholder);

// Whether `signature` is that of `reference` under `key`. False for an empty key or reference.
bool IsReceiptSigned(std::string_view key, std::string_view reference, std::string_view signature);

// Whether `s` may stand in a URL's query as is: A-Z a-z 0-9 - . _ ~ and '%' (a gateway's
// placeholder, such as Kannel's %d).
bool IsUrlSafe(std::string_view s);

}  // namespace secinfo::channels::http_sms
