#include "flows/sign_in/sign_in.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "crypto/password.h"
#include "flows/test_store.h"

namespace secinfo::flows {
namespace {

class SessionsTest : public testing::Test {
 protected:
  void SetUp() override {
    store_ = testing_support::OpenTestStore("sessions");
    int64_t tenant = *store_->tenants().Create({0, "Contoso", "contoso.example", "fr", "FR"});
    store::User u;
    u.tenant_id = tenant;
    u.username = "ana@contoso.example";
    u.password_hash = *crypto::HashPassword("correct horse");
    store_->users().Create(u);
    SignInOptions options;
    options.max_failures_per_account = 3;
    options.max_failures_per_ip = 5;
    sessions_ = std::make_unique<Sessions>(*store_, clock_, random_, options);
  }

  FakeClock clock_;
  SystemRandom random_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Sessions> sessions_;
};

TEST_F(SessionsTest, SignInCreatesASessionStoredOnlyAsAHash) {
  SignInResult r = sessions_->SignIn("ANA@contoso.example", "correct horse", "192.0.2.1");
  ASSERT_EQ(r.outcome, SignInOutcome::kSignedIn);
  EXPECT_GE(r.session_token.size(), 43u);
  EXPECT_FALSE(store_->sessions().Get(r.session_token, clock_.NowMillis()).ok());
  EXPECT_TRUE(
      store_->sessions().Get(Sessions::TokenHash(r.session_token), clock_.NowMillis()).ok());
  auto p = sessions_->Authenticate(r.session_token);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->user.username, "ana@contoso.example");
  ASSERT_TRUE(sessions_->SignOut(r.session_token).ok());
  EXPECT_FALSE(sessions_->Authenticate(r.session_token).ok());
}

TEST_F(SessionsTest, SessionsExpireWhenIdleAndAfterTheAbsoluteLimit) {
  SignInResult r = sessions_->SignIn("ana@contoso.example", "correct horse", "192.0.2.1");
  clock_.AdvanceSeconds(29 * 60);
  EXPECT_TRUE(sessions_->Authenticate(r.session_token).ok());  // slides the idle expiry
  clock_.AdvanceSeconds(29 * 60);
  EXPECT_TRUE(sessions_->Authenticate(r.session_token).ok());
  clock_.AdvanceSeconds(31 * 60);
  EXPECT_FALSE(sessions_->Authenticate(r.session_token).ok());

  r = sessions_->SignIn("ana@contoso.example", "correct horse", "192.0.2.1");
  for (int i = 0; i < 25; ++i) {  // active all along, yet capped at 12 hours
    clock_.AdvanceSeconds(29 * 60);
    if (!sessions_->Authenticate(r.session_token).ok()) {
      EXPECT_GE(i, 23);
      return;
    }
  }
  ADD_FAILURE() << "session outlived the absolute limit";
}

TEST_F(SessionsTest, FailuresAreThrottledPerAccountAndPerAddress) {
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(sessions_->SignIn("ana@contoso.example", "wrong", "192.0.2.1").outcome,
              SignInOutcome::kInvalidCredentials);
  }
  EXPECT_EQ(sessions_->SignIn("ana@contoso.example", "correct horse", "192.0.2.9").outcome,
            SignInOutcome::kThrottled);
  // Unknown names are throttled the same way, so throttling reveals nothing.
  for (int i = 0; i < 3; ++i) sessions_->SignIn("ghost@contoso.example", "x", "198.51.100.1");
  EXPECT_EQ(sessions_->SignIn("ghost@contoso.example", "x", "198.51.100.2").outcome,
            SignInOutcome::kThrottled);
  clock_.AdvanceSeconds(15 * 60);
  EXPECT_EQ(sessions_->SignIn("ana@contoso.example", "correct horse", "192.0.2.9").outcome,
            SignInOutcome::kSignedIn);

  // Per address: many names from one place.
  for (int i = 0; i < 5; ++i) {
    sessions_->SignIn("user" + std::to_string(i) + "@contoso.example", "x", "203.0.113.5");
  }
  EXPECT_EQ(sessions_->SignIn("ana@contoso.example", "correct horse", "203.0.113.5").outcome,
            SignInOutcome::kThrottled);
}

}  // namespace
}  // namespace secinfo::flows
