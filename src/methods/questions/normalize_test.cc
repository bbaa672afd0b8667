#include "methods/questions/normalize.h"

#include <gtest/gtest.h>

#include <string>

namespace secinfo::methods::questions {
namespace {

std::string N(std::string_view s) {
  Result<std::string> r = Normalize(s);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : "<error>";
}

std::string T(std::string_view s) {
  Result<std::string> r = Tidy(s);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : "<error>";
}

TEST(NormalizeTest, ComposedDecomposedAndCaseCompareTheSame) {
  EXPECT_EQ(N("\u00c9ric"), "\u00e9ric");   // precomposed É
  EXPECT_EQ(N("E\u0301ric"), "\u00e9ric");  // E + combining acute
  EXPECT_EQ(N("  \u00c9RIC "), "\u00e9ric");
  EXPECT_EQ(N("e\u0301ric"), N("\u00c9RIC"));
}

TEST(NormalizeTest, KeepsAccents) {
  EXPECT_NE(N("\u00e9ric"), N("eric"));
  EXPECT_NE(N("cr\u00e8me br\u00fbl\u00e9e"), N("creme brulee"));
}

TEST(NormalizeTest, CompatibilityFormsFold) {
  EXPECT_EQ(N("\ufb01sh"), "fish");            // ﬁ ligature
  EXPECT_EQ(N("\uff21\uff22\uff23"), "abc");   // full-width ＡＢＣ
  EXPECT_EQ(N("Louis \u2167"), "louis viii");  // Roman numeral Ⅷ
  EXPECT_EQ(N("2\u00b3"), "23");               // superscript three
  EXPECT_EQ(N("\u2460\u2461"), "12");          // circled digits
}

TEST(NormalizeTest, FullCaseFolding) {
  EXPECT_EQ(N("STRASSE"), "strasse");
  EXPECT_EQ(N("stra\u00dfe"), "strasse");  // ß folds to ss (simple folding would keep it)
  EXPECT_EQ(N("STRA\u1e9eE"), "strasse");  // capital ẞ
  EXPECT_EQ(N("\u03a3\u0391\u03a3"), N("\u03c3\u03b1\u03c2"));  // ΣΑΣ and σας (final sigma)
  EXPECT_EQ(N("\u0130stanbul"), N("\u0130STANBUL"));  // İ folds the same whatever its case
  // Turkic-specific folding is not used: "I" is "i" for every user.
  EXPECT_EQ(N("ISTANBUL"), "istanbul");
}

TEST(NormalizeTest, WhiteSpaceCollapsedAndTrimmed) {
  EXPECT_EQ(N("Jean\u00a0Dupont"), "jean dupont");         // NBSP
  EXPECT_EQ(N("Jean\u202fDupont"), "jean dupont");         // narrow NBSP
  EXPECT_EQ(N("\tJean \t\n  Dupont\r\n"), "jean dupont");  // tabs, new lines
  EXPECT_EQ(N("Jean\u3000Dupont"), "jean dupont");         // ideographic space
  EXPECT_EQ(N("Jean\u2028Dupont"), "jean dupont");         // line separator
  EXPECT_EQ(N("   "), "");
  EXPECT_EQ(N(""), "");
  EXPECT_EQ(N(std::string_view()), "");
}

TEST(NormalizeTest, IsIdempotent) {
  for (std::string_view s : {"  \u00c9RIC ", "stra\u00dfe", "\ufb01sh", "\u1fb3\u0345",
                             "\u03a3\u0391\u03a3", "Jean\u00a0\u00a0Dupont"}) {
    EXPECT_EQ(N(N(s)), N(s)) << s;
  }
}

TEST(NormalizeTest, RefusesWhatNoPersonTypes) {
  EXPECT_EQ(Normalize("caf\xe9").status().code(), Status::Code::kInvalidArgument);  // Latin-1 é
  EXPECT_EQ(Normalize("\xff\xfe").status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(Normalize("\xed\xa0\x80").status().code(),
            Status::Code::kInvalidArgument);  // an encoded surrogate
  EXPECT_EQ(Normalize("abc\x01").status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(Normalize(std::string_view("ab\0c", 4)).status().code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(Tidy("caf\xe9").status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(Normalize(std::string(kMaxTextBytes + 1, 'a')).status().code(),
            Status::Code::kInvalidArgument);
}

TEST(NormalizeTest, TidyKeepsCaseAndComposes) {
  EXPECT_EQ(T("  \u00c9ric\t Dupont "), "\u00c9ric Dupont");
  EXPECT_EQ(T("E\u0301ric"), "\u00c9ric");
  EXPECT_EQ(T("stra\u00dfe"), "stra\u00dfe");
}

TEST(NormalizeTest, CountsCodePointsNotBytes) {
  EXPECT_EQ(CountCodePoints("\u00e9t\u00e9"), 3u);  // 5 bytes
  EXPECT_EQ(CountCodePoints(T("e\u0301te\u0301")), 3u);
  EXPECT_EQ(CountCodePoints("\U0001f600"), 1u);  // 4 bytes
  EXPECT_EQ(CountCodePoints(""), 0u);
}

TEST(NormalizeTest, QuestionFormDropsSurroundingPunctuation) {
  Result<std::string> a = NormalizeQuestion("What was your first car?");
  Result<std::string> b = NormalizeQuestion("  what was your FIRST car ?  ");
  Result<std::string> c = NormalizeQuestion("What was your first car");
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(*a, "what was your first car");
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(*a, *c);
  EXPECT_EQ(*NormalizeQuestion("\u00bfD\u00f3nde naciste?"), "d\u00f3nde naciste");
  EXPECT_EQ(*NormalizeQuestion("Quel est votre surnom\u00a0?"), "quel est votre surnom");
  EXPECT_EQ(*NormalizeQuestion("???"), "");
}

}  // namespace
}  // namespace secinfo::methods::questions
