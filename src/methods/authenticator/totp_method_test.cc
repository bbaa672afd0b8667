#include "methods/authenticator/totp_method.h"

#include <gtest/gtest.h>

#include <ctime>
#include <set>

#include "crypto/base32.h"
#include "crypto/otp.h"
#include "methods/authenticator/run_command_for_test.h"

namespace secinfo::methods::authenticator {
namespace {

using test_util::HaveCommand;
using test_util::RunCommand;

const std::string kRfcSeed = "12345678901234567890";  // Base32 GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ

// The code a real authenticator app (oathtool: SHA-1, 6 digits, 30 s) shows for `seed` at
// `unix_seconds`, or now when it is negative.
std::string AppCode(std::string_view seed, int64_t unix_seconds = -1) {
  std::string command = "oathtool --totp -b ";
  if (unix_seconds >= 0) command += "-N @" + std::to_string(unix_seconds) + " ";
  command += crypto::Base32Encode(seed);
  test_util::CommandResult result = RunCommand(command);
  EXPECT_EQ(result.exit_code, 0) << command;
  return result.out;
}

class TotpWithOathtoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HaveCommand("oathtool")) GTEST_SKIP() << "oathtool is not installed";
  }
  SystemRandom random_;
};

TEST(TotpMethodTest, NewSeedIs160RandomBits) {
  SystemRandom random;
  std::set<std::string> seen;
  for (int i = 0; i < 20; ++i) {
    const std::string seed = NewSeed(random);
    EXPECT_EQ(seed.size(), 20u);
    EXPECT_TRUE(seen.insert(seed).second);
  }
}

TEST(TotpMethodTest, KeyUriFollowsGooglesFormat) {
  EXPECT_EQ(KeyUri("Contoso", "ana@contoso.example", kRfcSeed),
            "otpauth://totp/Contoso:ana@contoso.example?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
            "&issuer=Contoso&algorithm=SHA1&digits=6&period=30");
}

TEST(TotpMethodTest, KeyUriPercentEncodesIssuerAndAccount) {
  EXPECT_EQ(
      KeyUri("Contoso & Fils: Sécurité", "ana marie@contoso.example", kRfcSeed),
      "otpauth://totp/Contoso%20%26%20Fils%3A%20S%C3%A9curit%C3%A9:"
      "ana%20marie@contoso.example?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
      "&issuer=Contoso%20%26%20Fils%3A%20S%C3%A9curit%C3%A9&algorithm=SHA1&digits=6&period=30");
  // Characters that would end the label or start a parameter or fragment.
  EXPECT_EQ(KeyUri("A/B", "x?y=z#w+v%", kRfcSeed),
            "otpauth://totp/A%2FB:x%3Fy%3Dz%23w%2Bv%25?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
            "&issuer=A%2FB&algorithm=SHA1&digits=6&period=30");
}

TEST(TotpMethodTest, KeyUriWithoutIssuerHasNeitherPrefixNorParameter) {
  EXPECT_EQ(KeyUri("", "ana@contoso.example", kRfcSeed),
            "otpauth://totp/ana@contoso.example?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
            "&algorithm=SHA1&digits=6&period=30");
}

TEST(TotpMethodTest, ManualEntryKeyGroupsBase32ByFour) {
  EXPECT_EQ(ManualEntryKey(kRfcSeed), "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ");
  Result<std::string> decoded = crypto::Base32Decode(ManualEntryKey(kRfcSeed));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, kRfcSeed);
}

TEST_F(TotpWithOathtoolTest, AcceptsTheCodeTheAppShowsNow) {
  const std::string seed = NewSeed(random_);
  const std::string code = AppCode(seed);
  ASSERT_EQ(code.size(), 6u);
  // Read the clock after the app did: the step may have moved on since, never back.
  const int64_t now = std::time(nullptr);
  const TotpCheck check = VerifyTotp(seed, code, now, std::nullopt);
  EXPECT_EQ(check.outcome, TotpOutcome::kAccepted) << code;
  const uint64_t now_step = crypto::TotpStep(now, 30);
  EXPECT_TRUE(check.step == now_step || check.step + 1 == now_step);
}

