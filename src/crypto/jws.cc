#include "crypto/jws.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include <memory>

#include "crypto/ecdsa.h"
#include "crypto/encoding.h"
#include "crypto/hash.h"
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

constexpr size_t kMaxPemSize = size_t{16} * 1024;
constexpr size_t kCoordinateSize = 32;  // P-256
constexpr int kRsaBits = 2048;          // RFC 7518 §3.3: 2048 bits or more

struct BnFree {
  void operator()(BIGNUM* p) const { BN_free(p); }
};
struct EcdsaSigFree {
  void operator()(ECDSA_SIG* p) const { ECDSA_SIG_free(p); }
};
struct ParamBldFree {
  void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
};
struct ParamFree {
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
using Bn = std::unique_ptr<BIGNUM, BnFree>;
using EcdsaSig = std::unique_ptr<ECDSA_SIG, EcdsaSigFree>;

Pkey ParseRsaPrivateKey(std::string_view pem) {
  if (pem.empty() || pem.size() > kMaxPemSize) return nullptr;
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return nullptr;
  Pkey pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
  if (!pkey || EVP_PKEY_is_a(pkey.get(), "RSA") != 1 || EVP_PKEY_get_bits(pkey.get()) < kRsaBits) {
    return nullptr;
  }
  return pkey;
}

std::string BnBytes(const BIGNUM* bn, int width = 0) {
  const int size = width > 0 ? width : BN_num_bytes(bn);
  std::string out(static_cast<size_t>(size), '\0');
  if (BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), size) != size) return "";
  return out;
}

Result<std::string> WritePem(const EVP_PKEY* pkey) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), pkey, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return Status::Internal("cannot write the signing key");
  }
  char* data = nullptr;
  const int64_t len = BIO_get_mem_data(bio.get(), &data);
  if (len <= 0 || data == nullptr) return Status::Internal("cannot write the signing key");
  std::string pem(data, static_cast<size_t>(len));
  OPENSSL_cleanse(data, static_cast<size_t>(len));
  return pem;
}

Result<std::string> RsaSign(std::string_view pem, std::string_view input) {
  Pkey pkey = ParseRsaPrivateKey(pem);
  if (!pkey) return Status::InvalidArgument("not an unencrypted RSA private key of 2048+ bits");
  std::optional<std::string> signature = openssl::DigestSignSha256(pkey.get(), input);
  if (!signature) return Status::Internal("RSA signing failed");
  return *signature;
}

Pkey RsaPublicKey(const PublicJwk& jwk) {
  auto n = Base64UrlDecode(jwk.n);
  auto e = Base64UrlDecode(jwk.e);
  if (!n.ok() || !e.ok() || n->empty() || e->empty() || n->size() > 1024) return nullptr;
  Bn bn_n(BN_bin2bn(Bytes(*n), static_cast<int>(n->size()), nullptr));
  Bn bn_e(BN_bin2bn(Bytes(*e), static_cast<int>(e->size()), nullptr));
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> bld(OSSL_PARAM_BLD_new());
  if (!bn_n || !bn_e || !bld ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1) {
    return nullptr;
  }
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(bld.get()));
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return nullptr;
  }
  return Pkey(raw);
}

bool RsaVerify(const PublicJwk& jwk, std::string_view input, std::string_view signature) {
  Pkey pkey = RsaPublicKey(jwk);
  if (!pkey || EVP_PKEY_get_bits(pkey.get()) < kRsaBits) return false;
  MdCtx ctx(EVP_MD_CTX_new());
  return ctx &&
         EVP_DigestVerifyInit_ex(ctx.get(), nullptr, "SHA256", nullptr, nullptr, pkey.get(),
                                 nullptr) == 1 &&
         EVP_DigestVerify(ctx.get(), Bytes(signature), signature.size(), Bytes(input),
                          input.size()) == 1;
}

// RFC 7518 §3.4: an ES256 signature is R and S as 32-byte big-endian integers, concatenated.
Result<std::string> DerToRaw(std::string_view der) {
  const unsigned char* p = Bytes(der);
  EcdsaSig sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig) return Status::Internal("ECDSA signature is not DER");
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  std::string raw = BnBytes(r, kCoordinateSize) + BnBytes(s, kCoordinateSize);
  if (raw.size() != 2 * kCoordinateSize) return Status::Internal("ECDSA signature too long");
  return raw;
}

std::optional<std::string> RawToDer(std::string_view raw) {
  if (raw.size() != 2 * kCoordinateSize) return std::nullopt;
  EcdsaSig sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(Bytes(raw), kCoordinateSize, nullptr);
  BIGNUM* s = BN_bin2bn(Bytes(raw.substr(kCoordinateSize)), kCoordinateSize, nullptr);
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return std::nullopt;
  }
  unsigned char* der = nullptr;
  const int len = i2d_ECDSA_SIG(sig.get(), &der);
  if (len <= 0) return std::nullopt;
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  return out;
}

std::string Header(JwsAlgorithm alg, std::string_view kid) {
  return std::string(R"({"alg":")") + std::string(JwsAlgorithmName(alg)) + R"(","kid":")" +
         std::string(kid) + R"(","typ":"JWT"})";
}

}  // namespace

std::string_view JwsAlgorithmName(JwsAlgorithm alg) {
  return alg == JwsAlgorithm::kRs256 ? "RS256" : "ES256";
}

std::optional<JwsAlgorithm> ParseJwsAlgorithm(std::string_view name) {
  if (name == "RS256") return JwsAlgorithm::kRs256;
  if (name == "ES256") return JwsAlgorithm::kEs256;
  return std::nullopt;
}

