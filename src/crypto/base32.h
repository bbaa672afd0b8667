#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace secinfo::crypto {

// RFC 4648 section 6 Base32, the encoding of TOTP seeds in otpauth:// URIs and of the "enter this
// key by hand" text that authenticator apps accept. Thread-safe.

// Upper-case Base32 of `raw` without '=' padding (Google's Key Uri Format omits it).
std::string Base32Encode(std::string_view raw);

// The bytes encoded by `text`, read the way a person may have typed a seed: letters of either
// case, spaces anywhere, and optional trailing '=' padding. Bits left over after the last whole
// byte are dropped.
// Returns InvalidArgument if `text` holds any other character (including '0', '1', '8', '9'),
// a '=' followed by a letter, or a number of letters no whole byte count encodes (1, 3 or 6
// modulo 8).
Result<std::string> Base32Decode(std::string_view text);

}  // namespace secinfo::crypto
