#include "phone/number.h"

#include <gtest/gtest.h>

#include <string>

namespace secinfo::phone {
namespace {

ParsedNumber ParseOk(std::string_view input, std::string_view region) {
  const ParseOutcome outcome = Parse(input, region);
  EXPECT_TRUE(outcome.ok()) << "[" << input << "] " << ParseErrorName(outcome.error());
  return outcome.ok() ? outcome.number() : ParsedNumber{};
}

std::string ErrorOf(std::string_view input, std::string_view region) {
  const ParseOutcome outcome = Parse(input, region);
  return outcome.ok() ? "ok " + outcome.number().e164 : ParseErrorName(outcome.error());
}

// An international freephone number (UIFN, +800) whose digits are all zeros is still stored in
// E.164, not as typed (found by phone_parse_fuzzer).
TEST(ParseTest, AllZeroNationalNumberIsStoredInE164) {
  EXPECT_EQ(ParseOk("0080000000000", "FR").e164, "+80000000000");
  EXPECT_EQ(ParseOk("+80000000000", "US").e164, "+80000000000");
}

TEST(ParseTest, PlainFrenchNumber) {
  const ParsedNumber n = ParseOk("04 25 55 51 23", "FR");
  EXPECT_EQ(n.e164, "+33425555123");
  EXPECT_EQ(n.international, "+33 4 25 55 51 23");
  EXPECT_EQ(n.region, "FR");
  EXPECT_EQ(n.calling_code, 33);
  EXPECT_EQ(n.type, NumberType::kFixedLine);
  EXPECT_FALSE(n.extension_removed);
  EXPECT_EQ(n.removed_extension, "");
}

TEST(ParseTest, EveryExtensionFormIsRemoved) {
  for (const char* input : {
           "+33 4 25 55 51 23-12345",
           "04 25 55 51 23-12345",
           "+33 4 25 55 51 23 - 12345",
           "04 25 55 51 23 ext. 12345",
           "04 25 55 51 23 ext 12345",
           "04 25 55 51 23 EXT.12345",
           "04 25 55 51 23 extension 12345",
           "04 25 55 51 23 x12345",
           "04 25 55 51 23 x 12345",
           "+33425555123;ext=12345",
           "+33 4 25 55 51 23;ext=12345",
           "04 25 55 51 23 #12345",
           "04 25 55 51 23 # 12345",
           "04 25 55 51 23 poste 12345",
           "04 25 55 51 23, poste 12345",
           "04 25 55 51 23 Poste : 12345",
       }) {
    SCOPED_TRACE(input);
    const ParsedNumber n = ParseOk(input, "FR");
    EXPECT_EQ(n.e164, "+33425555123");
    EXPECT_EQ(n.international, "+33 4 25 55 51 23");
    EXPECT_TRUE(n.extension_removed);
    EXPECT_EQ(n.removed_extension, "12345");
  }
}

TEST(ParseTest, AmericanExtension) {
  const ParsedNumber n = ParseOk("+1 425 555 0100 x123", "FR");
  EXPECT_EQ(n.e164, "+14255550100");
  EXPECT_EQ(n.region, "US");
  EXPECT_TRUE(n.extension_removed);
  EXPECT_EQ(n.removed_extension, "123");
}

TEST(ParseTest, DashesInsideAValidNumberAreNotAnExtension) {
  const ParsedNumber fr = ParseOk("04-25-55-51-23", "FR");
  EXPECT_EQ(fr.e164, "+33425555123");
  EXPECT_FALSE(fr.extension_removed);
  const ParsedNumber us = ParseOk("425-555-0100", "US");
  EXPECT_EQ(us.e164, "+14255550100");
  EXPECT_FALSE(us.extension_removed);
}

TEST(ParseTest, LeadingPlusOverridesRegion) {
  const ParsedNumber n = ParseOk("+33 6 12 34 56 78", "US");
  EXPECT_EQ(n.e164, "+33612345678");
  EXPECT_EQ(n.region, "FR");
  // The trunk prefix people often keep after the country code is dropped.
  EXPECT_EQ(ParseOk("+33 (0)6 12 34 56 78", "FR").e164, "+33612345678");
  EXPECT_EQ(ParseOk("+33 06 12 34 56 78", "FR").e164, "+33612345678");
  // The international prefix of the chosen region works like '+'.
  EXPECT_EQ(ParseOk("00 1 425 555 0100", "FR").e164, "+14255550100");
}

TEST(ParseTest, UnicodeSpacesAndDashesAreAccepted) {
  EXPECT_EQ(ParseOk("06\u00A012\u202F34\u200956\u00A078", "FR").e164, "+33612345678");
  EXPECT_EQ(ParseOk("06\u201312\u201334\u201356\u201378", "FR").e164, "+33612345678");
  EXPECT_EQ(ParseOk("\uFF10\uFF16 12 34 56 78", "FR").e164, "+33612345678");
}

TEST(ParseTest, DigitsOfEveryScriptAndTheSeparatorsPeopleUseAreRead) {
  // Arabic-Indic digits, as an Egyptian or Saudi phone types them, with the bidi marks that come
  // with right-to-left text.
  EXPECT_EQ(ParseOk("\u200F+\u0663\u0663 \u0664 \u0662\u0665 \u0665\u0665 \u0665\u0661 "
                    "\u0662\u0663\u200F",
                    "FR")
                .e164,
            "+33425555123");
  // Persian (extended Arabic-Indic) and Devanagari digits.
  EXPECT_EQ(ParseOk("\u06F0\u06F6\u06F1\u06F2\u06F3\u06F4\u06F5\u06F6\u06F7\u06F8", "FR").e164,
            "+33612345678");
  EXPECT_EQ(ParseOk("\u0966\u096C \u0967\u0968 \u0969\u096A \u096B\u096C \u096D\u096E", "FR").e164,
            "+33612345678");
  // Full-width everything, as a Japanese input method writes it.
  EXPECT_EQ(ParseOk("\uFF0B\uFF13\uFF13\u3000\uFF16\uFF10\uFF11\uFF12\uFF13\uFF14\uFF15"
                    "\uFF16\uFF17",
                    "FR")
                .e164,
            "+33601234567");
  // Separators libphonenumber accepts: tildes, katakana dash, brackets, soft hyphens.
  EXPECT_EQ(ParseOk("06\uFF5E12\u301C34-56-78", "FR").e164, "+33612345678");
  EXPECT_EQ(ParseOk("06\u30FC12\u30FC34\u30FC56\u30FC78", "FR").e164, "+33612345678");
  EXPECT_EQ(ParseOk("[201] 555~0123", "US").e164, "+12015550123");
  EXPECT_EQ(ParseOk("06\u00AD12\u00AD34\u00AD56\u00AD78", "FR").e164, "+33612345678");
  // Letters of other scripts are still letters.
  EXPECT_EQ(ErrorOf("06 12 34 56 \u0627\u0628", "FR"), "invalid_characters");
}

TEST(ParseTest, Types) {
  EXPECT_EQ(ParseOk("06 12 34 56 78", "FR").type, NumberType::kMobile);
  EXPECT_EQ(ParseOk("07 81 23 45 67", "FR").type, NumberType::kMobile);
  for (const char* fixed :
       {"01 23 45 67 89", "02 23 45 67 89", "03 23 45 67 89", "04 25 55 51 23", "05 23 45 67 89"}) {
    EXPECT_EQ(ParseOk(fixed, "FR").type, NumberType::kFixedLine) << fixed;
  }
  EXPECT_EQ(ParseOk("09 12 34 56 78", "FR").type, NumberType::kVoip);
  EXPECT_EQ(ParseOk("0800 12 34 56", "FR").type, NumberType::kTollFree);
  EXPECT_EQ(ParseOk("(201) 555-0123", "US").type, NumberType::kFixedLineOrMobile);
}

TEST(ParseTest, SmsOnlyForMobiles) {
  EXPECT_TRUE(CanReceiveSms(ParseOk("06 12 34 56 78", "FR").type));
  EXPECT_TRUE(CanReceiveSms(ParseOk("(201) 555-0123", "US").type));
  EXPECT_FALSE(CanReceiveSms(ParseOk("04 25 55 51 23", "FR").type));
  EXPECT_FALSE(CanReceiveSms(ParseOk("09 12 34 56 78", "FR").type));
}

TEST(ParseTest, Refusals) {
  EXPECT_EQ(ErrorOf("", "FR"), "empty");
  EXPECT_EQ(ErrorOf("   ", "FR"), "empty");
  EXPECT_EQ(ErrorOf("\u00A0", "FR"), "empty");
  EXPECT_EQ(ErrorOf("abc", "FR"), "invalid_characters");
  // libphonenumber alone would drop the trailing letter and accept "+33 061234567"-ish numbers.
  EXPECT_EQ(ErrorOf("06 12 34 56 7a", "FR"), "invalid_characters");
  // libphonenumber alone would dial 1-800-356-9377.
  EXPECT_EQ(ErrorOf("1-800-FLOWERS", "US"), "invalid_characters");
  EXPECT_EQ(ErrorOf("06 12 34 56 78 box 12", "FR"), "invalid_characters");
  EXPECT_EQ(ErrorOf("06 12 + 34 56 78", "FR"), "invalid_characters");
  EXPECT_EQ(ErrorOf("06 12 34 56 78 é", "FR"), "invalid_characters");
  EXPECT_EQ(ErrorOf("x123", "FR"), "invalid_characters");
  EXPECT_EQ(ErrorOf("12", "FR"), "too_short");
  EXPECT_EQ(ErrorOf("01 23", "FR"), "too_short");
  EXPECT_EQ(ErrorOf("+33", "FR"), "too_short");
  EXPECT_EQ(ErrorOf("+", "FR"), "too_short");
  EXPECT_EQ(ErrorOf("12345678901234567890", "FR"), "too_long");
  EXPECT_EQ(ErrorOf("06 12 34 56 78 9", "FR"), "too_long");
  EXPECT_EQ(ErrorOf(std::string(200, '1'), "FR"), "too_long");
  // E.164 allows 15 digits: libphonenumber holds this 16-digit German number valid.
  EXPECT_EQ(ErrorOf("+49 30 123456789012", "FR"), "too_long");
  EXPECT_EQ(ErrorOf("+999 123", "FR"), "invalid_country_code");
  EXPECT_EQ(ErrorOf("06 12 34 56 78", "ZZ"), "unknown_region");
  EXPECT_EQ(ErrorOf("06 12 34 56 78", ""), "unknown_region");
  // A French number typed after choosing the United States.
  EXPECT_EQ(ErrorOf("04 25 55 51 23", "US"), "not_valid_for_region");
  // A Réunion mobile typed after choosing France.
  EXPECT_EQ(ErrorOf("0692 12 34 56", "FR"), "not_valid_for_region");
  // Right length, but no such numbers are assigned.
  EXPECT_EQ(ErrorOf("+1 123 456 7890", "US"), "not_valid_for_region");
  EXPECT_EQ(ErrorOf("+33 4 00 00 00 00", "FR"), "not_valid_for_region");
}

TEST(ParseTest, DashGroupIsKeptWhenTheNumberIsInvalidEitherWay) {
  // Neither "06 12 34 56 78 90" nor "06 12 34" is valid: the error of the whole is reported.
  EXPECT_EQ(ErrorOf("06 12 34-56 78 90", "FR"), "too_long");
}

TEST(FormatInternationalTest, FormatsE164AndPassesAnythingElseThrough) {
  EXPECT_EQ(FormatInternational("+33425555123"), "+33 4 25 55 51 23");
  EXPECT_EQ(FormatInternational("+14255550100"), "+1 425-555-0100");
  EXPECT_EQ(FormatInternational("0425555123"), "0425555123");
  EXPECT_EQ(FormatInternational("+999123"), "+999123");
  EXPECT_EQ(FormatInternational("hello"), "hello");
  EXPECT_EQ(FormatInternational(""), "");
}

TEST(NamesTest, StableNames) {
  EXPECT_STREQ(NumberTypeName(NumberType::kMobile), "mobile");
  EXPECT_STREQ(NumberTypeName(NumberType::kFixedLine), "fixed_line");
  EXPECT_STREQ(NumberTypeName(NumberType::kFixedLineOrMobile), "fixed_line_or_mobile");
  EXPECT_STREQ(NumberTypeName(NumberType::kVoip), "voip");
  EXPECT_STREQ(NumberTypeName(NumberType::kTollFree), "toll_free");
  EXPECT_STREQ(NumberTypeName(NumberType::kOther), "other");
  EXPECT_STREQ(ParseErrorName(ParseError::kNotValidForRegion), "not_valid_for_region");
}

}  // namespace
}  // namespace secinfo::phone
