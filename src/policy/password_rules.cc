#include "policy/password_rules.h"

#include <pwquality.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <memory>
#include <mutex>

namespace secinfo::policy {
namespace {

bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const int32_t length = static_cast<int32_t>(s.size());
  for (int32_t i = 0; i < length;) {
    UChar32 c;
    U8_NEXT(p, i, length, c);
    if (c < 0) return false;
  }
  return true;
}

Result<icu::UnicodeString> Nfkc(std::string_view text) {
  if (text.size() > kMaxPasswordBytes) return Status::InvalidArgument("password too long");
  if (!IsValidUtf8(text)) return Status::InvalidArgument("password is not valid UTF-8");
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
  if (U_FAILURE(status)) return Status::Internal("ICU NFKC data missing");
  icu::UnicodeString out = nfkc->normalize(icu::UnicodeString::fromUTF8(text), status);
  if (U_FAILURE(status)) return Status::Internal(u_errorName(status));
  return out;
}

std::string Utf8(const icu::UnicodeString& s) {
  std::string out;
  s.toUTF8String(out);
  return out;
}

bool HasControl(const icu::UnicodeString& s) {
  for (int32_t i = 0; i < s.length();) {
    UChar32 c = s.char32At(i);
    i += U16_LENGTH(c);
    if (u_charType(c) == U_CONTROL_CHAR) return true;
  }
  return false;
}

std::string LocalPart(std::string_view username) {
  return std::string(username.substr(0, username.find('@')));
}

// True when `folded_password` contains `word` folded (and `word` is not empty once folded).
bool Contains(std::string_view folded_password, std::string_view word, size_t min_code_points) {
  Result<std::string> folded = FoldForComparison(word);
  if (!folded.ok() || CountCodePoints(*folded) < min_code_points) return false;
  return folded_password.find(*folded) != std::string_view::npos;
}

bool Equals(std::string_view folded_password, std::string_view word) {
  Result<std::string> folded = FoldForComparison(word);
  return folded.ok() && !folded->empty() && *folded == folded_password;
}

// libpwquality settings: only its dictionary check (cracklib) and its simple-pattern checks are
// used; length, user name and old-password rules are ours, above. cracklib is not documented as
// thread-safe, so every check holds the mutex.
class Quality {
 public:
  Quality() : settings_(pwquality_default_settings(), &pwquality_free_settings) {
    if (!settings_) return;
    pwquality_set_int_value(settings_.get(), PWQ_SETTING_MIN_LENGTH, 6);  // libpwquality's floor
    pwquality_set_int_value(settings_.get(), PWQ_SETTING_DIFF_OK, 0);
    pwquality_set_int_value(settings_.get(), PWQ_SETTING_USER_CHECK, 0);
    pwquality_set_int_value(settings_.get(), PWQ_SETTING_GECOS_CHECK, 0);
    pwquality_set_int_value(settings_.get(), PWQ_SETTING_DICT_CHECK, 1);
    pwquality_set_int_value(settings_.get(), PWQ_SETTING_BAD_WORDS, 0);
  }

  PasswordVerdict Check(const std::string& password) {
    if (!settings_) return {PasswordOutcome::kCheckUnavailable};
    std::lock_guard<std::mutex> lock(mu_);
    void* aux = nullptr;
    int r = pwquality_check(settings_.get(), password.c_str(), nullptr, nullptr, &aux);
    // The cracklib message in `aux` tells a missing dictionary from a weak password.
    std::string detail;
    if (r == PWQ_ERROR_CRACKLIB_CHECK && aux != nullptr) detail = static_cast<const char*>(aux);
    if (r >= 0) return {PasswordOutcome::kAccepted, r};
    if (r == PWQ_ERROR_CRACKLIB_CHECK) {
      if (detail.find("dictionary") != std::string::npos &&
          detail.find("error") != std::string::npos) {
        return {PasswordOutcome::kCheckUnavailable};
      }
      return {PasswordOutcome::kDictionaryWord};
    }
    if (r == PWQ_ERROR_MEM_ALLOC || r == PWQ_ERROR_FATAL_FAILURE) {
      return {PasswordOutcome::kCheckUnavailable};
    }
    return {PasswordOutcome::kTooSimple};
  }

