#include "methods/email/email_method.h"

#include <cctype>

namespace secinfo::methods {

std::optional<std::string> NormalizeEmail(std::string_view typed) {
  while (!typed.empty() && std::isspace(static_cast<unsigned char>(typed.front()))) {
    typed.remove_prefix(1);
  }
  while (!typed.empty() && std::isspace(static_cast<unsigned char>(typed.back()))) {
    typed.remove_suffix(1);
  }
  size_t at = typed.rfind('@');
  if (typed.empty() || typed.size() > 254 || at == std::string_view::npos || at == 0 || at > 64 ||
      typed.find('@') != at) {
    return std::nullopt;
  }
  std::string_view local = typed.substr(0, at);
  std::string_view domain = typed.substr(at + 1);
  for (unsigned char c : local) {
    if (c <= 0x20 || c == 0x7f || c == '"' || c == '(' || c == ')' || c == ',' || c == ':' ||
        c == ';' || c == '<' || c == '>' || c == '[' || c == ']' || c == '\\') {
      return std::nullopt;
    }
  }
  if (domain.size() < 3 || domain.find('.') == std::string_view::npos || domain.front() == '.' ||
      domain.back() == '.' || domain.find("..") != std::string_view::npos) {
    return std::nullopt;
  }
  std::string out(local);
  out += '@';
  for (unsigned char c : domain) {
    if (!std::isalnum(c) && c != '-' && c != '.') return std::nullopt;
    out += static_cast<char>(std::tolower(c));
  }
  return out;
}

}  // namespace secinfo::methods
