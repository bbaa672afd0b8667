#pragma once

#include <cstdint>
#include <string>

namespace secinfo {

// A source of random bytes. The production implementation is libsodium's CSPRNG; tests may inject a
// deterministic one. Implementations are thread-safe.
class Random {
 public:
  virtual ~Random() = default;
  virtual void Fill(void* buf, size_t len) = 0;

  std::string Bytes(size_t len);
  // Uniform in [0, upper). REQUIRES: upper > 0.
  uint32_t Uniform(uint32_t upper);
  // A URL-safe, unpadded base64 token carrying `bytes` random bytes (32 bytes = 256 bits).
  std::string Token(size_t bytes = 32);
};

// libsodium's randombytes_buf. Calls sodium_init() on construction.
class SystemRandom final : public Random {
 public:
  SystemRandom();
  void Fill(void* buf, size_t len) override;
};

}  // namespace secinfo
