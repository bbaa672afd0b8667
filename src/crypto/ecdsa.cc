#include "crypto/ecdsa.h"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/pem.h>

#include <cstdint>
#include <cstring>
#include <memory>

#include "crypto/encoding.h"
#include "crypto/openssl_util.h"

namespace secinfo::crypto {
namespace {

using openssl::Bio;
using openssl::Bytes;
using openssl::ErrorQueueGuard;
using openssl::MdCtx;
using openssl::NoPassphrase;
using openssl::Pkey;
using openssl::PkeyCtx;

constexpr size_t kPointSize = 65;                  // 0x04 || X (32) || Y (32)
constexpr size_t kMaxSignatureSize = 72;           // DER SEQUENCE of two INTEGERs of up to 33 bytes
constexpr size_t kMaxPemSize = size_t{16} * 1024;  // a P-256 PKCS#8 PEM is ~240 bytes
constexpr char kGroupName[] = "prime256v1";        // OpenSSL's name for P-256

bool IsP256(const EVP_PKEY* pkey) {
  if (EVP_PKEY_is_a(pkey, "EC") != 1) return false;
  char group[64];
  size_t len = 0;
  return EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                        &len) == 1 &&
         std::string_view(group, len) == kGroupName;
}

Pkey ParsePrivateKey(std::string_view pem) {
  if (pem.empty() || pem.size() > kMaxPemSize) return nullptr;
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return nullptr;
  Pkey pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
  if (!pkey || !IsP256(pkey.get())) return nullptr;
  return pkey;
}

Pkey ParsePublicKey(std::string_view public_key_b64) {
  Result<std::string> point = Base64UrlDecode(public_key_b64);
  if (!point.ok() || point->size() != kPointSize || (*point)[0] != '\x04') return nullptr;

  std::string group = kGroupName;  // OSSL_PARAM wants a mutable pointer
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group.data(), 0),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point->data(), point->size()),
      OSSL_PARAM_construct_end()};
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* raw = nullptr;
  // fromdata decodes the point with EC_POINT_oct2point, which refuses points off the curve.
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params) != 1) {
    return nullptr;
  }
  Pkey pkey(raw);
  // Belt and braces: the full SP 800-56A public key validation (on curve, not infinity, in the
  // prime-order subgroup; P-256 has cofactor 1 so the last is implied).
  PkeyCtx check(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) return nullptr;
  return pkey;
}

Result<std::string> EncodePublicKey(const EVP_PKEY* pkey) {
  unsigned char point[kPointSize];
  size_t len = 0;
  // Keys generated or parsed by OpenSSL default to the uncompressed point format.
  if (EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point, &len) !=
          1 ||
      len != kPointSize || point[0] != 0x04) {
    return Status::Internal("cannot export the P-256 public key");
  }
  return Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(point), len));
}

}  // namespace

Result<EcdsaKeyPair> GenerateEcdsaP256KeyPair() {
  ErrorQueueGuard guard;
  Pkey pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!pkey) return Status::Internal("P-256 key generation failed");

  Result<std::string> public_key = EncodePublicKey(pkey.get());
  if (!public_key.ok()) return public_key.status();

  // PEM_write_bio_PrivateKey writes PKCS#8 ("BEGIN PRIVATE KEY") in OpenSSL 3.
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), pkey.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return Status::Internal("cannot write the P-256 private key");
  }
  char* data = nullptr;
  const int64_t len = BIO_get_mem_data(bio.get(), &data);
  if (len <= 0 || data == nullptr) return Status::Internal("cannot write the P-256 private key");
  EcdsaKeyPair pair{std::move(*public_key), std::string(data, static_cast<size_t>(len))};
  OPENSSL_cleanse(data, static_cast<size_t>(len));
  return pair;
}

Result<std::string> EcdsaP256PublicKey(std::string_view private_key_pem) {
  ErrorQueueGuard guard;
  Pkey pkey = ParsePrivateKey(private_key_pem);
  if (!pkey) return Status::InvalidArgument("not an unencrypted P-256 private key in PEM");
  return EncodePublicKey(pkey.get());
}

bool IsValidEcdsaP256PublicKey(std::string_view public_key_b64) {
  ErrorQueueGuard guard;
  return ParsePublicKey(public_key_b64) != nullptr;
}

Result<std::string> EcdsaP256Sign(std::string_view private_key_pem, std::string_view message) {
  ErrorQueueGuard guard;
  Pkey pkey = ParsePrivateKey(private_key_pem);
  if (!pkey) return Status::InvalidArgument("not an unencrypted P-256 private key in PEM");

  std::optional<std::string> signature = openssl::DigestSignSha256(pkey.get(), message);
  if (!signature) return Status::Internal("ECDSA signing failed");
  return Base64UrlEncode(*signature);
}

bool EcdsaP256Verify(std::string_view public_key_b64, std::string_view message,
                     std::string_view signature_b64) {
  ErrorQueueGuard guard;
  // Refuse oversized input before decoding it: base64url of 72 bytes is 96 characters.
  if (signature_b64.empty() || signature_b64.size() > (kMaxSignatureSize * 4 + 2) / 3) {
    return false;
  }
  Result<std::string> signature = Base64UrlDecode(signature_b64);
  if (!signature.ok() || signature->empty() || signature->size() > kMaxSignatureSize) return false;

  Pkey pkey = ParsePublicKey(public_key_b64);
  if (!pkey) return false;

  MdCtx ctx(EVP_MD_CTX_new());
  // OpenSSL re-encodes the parsed DER and compares, so non-canonical encodings are refused.
  return ctx &&
         EVP_DigestVerifyInit_ex(ctx.get(), nullptr, "SHA256", nullptr, nullptr, pkey.get(),
                                 nullptr) == 1 &&
         EVP_DigestVerify(ctx.get(), Bytes(*signature), signature->size(), Bytes(message),
                          message.size()) == 1;
}

}  // namespace secinfo::crypto
