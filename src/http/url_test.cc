#include "http/url.h"

#include <gtest/gtest.h>

namespace secinfo::http {
namespace {

TEST(UrlDecodeTest, DecodesPercentAndPlus) {
  EXPECT_EQ(UrlDecode("a+b%20c", /*plus_as_space=*/true), "a b c");
  EXPECT_EQ(UrlDecode("a+b", /*plus_as_space=*/false), "a+b");
  EXPECT_EQ(UrlDecode("%2B33425555123", false), "+33425555123");
  EXPECT_EQ(UrlDecode("caf%C3%A9", true), "café");
  EXPECT_EQ(UrlDecode("caf%c3%a9", true), "café");
}

TEST(UrlDecodeTest, KeepsMalformedEscapesLiterally) {
  EXPECT_EQ(UrlDecode("%", true), "%");
  EXPECT_EQ(UrlDecode("%Z", true), "%Z");
  EXPECT_EQ(UrlDecode("%4", true), "%4");
  EXPECT_EQ(UrlDecode("100%", true), "100%");
  EXPECT_EQ(UrlDecode("%zz%41", true), "%zzA");
  EXPECT_EQ(UrlDecode("%%41", true), "%A");
  EXPECT_EQ(UrlDecode("", true), "");
}

TEST(UrlDecodeTest, DecodesNulAndHighBytesWithoutCrashing) {
  EXPECT_EQ(UrlDecode("a%00b", true), std::string("a\0b", 3));
  EXPECT_EQ(UrlDecode("%FF", true), "\xFF");
}

TEST(UrlEncodeTest, EncodesAllButUnreserved) {
  EXPECT_EQ(UrlEncode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(UrlEncode("a b&c=d/é+"), "a%20b%26c%3Dd%2F%C3%A9%2B");
  EXPECT_EQ(UrlDecode(UrlEncode("/security-info?x=1&y=é"), true), "/security-info?x=1&y=é");
}

TEST(ParseUrlEncodedTest, ParsesPairs) {
  auto m = ParseUrlEncoded("phone=%2B33+4+25&country=FR&empty=&flag&=orphan&&name=Ana%C3%AFs");
  EXPECT_EQ(m["phone"], "+33 4 25");
  EXPECT_EQ(m["country"], "FR");
  EXPECT_EQ(m["empty"], "");
  EXPECT_TRUE(m.count("flag"));
  EXPECT_EQ(m["name"], "Anaïs");
  EXPECT_EQ(m.count(""), 0u);
}

TEST(ParseUrlEncodedTest, FirstValueWins) {
  auto m = ParseUrlEncoded("a=1&a=2");
  EXPECT_EQ(m["a"], "1");
}

TEST(ParseUrlEncodedTest, SurvivesGarbage) {
  EXPECT_TRUE(ParseUrlEncoded("").empty());
  auto m = ParseUrlEncoded("%=%&%Z=%%&=");
  EXPECT_EQ(m["%"], "%");
  EXPECT_EQ(m["%Z"], "%%");
}

TEST(ParseCookiesTest, ParsesHeader) {
  auto c = ParseCookies("sid=abc123; lang=fr;theme=\"dark\" ; junk; =nameless; b64=a=b==");
  EXPECT_EQ(c["sid"], "abc123");
  EXPECT_EQ(c["lang"], "fr");
  EXPECT_EQ(c["theme"], "dark");
  EXPECT_EQ(c["b64"], "a=b==");
  EXPECT_EQ(c.count("junk"), 0u);
  EXPECT_EQ(c.count(""), 0u);
  EXPECT_EQ(c.size(), 4u);
}

TEST(ParseCookiesTest, FirstValueWinsAndEmptyHeaderIsEmpty) {
  EXPECT_EQ(ParseCookies("a=1; a=2")["a"], "1");
  EXPECT_TRUE(ParseCookies("").empty());
  EXPECT_TRUE(ParseCookies(";;; ").empty());
}

TEST(ParseCookiesTest, ReportsEveryRepeatedNameOnce) {
  std::vector<std::string> repeated;
  auto c = ParseCookies("sid=first; lang=fr; sid=second; sid=third; lang=en; x=1", &repeated);
  EXPECT_EQ(c["sid"], "first");
  EXPECT_EQ(repeated, (std::vector<std::string>{"sid", "lang"}));
  repeated.clear();
  ParseCookies("sid=1; lang=fr", &repeated);
  EXPECT_TRUE(repeated.empty());
}

TEST(SplitTargetTest, SplitsPathAndQuery) {
  auto p = SplitTarget("/security-info?x=1&y=2");
  EXPECT_EQ(p.path, "/security-info");
  EXPECT_EQ(p.query, "x=1&y=2");
  p = SplitTarget("/a/b");
  EXPECT_EQ(p.path, "/a/b");
  EXPECT_EQ(p.query, "");
  p = SplitTarget("/a?b?c#frag");
  EXPECT_EQ(p.path, "/a");
  EXPECT_EQ(p.query, "b?c");
}

TEST(SplitTargetTest, AcceptsAbsoluteForm) {
  auto p = SplitTarget("http://example.org:8080/sim/phone?x=1");
  EXPECT_EQ(p.path, "/sim/phone");
  EXPECT_EQ(p.query, "x=1");
  p = SplitTarget("https://example.org?x=1");
  EXPECT_EQ(p.path, "/");
  EXPECT_EQ(p.query, "x=1");
  p = SplitTarget("/redirect?to=http://elsewhere/");
  EXPECT_EQ(p.path, "/redirect");
  EXPECT_EQ(p.query, "to=http://elsewhere/");
}

TEST(SafeReturnPathTest, KeepsSameOriginPathsMadeOfVisibleAscii) {
  EXPECT_EQ(SafeReturnPath("/security-info"), "/security-info");
  EXPECT_EQ(SafeReturnPath("/security-info/phone?x=1&y=%2F"), "/security-info/phone?x=1&y=%2F");
  EXPECT_EQ(SafeReturnPath("/"), "/");
}

TEST(SafeReturnPathTest, AnythingElseFallsBackToSecurityInfo) {
  for (std::string_view bad : {
           std::string_view(""),
           std::string_view("security-info"),
           std::string_view("https://evil.example/"),
           std::string_view("//evil.example"),
           std::string_view("/\\evil.example"),
           std::string_view("/a\\b"),
           std::string_view("/\t/evil.example"),
           std::string_view("/\n/evil.example"),
           std::string_view("/\r/evil.example"),
           std::string_view("/ /evil.example"),
           std::string_view("/a\x7f"),
           std::string_view("/a\x1b[31m"),
           std::string_view("/caf\xc3\xa9"),
           std::string_view("/a\0b", 4),
       }) {
    EXPECT_EQ(SafeReturnPath(bad), "/security-info") << testing::PrintToString(std::string(bad));
  }
}

}  // namespace
}  // namespace secinfo::http
