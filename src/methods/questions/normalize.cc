#include "methods/questions/normalize.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/ustring.h>

#include <cstdint>

namespace secinfo::methods::questions {
namespace {

// Decodes strict UTF-8 (no U+FFFD substitution: a wrong byte is an error, not a different answer).
Result<icu::UnicodeString> Decode(std::string_view text) {
  if (text.size() > kMaxTextBytes) return Status::InvalidArgument("text too long");
  UErrorCode status = U_ZERO_ERROR;
  int32_t length = 0;
  u_strFromUTF8(nullptr, 0, &length, text.data(), static_cast<int32_t>(text.size()), &status);
  if (status != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(status)) {
    return Status::InvalidArgument("text is not valid UTF-8");
  }
  status = U_ZERO_ERROR;
  icu::UnicodeString out;
  UChar* buf = out.getBuffer(length);
  u_strFromUTF8(buf, length, &length, text.data(), static_cast<int32_t>(text.size()), &status);
  out.releaseBuffer(U_SUCCESS(status) ? length : 0);
  if (U_FAILURE(status)) return Status::InvalidArgument("text is not valid UTF-8");
  return out;
}

Status Nfkc(icu::UnicodeString& s) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
  if (U_FAILURE(status)) return Status::Internal("ICU NFKC data missing");
  s = nfkc->normalize(s, status);
  if (U_FAILURE(status)) return Status::Internal(u_errorName(status));
  return Status::Ok();
}

// Collapses white space runs to one space and trims; refuses other control characters.
Result<std::string> CollapseSpaces(const icu::UnicodeString& s) {
  icu::UnicodeString out;
  bool pending_space = false;
  for (int32_t i = 0; i < s.length();) {
    UChar32 c = s.char32At(i);
    i += U16_LENGTH(c);
    if (u_isUWhiteSpace(c)) {
      pending_space = !out.isEmpty();
      continue;
    }
    if (u_charType(c) == U_CONTROL_CHAR) {
      return Status::InvalidArgument("text holds a control character");
    }
    if (pending_space) out.append(static_cast<UChar32>(0x20));
    pending_space = false;
    out.append(c);
  }
  std::string utf8;
  out.toUTF8String(utf8);
  return utf8;
}

Result<std::string> Run(std::string_view text, bool fold) {
  Result<icu::UnicodeString> s = Decode(text);
  if (!s.ok()) return s.status();
  SECINFO_RETURN_IF_ERROR(Nfkc(*s));
  if (fold) {
    s->foldCase(U_FOLD_CASE_DEFAULT);  // full folding: "ß" -> "ss"
    SECINFO_RETURN_IF_ERROR(Nfkc(*s));
  }
  return CollapseSpaces(*s);
}

}  // namespace

Result<std::string> Normalize(std::string_view text) { return Run(text, /*fold=*/true); }

Result<std::string> Tidy(std::string_view text) { return Run(text, /*fold=*/false); }

Result<std::string> NormalizeQuestion(std::string_view text) {
  Result<std::string> normalized = Normalize(text);
  if (!normalized.ok()) return normalized.status();
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(*normalized);
  auto is_edge = [](UChar32 c) { return u_ispunct(c) || u_isUWhiteSpace(c); };
  int32_t begin = 0;
  int32_t end = s.length();
  while (begin < end && is_edge(s.char32At(begin))) begin = s.moveIndex32(begin, 1);
  while (end > begin && is_edge(s.char32At(end - 1))) end = s.moveIndex32(end, -1);
  std::string out;
  s.tempSubStringBetween(begin, end).toUTF8String(out);
  return out;
}

size_t CountCodePoints(std::string_view utf8) {
  size_t n = 0;
  for (unsigned char c : utf8) {
    if ((c & 0xC0) != 0x80) ++n;  // every byte but continuation bytes starts a code point
  }
  return n;
}

}  // namespace secinfo::methods::questions
