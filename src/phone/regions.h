#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace secinfo::phone {

// The regions a phone number may belong to, for the "Country or region" list.
struct Region {
  std::string code;      // ISO 3166 alpha-2, upper-case: "FR"
  int calling_code = 0;  // 33
  std::string name;      // localized, UTF-8: "France"
};

// Every region libphonenumber supports (245 with libphonenumber 8.12), named in `locale` by ICU
// and sorted by ICU collation for that locale, so "Côte d’Ivoire" sits among the C's and
// "Émirats arabes unis" among the E's in French. `locale` is a BCP 47 tag; its language decides
// ("fr", "fr-CA" → French; "en" and every other language → English).
//
// Built on first use per language and kept for the life of the process; the returned reference
// stays valid forever. Thread-safe.
const std::vector<Region>& ListRegions(std::string_view locale);

// True when `code` is an upper-case region code from ListRegions ("FR"), false otherwise ("fr",
// "ZZ", "001"). Thread-safe.
bool IsSupportedRegion(std::string_view code);

// The region to preselect for a browser's Accept-Language header (RFC 9110 section 12.5.4).
// Languages are tried in order of preference (q value, then position); for each, an explicit
// supported region wins ("fr-CA" → "CA", "en-GB" → "GB"), else the language's most likely region
// according to CLDR ("fr" → "FR", "en" → "US", "de" → "DE"). Returns `fallback` when no entry gives
// a supported region (empty or malformed header, "*", q=0 only). Thread-safe.
std::string RegionFromAcceptLanguage(std::string_view header, std::string_view fallback);

}  // namespace secinfo::phone
