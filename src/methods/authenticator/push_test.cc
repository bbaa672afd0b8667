#include "methods/authenticator/push.h"

#include <gtest/gtest.h>

#include <cstring>
#include <map>

#include "core/clock.h"
#include "crypto/ecdsa.h"

namespace secinfo::methods::authenticator {
namespace {

// Hands out a scripted sequence of 32-bit values, to reach the ends of a range on purpose.
class ScriptedRandom final : public Random {
 public:
  explicit ScriptedRandom(std::vector<uint32_t> values) : values_(std::move(values)) {}
  void Fill(void* buf, size_t len) override {
    ASSERT_EQ(len, sizeof(uint32_t));
    ASSERT_LT(next_, values_.size());
    std::memcpy(buf, &values_[next_++], len);
  }

 private:
  std::vector<uint32_t> values_;
  size_t next_ = 0;
};

TEST(PushTest, MatchNumbersCoverTenToNinetyNineEvenly) {
  SystemRandom random;
  std::map<int, int> counts;
  constexpr int kDraws = 90 * 200;
  for (int i = 0; i < kDraws; ++i) {
    const int n = NewMatchNumber(random);
    ASSERT_GE(n, 10);
    ASSERT_LE(n, 99);
    ++counts[n];
  }
  EXPECT_EQ(counts.size(), 90u);
  for (const auto& [n, count] : counts) {
    // Expected 200 each; below 100 or above 300 is ~7 standard deviations away.
    EXPECT_GT(count, 100) << n;
    EXPECT_LT(count, 300) << n;
  }
}

TEST(PushTest, MatchNumberEndsAreReachable) {
  ScriptedRandom random({0, 89, 90});
  EXPECT_EQ(NewMatchNumber(random), 10);
  EXPECT_EQ(NewMatchNumber(random), 99);
  EXPECT_EQ(NewMatchNumber(random), 10);
}

TEST(PushTest, SigningPayloadIsTheDocumentedBytes) {
  EXPECT_EQ(PushSigningPayload("c_Abc-123", 42, kPushApprove, 1'700'000'000'000),
            "secinfo-push-v1\n"
            "challenge=c_Abc-123\n"
            "number=42\n"
            "decision=approve\n"
            "issued_at=1700000000000\n");
  EXPECT_EQ(PushSigningPayload("x", 7, kPushDeny, 0),
            "secinfo-push-v1\nchallenge=x\nnumber=7\ndecision=deny\nissued_at=0\n");
}

class PushResponseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<crypto::EcdsaKeyPair> device = crypto::GenerateEcdsaP256KeyPair();
    ASSERT_TRUE(device.ok());
    device_ = *device;
    challenge_.id = id_;
    challenge_.number = 42;
    challenge_.created_at_millis = clock_.NowMillis();
  }

  // What the device sends when its user types `typed` and taps `decision`.
  std::string DeviceSigns(int typed, std::string_view decision,
                          const crypto::EcdsaKeyPair* key = nullptr) {
    Result<std::string> signature = crypto::EcdsaP256Sign(
        (key ? *key : device_).private_key_pem,
        PushSigningPayload(challenge_.id, typed, decision, challenge_.created_at_millis));
    EXPECT_TRUE(signature.ok());
    return signature.ok() ? *signature : std::string();
  }

  PushOutcome Check(int typed, std::string_view decision, std::string_view signature) {
    return CheckPushResponse(challenge_, typed, decision, signature, device_.public_key_b64,
                             clock_.NowMillis());
  }

  FakeClock clock_;
  crypto::EcdsaKeyPair device_;
  const std::string id_ = "Zm9vYmFyYmF6cXV4_-0123456789abcdefghijklmn";
  PushChallengeView challenge_;
};

TEST_F(PushResponseTest, ApprovesTheRightNumberSignedByTheDevice) {
  clock_.AdvanceSeconds(5);
  EXPECT_EQ(Check(42, kPushApprove, DeviceSigns(42, kPushApprove)), PushOutcome::kApproved);
}

TEST_F(PushResponseTest, AnotherNumberIsWrongEvenWhenSigned) {
  EXPECT_EQ(Check(24, kPushApprove, DeviceSigns(24, kPushApprove)), PushOutcome::kWrongNumber);
  EXPECT_EQ(Check(0, kPushApprove, DeviceSigns(0, kPushApprove)), PushOutcome::kWrongNumber);
}

