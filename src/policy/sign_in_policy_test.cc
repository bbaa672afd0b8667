#include "policy/sign_in_policy.h"

#include <gtest/gtest.h>

namespace secinfo::policy {
namespace {

store::User Person(std::string name, bool admin = false) {
  store::User u;
  u.username = std::move(name);
  u.is_admin = admin;
  return u;
}

TEST(SignInPolicyTest, WhoMustVerify) {
  store::SignInPolicy p;
  EXPECT_FALSE(RequiresMfa(p, Person("ana@contoso.example")));
  p.mfa = "all";
  EXPECT_TRUE(RequiresMfa(p, Person("ana@contoso.example")));
  p.mfa = "listed";
  p.mfa_listed = {"bruno@contoso.example", "admins"};
  EXPECT_FALSE(RequiresMfa(p, Person("ana@contoso.example")));
  EXPECT_TRUE(RequiresMfa(p, Person("bruno@contoso.example")));
  EXPECT_TRUE(RequiresMfa(p, Person("chloe@contoso.example", /*admin=*/true)));
}

TEST(SignInPolicyTest, RulesOutsideTheirRangesAreRefused) {
  store::SignInPolicy p;
  EXPECT_TRUE(ValidateSignInPolicy(p).ok());
  p.mfa = "sometimes";
  EXPECT_FALSE(ValidateSignInPolicy(p).ok());
  p.mfa = "listed";
  EXPECT_FALSE(ValidateSignInPolicy(p).ok());
  p.mfa_listed = {"ana@contoso.example"};
  EXPECT_TRUE(ValidateSignInPolicy(p).ok());
  p.remember_days = 366;
  EXPECT_FALSE(ValidateSignInPolicy(p).ok());
  p.remember_days = 30;
  p.max_skips = -1;
  EXPECT_FALSE(ValidateSignInPolicy(p).ok());
  p.max_skips = 3;
  p.notify = {"soc@contoso.example", "not an address"};
  EXPECT_FALSE(ValidateSignInPolicy(p).ok());
  p.notify = {"soc@contoso.example"};
  EXPECT_TRUE(ValidateSignInPolicy(p).ok());
}

}  // namespace
}  // namespace secinfo::policy
