#include "flows/limits.h"

#include <arpa/inet.h>

#include <algorithm>
#include <iterator>

namespace secinfo::flows {

std::string ClientNetworkKey(std::string_view ip) {
  std::string text(ip);
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) != 1) return text;
  char buf[INET6_ADDRSTRLEN];
  if (IN6_IS_ADDR_V4MAPPED(&v6)) {
    return inet_ntop(AF_INET, &v6.s6_addr[12], buf, sizeof buf) ? std::string(buf) : text;
  }
  std::fill(std::begin(v6.s6_addr) + 8, std::end(v6.s6_addr), 0);
  return inet_ntop(AF_INET6, &v6, buf, sizeof buf) ? std::string(buf) + "/64" : text;
}

Result<size_t> ReserveAll(store::RateLimitStore& limits, std::span<const Cap> caps, int64_t now) {
  for (size_t i = 0; i < caps.size(); ++i) {
    Result<bool> reserved = limits.Reserve(caps[i].key, now, caps[i].window_millis, caps[i].limit);
    if (reserved.ok() && *reserved) continue;
    ReleaseAll(limits, caps.first(i), now);
    if (!reserved.ok()) return reserved.status();
    return i;
  }
  return caps.size();
}

void ReleaseAll(store::RateLimitStore& limits, std::span<const Cap> caps, int64_t now) {
  for (const Cap& cap : caps) limits.Release(cap.key, now, cap.window_millis);
}

}  // namespace secinfo::flows
