#pragma once

#include <string>
#include <string_view>

#include "core/random.h"
#include "core/result.h"

namespace secinfo::crypto {

// Authenticated encryption of small secrets at rest (TOTP seeds, provider credentials) with
// libsodium's secretbox (XSalsa20-Poly1305). A sealed value is nonce (24 bytes) || MAC (16 bytes)
// || ciphertext, so it is 40 bytes longer than the plain text. Nonces are random: with 192 bits,
// collisions are not a concern for any number of values one key will ever seal.
//
// Thread-safe: Seal and Open are const and share no mutable state. The key is wiped from memory
// when the SecretBox is destroyed.
class SecretBox {
 public:
  static constexpr size_t kKeySize = 32;
  static constexpr size_t kOverhead = 24 + 16;

  // REQUIRES: key.size() == kKeySize (the process aborts otherwise: a wrong key size is a
  // programming error, and encrypting with a truncated key must never happen).
  explicit SecretBox(std::string key);
  ~SecretBox();
  SecretBox(const SecretBox&) = default;
  SecretBox& operator=(const SecretBox&) = default;

  // `plain` encrypted and authenticated under a fresh nonce drawn from `random`.
  std::string Seal(std::string_view plain, Random& random) const;

  // The plain text of a value made by Seal with the same key.
  // Returns InvalidArgument if `sealed` is too short, was altered, or was sealed with another key.
  Result<std::string> Open(std::string_view sealed) const;

 private:
  std::string key_;
};

}  // namespace secinfo::crypto
