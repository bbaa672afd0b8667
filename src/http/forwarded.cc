#include "http/forwarded.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

#include "http/message.h"

namespace secinfo::http {
namespace {

struct ParsedIp {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};
};

// IPv4-mapped IPv6 addresses (what a dual-stack socket reports for IPv4 peers) become IPv4.
std::optional<ParsedIp> ParseIp(std::string_view text) {
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  std::string s(text);
  ParsedIp ip;
  if (inet_pton(AF_INET, s.c_str(), ip.bytes.data()) == 1) return ip;
  if (inet_pton(AF_INET6, s.c_str(), ip.bytes.data()) != 1) return std::nullopt;
  static constexpr uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(ip.bytes.data(), kMappedPrefix, sizeof(kMappedPrefix)) == 0) {
    std::memmove(ip.bytes.data(), ip.bytes.data() + 12, 4);
    std::memset(ip.bytes.data() + 4, 0, 12);
    return ip;
  }
  ip.v6 = true;
  return ip;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<std::string> CanonicalIp(std::string_view text) {
  auto ip = ParseIp(text);
  if (!ip) return std::nullopt;
  char buf[INET6_ADDRSTRLEN];
  if (inet_ntop(ip->v6 ? AF_INET6 : AF_INET, ip->bytes.data(), buf, sizeof(buf)) == nullptr) {
    return std::nullopt;
  }
  return std::string(buf);
}

Result<TrustedProxies> TrustedProxies::Parse(const std::vector<std::string>& entries) {
  TrustedProxies out;
  for (const std::string& entry : entries) {
    std::string_view text = Trim(entry);
    size_t slash = text.find('/');
    auto ip = ParseIp(text.substr(0, slash));
    if (!ip) return Status::InvalidArgument("trusted proxy is not an address or CIDR: " + entry);
    Block block;
    block.v6 = ip->v6;
    block.bytes = ip->bytes;
    const int max_bits = ip->v6 ? 128 : 32;
    block.prefix_bits = max_bits;
    if (slash != std::string_view::npos) {
      std::string_view bits = text.substr(slash + 1);
      auto [end, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), block.prefix_bits);
      if (bits.empty() || ec != std::errc() || end != bits.data() + bits.size() ||
          block.prefix_bits < 0 || block.prefix_bits > max_bits) {
        return Status::InvalidArgument("trusted proxy has a bad prefix length: " + entry);
      }
    }
    out.blocks_.push_back(block);
  }
  return out;
}

bool TrustedProxies::Contains(std::string_view text) const {
  auto ip = ParseIp(text);
  if (!ip) return false;
  for (const Block& block : blocks_) {
    if (block.v6 != ip->v6) continue;
    int whole_bytes = block.prefix_bits / 8;
    int rest_bits = block.prefix_bits % 8;
    if (std::memcmp(block.bytes.data(), ip->bytes.data(), static_cast<size_t>(whole_bytes)) != 0) {
      continue;
    }
    if (rest_bits != 0) {
      auto mask = static_cast<uint8_t>(0xff << (8 - rest_bits));
      if ((block.bytes[whole_bytes] & mask) != (ip->bytes[whole_bytes] & mask)) continue;
    }
    return true;
  }
  return false;
}

ClientInfo ResolveClient(std::string_view peer_ip, std::string_view forwarded_for,
                         std::string_view forwarded_proto, const TrustedProxies& trusted) {
  ClientInfo client;
  client.ip = CanonicalIp(peer_ip).value_or(std::string(peer_ip));
  if (!trusted.Contains(client.ip)) return client;

  // Each proxy appends the address it received the request from, so the rightmost entries are
  // the most trustworthy. Walk left while the hop is one of our proxies.
  while (!forwarded_for.empty()) {
    size_t comma = forwarded_for.rfind(',');
    std::string_view hop =
        Trim(comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1));
    forwarded_for = comma == std::string_view::npos ? "" : forwarded_for.substr(0, comma);
    auto ip = CanonicalIp(hop);
    if (!ip) break;  // garbage: keep the last hop we could vouch for
    client.ip = *ip;
    if (!trusted.Contains(client.ip)) break;
  }

  std::string_view proto = Trim(forwarded_proto.substr(0, forwarded_proto.find(',')));
  client.secure = EqualsIgnoreCase(proto, "https");
  return client;
}

}  // namespace secinfo::http
