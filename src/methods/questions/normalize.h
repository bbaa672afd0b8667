#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.h"

namespace secinfo::methods::questions {

// Text normalization for security questions and answers, so that the same answer typed on another
// keyboard, phone or browser compares (and hashes) the same.
//
// Normalize() applies, in order:
//   1. Unicode NFKC: "E" + U+0301 and the precomposed "É" become one code point; compatibility
//      forms fold to their plain letters ("ﬁ" -> "fi", full-width "Ａ" -> "A", NBSP -> space).
//   2. Full Unicode case folding (ICU, default mapping, not Turkic): "ÉRIC" -> "éric",
//      "STRASSE" and "straße" -> "strasse". The folding does not depend on the page language, so
//      an answer registered on the French page matches the same answer typed on the English one.
//   3. NFKC again, because case folding can leave text that is no longer NFKC (e.g. U+0345).
//   4. White space (every Unicode White_Space character: tab, new line, ideographic space...)
//      collapsed to one U+0020 space, and trimmed at both ends.
//
// Diacritics are kept on purpose: "éric" != "eric". NIST SP 800-63B section 5.1.1.2 asks that
// memorized secrets be normalized with NFKC or NFKD before hashing and says nothing of stripping
// accents; stripping them would remove entropy from answers that are already short (3-40
// characters) and would make the result depend on a language-specific folding table.
// Default-ignorable characters (zero-width joiner, soft hyphen) are kept: they are meaningful in
// some scripts.
//
// Unicode's stability policies guarantee that NFKC and case folding of assigned characters never
// change, so hashes of normalized answers stay valid across ICU upgrades.
//
// All functions are thread-safe.

// Longer input is refused unread: no question or answer comes near it, and ICU lengths are int32.
inline constexpr size_t kMaxTextBytes = 64 * 1024;

// The comparison form of `text` (steps 1-4), used for hashing answers and for finding duplicates.
// Returns InvalidArgument when `text` is not valid UTF-8, holds a control character other than
// white space (such text never comes from a person typing in a form), or is over kMaxTextBytes.
Result<std::string> Normalize(std::string_view text);

// Normalize(text) without the punctuation and spaces around it, so that "What was your first car?",
// "what was your first car ?" and "What was your first car" compare the same (French puts a space
// before "?"; Spanish opens with "¿"). Used to compare questions with each other and with answers.
// Same errors as Normalize().
Result<std::string> NormalizeQuestion(std::string_view text);

// `text` with steps 1 and 4 only: the letters the person typed, tidied, case kept. This is the form
// whose length is checked (see CountCodePoints) and the form to store and show for a custom
// question. Same errors as Normalize().
Result<std::string> Tidy(std::string_view text);

// The number of Unicode code points in `utf8` ("été" is 3, whatever its byte count).
// REQUIRES: `utf8` is valid UTF-8 (as returned by Normalize or Tidy).
size_t CountCodePoints(std::string_view utf8);

}  // namespace secinfo::methods::questions
