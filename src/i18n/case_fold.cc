#include "i18n/case_fold.h"

#include <unicode/unistr.h>

namespace secinfo::i18n {

std::string CaseFold(std::string_view utf8) {
  std::string out;
  icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())))
      .foldCase()
      .toUTF8String(out);
  return out;
}

}  // namespace secinfo::i18n