Result<std::string> GenerateSigningKey(JwsAlgorithm alg) {
  if (alg == JwsAlgorithm::kEs256) {
    auto pair = GenerateEcdsaP256KeyPair();
    if (!pair.ok()) return pair.status();
    return std::move(pair->private_key_pem);
  }
  ErrorQueueGuard guard;
  Pkey pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(kRsaBits)));
  if (!pkey) return Status::Internal("RSA key generation failed");
  return WritePem(pkey.get());
}

Result<PublicJwk> PublicJwkOf(JwsAlgorithm alg, std::string_view private_key_pem) {
  PublicJwk jwk;
  if (alg == JwsAlgorithm::kEs256) {
    auto point_b64 = EcdsaP256PublicKey(private_key_pem);
    if (!point_b64.ok()) return point_b64.status();
    auto point = Base64UrlDecode(*point_b64);
    if (!point.ok() || point->size() != 1 + 2 * kCoordinateSize) {
      return Status::Internal("unexpected P-256 point");
    }
    jwk.kty = "EC";
    jwk.crv = "P-256";
    jwk.x = Base64UrlEncode(std::string_view(*point).substr(1, kCoordinateSize));
    jwk.y = Base64UrlEncode(std::string_view(*point).substr(1 + kCoordinateSize));
    return jwk;
  }
  ErrorQueueGuard guard;
  Pkey pkey = ParseRsaPrivateKey(private_key_pem);
  if (!pkey) return Status::InvalidArgument("not an unencrypted RSA private key of 2048+ bits");
  BIGNUM* n = nullptr;
  BIGNUM* e = nullptr;
  if (EVP_PKEY_get_bn_param(pkey.get(), OSSL_PKEY_PARAM_RSA_N, &n) != 1 ||
      EVP_PKEY_get_bn_param(pkey.get(), OSSL_PKEY_PARAM_RSA_E, &e) != 1) {
    BN_free(n);
    return Status::Internal("cannot export the RSA public key");
  }
  Bn owned_n(n), owned_e(e);
  jwk.kty = "RSA";
  jwk.n = Base64UrlEncode(BnBytes(n));
  jwk.e = Base64UrlEncode(BnBytes(e));
  return jwk;
}

std::string JwkThumbprint(const PublicJwk& jwk) {
  // RFC 7638 §3.2: required members only, sorted, no whitespace. Every value is base64url or a
  // fixed name, so none needs JSON escaping.
  const std::string canonical =
      jwk.kty == "RSA" ? R"({"e":")" + jwk.e + R"(","kty":"RSA","n":")" + jwk.n + R"("})"
                       : R"({"crv":")" + jwk.crv + R"(","kty":")" + jwk.kty + R"(","x":")" + jwk.x +
                             R"(","y":")" + jwk.y + R"("})";
  return Base64UrlEncode(Sha256(canonical));
}

Result<std::string> SignJws(JwsAlgorithm alg, std::string_view private_key_pem,
                            std::string_view kid, std::string_view payload) {
  const std::string input = Base64UrlEncode(Header(alg, kid)) + "." + Base64UrlEncode(payload);
  std::string signature;
  if (alg == JwsAlgorithm::kEs256) {
    auto der_b64 = EcdsaP256Sign(private_key_pem, input);
    if (!der_b64.ok()) return der_b64.status();
    auto der = Base64UrlDecode(*der_b64);
    if (!der.ok()) return der.status();
    ErrorQueueGuard guard;
    auto raw = DerToRaw(*der);
    if (!raw.ok()) return raw.status();
    signature = std::move(*raw);
  } else {
    ErrorQueueGuard guard;
    auto sig = RsaSign(private_key_pem, input);
    if (!sig.ok()) return sig.status();
    signature = std::move(*sig);
  }
  return input + "." + Base64UrlEncode(signature);
}

std::optional<std::string> VerifyJws(JwsAlgorithm alg, const PublicJwk& jwk,
                                     std::string_view compact) {
  const size_t first = compact.find('.');
  const size_t second = first == std::string_view::npos ? first : compact.find('.', first + 1);
  if (second == std::string_view::npos || compact.find('.', second + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  const std::string_view input = compact.substr(0, second);
  auto header = Base64UrlDecode(compact.substr(0, first));
  auto payload = Base64UrlDecode(compact.substr(first + 1, second - first - 1));
  auto signature = Base64UrlDecode(compact.substr(second + 1));
  if (!header.ok() || !payload.ok() || !signature.ok()) return std::nullopt;
  // The header must name this algorithm (RFC 8725 §3.1: never let the token choose it); a
  // substring test suffices since the name is then checked by the signature itself.
  const std::string alg_member = R"("alg":")" + std::string(JwsAlgorithmName(alg)) + R"(")";
  if (header->find(alg_member) == std::string::npos) return std::nullopt;
  ErrorQueueGuard guard;
  bool ok = false;
  if (alg == JwsAlgorithm::kEs256) {
    auto der = RawToDer(*signature);
    auto x = Base64UrlDecode(jwk.x);
    auto y = Base64UrlDecode(jwk.y);
    if (!der || !x.ok() || !y.ok()) return std::nullopt;
    ok = EcdsaP256Verify(Base64UrlEncode(std::string("\x04") + *x + *y), input,
                         Base64UrlEncode(*der));
  } else {
    ok = RsaVerify(jwk, input, *signature);
  }
  if (!ok) return std::nullopt;
  return std::move(*payload);
}

}  // namespace secinfo::crypto
