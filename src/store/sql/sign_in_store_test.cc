#include "store/sql/store_test_fixture.h"

// Contract cases for what sign-in's second step keeps (run for every backend, see
// sql_store_test.cc's instantiation).
namespace secinfo::store::test {
namespace {

constexpr int64_t kMinute = 60'000;

TEST_P(StoreContractTest, ReserveCheckLocksAfterTenAndParallelChecksCannotPassIt) {
  SignInStore& s = store_->sign_in();
  int reserved = CountTrueInParallel(64, [&](int) {
    auto r = s.ReserveCheck(ana_, kT0, 10, 15 * kMinute, 100);
    return r.ok() && *r;
  });
  EXPECT_EQ(reserved, 10);
  auto f = s.GetFailures(ana_);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->failures, 10);
  EXPECT_EQ(f->locked_until, kT0 + 15 * kMinute);
  // Still locked a moment before the end, open again at the end.
  EXPECT_FALSE(*s.ReserveCheck(ana_, kT0 + 15 * kMinute - 1, 10, 15 * kMinute, 100));
  EXPECT_TRUE(*s.ReserveCheck(ana_, kT0 + 15 * kMinute, 10, 15 * kMinute, 100));
}

TEST_P(StoreContractTest, ASuccessClearsTheFailuresAndTheHundredthNeedsAnAdministrator) {
  SignInStore& s = store_->sign_in();
  for (int i = 0; i < 9; ++i) ASSERT_TRUE(*s.ReserveCheck(ana_, kT0, 10, kMinute, 100));
  ASSERT_OK(s.ClearFailures(ana_));
  EXPECT_EQ(s.GetFailures(ana_)->failures, 0);

  int64_t now = kT0;
  int reserved = 0;
  for (int i = 0; i < 200; ++i, now += kMinute) {
    if (*s.ReserveCheck(ana_, now, 10, kMinute / 2, 100)) ++reserved;
  }
  EXPECT_EQ(reserved, 100);  // every lock ended, but the hundredth failure holds for good
  EXPECT_FALSE(*s.ReserveCheck(ana_, now + 365 * 24 * 60 * kMinute, 10, kMinute, 100));
  ASSERT_OK(s.Unblock(ana_));
  EXPECT_TRUE(*s.ReserveCheck(ana_, now, 10, kMinute, 100));
  // Other people are not affected.
  int64_t bruno = NewUser("bruno");
  EXPECT_TRUE(*s.ReserveCheck(bruno, now, 10, kMinute, 100));
}

TEST_P(StoreContractTest, SessionsCarryAssuranceAndOthersCanBeSignedOut) {
  SessionStore& sessions = store_->sessions();
  for (const char* id : {"s1", "s2", "s3"}) {
    ASSERT_OK(sessions.Create(Session{.id_hash = id,
                                      .user_id = ana_,
                                      .tenant_id = tenant_id_,
                                      .created_at = kT0,
                                      .last_seen_at = kT0,
                                      .expires_at = kT0 + 30 * kMinute,
                                      .client_ip = "192.0.2.1",
                                      .user_agent = "Firefox"}));
  }
  ASSERT_OK(sessions.SetAssurance("s1", "pwd tel", kT0 + 5, "proof", kT0 + 5));
  auto s1 = sessions.Get("s1", kT0 + 6);
  ASSERT_TRUE(s1.ok());
  EXPECT_EQ(s1->amr, "pwd tel");
  EXPECT_EQ(s1->second_factor_at, kT0 + 5);
  EXPECT_EQ(s1->second_step, "proof");
  EXPECT_EQ(s1->user_agent, "Firefox");
  EXPECT_EQ(sessions.Get("s2", kT0)->amr, "pwd");
  EXPECT_EQ(sessions.SetAssurance("gone", "pwd", 0, "", kT0).code(), Code::kNotFound);

  EXPECT_EQ(sessions.ListForUser(ana_, kT0)->size(), 3u);
  auto ended = sessions.DeleteOthers(ana_, "s1");
  ASSERT_TRUE(ended.ok());
  EXPECT_EQ(*ended, 2);
  auto left = sessions.ListForUser(ana_, kT0);
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ(left->front().id_hash, "s1");
}

TEST_P(StoreContractTest, SignInPolicyHasDefaultsAndRoundTrips) {
  SignInStore& s = store_->sign_in();
  auto defaults = s.GetPolicy(tenant_id_);
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->mfa, "off");
  EXPECT_TRUE(defaults->fraud_alert);
  SignInPolicy p{.mfa = "listed",
                 .mfa_listed = {"ana@contoso.example", "admins"},
                 .remember_days = 14,
                 .max_skips = 3,
                 .fraud_alert = true,
                 .fraud_block = true,
                 .notify = {"soc@contoso.example"}};
  ASSERT_OK(s.SetPolicy(tenant_id_, p));
  auto read = s.GetPolicy(tenant_id_);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->mfa, "listed");
  EXPECT_EQ(read->mfa_listed, p.mfa_listed);
  EXPECT_EQ(read->remember_days, 14);
  EXPECT_EQ(read->max_skips, 3);
  EXPECT_TRUE(read->fraud_block);
  EXPECT_EQ(read->notify, p.notify);
}

