#include "crypto/base32.h"

#include <gtest/gtest.h>

namespace secinfo::crypto {
namespace {

// RFC 4648 section 10, with the padding removed as Base32Encode does.
TEST(Base32Test, EncodeMatchesRfc4648Vectors) {
  EXPECT_EQ(Base32Encode(""), "");
  EXPECT_EQ(Base32Encode("f"), "MY");
  EXPECT_EQ(Base32Encode("fo"), "MZXQ");
  EXPECT_EQ(Base32Encode("foo"), "MZXW6");
  EXPECT_EQ(Base32Encode("foob"), "MZXW6YQ");
  EXPECT_EQ(Base32Encode("fooba"), "MZXW6YTB");
  EXPECT_EQ(Base32Encode("foobar"), "MZXW6YTBOI");
}

TEST(Base32Test, EncodesTheRfc6238SeedAsAppsExpect) {
  EXPECT_EQ(Base32Encode("12345678901234567890"), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
}

TEST(Base32Test, DecodeAcceptsPaddedAndUnpaddedRfc4648Vectors) {
  const std::pair<const char*, const char*> kCases[] = {{"", ""},
                                                        {"MY======", "f"},
                                                        {"MZXQ====", "fo"},
                                                        {"MZXW6===", "foo"},
                                                        {"MZXW6YQ=", "foob"},
                                                        {"MZXW6YTB", "fooba"},
                                                        {"MZXW6YTBOI======", "foobar"},
                                                        {"MZXW6YTBOI", "foobar"}};
  for (const auto& [text, raw] : kCases) {
    Result<std::string> decoded = Base32Decode(text);
    ASSERT_TRUE(decoded.ok()) << text;
    EXPECT_EQ(*decoded, raw) << text;
  }
}

TEST(Base32Test, DecodeToleratesLowerCaseAndSpacesAsTyped) {
  Result<std::string> decoded = Base32Decode("gezd gnbv gy3t qojq GEZD GNBV GY3T QOJQ");
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, "12345678901234567890");
}

TEST(Base32Test, RoundTripsEveryByteValue) {
  std::string raw;
  for (int i = 0; i < 256; ++i) raw.push_back(static_cast<char>(i));
  for (size_t len = 0; len <= raw.size(); len += 7) {
    const std::string part = raw.substr(0, len);
    Result<std::string> decoded = Base32Decode(Base32Encode(part));
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(*decoded, part);
  }
}

TEST(Base32Test, DecodeRejectsCharactersOutsideTheAlphabet) {
  for (const char* bad : {"MZXW1", "MZXW0", "MZXW8", "MZ-XW", "MZXW6\n", "MZ\tXW", "MZÉW"}) {
    Result<std::string> decoded = Base32Decode(bad);
    ASSERT_FALSE(decoded.ok()) << bad;
    EXPECT_EQ(decoded.status().code(), Status::Code::kInvalidArgument);
  }
}

TEST(Base32Test, DecodeRejectsDataAfterPaddingAndImpossibleLengths) {
  EXPECT_FALSE(Base32Decode("MY==MY").ok());
  EXPECT_FALSE(Base32Decode("M").ok());
  EXPECT_FALSE(Base32Decode("MZX").ok());
  EXPECT_FALSE(Base32Decode("MZXW6Y").ok());
  EXPECT_FALSE(Base32Decode("MZXW6YTBO").ok());
}

}  // namespace
}  // namespace secinfo::crypto
