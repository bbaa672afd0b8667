#include "crypto/otp.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdio>
#include <cstdlib>

namespace secinfo::crypto {
namespace {

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "secinfo: OTP: %s\n", what);
  std::abort();
}

const EVP_MD* Digest(OtpAlgorithm algorithm) {
  switch (algorithm) {
    case OtpAlgorithm::kSha1:
      return EVP_sha1();
    case OtpAlgorithm::kSha256:
      return EVP_sha256();
    case OtpAlgorithm::kSha512:
      return EVP_sha512();
  }
  Die("unknown algorithm");
}

}  // namespace

std::string Hotp(std::string_view key, uint64_t counter, int digits, OtpAlgorithm algorithm) {
  if (digits < kOtpMinDigits || digits > kOtpMaxDigits) Die("digits must be 6 to 8");

  unsigned char message[8];
  for (int i = 7; i >= 0; --i) {
    message[i] = static_cast<unsigned char>(counter & 0xff);
    counter >>= 8;
  }

  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  // HMAC() rejects a null key pointer even with length 0; any valid pointer will do then.
  static const unsigned char kEmpty = 0;
  const void* key_data = key.empty() ? &kEmpty : static_cast<const void*>(key.data());
  if (HMAC(Digest(algorithm), key_data, static_cast<int>(key.size()), message, sizeof message, mac,
           &mac_len) == nullptr ||
      mac_len < 20) {
    Die("HMAC failed");
  }

  // Dynamic truncation, RFC 4226 section 5.3: the low nibble of the last byte picks 4 bytes, whose
  // top bit is masked so the value is the same whether read as signed or unsigned.
  const unsigned offset = mac[mac_len - 1] & 0x0f;
  uint32_t binary = (static_cast<uint32_t>(mac[offset] & 0x7f) << 24) |
                    (static_cast<uint32_t>(mac[offset + 1]) << 16) |
                    (static_cast<uint32_t>(mac[offset + 2]) << 8) |
                    static_cast<uint32_t>(mac[offset + 3]);
  // The MAC is derived from the seed; do not leave it on the stack.
  OPENSSL_cleanse(mac, sizeof mac);

  std::string code(static_cast<size_t>(digits), '0');
  for (int i = digits - 1; i >= 0; --i) {
    code[static_cast<size_t>(i)] = static_cast<char>('0' + binary % 10);
    binary /= 10;
  }
  return code;
}

uint64_t TotpStep(int64_t unix_seconds, int period) {
  if (period <= 0) Die("period must be positive");
  if (unix_seconds < 0) return 0;
  return static_cast<uint64_t>(unix_seconds) / static_cast<uint64_t>(period);
}

std::string Totp(std::string_view key, int64_t unix_seconds, int digits, int period,
                 OtpAlgorithm algorithm) {
  return Hotp(key, TotpStep(unix_seconds, period), digits, algorithm);
}

}  // namespace secinfo::crypto
