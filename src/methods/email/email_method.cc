#include "methods/email/email_method.h"

#include <unicode/uidna.h>

#include <algorithm>
#include <cctype>

#include "i18n/case_fold.h"

namespace secinfo::methods {
namespace {

// The domain's A-label form, lower-cased (UTS #46 maps case, full-width forms and the like), or
// nullopt when IDNA refuses it. ASCII domains are lower-cased and checked the same way.
std::optional<std::string> DomainToAscii(std::string_view domain) {
  // Immutable once opened, hence shared across threads (ICU documents UIDNA as thread-safe).
  static const UIDNA* idna = [] {
    UErrorCode status = U_ZERO_ERROR;
    UIDNA* opened = uidna_openUTS46(UIDNA_NONTRANSITIONAL_TO_ASCII | UIDNA_CHECK_BIDI |
                                        UIDNA_CHECK_CONTEXTJ | UIDNA_USE_STD3_RULES,
                                    &status);
    return U_SUCCESS(status) ? opened : nullptr;
  }();
  if (idna == nullptr) return std::nullopt;
  char out[256];
  UIDNAInfo info = UIDNA_INFO_INITIALIZER;
  UErrorCode status = U_ZERO_ERROR;
  int32_t length = uidna_nameToASCII_UTF8(idna, domain.data(), static_cast<int32_t>(domain.size()),
                                          out, sizeof(out), &info, &status);
  if (U_FAILURE(status) || info.errors != 0 || length <= 0 ||
      length >= static_cast<int32_t>(sizeof(out))) {
    return std::nullopt;
  }
  return std::string(out, static_cast<size_t>(length));
}

}  // namespace

std::optional<std::string> NormalizeEmail(std::string_view typed) {
  while (!typed.empty() && std::isspace(static_cast<unsigned char>(typed.front()))) {
    typed.remove_prefix(1);
  }
  while (!typed.empty() && std::isspace(static_cast<unsigned char>(typed.back()))) {
    typed.remove_suffix(1);
  }
  // A Unicode domain takes up to 4 bytes a character: anything longer cannot fit in 254 once
  // converted, and is refused before ICU spends time on it.
  if (typed.size() > 4 * 254) return std::nullopt;
  size_t at = typed.rfind('@');
  if (typed.empty() || at == std::string_view::npos || at == 0 || at > 64 ||
      typed.find('@') != at) {
    return std::nullopt;
  }
  std::string_view local = typed.substr(0, at);
  for (unsigned char c : local) {
    if (c <= 0x20 || c == 0x7f || c == '"' || c == '(' || c == ')' || c == ',' || c == ':' ||
        c == ';' || c == '<' || c == '>' || c == '[' || c == ']' || c == '\\') {
      return std::nullopt;
    }
  }
  std::optional<std::string> domain = DomainToAscii(typed.substr(at + 1));
  if (!domain || domain->size() < 3 || domain->find('.') == std::string::npos ||
      domain->front() == '.' || domain->back() == '.' || domain->find("..") != std::string::npos ||
      !std::all_of(domain->begin(), domain->end(), [](unsigned char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
      })) {
    return std::nullopt;
  }
  std::string out = std::string(local) + '@' + *domain;
  if (out.size() > 254) return std::nullopt;
  return out;
}

std::string DestinationKey(std::string_view destination) { return i18n::CaseFold(destination); }

}  // namespace secinfo::methods
