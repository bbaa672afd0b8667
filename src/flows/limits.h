#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/result.h"
#include "store/store.h"

// How flows count against rate limits: the keys of client networks, and several limits taken
// together, all or none. Each limit is a store::RateLimitStore counter (sliding window, reserved
// in one atomic statement).
namespace secinfo::flows {

// The client network an address belongs to, as rate-limit keys count it: an IPv4 address as is;
// an IPv6 address by its /64 ("2001:db8:1:2::/64"), since a home or a phone is given at least a
// whole /64 (RFC 6177, RFC 6459) and a host picks new addresses in it at will (temporary
// addresses, RFC 8981); an IPv4-mapped IPv6 address as the IPv4 address. Text that is not an IP
// address comes back unchanged.
std::string ClientNetworkKey(std::string_view ip);

// One limit an event counts against.
struct Cap {
  std::string key;
  int64_t limit = 0;
  int64_t window_millis = 0;
};

// Reserves one event at `now` under every cap, in order, or under none: returns caps.size() when
// all are reserved, else the index of the first cap already full, the reservations made before
// it given back. An error when the store fails (what was reserved is given back as well as can be).
Result<size_t> ReserveAll(store::RateLimitStore& limits, std::span<const Cap> caps, int64_t now);

// Gives back the reservations ReserveAll made at `now`.
void ReleaseAll(store::RateLimitStore& limits, std::span<const Cap> caps, int64_t now);

}  // namespace secinfo::flows
