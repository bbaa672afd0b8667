#include "store/sql/store_test_fixture.h"

// Contract cases for what self-service password reset keeps (run for every backend, see
// sql_store_test.cc's instantiation).
namespace secinfo::store::test {
namespace {

constexpr int64_t kMinute = 60'000;

TEST_P(StoreContractTest, ResetPolicyHasDefaultsThenKeepsWhatWasSet) {
  PasswordResetStore& s = store_->password_resets();
  auto defaults = s.GetPolicy(tenant_id_);
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->methods_required, 1);
  EXPECT_FALSE(defaults->notify_admins);
  EXPECT_FALSE(defaults->require_registration);
  ResetPolicy p{2, true, true, 90};
  ASSERT_OK(s.SetPolicy(tenant_id_, p));
  p.reconfirm_days = 0;
  ASSERT_OK(s.SetPolicy(tenant_id_, p));
  auto read = s.GetPolicy(tenant_id_);
  EXPECT_EQ(read->methods_required, 2);
  EXPECT_TRUE(read->notify_admins);
  EXPECT_TRUE(read->require_registration);
  EXPECT_EQ(read->reconfirm_days, 0);
}

TEST_P(StoreContractTest, AResetIsReadUntilItExpiresAndWrittenOverItsVersionOnly) {
  PasswordResetStore& s = store_->password_resets();
  PasswordReset r;
  r.id_hash = std::string(64, 'a');
  r.tenant_id = tenant_id_;
  r.user_id = ana_;
  r.username = "ana@contoso.example";
  r.steps = 2;
  r.created_at = kT0;
  r.expires_at = kT0 + 15 * kMinute;
  ASSERT_OK(s.Create(r));
  auto read = s.Get(r.id_hash, kT0 + 15 * kMinute - 1);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->version, 1);
  EXPECT_EQ(read->steps, 2);
  EXPECT_FALSE(s.Get(r.id_hash, kT0 + 15 * kMinute).ok());

  PasswordReset next = *read;
  next.step = 2;
  next.questions = "question_predefined_01\ncustom:3";
  next.push_number = 42;
  next.push_ends_at = kT0 + kMinute;
  ASSERT_OK(s.Update(next));
  EXPECT_EQ(s.Update(next).code(), Status::Code::kFailedPrecondition) << "a stale version";
  EXPECT_EQ(s.Get(r.id_hash, kT0)->questions, "question_predefined_01\ncustom:3");
  EXPECT_EQ(s.Get(r.id_hash, kT0)->push_number, 42);
  EXPECT_EQ(s.Get(r.id_hash, kT0)->push_ends_at, kT0 + kMinute);
  auto purged = s.DeleteExpiredBefore(kT0 + 16 * kMinute);
  ASSERT_TRUE(purged.ok());
  EXPECT_EQ(*purged, 1);
}

TEST_P(StoreContractTest, ResetLocksAndReviewsAreKeptPerKeyAndPerson) {
  PasswordResetStore& s = store_->password_resets();
  EXPECT_EQ(*s.LockedUntil("reset:phone:ana"), 0);
  ASSERT_OK(s.Lock("reset:phone:ana", kT0 + 10));
  ASSERT_OK(s.Lock("reset:phone:ana", kT0 + 20));
  EXPECT_EQ(*s.LockedUntil("reset:phone:ana"), kT0 + 20);
  ASSERT_OK(s.Unlock("reset:phone:ana"));
  EXPECT_EQ(*s.LockedUntil("reset:phone:ana"), 0);
  EXPECT_EQ(*s.ReviewedAt(ana_), 0);
  ASSERT_OK(s.SetReviewedAt(ana_, kT0));
  ASSERT_OK(s.SetReviewedAt(ana_, kT0 + 5));
  EXPECT_EQ(*s.ReviewedAt(ana_), kT0 + 5);
}

}  // namespace
}  // namespace secinfo::store::test