 private:
  std::mutex mu_;  // guards every pwquality_check (cracklib)
  std::unique_ptr<pwquality_settings_t, void (*)(pwquality_settings_t*)> settings_;
};

Quality& SharedQuality() {
  static Quality* quality = new Quality();  // never destroyed: safe at exit from any thread
  return *quality;
}

}  // namespace

std::string_view PasswordOutcomeKey(PasswordOutcome outcome) {
  switch (outcome) {
    case PasswordOutcome::kAccepted:
      return "password_accepted";
    case PasswordOutcome::kNotText:
      return "password_refused_not_text";
    case PasswordOutcome::kTooShort:
      return "password_refused_too_short";
    case PasswordOutcome::kTooLong:
      return "password_refused_too_long";
    case PasswordOutcome::kUserName:
      return "password_refused_user_name";
    case PasswordOutcome::kTenantName:
      return "password_refused_tenant_name";
    case PasswordOutcome::kBannedWord:
      return "password_refused_banned_word";
    case PasswordOutcome::kCurrentPassword:
      return "password_refused_current_password";
    case PasswordOutcome::kDictionaryWord:
      return "password_refused_dictionary_word";
    case PasswordOutcome::kTooSimple:
      return "password_refused_too_simple";
    case PasswordOutcome::kCheckUnavailable:
      return "password_refused_unavailable";
  }
  return "password_refused_unavailable";
}

Result<std::string> NormalizePassword(std::string_view password) {
  Result<icu::UnicodeString> s = Nfkc(password);
  if (!s.ok()) return s.status();
  return Utf8(*s);
}

Result<std::string> FoldForComparison(std::string_view text) {
  Result<icu::UnicodeString> s = Nfkc(text);
  if (!s.ok()) return s.status();
  s->foldCase(U_FOLD_CASE_DEFAULT);  // full folding: "ß" -> "ss"
  // Folding can leave text that is no longer NFKC (e.g. U+0345).
  return NormalizePassword(Utf8(*s));
}

size_t CountCodePoints(std::string_view utf8) {
  size_t n = 0;
  for (unsigned char c : utf8) {
    if ((c & 0xC0) != 0x80) ++n;  // every byte but continuation bytes starts a code point
  }
  return n;
}

PasswordVerdict CheckPassword(std::string_view password, const PasswordContext& context) {
  if (password.size() > kMaxPasswordBytes) return {PasswordOutcome::kTooLong};
  Result<icu::UnicodeString> nfkc = Nfkc(password);
  if (!nfkc.ok() || HasControl(*nfkc)) return {PasswordOutcome::kNotText};
  const std::string normalized = Utf8(*nfkc);
  const size_t length = CountCodePoints(normalized);
  if (length < kMinPasswordCodePoints) return {PasswordOutcome::kTooShort};
  if (length > kMaxPasswordCodePoints) return {PasswordOutcome::kTooLong};

  Result<std::string> folded = FoldForComparison(normalized);
  if (!folded.ok()) return {PasswordOutcome::kNotText};
  const std::string local = LocalPart(context.username);
  if (Equals(*folded, context.username) || Equals(*folded, local) ||
      Contains(*folded, local, kMinBannedWordCodePoints)) {
    return {PasswordOutcome::kUserName};
  }
  if (Contains(*folded, context.tenant_name, 1)) return {PasswordOutcome::kTenantName};
  for (const std::string& word : context.banned_words) {
    if (Contains(*folded, word, 1)) return {PasswordOutcome::kBannedWord};
  }
  PasswordVerdict verdict = SharedQuality().Check(normalized);
  if (!verdict.ok()) return verdict;
  if (context.is_current && context.is_current(normalized)) {
    return {PasswordOutcome::kCurrentPassword};
  }
  return verdict;
}

Status ValidateBannedWord(std::string_view word) {
  Result<icu::UnicodeString> nfkc = Nfkc(word);
  if (!nfkc.ok() || HasControl(*nfkc)) {
    return Status::InvalidArgument("a banned word must be text without control characters");
  }
  const size_t length = CountCodePoints(Utf8(*nfkc));
  if (length < kMinBannedWordCodePoints || length > kMaxBannedWordCodePoints) {
    return Status::InvalidArgument("a banned word is 4 to 64 characters long");
  }
  return Status::Ok();
}

}  // namespace secinfo::policy
