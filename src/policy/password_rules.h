#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

// The one rule every new password must meet, wherever it is set: password change, administrator
// create-user and reset-password, the demo (and self-service reset). It follows NIST SP 800-63B
// section 5.1.1.2 and OWASP ASVS 4.0 V2.1:
//   - 8 to 256 characters, counted as Unicode code points after NFKC normalization (V2.1.1,
//     V2.1.2, V2.1.4); any character is allowed, spaces included (V2.1.3: no truncation, no
//     composition rules, V2.1.9);
//   - refused when it is the user name or its local part, contains the tenant's name or one of the
//     tenant's banned words, is the current password, or is found by the dictionary check of
//     libpwquality / cracklib (Debian's dictionary, /var/cache/cracklib): SP 800-63B's "values
//     known to be commonly-used, expected, or compromised" and "context-specific words" (V2.1.7).
// Names and banned words are compared in their NFKC, case-folded form, so "CONTOSO", "Contoso" and
// full-width "Ｃｏｎｔｏｓｏ" are the same word. All functions are thread-safe.
namespace secinfo::policy {

inline constexpr size_t kMinPasswordCodePoints = 8;
inline constexpr size_t kMaxPasswordCodePoints = 256;
// Longer input is refused unread (ICU lengths are int32, and no 256-code-point password is near
// it).
inline constexpr size_t kMaxPasswordBytes = 4096;
// A banned word is 4 to 64 code points: a shorter one would refuse too many good passwords.
inline constexpr size_t kMinBannedWordCodePoints = 4;
inline constexpr size_t kMaxBannedWordCodePoints = 64;

// Why a password is refused; each has its own message in src/i18n/*/passwords.json.
enum class PasswordOutcome {
  kAccepted,
  kNotText,           // not valid UTF-8, or holds a control character
  kTooShort,          // fewer than 8 code points
  kTooLong,           // more than 256 code points
  kUserName,          // is the user name or its local part (or contains a local part of 4+)
  kTenantName,        // contains the tenant's name
  kBannedWord,        // contains one of the tenant's banned words
  kCurrentPassword,   // is the current password
  kDictionaryWord,    // cracklib: based on a dictionary word, or too simplistic/systematic
  kTooSimple,         // pwquality's other checks: a palindrome, one character repeated
  kCheckUnavailable,  // the dictionary could not be read: refused (fails closed)
};

// The catalog key of an outcome's message, "password_refused_banned_word".
std::string_view PasswordOutcomeKey(PasswordOutcome outcome);

struct PasswordContext {
  std::string username;                   // "ana@contoso.example"
  std::string tenant_name;                // "Contoso"
  std::vector<std::string> banned_words;  // the tenant's list, as typed by an administrator
  // True when `normalized` (NFKC) is the current password. Empty: there is none (a new account).
  std::function<bool(std::string_view normalized)> is_current;
};

struct PasswordVerdict {
  PasswordOutcome outcome = PasswordOutcome::kNotText;
  int score = 0;  // pwquality's strength score 0-100 when accepted, 0 when refused
  bool ok() const { return outcome == PasswordOutcome::kAccepted; }
};

// The form of a password that is hashed and verified: its NFKC normalization (SP 800-63B
// 5.1.1.2), case and spaces kept. InvalidArgument when `password` is not valid UTF-8 or is longer
// than kMaxPasswordBytes.
Result<std::string> NormalizePassword(std::string_view password);

// `text` NFKC-normalized, case-folded (full folding, not Turkic) and NFKC again: the form in which
// names and banned words are compared. InvalidArgument when not valid UTF-8.
Result<std::string> FoldForComparison(std::string_view text);

// The number of code points of valid UTF-8 `utf8`.
size_t CountCodePoints(std::string_view utf8);

// Checks `password` (as typed) against the rule, in the order of PasswordOutcome. The current
// password is asked last, because is_current costs an Argon2id verification.
PasswordVerdict CheckPassword(std::string_view password, const PasswordContext& context);

// OK when `word` can be a banned word: valid text of kMinBannedWordCodePoints to
// kMaxBannedWordCodePoints code points after NFKC. InvalidArgument saying why otherwise.
Status ValidateBannedWord(std::string_view word);

}  // namespace secinfo::policy
