#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace secinfo::methods {

// The email method: an address proven by a code sent to it; for password reset only.
//
// The address as we keep, show and send to: trimmed, the local part as typed (some servers tell
// its cases apart), the domain lower-cased and, when internationalised, in its A-label form
// ("ana@exämple.org" → "ana@xn--exmple-cua.org", UTS #46 nontransitional, as browsers and mail
// servers resolve it). nullopt unless it looks deliverable: one '@', a local part of 1-64 bytes
// without spaces or controls, a domain with a dot whose A-labels are letters, digits and '-',
// 254 bytes at most (RFC 5321 §4.5.3.1).
std::optional<std::string> NormalizeEmail(std::string_view typed);

// The key under which a code's destination is counted for send limits and compared for
// duplicates: the whole address case-folded, because "Ana@…" and "ANA@…" reach one mailbox at
// every provider people use, and counting them apart would double the limit. An E.164 number has
// no letters and comes back unchanged. REQUIRES: `destination` was normalised.
std::string DestinationKey(std::string_view destination);

}  // namespace secinfo::methods
