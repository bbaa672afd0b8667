#include "i18n/catalog.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

namespace secinfo {
std::optional<std::string_view> EmbeddedCatalog(std::string_view path);
const std::vector<std::string_view>& EmbeddedCatalogPaths();
}  // namespace secinfo

namespace secinfo::i18n {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string PrimaryTag(std::string_view tag) {
  return Lower(tag.substr(0, tag.find_first_of("-_")));
}

}  // namespace

const Catalog& Catalog::BuiltIn() {
  static const Catalog* catalog = [] {
    auto* c = new Catalog();
    // Each language is a folder of catalog files (one per area: core.json, questions.json, ...),
    // merged; a key defined twice is a mistake caught here.
    for (const char* lang : {"fr", "en"}) {
      auto& texts = c->texts_[lang];
      for (std::string_view path : EmbeddedCatalogPaths()) {
        if (!path.starts_with(std::string(lang) + "/")) continue;
        nlohmann::json j = nlohmann::json::parse(*EmbeddedCatalog(path), nullptr, false);
        if (!j.is_object()) {
          std::fprintf(stderr, "secinfo: message catalog %.*s is malformed\n",
                       static_cast<int>(path.size()), path.data());
          std::abort();
        }
        for (auto& [k, v] : j.items()) {
          if (!v.is_string() || !texts.emplace(k, v.get<std::string>()).second) {
            std::fprintf(stderr, "secinfo: message catalog %.*s: bad or repeated key %s\n",
                         static_cast<int>(path.size()), path.data(), k.c_str());
            std::abort();
          }
        }
      }
      if (texts.empty()) {
        std::fprintf(stderr, "secinfo: no message catalog for %s\n", lang);
        std::abort();
      }
      c->languages_.push_back(lang);
    }
    return c;
  }();
  return *catalog;
}

std::string Catalog::Get(std::string_view lang, std::string_view key,
                         const std::map<std::string, std::string>& args) const {
  const std::string* text = nullptr;
  for (std::string_view l : {lang, std::string_view("en")}) {
    auto lit = texts_.find(std::string(l));
    if (lit == texts_.end()) continue;
    auto kit = lit->second.find(std::string(key));
    if (kit != lit->second.end()) {
      text = &kit->second;
      break;
    }
  }
  if (!text) return std::string(key);
  if (args.empty()) return *text;
  std::string out;
  out.reserve(text->size());
  for (size_t i = 0; i < text->size();) {
    if ((*text)[i] == '{') {
      size_t close = text->find('}', i);
      if (close != std::string::npos) {
        auto it = args.find(text->substr(i + 1, close - i - 1));
        if (it != args.end()) {
          out += it->second;
          i = close + 1;
          continue;
        }
      }
    }
    out += (*text)[i++];
  }
  return out;
}

const std::map<std::string, std::string>& Catalog::All(std::string_view lang) const {
  auto it = texts_.find(std::string(lang));
  return it != texts_.end() ? it->second : texts_.at("en");
}

std::string Catalog::Choose(const std::vector<std::string>& preferences,
                            std::string_view fallback) const {
  for (const std::string& p : preferences) {
    std::string primary = PrimaryTag(p);
    if (Has(primary)) return primary;
  }
  std::string f = PrimaryTag(fallback);
  return Has(f) ? f : "en";
}

std::vector<std::string> Catalog::ParseAcceptLanguage(std::string_view header) {
  struct Tag {
    std::string tag;
    double q;
    size_t order;
  };
  std::vector<Tag> tags;
  std::stringstream in{std::string(header)};
  std::string part;
  while (std::getline(in, part, ',')) {
    std::string tag = part.substr(0, part.find(';'));
    tag.erase(std::remove_if(tag.begin(), tag.end(),
                             [](unsigned char c) { return std::isspace(c) != 0; }),
              tag.end());
    double q = 1.0;
    size_t qpos = part.find("q=");
    if (qpos != std::string::npos) q = std::strtod(part.c_str() + qpos + 2, nullptr);
    if (!tag.empty() && tag != "*" && q > 0) tags.push_back({tag, q, tags.size()});
  }
  std::stable_sort(tags.begin(), tags.end(), [](const Tag& a, const Tag& b) { return a.q > b.q; });
  std::vector<std::string> out;
  for (auto& t : tags) out.push_back(t.tag);
  return out;
}

}  // namespace secinfo::i18n
