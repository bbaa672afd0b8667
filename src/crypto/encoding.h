#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace secinfo::crypto {

// Text encodings for raw bytes (keys, digests, tokens). All functions are thread-safe.

// Lower-case hexadecimal, two characters per byte.
std::string HexEncode(std::string_view raw);

// URL-safe base64 (RFC 4648 section 5) without '=' padding, as used in tokens and cookies.
std::string Base64UrlEncode(std::string_view raw);

// The bytes encoded by `text` (URL-safe alphabet, no padding, no whitespace).
// Returns InvalidArgument if `text` holds any other character or has an impossible length.
Result<std::string> Base64UrlDecode(std::string_view text);

}  // namespace secinfo::crypto
