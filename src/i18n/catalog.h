#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace secinfo::i18n {

// The message catalogs: every word secinfo shows, says or sends, per language. Catalogs are
// compiled into the binary from i18n/<lang>.json (flat "key": "text" objects). Immutable after
// load: thread-safe.
class Catalog {
 public:
  // The built-in catalogs (fr, en). Loaded once; aborts at start-up if a catalog is malformed,
  // since a server without its words cannot serve anyone.
  static const Catalog& BuiltIn();

  // Languages with a catalog, in display order ("fr", "en").
  const std::vector<std::string>& languages() const { return languages_; }
  bool Has(std::string_view lang) const { return texts_.count(std::string(lang)) > 0; }

  // The text of `key` in `lang`, with "{name}" placeholders replaced from `args`. Falls back to
  // English, then to the key itself, so a missing entry shows as its key instead of failing.
  std::string Get(std::string_view lang, std::string_view key,
                  const std::map<std::string, std::string>& args = {}) const;

  // All texts of one language (for templates).
  const std::map<std::string, std::string>& All(std::string_view lang) const;

  // Picks a language: the first of `preferences` (e.g. ["fr"], or parsed Accept-Language tags in
  // order) that has a catalog, comparing the primary subtag only; else `fallback` if it has one;
  // else "en".
  std::string Choose(const std::vector<std::string>& preferences, std::string_view fallback) const;

  // Parses an Accept-Language header into tags ordered by q (ties keep header order); q=0 dropped.
  static std::vector<std::string> ParseAcceptLanguage(std::string_view header);

 private:
  Catalog() = default;
  std::vector<std::string> languages_;
  std::map<std::string, std::map<std::string, std::string>> texts_;
};

}  // namespace secinfo::i18n