TEST_F(TotpWithOathtoolTest, AcceptsOneStepEitherSideAndNoFurther) {
  const std::string seed = NewSeed(random_);
  for (int64_t t : {1'111'111'109LL, 1'700'000'015LL, 2'000'000'000LL}) {
    const std::string code = AppCode(seed, t);
    const uint64_t step = crypto::TotpStep(t, 30);
    EXPECT_EQ(code, crypto::Totp(seed, t)) << "engine and app disagree at " << t;

    for (int64_t now : {t, t - 30, t + 30}) {  // server clock on time, one step behind, ahead
      const TotpCheck check = VerifyTotp(seed, code, now, std::nullopt);
      EXPECT_EQ(check.outcome, TotpOutcome::kAccepted) << "t=" << t << " now=" << now;
      EXPECT_EQ(check.step, step);
    }
    for (int64_t now : {t - 60, t + 60, t + 3600}) {
      const TotpCheck check = VerifyTotp(seed, code, now, std::nullopt);
      EXPECT_EQ(check.outcome, TotpOutcome::kRejected) << "t=" << t << " now=" << now;
      EXPECT_EQ(check.step, 0u);
    }
  }
}

TEST_F(TotpWithOathtoolTest, AcceptsEachStepOnceOnly) {
  const std::string seed = NewSeed(random_);
  const int64_t t = 1'700'000'000;
  const uint64_t step = crypto::TotpStep(t, 30);
  const std::string code = AppCode(seed, t);

  const TotpCheck first = VerifyTotp(seed, code, t, std::nullopt);
  ASSERT_EQ(first.outcome, TotpOutcome::kAccepted);
  ASSERT_EQ(first.step, step);

  // The same code again, even 20 s later in the same step, is a replay.
  const TotpCheck again = VerifyTotp(seed, code, t + 20, first.step);
  EXPECT_EQ(again.outcome, TotpOutcome::kReplayed);
  EXPECT_EQ(again.step, step);

  // An older code still inside the window cannot be used after a newer one.
  const TotpCheck older = VerifyTotp(seed, AppCode(seed, t - 30), t, first.step);
  EXPECT_EQ(older.outcome, TotpOutcome::kReplayed);
  EXPECT_EQ(older.step, step - 1);

  // The next step's code is fine.
  const TotpCheck next = VerifyTotp(seed, AppCode(seed, t + 30), t + 30, first.step);
  EXPECT_EQ(next.outcome, TotpOutcome::kAccepted);
  EXPECT_EQ(next.step, step + 1);
}

TEST(TotpMethodTest, RemovesSpacesAndRefusesAnythingButSixDigits) {
  const int64_t t = 1'700'000'000;
  const std::string code = crypto::Totp(kRfcSeed, t);
  const std::string spaced = code.substr(0, 2) + " " + code.substr(2, 2) + " " + code.substr(4);
  EXPECT_EQ(VerifyTotp(kRfcSeed, spaced, t, std::nullopt).outcome, TotpOutcome::kAccepted);
  EXPECT_EQ(
      VerifyTotp(kRfcSeed, " " + code.substr(0, 3) + " " + code.substr(3) + " ", t, std::nullopt)
          .outcome,
      TotpOutcome::kAccepted);

  for (const std::string& bad : std::vector<std::string>{
           "", "      ", "12345", "1234567", "abcdef", "12a456", "12-345", "123456\n", "+12345",
           "\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93\xef\xbc\x94\xef\xbc\x95\xef\xbc\x96",  // fullwidth
           code + "0", code.substr(1)}) {
    const TotpCheck check = VerifyTotp(kRfcSeed, bad, t, std::nullopt);
    EXPECT_EQ(check.outcome, TotpOutcome::kMalformed) << "'" << bad << "'";
    EXPECT_EQ(check.step, 0u);
  }
}

TEST(TotpMethodTest, RejectsAWrongCodeAndAnEmptySeed) {
  const int64_t t = 1'700'000'000;
  const std::string code = crypto::Totp(kRfcSeed, t);
  std::string wrong = code;
  wrong[5] = wrong[5] == '9' ? '0' : static_cast<char>(wrong[5] + 1);
  EXPECT_EQ(VerifyTotp(kRfcSeed, wrong, t, std::nullopt).outcome, TotpOutcome::kRejected);
  EXPECT_EQ(
      VerifyTotp("", crypto::Hotp("", crypto::TotpStep(t, 30), 6, crypto::OtpAlgorithm::kSha1), t,
                 std::nullopt)
          .outcome,
      TotpOutcome::kRejected);
}

TEST(TotpMethodTest, WorksAtTheEpochWithoutAStepBefore) {
  // Step 0 has no step -1; the window must not wrap around to 2^64 - 1.
  EXPECT_EQ(VerifyTotp(kRfcSeed, crypto::Totp(kRfcSeed, 5), 5, std::nullopt).step, 0u);
  EXPECT_EQ(VerifyTotp(kRfcSeed, crypto::Totp(kRfcSeed, 35), 5, std::nullopt).outcome,
            TotpOutcome::kAccepted);
  EXPECT_EQ(VerifyTotp(kRfcSeed, crypto::Totp(kRfcSeed, 35), 5, 0).step, 1u);
}

}  // namespace
}  // namespace secinfo::methods::authenticator
