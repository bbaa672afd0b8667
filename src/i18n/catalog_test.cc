#include "i18n/catalog.h"

#include <gtest/gtest.h>

namespace secinfo::i18n {
namespace {

TEST(CatalogTest, FrenchAndEnglishHaveTheSameKeys) {
  const Catalog& c = Catalog::BuiltIn();
  const auto& fr = c.All("fr");
  const auto& en = c.All("en");
  for (const auto& [key, text] : en) {
    EXPECT_TRUE(fr.count(key)) << "missing in fr: " << key;
    EXPECT_FALSE(text.empty()) << "empty in en: " << key;
  }
  for (const auto& [key, text] : fr) {
    EXPECT_TRUE(en.count(key)) << "missing in en: " << key;
    EXPECT_FALSE(text.empty()) << "empty in fr: " << key;
  }
  EXPECT_GT(en.size(), 50u);
}

TEST(CatalogTest, UsesEntraWords) {
  const Catalog& c = Catalog::BuiltIn();
  EXPECT_EQ(c.Get("fr", "security_info"), "Informations de sécurité");
  EXPECT_EQ(c.Get("en", "security_info"), "Security info");
  EXPECT_EQ(c.Get("fr", "call_me"), "M'appeler");
}

TEST(CatalogTest, ReplacesPlaceholdersAndFallsBack) {
  const Catalog& c = Catalog::BuiltIn();
  EXPECT_NE(c.Get("en", "phone_extension_removed", {{"extension", "12345"}}).find("12345"),
            std::string::npos);
  EXPECT_EQ(c.Get("de", "security_info"), "Security info");
  EXPECT_EQ(c.Get("fr", "no_such_key"), "no_such_key");
}

TEST(CatalogTest, ChoosesLanguage) {
  const Catalog& c = Catalog::BuiltIn();
  EXPECT_EQ(c.Choose(Catalog::ParseAcceptLanguage("de-DE,fr-CA;q=0.8,en;q=0.5"), "en"), "fr");
  EXPECT_EQ(c.Choose(Catalog::ParseAcceptLanguage("en;q=0.4, fr;q=0.9"), "en"), "fr");
  EXPECT_EQ(c.Choose(Catalog::ParseAcceptLanguage("de"), "fr"), "fr");
  EXPECT_EQ(c.Choose(Catalog::ParseAcceptLanguage("fr;q=0"), "xx"), "en");
  EXPECT_EQ(c.Choose({}, ""), "en");
}

TEST(CatalogTest, AcceptLanguageWithBytesAboveAscii) {
  // Bytes above 0x7f are not spaces; the tag around them is kept as sent, and spaces go.
  EXPECT_EQ(Catalog::ParseAcceptLanguage(" fr\xc2\xa0x , en"),
            (std::vector<std::string>{"fr\xc2\xa0x", "en"}));
}

}  // namespace
}  // namespace secinfo::i18n
