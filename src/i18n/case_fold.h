#pragma once

#include <string>
#include <string_view>

namespace secinfo::i18n {

// Unicode full case folding (ICU's default mapping) of UTF-8 text, for comparing what people
// type in any letter case: "ANA", "Ana" and "ana" fold alike, and so do "ÉLODIE" and "élodie",
// "STRASSE" and "straße", "ΣΊΣΥΦΟΣ" and "σίσυφος". A key for lookups and counters, never for
// display. Bytes that are not UTF-8 each become U+FFFD. Thread-safe.
std::string CaseFold(std::string_view utf8);

}  // namespace secinfo::i18n
