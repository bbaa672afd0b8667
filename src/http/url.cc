#include "http/url.h"

#include <algorithm>

namespace secinfo::http {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Calls fn(piece) for each piece of `s` between separators, empty pieces included.
template <typename Fn>
void Split(std::string_view s, char separator, Fn fn) {
  while (true) {
    size_t end = s.find(separator);
    fn(s.substr(0, end));
    if (end == std::string_view::npos) return;
    s.remove_prefix(end + 1);
  }
}

}  // namespace

std::string UrlDecode(std::string_view s, bool plus_as_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%' && i + 2 < s.size()) {
      int hi = HexValue(s[i + 1]);
      int lo = HexValue(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_as_space && c == '+' ? ' ' : c);
  }
  return out;
}

std::string UrlEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3);
  for (unsigned char c : s) {
    if (IsUnreserved(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

std::map<std::string, std::string> ParseUrlEncoded(std::string_view s) {
  std::map<std::string, std::string> out;
  Split(s, '&', [&out](std::string_view pair) {
    size_t eq = pair.find('=');
    std::string name = UrlDecode(pair.substr(0, eq), /*plus_as_space=*/true);
    if (name.empty()) return;
    std::string value =
        eq == std::string_view::npos ? "" : UrlDecode(pair.substr(eq + 1), /*plus_as_space=*/true);
    out.emplace(std::move(name), std::move(value));
  });
  return out;
}

std::map<std::string, std::string> ParseCookies(std::string_view header,
                                                std::vector<std::string>* repeated) {
  std::map<std::string, std::string> out;
  Split(header, ';', [&out, repeated](std::string_view pair) {
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos) return;
    std::string_view name = TrimSpaces(pair.substr(0, eq));
    std::string_view value = TrimSpaces(pair.substr(eq + 1));
    if (name.empty()) return;
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    bool inserted = out.emplace(std::string(name), std::string(value)).second;
    if (!inserted && repeated != nullptr &&
        std::find(repeated->begin(), repeated->end(), name) == repeated->end()) {
      repeated->emplace_back(name);
    }
  });
  return out;
}

TargetParts SplitTarget(std::string_view target) {
  target = target.substr(0, target.find('#'));
  if (size_t scheme_end = target.find("://");
      !target.empty() && target.front() != '/' && scheme_end != std::string_view::npos) {
    size_t path_start = target.find_first_of("/?", scheme_end + 3);
    target = path_start == std::string_view::npos ? "" : target.substr(path_start);
  }
  size_t question = target.find('?');
  TargetParts parts;
  parts.path = target.substr(0, question);
  if (question != std::string_view::npos) parts.query = target.substr(question + 1);
  if (parts.path.empty()) parts.path = "/";
  return parts;
}

std::string SafeReturnPath(std::string_view candidate) {
  static constexpr char kFallback[] = "/security-info";
  if (!candidate.starts_with('/') || candidate.starts_with("//")) return kFallback;
  for (unsigned char c : candidate) {
    if (c < 0x21 || c > 0x7E || c == '\\') return kFallback;
  }
  return std::string(candidate);
}

}  // namespace secinfo::http
