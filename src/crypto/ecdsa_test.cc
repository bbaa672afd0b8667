#include "crypto/ecdsa.h"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "core/temp_dir_for_test.h"
#include "crypto/encoding.h"

namespace secinfo::crypto {
namespace {

constexpr char kMessage[] = "secinfo-push-v1\nchallenge=abc\nnumber=42\n";

EcdsaKeyPair NewPair() {
  Result<EcdsaKeyPair> pair = GenerateEcdsaP256KeyPair();
  EXPECT_TRUE(pair.ok()) << pair.status().ToString();
  return pair.ok() ? *pair : EcdsaKeyPair{};
}

std::string Sign(const EcdsaKeyPair& pair, std::string_view message) {
  Result<std::string> signature = EcdsaP256Sign(pair.private_key_pem, message);
  EXPECT_TRUE(signature.ok()) << signature.status().ToString();
  return signature.ok() ? *signature : std::string();
}

std::string Raw(std::string_view b64) {
  Result<std::string> raw = Base64UrlDecode(b64);
  EXPECT_TRUE(raw.ok());
  return raw.ok() ? *raw : std::string();
}

TEST(EcdsaTest, GeneratedKeysHaveTheDocumentedEncodings) {
  const EcdsaKeyPair pair = NewPair();
  const std::string point = Raw(pair.public_key_b64);
  ASSERT_EQ(point.size(), 65u);
  EXPECT_EQ(point[0], '\x04');
  EXPECT_EQ(pair.public_key_b64.size(), 87u);  // 65 bytes, unpadded base64url
  EXPECT_EQ(pair.private_key_pem.rfind("-----BEGIN PRIVATE KEY-----\n", 0), 0u);
  EXPECT_NE(pair.private_key_pem.find("-----END PRIVATE KEY-----"), std::string::npos);
  EXPECT_TRUE(IsValidEcdsaP256PublicKey(pair.public_key_b64));

  Result<std::string> derived = EcdsaP256PublicKey(pair.private_key_pem);
  ASSERT_TRUE(derived.ok());
  EXPECT_EQ(*derived, pair.public_key_b64);
  EXPECT_NE(NewPair().public_key_b64, pair.public_key_b64);
}

TEST(EcdsaTest, SignatureVerifiesUnderItsPublicKey) {
  const EcdsaKeyPair pair = NewPair();
  const std::string signature = Sign(pair, kMessage);
  EXPECT_LE(Raw(signature).size(), 72u);
  EXPECT_EQ(Raw(signature)[0], '\x30');  // DER SEQUENCE
  EXPECT_TRUE(EcdsaP256Verify(pair.public_key_b64, kMessage, signature));
  // Randomized signatures: a second one differs and verifies too.
  const std::string again = Sign(pair, kMessage);
  EXPECT_NE(again, signature);
  EXPECT_TRUE(EcdsaP256Verify(pair.public_key_b64, kMessage, again));
  EXPECT_TRUE(EcdsaP256Verify(pair.public_key_b64, "", Sign(pair, "")));
}

TEST(EcdsaTest, RefusesATamperedMessage) {
  const EcdsaKeyPair pair = NewPair();
  const std::string signature = Sign(pair, kMessage);
  std::string tampered = kMessage;
  tampered[tampered.find("42")] = '4';
  tampered[tampered.find("42") + 1] = '3';
  EXPECT_FALSE(EcdsaP256Verify(pair.public_key_b64, tampered, signature));
  EXPECT_FALSE(EcdsaP256Verify(pair.public_key_b64, std::string(kMessage) + "x", signature));
}

TEST(EcdsaTest, RefusesEveryOneBitChangeOfTheSignature) {
  const EcdsaKeyPair pair = NewPair();
  const std::string der = Raw(Sign(pair, kMessage));
  for (size_t i = 0; i < der.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string changed = der;
      changed[i] = static_cast<char>(changed[i] ^ (1 << bit));
      EXPECT_FALSE(EcdsaP256Verify(pair.public_key_b64, kMessage, Base64UrlEncode(changed)))
          << "byte " << i << " bit " << bit;
    }
  }
}

TEST(EcdsaTest, RefusesASignatureByAnotherKey) {
  const EcdsaKeyPair pair = NewPair();
  const EcdsaKeyPair other = NewPair();
  EXPECT_FALSE(EcdsaP256Verify(pair.public_key_b64, kMessage, Sign(other, kMessage)));
}

TEST(EcdsaTest, RefusesMalformedSignaturesWithoutCrashing) {
  const EcdsaKeyPair pair = NewPair();
  const std::string der = Raw(Sign(pair, kMessage));
  const std::string kBad[] = {
      "",
      "!!!not base64!!!",
      "AAAA",
      Base64UrlEncode(std::string(64, '\x01')),  // raw r||s (WebCrypto's format) is not DER
      Base64UrlEncode(der + '\0'),               // trailing garbage after the DER
      Base64UrlEncode(der.substr(0, der.size() - 1)),
      Base64UrlEncode(std::string(73, '\x30')),
      std::string(10000, 'A'),
      Base64UrlEncode(der) + "=",  // padding is not part of the format
  };
  for (const std::string& bad : kBad) {
    EXPECT_FALSE(EcdsaP256Verify(pair.public_key_b64, kMessage, bad)) << bad.substr(0, 40);
  }
}

TEST(EcdsaTest, RefusesMalformedPublicKeysWithoutCrashing) {
  const EcdsaKeyPair pair = NewPair();
  const std::string signature = Sign(pair, kMessage);
  const std::string point = Raw(pair.public_key_b64);
  std::string off_curve = point;
  off_curve[64] = static_cast<char>(off_curve[64] ^ 1);  // Y no longer matches X
  std::string compressed = std::string(1, static_cast<char>(0x02 + (point[64] & 1))) +
                           point.substr(1, 32);  // a valid key, but not the agreed encoding
  std::string wrong_prefix = point;
  wrong_prefix[0] = '\x06';  // "hybrid" encoding
  const std::string kBad[] = {
      "",
      "not base64 at all",
      Base64UrlEncode(off_curve),
      Base64UrlEncode(compressed),
      Base64UrlEncode(wrong_prefix),
      Base64UrlEncode(std::string(1, '\0')),  // the point at infinity
      Base64UrlEncode(std::string(65, '\0')),
      Base64UrlEncode(std::string(1, '\x04') + std::string(64, '\xff')),  // coordinates >= p
      Base64UrlEncode(point.substr(0, 64)),
      Base64UrlEncode(point + '\0'),
      pair.public_key_b64 + "A",
  };
  for (const std::string& bad : kBad) {
    EXPECT_FALSE(IsValidEcdsaP256PublicKey(bad)) << bad;
    EXPECT_FALSE(EcdsaP256Verify(bad, kMessage, signature)) << bad;
  }
}

// Writes `pkey` as PKCS#8 PEM, encrypted under `passphrase` when it is non-empty.
std::string ToPem(EVP_PKEY* pkey, const char* passphrase) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (*passphrase != '\0') {
    PEM_write_bio_PKCS8PrivateKey(bio, pkey, EVP_aes_256_cbc(), passphrase,
                                  static_cast<int>(std::strlen(passphrase)), nullptr, nullptr);
  } else {
    PEM_write_bio_PrivateKey(bio, pkey, nullptr, nullptr, 0, nullptr, nullptr);
  }
  char* data = nullptr;
  const int64_t len = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(len));
  BIO_free(bio);
  return pem;
}

