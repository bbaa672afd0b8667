#pragma once

#include <map>
#include <string>
#include <string_view>

namespace secinfo::cli::authenticator {

// The companion's words in the person's language: the "companion_*" texts of the built-in
// catalogs (i18n/<lang>/companion.json). Immutable; thread-safe.
class Messages {
 public:
  // REQUIRES: `lang` has a built-in catalog (ChooseLanguage's results do).
  explicit Messages(std::string lang) : lang_(std::move(lang)) {}

  // In the language the environment asks for (ChooseLanguage of LC_ALL, LC_MESSAGES, LANG).
  static Messages FromEnvironment();

  const std::string& lang() const { return lang_; }

  // The text of `key` with its "{name}" placeholders filled from `args`.
  std::string operator()(std::string_view key,
                         const std::map<std::string, std::string>& args = {}) const;

 private:
  std::string lang_;
};

// The language of the first of the POSIX locale variables that is set and not empty, in their
// order of precedence (LC_ALL, then LC_MESSAGES, then LANG): "fr_FR.UTF-8" gives "fr". English
// for "C", "POSIX", nothing set, or a language without a catalog. Null arguments mean unset.
std::string ChooseLanguage(const char* lc_all, const char* lc_messages, const char* lang);

}  // namespace secinfo::cli::authenticator
