#include "crypto/otp.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace secinfo::crypto {
namespace {

// RFC 4226 Appendix D: the secret is the ASCII string "12345678901234567890".
const std::string kRfc4226Secret = "12345678901234567890";

TEST(HotpTest, MatchesRfc4226AppendixD) {
  const char* const kExpected[] = {"755224", "287082", "359152", "969429", "338314",
                                   "254676", "287922", "162583", "399871", "520489"};
  for (uint64_t count = 0; count < 10; ++count) {
    EXPECT_EQ(Hotp(kRfc4226Secret, count, 6, OtpAlgorithm::kSha1), kExpected[count])
        << "count " << count;
  }
}

TEST(HotpTest, EightDigitsKeepTheLowDigitsOfTheRfc4226TruncatedValues) {
  // Appendix D lists the 31-bit truncated values ("Decimal" column); 8 digits keep their low part.
  const uint32_t kTruncated[] = {1284755224, 1094287082, 137359152, 1726969429, 1640338314,
                                 868254676,  1918287922, 82162583,  673399871,  645520489};
  for (uint64_t count = 0; count < 10; ++count) {
    char expected[9];
    std::snprintf(expected, sizeof expected, "%08u", kTruncated[count] % 100000000u);
    EXPECT_EQ(Hotp(kRfc4226Secret, count, 8, OtpAlgorithm::kSha1), expected) << "count " << count;
  }
}

TEST(HotpTest, ZeroPadsShortValues) {
  // Count 7's truncated value is 82162583: 8 digits need a leading zero.
  EXPECT_EQ(Hotp(kRfc4226Secret, 7, 8, OtpAlgorithm::kSha1), "82162583");
  EXPECT_EQ(Hotp(kRfc4226Secret, 7, 7, OtpAlgorithm::kSha1), "2162583");
}

TEST(HotpTest, RefusesDigitCountsOutsideSixToEight) {
  EXPECT_DEATH(Hotp(kRfc4226Secret, 0, 5, OtpAlgorithm::kSha1), "digits");
  EXPECT_DEATH(Hotp(kRfc4226Secret, 0, 9, OtpAlgorithm::kSha1), "digits");
}

// RFC 6238 Appendix B. The reference code in Appendix A uses a seed of the HMAC's own size for
// each algorithm (the errata-confirmed reading of the table): the ASCII digits "1234567890"
// repeated to 20, 32 and 64 bytes.
struct Rfc6238Vector {
  int64_t time;
  uint64_t step;
  const char* sha1;
  const char* sha256;
  const char* sha512;
};

constexpr Rfc6238Vector kRfc6238Vectors[] = {
    {59, 0x1, "94287082", "46119246", "90693936"},
    {1111111109, 0x23523EC, "07081804", "68084774", "25091201"},
    {1111111111, 0x23523ED, "14050471", "67062674", "99943326"},
    {1234567890, 0x273EF07, "89005924", "91819424", "93441116"},
    {2000000000, 0x3F940AA, "69279037", "90698825", "38618901"},
    {20000000000, 0x27BC86AA, "65353130", "77737706", "47863826"},
};

std::string RepeatedDigits(size_t len) {
  std::string seed;
  while (seed.size() < len) seed += "1234567890";
  seed.resize(len);
  return seed;
}

TEST(TotpTest, StepsMatchRfc6238AppendixB) {
  for (const Rfc6238Vector& v : kRfc6238Vectors) {
    EXPECT_EQ(TotpStep(v.time, 30), v.step) << "time " << v.time;
  }
}

TEST(TotpTest, MatchesEveryRfc6238AppendixBVector) {
  const std::string sha1_seed = RepeatedDigits(20);
  const std::string sha256_seed = RepeatedDigits(32);
  const std::string sha512_seed = RepeatedDigits(64);
  for (const Rfc6238Vector& v : kRfc6238Vectors) {
    EXPECT_EQ(Totp(sha1_seed, v.time, 8, 30, OtpAlgorithm::kSha1), v.sha1) << "time " << v.time;
    EXPECT_EQ(Totp(sha256_seed, v.time, 8, 30, OtpAlgorithm::kSha256), v.sha256)
        << "time " << v.time;
    EXPECT_EQ(Totp(sha512_seed, v.time, 8, 30, OtpAlgorithm::kSha512), v.sha512)
        << "time " << v.time;
  }
}

TEST(TotpTest, StepBoundariesFollowThePeriod) {
  EXPECT_EQ(TotpStep(0, 30), 0u);
  EXPECT_EQ(TotpStep(29, 30), 0u);
  EXPECT_EQ(TotpStep(30, 30), 1u);
  EXPECT_EQ(TotpStep(59, 60), 0u);
  EXPECT_EQ(TotpStep(60, 60), 1u);
  EXPECT_EQ(TotpStep(-1, 30), 0u);
  EXPECT_DEATH(TotpStep(100, 0), "period");
}

TEST(TotpTest, DefaultsAreWhatAuthenticatorAppsUse) {
  // SHA-1, 6 digits, 30 s: the last 6 of the 8-digit SHA-1 vector at time 59.
  EXPECT_EQ(Totp(RepeatedDigits(20), 59), "287082");
}

}  // namespace
}  // namespace secinfo::crypto
