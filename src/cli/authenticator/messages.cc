#include "cli/authenticator/messages.h"

#include <cstdlib>

#include "i18n/catalog.h"

namespace secinfo::cli::authenticator {

Messages Messages::FromEnvironment() {
  return Messages(
      ChooseLanguage(std::getenv("LC_ALL"), std::getenv("LC_MESSAGES"), std::getenv("LANG")));
}

std::string Messages::operator()(std::string_view key,
                                 const std::map<std::string, std::string>& args) const {
  return i18n::Catalog::BuiltIn().Get(lang_, key, args);
}

std::string ChooseLanguage(const char* lc_all, const char* lc_messages, const char* lang) {
  for (const char* v : {lc_all, lc_messages, lang}) {
    if (v == nullptr || v[0] == '\0') continue;
    const std::string value(v);
    if (value == "C" || value.starts_with("C.") || value == "POSIX") return "en";
    return i18n::Catalog::BuiltIn().Choose({value}, "en");
  }
  return "en";
}

}  // namespace secinfo::cli::authenticator
