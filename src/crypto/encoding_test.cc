#include "crypto/encoding.h"

#include <gtest/gtest.h>

namespace secinfo::crypto {
namespace {

TEST(EncodingTest, HexIsLowerCase) {
  EXPECT_EQ(HexEncode(std::string("\x00\x01\xab\xff", 4)), "0001abff");
  EXPECT_EQ(HexEncode(""), "");
}

TEST(EncodingTest, Base64UrlUsesUrlAlphabetWithoutPadding) {
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_EQ(Base64UrlEncode("f"), "Zg");
  EXPECT_EQ(Base64UrlEncode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64UrlEncode(""), "");
}

TEST(EncodingTest, Base64UrlRoundTrip) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (size_t len : {0, 1, 2, 3, 31, 32, 33, 256}) {
    const std::string raw = all.substr(0, len);
    Result<std::string> decoded = Base64UrlDecode(Base64UrlEncode(raw));
    ASSERT_TRUE(decoded.ok()) << len;
    EXPECT_EQ(*decoded, raw);
  }
}

TEST(EncodingTest, Base64UrlDecodeRejectsForeignText) {
  EXPECT_FALSE(Base64UrlDecode("Zg==").ok());       // padding
  EXPECT_FALSE(Base64UrlDecode("+/8").ok());        // standard alphabet
  EXPECT_FALSE(Base64UrlDecode("Zm9v YmFy").ok());  // whitespace
  EXPECT_FALSE(Base64UrlDecode("Z").ok());          // impossible length
  EXPECT_EQ(Base64UrlDecode("Z").status().code(), Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace secinfo::crypto
