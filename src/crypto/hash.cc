#include "crypto/hash.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include <cstdio>
#include <cstdlib>

#include "crypto/sodium_init.h"

namespace secinfo::crypto {
namespace {

constexpr size_t kSha256Size = 32;

// OpenSSL's one-shot digests fail only when out of memory or misconfigured; neither leaves a sane
// way to continue (returning an empty MAC would be worse), so stop loudly.
[[noreturn]] void DieOpenSsl(const char* what) {
  std::fprintf(stderr, "secinfo: OpenSSL %s failed\n", what);
  std::abort();
}

}  // namespace

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  internal::EnsureSodium();
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string Sha256(std::string_view data) {
  std::string out(kSha256Size, '\0');
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), reinterpret_cast<unsigned char*>(out.data()), &len,
                 EVP_sha256(), nullptr) != 1 ||
      len != kSha256Size) {
    DieOpenSsl("SHA-256");
  }
  return out;
}

std::string HmacSha256(std::string_view key, std::string_view message) {
  std::string out(kSha256Size, '\0');
  unsigned int len = 0;
  // HMAC() rejects a null key pointer even with length 0; any valid pointer will do then.
  static const unsigned char kEmpty = 0;
  const void* key_data = key.empty() ? &kEmpty : static_cast<const void*>(key.data());
  if (HMAC(EVP_sha256(), key_data, static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(message.data()), message.size(),
           reinterpret_cast<unsigned char*>(out.data()), &len) == nullptr ||
      len != kSha256Size) {
    DieOpenSsl("HMAC-SHA256");
  }
  return out;
}

std::string HkdfExpandSha256(std::string_view prk, std::string_view info) {
  std::string block(info);
  block.push_back('\x01');
  return HmacSha256(prk, block);
}

std::string DeriveKey(std::string_view master, std::string_view purpose) {
  // The "secinfo/" prefix keeps our labels apart from any other use of the same key material.
  std::string info = "secinfo/";
  info.append(purpose);
  return HkdfExpandSha256(master, info);
}

}  // namespace secinfo::crypto
