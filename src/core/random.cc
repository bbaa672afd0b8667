#include "core/random.h"

#include <sodium.h>

#include <stdexcept>

namespace secinfo {

std::string Random::Bytes(size_t len) {
  std::string out(len, '\0');
  Fill(out.data(), len);
  return out;
}

uint32_t Random::Uniform(uint32_t upper) {
  // Rejection sampling avoids modulo bias.
  const uint32_t limit = UINT32_MAX - (UINT32_MAX % upper);
  uint32_t v;
  do {
    Fill(&v, sizeof v);
  } while (v >= limit);
  return v % upper;
}

std::string Random::Token(size_t bytes) {
  std::string raw = Bytes(bytes);
  std::string out(sodium_base64_ENCODED_LEN(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(raw.data()),
                    raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.size() - 1);  // drop the terminating NUL
  return out;
}

SystemRandom::SystemRandom() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialize");
}

void SystemRandom::Fill(void* buf, size_t len) { randombytes_buf(buf, len); }

}  // namespace secinfo
