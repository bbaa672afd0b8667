#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace secinfo::methods {

// The email method: an address proven by a code sent to it; for password reset only.
//
// The address as we keep it: trimmed, domain lower-cased (the local part is left as typed: some
// servers tell cases apart). nullopt unless it looks deliverable: one '@', a local part of 1-64
// characters without spaces or controls, a domain with a dot and letters, digits, '-' and '.' only,
// 254 characters at most (RFC 5321 §4.5.3.1).
std::optional<std::string> NormalizeEmail(std::string_view typed);

}  // namespace secinfo::methods
