#include "policy/password_rules.h"

#include <gtest/gtest.h>

#include <string>

namespace secinfo::policy {
namespace {

PasswordContext Ana() {
  PasswordContext c;
  c.username = "ana@contoso.example";
  c.tenant_name = "Contoso";
  c.banned_words = {"Lutèce", "fabrikam"};
  return c;
}

// `n` different emoji (faces, animals, food...), one code point each.
std::string Emoji(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    const char32_t c = 0x1F400 + (i * 7) % 0x200;  // four UTF-8 bytes: F0 9F xx xx
    out += {'\xF0', '\x9F', static_cast<char>(0x80 | ((c >> 6) & 0x3F)),
            static_cast<char>(0x80 | (c & 0x3F))};
  }
  return out;
}

TEST(PasswordRulesTest, NfkcEquivalentsAreTheSamePassword) {
  // "é" precomposed, and "e" + combining acute; full-width letters and the "ﬁ" ligature.
  auto precomposed = NormalizePassword("caf\u00e9 noir fi Ana");
  auto decomposed = NormalizePassword("cafe\u0301 noir \ufb01 \uff21na");
  ASSERT_TRUE(precomposed.ok());
  ASSERT_TRUE(decomposed.ok());
  EXPECT_EQ(*precomposed, *decomposed);
  // Case and spaces are the person's: kept.
  EXPECT_NE(*NormalizePassword("Blue tram 42"), *NormalizePassword("blue  tram 42"));
}

TEST(PasswordRulesTest, AcceptsAPassphraseWithSpacesAndGivesAScore) {
  PasswordVerdict v = CheckPassword("tramway bleu sous la pluie", Ana());
  EXPECT_EQ(v.outcome, PasswordOutcome::kAccepted);
  EXPECT_GT(v.score, 50);
}

TEST(PasswordRulesTest, LengthIsCountedInCodePointsAfterNfkc) {
  EXPECT_EQ(CheckPassword("Zq8!Lm2", Ana()).outcome, PasswordOutcome::kTooShort);   // 7
  EXPECT_EQ(CheckPassword("Zq8!Lm2#", Ana()).outcome, PasswordOutcome::kAccepted);  // 8
  // 7 letters, each typed as a letter plus a combining accent (14 code points before NFKC).
  EXPECT_EQ(CheckPassword("e\u0301a\u0300o\u0302u\u0308i\u0301y\u0301c\u0327", Ana()).outcome,
            PasswordOutcome::kTooShort);
}

TEST(PasswordRulesTest, TwoHundredFiftySixEmojiAreAcceptedAndOneMoreIsNot) {
  const std::string ok = Emoji(256);
  ASSERT_EQ(CountCodePoints(ok), 256u);
  EXPECT_EQ(CheckPassword(ok, Ana()).outcome, PasswordOutcome::kAccepted);
  EXPECT_EQ(CheckPassword(Emoji(257), Ana()).outcome, PasswordOutcome::kTooLong);
}

TEST(PasswordRulesTest, TheUserNameIsRefused) {
  EXPECT_EQ(CheckPassword("ana@contoso.example", Ana()).outcome, PasswordOutcome::kUserName);
  PasswordContext c = Ana();
  c.username = "margaux@contoso.example";
  EXPECT_EQ(CheckPassword("MARGAUX!", c).outcome, PasswordOutcome::kUserName);
  EXPECT_EQ(CheckPassword("margaux1987xq", c).outcome, PasswordOutcome::kUserName);
  EXPECT_EQ(CheckPassword("Margaux@Contoso.Example", c).outcome, PasswordOutcome::kUserName);
}

TEST(PasswordRulesTest, TheTenantNameIsRefusedInAnyCaseOrWidth) {
  EXPECT_EQ(CheckPassword("welcome to CONTOSO 7", Ana()).outcome, PasswordOutcome::kTenantName);
  EXPECT_EQ(CheckPassword("\uff23\uff4f\uff4e\uff54\uff4f\uff53\uff4f 2024 !", Ana()).outcome,
            PasswordOutcome::kTenantName);
}

TEST(PasswordRulesTest, BannedWordsAreRefusedCaseFoldedAndNfkc) {
  // "Lutèce" banned; typed in capitals with a combining grave accent.
  EXPECT_EQ(CheckPassword("vive LUTE\u0300CE 1999", Ana()).outcome, PasswordOutcome::kBannedWord);
  EXPECT_EQ(CheckPassword("my FabriKam tram", Ana()).outcome, PasswordOutcome::kBannedWord);
  // Without the accent it is another word.
  EXPECT_EQ(CheckPassword("vive lutece 1999", Ana()).outcome, PasswordOutcome::kAccepted);
}

TEST(PasswordRulesTest, DictionaryWordsAreRefused) {
  EXPECT_EQ(CheckPassword("password1", Ana()).outcome, PasswordOutcome::kDictionaryWord);
  EXPECT_EQ(CheckPassword("azertyuiop", Ana()).outcome, PasswordOutcome::kDictionaryWord);
  EXPECT_EQ(CheckPassword("12345678", Ana()).outcome, PasswordOutcome::kDictionaryWord);
}

TEST(PasswordRulesTest, TheCurrentPasswordIsRefused) {
  PasswordContext c = Ana();
  std::string asked;
  c.is_current = [&](std::string_view normalized) {
    asked = normalized;
    return normalized == "Tram bleu 42\u00e9";
  };
  EXPECT_EQ(CheckPassword("Tram bleu 42e\u0301", c).outcome, PasswordOutcome::kCurrentPassword);
  EXPECT_EQ(asked, "Tram bleu 42\u00e9");  // asked with the NFKC form
  EXPECT_EQ(CheckPassword("Tram vert 42\u00e9", c).outcome, PasswordOutcome::kAccepted);
}

TEST(PasswordRulesTest, NotTextIsRefused) {
  EXPECT_EQ(CheckPassword("abc\xff\xfe"
                          "defgh",
                          Ana())
                .outcome,
            PasswordOutcome::kNotText);
  EXPECT_EQ(CheckPassword("tram\nbleu 42", Ana()).outcome, PasswordOutcome::kNotText);
}

TEST(PasswordRulesTest, EveryOutcomeHasItsOwnMessageKey) {
  EXPECT_EQ(PasswordOutcomeKey(PasswordOutcome::kBannedWord), "password_refused_banned_word");
  EXPECT_NE(PasswordOutcomeKey(PasswordOutcome::kUserName),
            PasswordOutcomeKey(PasswordOutcome::kTenantName));
}

TEST(PasswordRulesTest, BannedWordsHaveALength) {
  EXPECT_TRUE(ValidateBannedWord("Lutèce").ok());
  EXPECT_FALSE(ValidateBannedWord("abc").ok());
  EXPECT_FALSE(ValidateBannedWord(std::string(65, 'a')).ok());
}

}  // namespace
}  // namespace secinfo::policy
