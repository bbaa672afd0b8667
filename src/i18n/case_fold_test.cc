#include "i18n/case_fold.h"

#include <gtest/gtest.h>

namespace secinfo::i18n {
namespace {

TEST(CaseFoldTest, NamesInAnyLetterCaseFoldAlike) {
  EXPECT_EQ(CaseFold("Ana@Contoso.EXAMPLE"), "ana@contoso.example");
  EXPECT_EQ(CaseFold("ÉLODIE.MÜLLER"), CaseFold("élodie.müller"));
  EXPECT_EQ(CaseFold("STRASSE"), CaseFold("straße"));
  EXPECT_EQ(CaseFold("ΣΊΣΥΦΟΣ"), CaseFold("σίσυφος"));
  EXPECT_EQ(CaseFold("ИВАН"), "иван");
  EXPECT_NE(CaseFold("elodie"), CaseFold("élodie"));  // folding is not accent stripping
}

TEST(CaseFoldTest, InvalidUtf8DoesNotBreakIt) {
  EXPECT_EQ(CaseFold("A\xff"), "a\xEF\xBF\xBD");
  EXPECT_EQ(CaseFold(""), "");
}

}  // namespace
}  // namespace secinfo::i18n