TEST(EcdsaTest, RefusesPrivateKeysThatAreNotUnencryptedP256) {
  const EcdsaKeyPair pair = NewPair();
  EVP_PKEY* p384 = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
  ASSERT_NE(p384, nullptr);
  const std::string p384_pem = ToPem(p384, "");
  EVP_PKEY_free(p384);
  EVP_PKEY* ed25519 = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  ASSERT_NE(ed25519, nullptr);
  const std::string ed25519_pem = ToPem(ed25519, "");
  EVP_PKEY_free(ed25519);

  BIO* bio =
      BIO_new_mem_buf(pair.private_key_pem.data(), static_cast<int>(pair.private_key_pem.size()));
  EVP_PKEY* p256 = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  ASSERT_NE(p256, nullptr);
  // Must fail without prompting for a pass phrase on the terminal.
  const std::string encrypted_pem = ToPem(p256, "hunter2");
  EVP_PKEY_free(p256);
  ASSERT_NE(encrypted_pem.find("ENCRYPTED"), std::string::npos);

  std::string truncated = pair.private_key_pem.substr(0, pair.private_key_pem.size() / 2);
  for (const std::string& bad :
       {std::string(), std::string("garbage"), truncated, p384_pem, ed25519_pem, encrypted_pem}) {
    Result<std::string> signature = EcdsaP256Sign(bad, kMessage);
    ASSERT_FALSE(signature.ok()) << bad;
    EXPECT_EQ(signature.status().code(), Status::Code::kInvalidArgument);
    EXPECT_FALSE(EcdsaP256PublicKey(bad).ok());
  }
}

// Interoperability: a signature made by the openssl command line (as a device built on another
// stack would) verifies here.
TEST(EcdsaTest, VerifiesASignatureMadeByTheOpensslCommandLine) {
  if (std::system("command -v openssl >/dev/null 2>&1") != 0) GTEST_SKIP() << "no openssl CLI";
  const EcdsaKeyPair pair = NewPair();
  const testing_support::TempDir dir("ecdsa-test");
  const std::string key_path = dir / "key.pem";
  const std::string msg_path = dir / "msg";
  const std::string sig_path = dir / "sig";
  std::ofstream(key_path) << pair.private_key_pem;
  std::ofstream(msg_path, std::ios::binary) << kMessage;
  const std::string command =
      "openssl dgst -sha256 -sign '" + key_path + "' -out '" + sig_path + "' '" + msg_path + "'";
  ASSERT_EQ(std::system(command.c_str()), 0);
  std::stringstream der;
  der << std::ifstream(sig_path, std::ios::binary).rdbuf();
  EXPECT_TRUE(EcdsaP256Verify(pair.public_key_b64, kMessage, Base64UrlEncode(der.str())));
}

}  // namespace
}  // namespace secinfo::crypto
