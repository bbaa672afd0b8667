#include "crypto/secret_box.h"

#include <gtest/gtest.h>

namespace secinfo::crypto {
namespace {

class SecretBoxTest : public ::testing::Test {
 protected:
  SystemRandom random_;
  SecretBox box_{std::string(32, '\x11')};
};

TEST_F(SecretBoxTest, RoundTrip) {
  const std::string seed = "JBSWY3DPEHPK3PXP";
  const std::string sealed = box_.Seal(seed, random_);
  EXPECT_EQ(sealed.size(), seed.size() + SecretBox::kOverhead);
  EXPECT_EQ(sealed.find(seed), std::string::npos);
  Result<std::string> opened = box_.Open(sealed);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(*opened, seed);
}

TEST_F(SecretBoxTest, EmptyPlainTextRoundTrips) {
  Result<std::string> opened = box_.Open(box_.Seal("", random_));
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, "");
}

TEST_F(SecretBoxTest, SameTextSealsDifferentlyEachTime) {
  EXPECT_NE(box_.Seal("seed", random_), box_.Seal("seed", random_));
}

TEST_F(SecretBoxTest, AnyFlippedBitIsDetected) {
  const std::string sealed = box_.Seal("JBSWY3DPEHPK3PXP", random_);
  for (size_t i = 0; i < sealed.size(); ++i) {
    std::string tampered = sealed;
    tampered[i] ^= 0x01;
    Result<std::string> opened = box_.Open(tampered);
    EXPECT_FALSE(opened.ok()) << "byte " << i;
    EXPECT_EQ(opened.status().code(), Status::Code::kInvalidArgument);
  }
}

TEST_F(SecretBoxTest, TruncatedOrExtendedValueIsRejected) {
  const std::string sealed = box_.Seal("JBSWY3DPEHPK3PXP", random_);
  EXPECT_FALSE(box_.Open(sealed.substr(0, sealed.size() - 1)).ok());
  EXPECT_FALSE(box_.Open(sealed + "x").ok());
  EXPECT_FALSE(box_.Open("").ok());
  EXPECT_FALSE(box_.Open(std::string(SecretBox::kOverhead - 1, '\0')).ok());
}

TEST_F(SecretBoxTest, OtherKeyCannotOpen) {
  const SecretBox other(std::string(32, '\x22'));
  EXPECT_FALSE(other.Open(box_.Seal("JBSWY3DPEHPK3PXP", random_)).ok());
}

TEST_F(SecretBoxTest, CopyOpensWhatTheOriginalSealed) {
  const SecretBox copy = box_;
  Result<std::string> opened = copy.Open(box_.Seal("seed", random_));
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, "seed");
}

TEST(SecretBoxDeathTest, WrongKeySizeAborts) {
  EXPECT_DEATH(SecretBox(std::string(16, 'k')), "32 bytes");
}

}  // namespace
}  // namespace secinfo::crypto
