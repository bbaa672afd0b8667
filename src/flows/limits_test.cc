#include "flows/limits.h"

#include <gtest/gtest.h>

namespace secinfo::flows {
namespace {

TEST(ClientNetworkKeyTest, AnIpv6SubscriberIsOneNetwork) {
  EXPECT_EQ(ClientNetworkKey("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
  EXPECT_EQ(ClientNetworkKey("2001:db8:1:2:bbbb::9"), "2001:db8:1:2::/64");
  EXPECT_EQ(ClientNetworkKey("2001:DB8:1:2:0:0:0:1"), "2001:db8:1:2::/64");
  EXPECT_EQ(ClientNetworkKey("2001:db8:1:3::1"), "2001:db8:1:3::/64");
}

TEST(ClientNetworkKeyTest, AnIpv4AddressIsItsOwnNetworkHoweverWritten) {
  EXPECT_EQ(ClientNetworkKey("192.0.2.1"), "192.0.2.1");
  EXPECT_EQ(ClientNetworkKey("192.0.2.2"), "192.0.2.2");
  // What a dual-stack socket reports for an IPv4 peer: not the /64 of every IPv4 client.
  EXPECT_EQ(ClientNetworkKey("::ffff:192.0.2.1"), "192.0.2.1");
}

TEST(ClientNetworkKeyTest, TextThatIsNoAddressIsKeptAsIs) {
  EXPECT_EQ(ClientNetworkKey(""), "");
  EXPECT_EQ(ClientNetworkKey("unknown"), "unknown");
}

}  // namespace
}  // namespace secinfo::flows
