#include "crypto/secret_box.h"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>

#include "crypto/sodium_init.h"

namespace secinfo::crypto {
namespace {

static_assert(SecretBox::kKeySize == crypto_secretbox_KEYBYTES);
static_assert(SecretBox::kOverhead == crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES);

unsigned char* Bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }
const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
const unsigned char* KeyBytes(const std::string& key) {
  return reinterpret_cast<const unsigned char*>(key.data());
}

}  // namespace

SecretBox::SecretBox(std::string key) : key_(std::move(key)) {
  internal::EnsureSodium();
  if (key_.size() != kKeySize) {
    std::fprintf(stderr, "secinfo: SecretBox key must be %zu bytes, got %zu\n", kKeySize,
                 key_.size());
    std::abort();
  }
}

SecretBox::~SecretBox() { sodium_memzero(key_.data(), key_.size()); }

std::string SecretBox::Seal(std::string_view plain, Random& random) const {
  std::string out(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plain.size(), '\0');
  random.Fill(out.data(), crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(Bytes(out) + crypto_secretbox_NONCEBYTES, Bytes(plain), plain.size(),
                        Bytes(out), KeyBytes(key_));
  return out;
}

Result<std::string> SecretBox::Open(std::string_view sealed) const {
  if (sealed.size() < kOverhead) return Status::InvalidArgument("sealed value too short");
  std::string plain(sealed.size() - kOverhead, '\0');
  const std::string_view box = sealed.substr(crypto_secretbox_NONCEBYTES);
  if (crypto_secretbox_open_easy(Bytes(plain), Bytes(box), box.size(), Bytes(sealed),
                                 KeyBytes(key_)) != 0) {
    return Status::InvalidArgument("sealed value failed authentication");
  }
  return plain;
}

}  // namespace secinfo::crypto
