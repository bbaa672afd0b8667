#pragma once

#include <string>
#include <string_view>

namespace secinfo::crypto {

// Digests, MACs and key derivation over raw bytes. Every function returns raw bytes (use
// HexEncode or Base64UrlEncode to print them) and is thread-safe.

// Compares two secrets (MACs, tokens, codes) in time that depends only on their length, so an
// attacker cannot learn how many leading bytes of a guess were right. Returns false when the sizes
// differ (sizes are not secret here: every compared value has a fixed, public length).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// SHA-256 of `data`: 32 bytes.
std::string Sha256(std::string_view data);

// HMAC-SHA256 (RFC 2104) of `message` under `key` of any length: 32 bytes.
std::string HmacSha256(std::string_view key, std::string_view message);

// The first 32 bytes of HKDF-Expand-SHA256(prk, info) (RFC 5869 section 2.3), i.e.
// HMAC-SHA256(prk, info || 0x01).
// REQUIRES: `prk` is uniformly random and at least 32 bytes long (a key from LoadOrCreateKeyFile
// qualifies, which is why no HKDF-Extract step is needed).
std::string HkdfExpandSha256(std::string_view prk, std::string_view info);

// A 32-byte subkey of the server's master key for one `purpose` ("session", "csrf", "otp",
// "secretbox", ...). Subkeys of different purposes are independent: learning one tells nothing
// about the master key or the others. Deterministic, so it is derived again at each start.
// REQUIRES: `master` is a 32-byte random key; `purpose` is a fixed, non-empty label.
std::string DeriveKey(std::string_view master, std::string_view purpose);

}  // namespace secinfo::crypto