TEST_F(PushResponseTest, DenyNeedsNoNumber) {
  EXPECT_EQ(Check(0, kPushDeny, DeviceSigns(0, kPushDeny)), PushOutcome::kDenied);
  EXPECT_EQ(Check(42, kPushDeny, DeviceSigns(42, kPushDeny)), PushOutcome::kDenied);
}

TEST_F(PushResponseTest, ExpiresSixtySecondsAfterCreation) {
  const std::string signature = DeviceSigns(42, kPushApprove);
  clock_.AdvanceMillis(59'999);
  EXPECT_EQ(Check(42, kPushApprove, signature), PushOutcome::kApproved);
  clock_.AdvanceMillis(1);
  EXPECT_EQ(Check(42, kPushApprove, signature), PushOutcome::kExpired);
  EXPECT_EQ(Check(42, kPushDeny, DeviceSigns(42, kPushDeny)), PushOutcome::kExpired);
  challenge_.expires_in_millis = 120'000;
  EXPECT_EQ(Check(42, kPushApprove, signature), PushOutcome::kApproved);
}

TEST_F(PushResponseTest, RefusesWhatTheDeviceDidNotSign) {
  const std::string approve = DeviceSigns(42, kPushApprove);
  // A denial turned into an approval, or the other way round.
  EXPECT_EQ(Check(42, kPushApprove, DeviceSigns(42, kPushDeny)), PushOutcome::kBadSignature);
  EXPECT_EQ(Check(42, kPushDeny, approve), PushOutcome::kBadSignature);
  // A wrong number "corrected" in transit.
  EXPECT_EQ(Check(42, kPushApprove, DeviceSigns(41, kPushApprove)), PushOutcome::kBadSignature);
  // An answer to another challenge, or to the same id issued at another time.
  PushChallengeView other = challenge_;
  const std::string other_id = id_ + "x";
  other.id = other_id;
  EXPECT_EQ(CheckPushResponse(other, 42, kPushApprove, approve, device_.public_key_b64,
                              clock_.NowMillis()),
            PushOutcome::kBadSignature);
  other = challenge_;
  other.created_at_millis -= 1;
  EXPECT_EQ(CheckPushResponse(other, 42, kPushApprove, approve, device_.public_key_b64,
                              clock_.NowMillis()),
            PushOutcome::kBadSignature);
}

TEST_F(PushResponseTest, RefusesAnotherDevicesKey) {
  Result<crypto::EcdsaKeyPair> thief = crypto::GenerateEcdsaP256KeyPair();
  ASSERT_TRUE(thief.ok());
  EXPECT_EQ(Check(42, kPushApprove, DeviceSigns(42, kPushApprove, &*thief)),
            PushOutcome::kBadSignature);
}

TEST_F(PushResponseTest, GuessingTheNumberWithoutTheKeyRevealsNothing) {
  for (int guess = 10; guess <= 99; ++guess) {
    EXPECT_EQ(Check(guess, kPushApprove, "MEUCIQ"), PushOutcome::kBadSignature) << guess;
  }
}

TEST_F(PushResponseTest, MalformedAnswersAreBadSignatures) {
  const std::string approve = DeviceSigns(42, kPushApprove);
  EXPECT_EQ(Check(42, "Approve", approve), PushOutcome::kBadSignature);
  EXPECT_EQ(Check(42, "", approve), PushOutcome::kBadSignature);
  EXPECT_EQ(Check(42, kPushApprove, ""), PushOutcome::kBadSignature);
  EXPECT_EQ(Check(42, kPushApprove, "%%%"), PushOutcome::kBadSignature);
  EXPECT_EQ(CheckPushResponse(challenge_, 42, kPushApprove, approve, "", clock_.NowMillis()),
            PushOutcome::kBadSignature);
  EXPECT_EQ(CheckPushResponse(challenge_, 42, kPushApprove, approve, "AAAA", clock_.NowMillis()),
            PushOutcome::kBadSignature);
  // An id that could smuggle a line into the payload is never accepted.
  PushChallengeView bad = challenge_;
  const std::string bad_id = "abc\nnumber=42";
  bad.id = bad_id;
  EXPECT_EQ(
      CheckPushResponse(bad, 42, kPushApprove, approve, device_.public_key_b64, clock_.NowMillis()),
      PushOutcome::kBadSignature);
}

}  // namespace
}  // namespace secinfo::methods::authenticator
