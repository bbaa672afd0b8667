#include "policy/policy.h"

#include <gtest/gtest.h>

namespace secinfo::policy {
namespace {

TEST(PolicyTest, KnownMethodsAreAllowedUnlessSwitchedOff) {
  EXPECT_TRUE(TenantPolicy({}).Allows("phone"));
  EXPECT_FALSE(TenantPolicy({{"phone", false, true, true}}).Allows("phone"));
  EXPECT_TRUE(TenantPolicy({{"phone", true, true, true}}).Allows("phone"));
  EXPECT_FALSE(TenantPolicy({}).Allows("carrier-pigeon"));
  // Security questions are off until an administrator turns them on, as in Entra ID.
  EXPECT_EQ(TenantPolicy({}).AllowedMethods(),
            (std::vector<std::string>{"phone", "authenticator", "email"}));
  EXPECT_EQ(TenantPolicy({{"phone", false, true, true}, {"questions", true, false, true}})
                .AllowedMethods(),
            (std::vector<std::string>{"authenticator", "email", "questions"}));
}

TEST(PolicyTest, PurposesFollowTheTenantAndTheMethodsNature) {
  TenantPolicy defaults({});
  EXPECT_TRUE(defaults.AllowsFor("phone", Purpose::kMfa));
  EXPECT_TRUE(defaults.AllowsFor("phone", Purpose::kSspr));
  EXPECT_FALSE(defaults.AllowsFor("email", Purpose::kMfa));  // never, whatever the tenant says
  EXPECT_TRUE(defaults.AllowsFor("email", Purpose::kSspr));
  EXPECT_FALSE(defaults.AllowsFor("questions", Purpose::kSspr));  // off by default
  TenantPolicy with_questions({{"questions", true, true, true}});
  EXPECT_FALSE(with_questions.AllowsFor("questions", Purpose::kMfa));  // password reset only
  EXPECT_TRUE(with_questions.AllowsFor("questions", Purpose::kSspr));

  TenantPolicy reset_only({{"phone", true, false, true}, {"email", true, true, true}});
  EXPECT_FALSE(reset_only.AllowsFor("phone", Purpose::kMfa));
  EXPECT_TRUE(reset_only.AllowsFor("phone", Purpose::kSspr));
  EXPECT_FALSE(reset_only.AllowsFor("email", Purpose::kMfa));

  TenantPolicy off({{"phone", false, true, true}});
  EXPECT_FALSE(off.AllowsFor("phone", Purpose::kSspr));
}

}  // namespace
}  // namespace secinfo::policy
