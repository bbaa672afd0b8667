#include "crypto/jws.h"

#include <gtest/gtest.h>

#include "crypto/encoding.h"

namespace secinfo::crypto {
namespace {

// RFC 7515 Appendix A.3: the ES256 example key and its signed token.
constexpr char kA3PrivateKey[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgjpsQnnGQmL+YBIff\n"
    "H1136cspYG6+0iY7X1fCE9+E9LKhRANCAAR/zc4ncPbEXUGDy+5v20t7WAczNXvp\n"
    "7xO6z248e9FURcfxRM0bvZt+hyzf7bnuufSzaV1uqQskrYpGIyiFiOWt\n"
    "-----END PRIVATE KEY-----\n";
constexpr char kA3Token[] =
    "eyJhbGciOiJFUzI1NiJ9"
    ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVl"
    "fQ"
    ".DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";

TEST(JwsTest, ThumbprintMatchesRfc7638Example) {
  PublicJwk jwk;
  jwk.kty = "RSA";
  jwk.e = "AQAB";
  jwk.n =
      "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_"
      "BJECPe"
      "bWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_"
      "FDW2QvzqY36"
      "8QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4"
      "lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
  EXPECT_EQ(JwkThumbprint(jwk), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
}

TEST(JwsTest, Es256PublicKeyOfRfc7515ExampleKey) {
  auto jwk = PublicJwkOf(JwsAlgorithm::kEs256, kA3PrivateKey);
  ASSERT_TRUE(jwk.ok()) << jwk.status().ToString();
  EXPECT_EQ(jwk->kty, "EC");
  EXPECT_EQ(jwk->crv, "P-256");
  EXPECT_EQ(jwk->x, "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU");
  EXPECT_EQ(jwk->y, "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0");
}

TEST(JwsTest, VerifiesRfc7515Es256ExampleRawSignature) {
  auto jwk = PublicJwkOf(JwsAlgorithm::kEs256, kA3PrivateKey);
  ASSERT_TRUE(jwk.ok());
  auto payload = VerifyJws(JwsAlgorithm::kEs256, *jwk, kA3Token);
  ASSERT_TRUE(payload.has_value());
  EXPECT_EQ(*payload,
            "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}");
  // One bit flipped in S, or the token read as RS256: refused.
  std::string tampered = kA3Token;
  tampered[tampered.size() - 2] = tampered[tampered.size() - 2] == 'U' ? 'V' : 'U';
  EXPECT_FALSE(VerifyJws(JwsAlgorithm::kEs256, *jwk, tampered).has_value());
  EXPECT_FALSE(VerifyJws(JwsAlgorithm::kRs256, *jwk, kA3Token).has_value());
}

TEST(JwsTest, Es256SignaturesAreRawSixtyFourBytesAndVerify) {
  auto pem = GenerateSigningKey(JwsAlgorithm::kEs256);
  ASSERT_TRUE(pem.ok());
  auto jwk = PublicJwkOf(JwsAlgorithm::kEs256, *pem);
  ASSERT_TRUE(jwk.ok());
  const std::string kid = JwkThumbprint(*jwk);
  auto token = SignJws(JwsAlgorithm::kEs256, *pem, kid, R"({"sub":"ana"})");
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  auto signature = Base64UrlDecode(token->substr(token->rfind('.') + 1));
  ASSERT_TRUE(signature.ok());
  EXPECT_EQ(signature->size(), 64u);  // R || S, never DER
  auto header = Base64UrlDecode(token->substr(0, token->find('.')));
  EXPECT_EQ(*header, R"({"alg":"ES256","kid":")" + kid + R"(","typ":"JWT"})");
  EXPECT_EQ(VerifyJws(JwsAlgorithm::kEs256, *jwk, *token).value_or(""), R"({"sub":"ana"})");
}

TEST(JwsTest, Rs256SignsAndVerifiesAndRefusesAnotherKey) {
  auto pem = GenerateSigningKey(JwsAlgorithm::kRs256);
  auto other = GenerateSigningKey(JwsAlgorithm::kRs256);
  ASSERT_TRUE(pem.ok() && other.ok());
  auto jwk = PublicJwkOf(JwsAlgorithm::kRs256, *pem);
  auto other_jwk = PublicJwkOf(JwsAlgorithm::kRs256, *other);
  ASSERT_TRUE(jwk.ok() && other_jwk.ok());
  EXPECT_EQ(jwk->e, "AQAB");
  EXPECT_EQ(Base64UrlDecode(jwk->n)->size(), 256u);
  EXPECT_NE(JwkThumbprint(*jwk), JwkThumbprint(*other_jwk));
  auto token = SignJws(JwsAlgorithm::kRs256, *pem, JwkThumbprint(*jwk), R"({"a":1})");
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(VerifyJws(JwsAlgorithm::kRs256, *jwk, *token).value_or(""), R"({"a":1})");
  EXPECT_FALSE(VerifyJws(JwsAlgorithm::kRs256, *other_jwk, *token).has_value());
  EXPECT_FALSE(VerifyJws(JwsAlgorithm::kRs256, *jwk, "a.b").has_value());
}

TEST(JwsTest, RefusesAKeyOfTheWrongType) {
  EXPECT_FALSE(SignJws(JwsAlgorithm::kRs256, kA3PrivateKey, "k", "{}").ok());
  EXPECT_FALSE(PublicJwkOf(JwsAlgorithm::kRs256, kA3PrivateKey).ok());
  EXPECT_FALSE(PublicJwkOf(JwsAlgorithm::kEs256, "not a key").ok());
}

}  // namespace
}  // namespace secinfo::crypto
