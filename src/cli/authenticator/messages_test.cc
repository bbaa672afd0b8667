#include "cli/authenticator/messages.h"

#include <gtest/gtest.h>

#include "i18n/catalog.h"

namespace secinfo::cli::authenticator {
namespace {

TEST(MessagesTest, ChoosesTheLanguageLikeACommandLineTool) {
  EXPECT_EQ(ChooseLanguage(nullptr, nullptr, "fr_FR.UTF-8"), "fr");
  EXPECT_EQ(ChooseLanguage(nullptr, nullptr, "en_GB.UTF-8"), "en");
  EXPECT_EQ(ChooseLanguage("en_US.UTF-8", nullptr, "fr_FR.UTF-8"), "en");  // LC_ALL wins
  EXPECT_EQ(ChooseLanguage(nullptr, "fr_CA.UTF-8", "en_US.UTF-8"), "fr");  // then LC_MESSAGES
  EXPECT_EQ(ChooseLanguage("", "", "fr_BE"), "fr");                        // empty means unset
  EXPECT_EQ(ChooseLanguage("C", nullptr, "fr_FR.UTF-8"), "en");
  EXPECT_EQ(ChooseLanguage(nullptr, nullptr, "C.UTF-8"), "en");
  EXPECT_EQ(ChooseLanguage(nullptr, nullptr, "POSIX"), "en");
  EXPECT_EQ(ChooseLanguage(nullptr, nullptr, "de_DE.UTF-8"), "en");
  EXPECT_EQ(ChooseLanguage(nullptr, nullptr, nullptr), "en");
}

TEST(MessagesTest, EveryCompanionTextExistsInFrenchAndEnglish) {
  const auto& catalog = i18n::Catalog::BuiltIn();
  int count = 0;
  for (const auto& [key, text] : catalog.All("en")) {
    if (!key.starts_with("companion_")) continue;
    ++count;
    EXPECT_TRUE(catalog.All("fr").count(key)) << key;
  }
  EXPECT_GT(count, 20);
}

TEST(MessagesTest, ThePromptIsTheAgreedSentence) {
  EXPECT_EQ(Messages("en")("companion_prompt"),
            "Type the number shown on the sign-in page, or d to deny, r to deny and report:");
  EXPECT_EQ(Messages("fr")("companion_outcome_denied"), "Refusé.");
  EXPECT_EQ(Messages("en")("companion_request", {{"app", "secinfo"},
                                                 {"account", "ana@contoso.example"},
                                                 {"time", "10:00"},
                                                 {"ip", "192.0.2.1"}}),
            "Sign-in request: secinfo, account ana@contoso.example, at 10:00, from 192.0.2.1");
}

}  // namespace
}  // namespace secinfo::cli::authenticator
