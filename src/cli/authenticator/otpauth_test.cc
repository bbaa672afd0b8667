#include "cli/authenticator/otpauth.h"

#include <gtest/gtest.h>

#include "methods/authenticator/totp_method.h"

namespace secinfo::cli::authenticator {
namespace {

// RFC 6238 appendix B: the SHA-1 seed "12345678901234567890" gives 94287082 at T = 59 s.
constexpr std::string_view kRfcSeed = "12345678901234567890";

TEST(OtpauthTest, ReadsTheUriTheServerMakes) {
  const std::string uri =
      methods::authenticator::KeyUri("Contoso", "ana@contoso.example", kRfcSeed);
  auto key = ParseOtpauth(uri);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->seed, kRfcSeed);
  EXPECT_EQ(key->digits, 6);
  EXPECT_EQ(key->period, 30);
  EXPECT_EQ(CodeAt(*key, 59).code, "287082");
  EXPECT_EQ(CodeAt(*key, 59).seconds_left, 1);
  EXPECT_EQ(CodeAt(*key, 60).seconds_left, 30);
}

TEST(OtpauthTest, HonoursDigitsPeriodAndAlgorithm) {
  auto key = ParseOtpauth(
      "otpauth://totp/X:y?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8&period=60"
      "&algorithm=SHA1");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->digits, 8);
  EXPECT_EQ(key->period, 60);
  EXPECT_EQ(CodeAt(*key, 59).code, crypto::Totp(kRfcSeed, 59, 8, 60));
  auto sha256 = ParseOtpauth("otpauth://totp/X?secret=GEZDGNBV&algorithm=sha256");
  ASSERT_TRUE(sha256.ok());
  EXPECT_EQ(sha256->algorithm, crypto::OtpAlgorithm::kSha256);
}

TEST(OtpauthTest, RefusesWhatItCannotUse) {
  for (const char* uri :
       {"otpauth://hotp/X?secret=GEZDGNBV&counter=1", "otpauth://totp/X",
        "otpauth://totp/X?issuer=X", "otpauth://totp/X?secret=1111",
        "otpauth://totp/X?secret=GEZDGNBV&digits=5", "otpauth://totp/X?secret=GEZDGNBV&period=0",
        "otpauth://totp/X?secret=GEZDGNBV&algorithm=MD5", "https://x/?secret=A", ""}) {
    EXPECT_FALSE(ParseOtpauth(uri).ok()) << uri;
  }
}

}  // namespace
}  // namespace secinfo::cli::authenticator
