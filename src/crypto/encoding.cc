#include "crypto/encoding.h"

#include <sodium.h>

#include "crypto/sodium_init.h"

namespace secinfo::crypto {
namespace {

constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

std::string HexEncode(std::string_view raw) {
  std::string out(raw.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), Bytes(raw), raw.size());
  out.pop_back();  // the terminating NUL
  return out;
}

std::string Base64UrlEncode(std::string_view raw) {
  std::string out(sodium_base64_ENCODED_LEN(raw.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), Bytes(raw), raw.size(), kVariant);
  out.pop_back();  // the terminating NUL
  return out;
}

Result<std::string> Base64UrlDecode(std::string_view text) {
  internal::EnsureSodium();
  std::string out(text.size() / 4 * 3 + 3, '\0');
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), /*ignore=*/nullptr, &len, &end, kVariant) != 0 ||
      end != text.data() + text.size()) {
    return Status::InvalidArgument("not unpadded url-safe base64");
  }
  out.resize(len);
  return out;
}

}  // namespace secinfo::crypto
