#include "http/forwarded.h"

#include <gtest/gtest.h>

namespace secinfo::http {
namespace {

TrustedProxies Trust(const std::vector<std::string>& entries) {
  auto t = TrustedProxies::Parse(entries);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? *t : TrustedProxies();
}

TEST(TrustedProxiesTest, RejectsBadEntries) {
  for (std::string bad :
       {"proxy.example", "10.0.0.0/33", "10.0.0.0/", "::1/129", "1.2.3.4/x", ""}) {
    auto t = TrustedProxies::Parse({bad});
    ASSERT_FALSE(t.ok()) << bad;
    EXPECT_EQ(t.status().code(), Status::Code::kInvalidArgument);
  }
}

TEST(TrustedProxiesTest, MatchesAddressesAndBlocks) {
  TrustedProxies t = Trust({"127.0.0.1", "10.0.0.0/8", "192.168.1.128/25", "fd00::/8"});
  EXPECT_TRUE(t.Contains("127.0.0.1"));
  EXPECT_FALSE(t.Contains("127.0.0.2"));
  EXPECT_TRUE(t.Contains("10.200.3.4"));
  EXPECT_TRUE(t.Contains("::ffff:10.1.1.1"));
  EXPECT_TRUE(t.Contains("192.168.1.200"));
  EXPECT_FALSE(t.Contains("192.168.1.100"));
  EXPECT_TRUE(t.Contains("fd12::1"));
  EXPECT_FALSE(t.Contains("fe80::1"));
  EXPECT_FALSE(t.Contains("not an ip"));
  EXPECT_FALSE(TrustedProxies().Contains("127.0.0.1"));
}

TEST(CanonicalIpTest, NormalisesText) {
  EXPECT_EQ(CanonicalIp("::FFFF:10.0.0.1"), "10.0.0.1");
  EXPECT_EQ(CanonicalIp("0:0::1"), "::1");
  EXPECT_EQ(CanonicalIp("x"), std::nullopt);
}

TEST(ResolveClientTest, IgnoresHeadersFromUntrustedPeers) {
  TrustedProxies t = Trust({"10.0.0.1"});
  ClientInfo c = ResolveClient("203.0.113.9", "1.2.3.4", "https", t);
  EXPECT_EQ(c.ip, "203.0.113.9");
  EXPECT_FALSE(c.secure);
}

TEST(ResolveClientTest, HonoursTrustedProxy) {
  TrustedProxies t = Trust({"10.0.0.0/8"});
  // The client forged the first entry; our proxies appended the rest.
  ClientInfo c = ResolveClient("10.0.0.1", "6.6.6.6, 198.51.100.7, 10.0.0.2", "https", t);
  EXPECT_EQ(c.ip, "198.51.100.7");
  EXPECT_TRUE(c.secure);
  c = ResolveClient("10.0.0.1", "", "http", t);
  EXPECT_EQ(c.ip, "10.0.0.1");
  EXPECT_FALSE(c.secure);
  c = ResolveClient("10.0.0.1", "garbage, 198.51.100.7", "HTTPS, http", t);
  EXPECT_EQ(c.ip, "198.51.100.7");
  EXPECT_TRUE(c.secure);
  c = ResolveClient("10.0.0.1", "198.51.100.7, garbage", "", t);
  EXPECT_EQ(c.ip, "10.0.0.1");
}

}  // namespace
}  // namespace secinfo::http
