#include "policy/policy.h"

#include <gtest/gtest.h>

namespace secinfo::policy {
namespace {

TEST(PolicyTest, KnownMethodsAreAllowedUnlessSwitchedOff) {
  EXPECT_TRUE(TenantPolicy({}).Allows("phone"));
  EXPECT_FALSE(TenantPolicy({{"phone", false}}).Allows("phone"));
  EXPECT_TRUE(TenantPolicy({{"phone", true}}).Allows("phone"));
  EXPECT_FALSE(TenantPolicy({}).Allows("carrier-pigeon"));
  EXPECT_EQ(TenantPolicy({}).AllowedMethods(), std::vector<std::string>{"phone"});
  EXPECT_TRUE(TenantPolicy({{"phone", false}}).AllowedMethods().empty());
}

}  // namespace
}  // namespace secinfo::policy
