#include "crypto/password.h"

#include <sodium.h>

#include "crypto/sodium_init.h"

namespace secinfo::crypto {
namespace {

// The hash of a random, forgotten password, made once with today's parameters. Fixed in the source
// rather than computed at first use, so that the first unknown-user sign-in is not slower than the
// next ones. Must be regenerated if kArgon2OpsLimit or kArgon2MemLimit change.
constexpr char kDummyHash[] =
    "$argon2id$v=19$m=19456,t=2,p=1$81GBxsqXRMm3UAq6QcpEyw$"
    "a6irE1LSHYWd5OOpvvrk3i+48NzVrBdoZdteDX/crAQ";

}  // namespace

Result<std::string> HashPassword(std::string_view password) {
  internal::EnsureSodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), kArgon2OpsLimit, kArgon2MemLimit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status::Internal("argon2id: out of memory");
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view encoded_hash, std::string_view password) {
  internal::EnsureSodium();
  // libsodium reads a NUL-terminated string of at most crypto_pwhash_STRBYTES - 1 characters.
  if (encoded_hash.size() >= crypto_pwhash_STRBYTES ||
      encoded_hash.find('\0') != std::string_view::npos) {
    return false;
  }
  const std::string terminated(encoded_hash);
  return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

bool PasswordNeedsRehash(std::string_view encoded_hash) {
  internal::EnsureSodium();
  if (encoded_hash.size() >= crypto_pwhash_STRBYTES ||
      encoded_hash.find('\0') != std::string_view::npos) {
    return true;
  }
  const std::string terminated(encoded_hash);
  // 0: same parameters; 1: other parameters; -1: not an Argon2id hash.
  return crypto_pwhash_str_needs_rehash(terminated.c_str(), kArgon2OpsLimit, kArgon2MemLimit) != 0;
}

void VerifyAgainstDummy(std::string_view password) { (void)VerifyPassword(kDummyHash, password); }

}  // namespace secinfo::crypto