TEST_P(StoreContractTest, RememberedBrowsersBelongToOnePersonAndExpire) {
  SignInStore& s = store_->sign_in();
  ASSERT_OK(s.RememberBrowser(RememberedBrowser{.id_hash = "b1",
                                                .user_id = ana_,
                                                .tenant_id = tenant_id_,
                                                .created_at = kT0,
                                                .expires_at = kT0 + kMinute}));
  EXPECT_TRUE(s.FindRemembered("b1", ana_, kT0).ok());
  EXPECT_EQ(s.FindRemembered("b1", NewUser("bruno"), kT0).status().code(), Code::kNotFound);
  EXPECT_EQ(s.FindRemembered("b1", ana_, kT0 + kMinute).status().code(), Code::kNotFound);
  EXPECT_EQ(s.ListRemembered(ana_, kT0)->size(), 1u);
  ASSERT_OK(s.ForgetRemembered(ana_, "b1"));
  EXPECT_EQ(s.FindRemembered("b1", ana_, kT0).status().code(), Code::kNotFound);
  EXPECT_EQ(s.ForgetRemembered(ana_, "b1").code(), Code::kNotFound);
}

TEST_P(StoreContractTest, VerificationsAreWrittenOverTheVersionRead) {
  SignInStore& s = store_->sign_in();
  Verification v{.id = "v1",
                 .tenant_id = tenant_id_,
                 .user_id = ana_,
                 .binding = "session-hash",
                 .purpose = "sign_in",
                 .method_id = 7,
                 .proof = "call",
                 .challenge_id = "call-1",
                 .state = VerificationState::kPending,
                 .created_at = kT0,
                 .expires_at = kT0 + kMinute};
  ASSERT_OK(s.CreateVerification(v));
  auto read = s.GetVerification("v1");
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->version, 1);
  EXPECT_EQ(read->binding, "session-hash");
  read->state = VerificationState::kSucceeded;
  ASSERT_OK(s.UpdateVerification(*read));
  // A second writer holding the old version loses.
  EXPECT_EQ(s.UpdateVerification(*read).code(), Code::kFailedPrecondition);
  EXPECT_EQ(s.GetVerification("v1")->state, VerificationState::kSucceeded);
  EXPECT_EQ(s.GetVerification("nope").status().code(), Code::kNotFound);
}

TEST_P(StoreContractTest, BlocksHoldUntilTheirEndOrAnAdministrator) {
  SignInStore& s = store_->sign_in();
  ASSERT_OK(s.Block(VerificationBlock{.user_id = ana_,
                                      .tenant_id = tenant_id_,
                                      .blocked_at = kT0,
                                      .until = kT0 + 90LL * 24 * 60 * kMinute,
                                      .reason = "fraud_report",
                                      .detail = "0# during a sign-in call"}));
  auto b = s.FindBlock(ana_, kT0 + 1);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->username, "ana@contoso.example");
  EXPECT_EQ(s.ListBlocks(tenant_id_, kT0)->size(), 1u);
  EXPECT_EQ(s.FindBlock(ana_, kT0 + 90LL * 24 * 60 * kMinute).status().code(), Code::kNotFound);
  ASSERT_OK(s.Unblock(ana_));
  EXPECT_EQ(s.FindBlock(ana_, kT0 + 1).status().code(), Code::kNotFound);
  EXPECT_EQ(s.Unblock(ana_).code(), Code::kNotFound);
}

TEST_P(StoreContractTest, RegistrationSkipsStopAtTheTenantsNumber) {
  EXPECT_TRUE(*store_->users().CountRegistrationSkip(ana_, 2));
  EXPECT_TRUE(*store_->users().CountRegistrationSkip(ana_, 2));
  EXPECT_FALSE(*store_->users().CountRegistrationSkip(ana_, 2));
  EXPECT_FALSE(*store_->users().CountRegistrationSkip(NewUser("bruno"), 0));
}

}  // namespace
}  // namespace secinfo::store::test
