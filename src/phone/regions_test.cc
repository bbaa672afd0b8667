#include "phone/regions.h"

#include <gtest/gtest.h>
#include <unicode/coll.h>
#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <memory>
#include <thread>

namespace secinfo::phone {
namespace {

const Region* Find(const std::vector<Region>& regions, std::string_view code) {
  for (const Region& r : regions) {
    if (r.code == code) return &r;
  }
  return nullptr;
}

size_t IndexOf(const std::vector<Region>& regions, std::string_view code) {
  for (size_t i = 0; i < regions.size(); ++i) {
    if (regions[i].code == code) return i;
  }
  return regions.size();
}

TEST(ListRegionsTest, FrenchNames) {
  const std::vector<Region>& fr = ListRegions("fr");
  ASSERT_EQ(fr.size(), 245u);
  ASSERT_NE(Find(fr, "DE"), nullptr);
  EXPECT_EQ(Find(fr, "DE")->name, "Allemagne");
  EXPECT_EQ(Find(fr, "DE")->calling_code, 49);
  EXPECT_EQ(Find(fr, "CI")->name, "C\u00F4te d\u2019Ivoire");
  EXPECT_EQ(Find(fr, "FR")->name, "France");
  EXPECT_EQ(Find(fr, "FR")->calling_code, 33);
  EXPECT_EQ(Find(fr, "US")->calling_code, 1);
}

TEST(ListRegionsTest, FrenchOrderFollowsCollation) {
  const std::vector<Region>& fr = ListRegions("fr");
  EXPECT_EQ(fr.front().code, "AF");                 // Afghanistan
  EXPECT_LT(IndexOf(fr, "ZA"), IndexOf(fr, "AL"));  // Afrique du Sud < Albanie
  EXPECT_LT(IndexOf(fr, "CR"), IndexOf(fr, "CI"));  // Costa Rica < Côte d’Ivoire
  EXPECT_LT(IndexOf(fr, "CI"), IndexOf(fr, "HR"));  // Côte d’Ivoire < Croatie
  EXPECT_LT(IndexOf(fr, "DM"), IndexOf(fr, "AE"));  // Dominique < Émirats arabes unis
  EXPECT_LT(IndexOf(fr, "AE"), IndexOf(fr, "ES"));  // Émirats arabes unis < Espagne

  // The whole list is in ICU collation order for French.
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::Collator> collator(icu::Collator::createInstance(icu::Locale("fr"), status));
  ASSERT_TRUE(U_SUCCESS(status));
  for (size_t i = 1; i < fr.size(); ++i) {
    EXPECT_NE(collator->compare(icu::UnicodeString::fromUTF8(fr[i - 1].name),
                                icu::UnicodeString::fromUTF8(fr[i].name), status),
              UCOL_GREATER)
        << fr[i - 1].name << " / " << fr[i].name;
  }
}

TEST(ListRegionsTest, EnglishAndFallbacks) {
  const std::vector<Region>& en = ListRegions("en");
  ASSERT_EQ(en.size(), 245u);
  EXPECT_EQ(Find(en, "DE")->name, "Germany");
  EXPECT_EQ(Find(en, "CI")->name, "C\u00F4te d\u2019Ivoire");
  EXPECT_EQ(&ListRegions("de"), &en);  // other languages fall back to English
  EXPECT_EQ(&ListRegions(""), &en);
  EXPECT_EQ(&ListRegions("fr-CA"), &ListRegions("fr"));
  EXPECT_EQ(&ListRegions("FR"), &ListRegions("fr"));
}

TEST(ListRegionsTest, EveryRegionHasARealName) {
  for (const char* locale : {"fr", "en"}) {
    for (const Region& r : ListRegions(locale)) {
      EXPECT_NE(r.name, r.code) << locale;  // ICU returns the code when it has no name
      EXPECT_GT(r.calling_code, 0) << r.code;
    }
  }
}

TEST(ListRegionsTest, ConcurrentFirstUseSeesOneList) {
  std::vector<const std::vector<Region>*> seen(8);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < seen.size(); ++i) {
    threads.emplace_back([&, i] { seen[i] = &ListRegions("en-GB"); });
  }
  for (auto& t : threads) t.join();
  for (const auto* list : seen) EXPECT_EQ(list, seen[0]);
}

TEST(IsSupportedRegionTest, UpperCaseCodesOnly) {
  EXPECT_TRUE(IsSupportedRegion("FR"));
  EXPECT_TRUE(IsSupportedRegion("CI"));
  EXPECT_FALSE(IsSupportedRegion("fr"));
  EXPECT_FALSE(IsSupportedRegion("ZZ"));
  EXPECT_FALSE(IsSupportedRegion("001"));
  EXPECT_FALSE(IsSupportedRegion(""));
}

TEST(RegionFromAcceptLanguageTest, Cases) {
  EXPECT_EQ(RegionFromAcceptLanguage("fr-CA,fr;q=0.9", "FR"), "CA");
  EXPECT_EQ(RegionFromAcceptLanguage("fr", "US"), "FR");
  EXPECT_EQ(RegionFromAcceptLanguage("en", "FR"), "US");
  EXPECT_EQ(RegionFromAcceptLanguage("en-GB", "FR"), "GB");
  EXPECT_EQ(RegionFromAcceptLanguage("en-gb", "FR"), "GB");
  EXPECT_EQ(RegionFromAcceptLanguage("de-DE,de;q=0.9,en;q=0.8", "FR"), "DE");
  EXPECT_EQ(RegionFromAcceptLanguage("fr-FR, fr;q=0.9, en-US;q=0.8, en;q=0.7", "US"), "FR");
  // Preference follows q, not position.
  EXPECT_EQ(RegionFromAcceptLanguage("en;q=0.5, fr-BE", "US"), "BE");
  // A script subtag is skipped; its likely region is used when there is no region.
  EXPECT_EQ(RegionFromAcceptLanguage("zh-Hant-HK", "US"), "HK");
  EXPECT_EQ(RegionFromAcceptLanguage("zh-Hant", "US"), "TW");
  // "419" (Latin America) is no phone region: the language's own region is used.
  EXPECT_EQ(RegionFromAcceptLanguage("es-419", "US"), "ES");
  EXPECT_EQ(RegionFromAcceptLanguage("", "FR"), "FR");
  EXPECT_EQ(RegionFromAcceptLanguage("*", "FR"), "FR");
  EXPECT_EQ(RegionFromAcceptLanguage("en;q=0", "FR"), "FR");
  EXPECT_EQ(RegionFromAcceptLanguage("en;q=abc", "FR"), "FR");
  EXPECT_EQ(RegionFromAcceptLanguage(";;,,,", "FR"), "FR");
  EXPECT_EQ(RegionFromAcceptLanguage("qq", "FR"), "FR");
  EXPECT_EQ(RegionFromAcceptLanguage("<script>", "FR"), "FR");
}

}  // namespace
}  // namespace secinfo::phone
