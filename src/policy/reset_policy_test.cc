#include "policy/reset_policy.h"

#include <gtest/gtest.h>

namespace secinfo::policy {
namespace {

TEST(ResetPolicyTest, AdministratorsAlwaysProveTwoMethods) {
  store::ResetPolicy p;
  p.methods_required = 1;
  store::User ana;
  store::User admin;
  admin.is_admin = true;
  EXPECT_EQ(MethodsToReset(p, ana), 1);
  EXPECT_EQ(MethodsToReset(p, admin), 2);
  p.methods_required = 2;
  EXPECT_EQ(MethodsToReset(p, ana), 2);
}

TEST(ResetPolicyTest, RangesAreCheckedAtTheirEdges) {
  store::ResetPolicy p;
  EXPECT_TRUE(ValidateResetPolicy(p).ok());
  p.methods_required = 0;
  EXPECT_FALSE(ValidateResetPolicy(p).ok());
  p.methods_required = 3;
  EXPECT_FALSE(ValidateResetPolicy(p).ok());
  p.methods_required = 2;
  p.reconfirm_days = 730;
  EXPECT_TRUE(ValidateResetPolicy(p).ok());
  p.reconfirm_days = 731;
  EXPECT_FALSE(ValidateResetPolicy(p).ok());
  p.reconfirm_days = 0;
  EXPECT_TRUE(ValidateResetPolicy(p).ok());
  p.reconfirm_days = -1;
  EXPECT_FALSE(ValidateResetPolicy(p).ok());
}

}  // namespace
}  // namespace secinfo::policy
