#include "phone/regions.h"

#include <phonenumbers/phonenumberutil.h>
#include <unicode/coll.h>
#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <set>

namespace secinfo::phone {
namespace {

using i18n::phonenumbers::PhoneNumberUtil;

// Accept-Language entries beyond this many are ignored: browsers send a handful, and it bounds
// the work done for a hostile header.
constexpr size_t kMaxAcceptLanguageEntries = 16;

const std::set<std::string, std::less<>>& SupportedRegionCodes() {
  static const std::set<std::string, std::less<>> codes = [] {
    std::set<std::string> regions;
    PhoneNumberUtil::GetInstance()->GetSupportedRegions(&regions);
    return std::set<std::string, std::less<>>(regions.begin(), regions.end());
  }();
  return codes;
}

std::vector<Region> BuildRegions(const char* language) {
  const icu::Locale display(language);
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();

  struct Entry {
    Region region;
    icu::UnicodeString name;
  };
  std::vector<Entry> entries;
  for (const std::string& code : SupportedRegionCodes()) {
    Entry entry;
    icu::Locale("", code.c_str()).getDisplayCountry(display, entry.name);
    entry.name.toUTF8String(entry.region.name);
    entry.region.code = code;
    entry.region.calling_code = util.GetCountryCodeForRegion(code);
    entries.push_back(std::move(entry));
  }

  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::Collator> collator(icu::Collator::createInstance(display, status));
  if (U_SUCCESS(status)) {
    std::stable_sort(entries.begin(), entries.end(), [&](const Entry& a, const Entry& b) {
      UErrorCode compare_status = U_ZERO_ERROR;
      return collator->compare(a.name, b.name, compare_status) == UCOL_LESS;
    });
  } else {  // no collation data at all: code-point order still gives a stable, usable list
    std::stable_sort(entries.begin(), entries.end(),
                     [](const Entry& a, const Entry& b) { return a.name < b.name; });
  }

  std::vector<Region> out;
  out.reserve(entries.size());
  for (Entry& entry : entries) out.push_back(std::move(entry.region));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char Upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }
char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// The q value of an Accept-Language entry's parameters ("q=0.8"); 1 when absent, -1 when
// malformed (such entries are skipped).
double QValue(std::string_view params) {
  while (!params.empty()) {
    const size_t semi = params.find(';');
    const std::string_view param = Trim(params.substr(0, semi));
    params = semi == std::string_view::npos ? std::string_view() : params.substr(semi + 1);
    if (param.size() < 2 || Lower(param[0]) != 'q' || param[1] != '=') continue;
    const std::string value(param.substr(2));
    if (value.empty() || value.size() > 5) return -1;
    for (char c : value) {
      if (!(c == '.' || (c >= '0' && c <= '9'))) return -1;
    }
    const double q = std::strtod(value.c_str(), nullptr);
    return (q >= 0 && q <= 1) ? q : -1;
  }
  return 1;
}

// The region for one language tag ("fr-CA", "en", "zh-Hant"), or "" when none is supported.
std::string RegionForTag(std::string_view tag) {
  if (tag.empty() || tag.size() > 35 || tag == "*") return "";
  std::vector<std::string_view> subtags;
  size_t start = 0;
  for (size_t i = 0; i <= tag.size(); ++i) {
    if (i == tag.size() || tag[i] == '-' || tag[i] == '_') {
      subtags.push_back(tag.substr(start, i - start));
      start = i + 1;
    }
  }
  for (std::string_view subtag : subtags) {
    for (char c : subtag) {
      if (!IsAlpha(c) && !(c >= '0' && c <= '9')) return "";
    }
  }
  // An explicit region: a two-letter subtag after the language (and perhaps a script), before any
  // singleton that starts extensions or private use ("-u-", "-x-").
  std::string language_and_script(subtags[0]);
  for (size_t i = 1; i < subtags.size() && subtags[i].size() > 1; ++i) {
    if (subtags[i].size() == 2 && IsAlpha(subtags[i][0]) && IsAlpha(subtags[i][1])) {
      std::string region{Upper(subtags[i][0]), Upper(subtags[i][1])};
      if (IsSupportedRegion(region)) return region;
    } else if (i == 1 && subtags[i].size() == 4) {
      language_and_script += "-" + std::string(subtags[i]);
    }
  }
  // Otherwise the region CLDR deems most likely for the language ("fr" → FR, "zh-Hant" → TW).
  UErrorCode status = U_ZERO_ERROR;
  icu::Locale locale = icu::Locale::forLanguageTag(language_and_script, status);
  if (U_FAILURE(status)) return "";
  locale.addLikelySubtags(status);
  if (U_FAILURE(status)) return "";
  std::string region = locale.getCountry();
  return IsSupportedRegion(region) ? region : "";
}

}  // namespace

const std::vector<Region>& ListRegions(std::string_view locale) {
  // Function-local statics: built once each, thread-safely, on first use.
  const std::string_view language = locale.substr(0, locale.find_first_of("-_"));
  if (language.size() == 2 && Lower(language[0]) == 'f' && Lower(language[1]) == 'r') {
    static const std::vector<Region> french = BuildRegions("fr");
    return french;
  }
  static const std::vector<Region> english = BuildRegions("en");
  return english;
}

bool IsSupportedRegion(std::string_view code) {
  return SupportedRegionCodes().find(code) != SupportedRegionCodes().end();
}

std::string RegionFromAcceptLanguage(std::string_view header, std::string_view fallback) {
  struct Choice {
    std::string_view tag;
    double q;
  };
  std::vector<Choice> choices;
  while (!header.empty() && choices.size() < kMaxAcceptLanguageEntries) {
    const size_t comma = header.find(',');
    const std::string_view entry = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    const size_t semi = entry.find(';');
    const std::string_view tag = Trim(entry.substr(0, semi));
    const double q = semi == std::string_view::npos ? 1 : QValue(entry.substr(semi + 1));
    if (!tag.empty() && q > 0) choices.push_back({tag, q});
  }
  std::stable_sort(choices.begin(), choices.end(),
                   [](const Choice& a, const Choice& b) { return a.q > b.q; });
  for (const Choice& choice : choices) {
    std::string region = RegionForTag(choice.tag);
    if (!region.empty()) return region;
  }
  return std::string(fallback);
}

}  // namespace secinfo::phone
