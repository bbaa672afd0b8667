#include "crypto/password.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <vector>

namespace secinfo::crypto {
namespace {

// Each Argon2id hash costs ~50 ms: this suite hashes only twice.
class PasswordTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Result<std::string> hash = HashPassword("correct horse battery staple");
    ASSERT_TRUE(hash.ok()) << hash.status().ToString();
    hash_ = new std::string(*hash);
  }
  static void TearDownTestSuite() { delete hash_; }
  static std::string* hash_;
};
std::string* PasswordTest::hash_ = nullptr;

TEST_F(PasswordTest, EncodedHashCarriesOwaspParameters) {
  EXPECT_EQ(hash_->rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u) << *hash_;
  EXPECT_FALSE(PasswordNeedsRehash(*hash_));
}

TEST_F(PasswordTest, RightPasswordVerifies) {
  EXPECT_TRUE(VerifyPassword(*hash_, "correct horse battery staple"));
}

TEST_F(PasswordTest, WrongPasswordFails) {
  EXPECT_FALSE(VerifyPassword(*hash_, "correct horse battery stapl"));
  EXPECT_FALSE(VerifyPassword(*hash_, ""));
}

TEST_F(PasswordTest, SamePasswordGetsAFreshSalt) {
  Result<std::string> again = HashPassword("correct horse battery staple");
  ASSERT_TRUE(again.ok());
  EXPECT_NE(*again, *hash_);
}

TEST_F(PasswordTest, MalformedHashFails) {
  EXPECT_FALSE(VerifyPassword("", "x"));
  EXPECT_FALSE(VerifyPassword("not a hash", "x"));
  EXPECT_FALSE(VerifyPassword("$argon2id$v=19$m=19456,t=2,p=1$", "x"));
  EXPECT_FALSE(VerifyPassword(std::string(1000, '$'), "x"));
  EXPECT_FALSE(VerifyPassword(hash_->substr(0, hash_->size() - 4), "correct horse battery staple"));
  EXPECT_FALSE(VerifyPassword(*hash_ + std::string("\0", 1), "correct horse battery staple"));
  EXPECT_TRUE(PasswordNeedsRehash("not a hash"));
}

TEST_F(PasswordTest, OlderParametersNeedRehash) {
  // An Argon2id hash made with t=3 (the RFC 9106 example shape).
  EXPECT_TRUE(
      PasswordNeedsRehash("$argon2id$v=19$m=19456,t=3,p=1$c29tZXNhbHRzb21lc2FsdA$"
                          "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
}

TEST_F(PasswordTest, DummyVerificationCostsAsMuchAsARealOne) {
  // A lower bound only, loose enough for a busy machine: it catches a dummy made cheaper than
  // real hashes (other parameters, or no work at all), which would reveal unknown user names.
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  EXPECT_FALSE(VerifyPassword(*hash_, "wrong"));
  const auto t1 = Clock::now();
  VerifyAgainstDummy("wrong");
  const auto t2 = Clock::now();
  EXPECT_GT((t2 - t1) * 4, t1 - t0);
}

}  // namespace
}  // namespace secinfo::crypto

namespace secinfo::crypto {
namespace {

TEST_F(PasswordTest, ManyConcurrentVerificationsAllGetTheirOwnAnswer) {
  std::vector<std::future<bool>> right, wrong;
  for (int i = 0; i < 6; ++i) {
    right.push_back(std::async(
        std::launch::async, [] { return VerifyPassword(*hash_, "correct horse battery staple"); }));
    wrong.push_back(std::async(std::launch::async, [] { return VerifyPassword(*hash_, "nope"); }));
  }
  for (auto& r : right) EXPECT_TRUE(r.get());
  for (auto& w : wrong) EXPECT_FALSE(w.get());
}

}  // namespace
}  // namespace secinfo::crypto
