#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace secinfo::http {

// The peers allowed to tell us who the client is (X-Forwarded-For) and whether it used TLS
// (X-Forwarded-Proto): the reverse proxies in front of secinfo. Headers from anyone else are
// ignored, so a client cannot spoof its address past rate limits or the audit log.
// Immutable after Parse; thread-safe.
class TrustedProxies {
 public:
  TrustedProxies() = default;  // trusts nobody

  // Each entry is an address ("10.0.0.5", "::1") or a CIDR block ("10.0.0.0/8", "fd00::/8").
  // InvalidArgument naming the first entry that is neither.
  static Result<TrustedProxies> Parse(const std::vector<std::string>& entries);

  // False for text that is not an IP address.
  bool Contains(std::string_view ip) const;

 private:
  struct Block {
    bool v6 = false;
    std::array<uint8_t, 16> bytes{};  // network order; IPv4 uses the first 4
    int prefix_bits = 0;
  };

  std::vector<Block> blocks_;
};

// Who the request comes from, once proxies are accounted for.
struct ClientInfo {
  std::string ip;
  bool secure = false;
};

// `peer_ip` is the TCP peer; `forwarded_for` and `forwarded_proto` are the header values ("" when
// absent). When the peer is trusted, X-Forwarded-For is read right to left, skipping trusted
// proxies, and the first other address is the client; X-Forwarded-Proto's first value decides
// `secure`. Otherwise both headers are ignored.
ClientInfo ResolveClient(std::string_view peer_ip, std::string_view forwarded_for,
                         std::string_view forwarded_proto, const TrustedProxies& trusted);

// The canonical text of an IP address ("::FFFF:10.0.0.1" -> "10.0.0.1", "0:0::1" -> "::1");
// nullopt when `text` is not one.
std::optional<std::string> CanonicalIp(std::string_view text);

}  // namespace secinfo::http
