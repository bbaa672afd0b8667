#include "flows/sign_in/sign_in.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "crypto/password.h"
#include "flows/test_store.h"

namespace secinfo::flows {
namespace {

// Counts the passwords checked against their hash, then checks them as the store does.
class CountingCredentials final : public Credentials {
 public:
  explicit CountingCredentials(store::UserStore& users) : inner_(users) {}
  bool Verify(const store::User* user, std::string_view password) override {
    verified_.fetch_add(1);
    return inner_.Verify(user, password);
  }
  Status Set(const store::User& user, std::string_view password, bool must_change) override {
    return inner_.Set(user, password, must_change);
  }
  bool MustChange(const store::User& user) override { return inner_.MustChange(user); }
  int verified() const { return verified_.load(); }

 private:
  LocalCredentials inner_;
  std::atomic<int> verified_{0};
};

constexpr int64_t kWindowSeconds = 15 * 60;

class SessionsTest : public testing::Test {
 protected:
  void SetUp() override {
    store_ = testing_support::OpenTestStore("sessions");
    tenant_id_ = *store_->tenants().Create({0, "Contoso", "contoso.example", "fr", "FR"});
    store::User u;
    u.tenant_id = tenant_id_;
    u.username = "ana@contoso.example";
    u.password_hash = *crypto::HashPassword("correct horse");
    u.id = *store_->users().Create(u);
    ana_ = u;
    options_.max_failures_per_account = 3;
    options_.max_failures_per_ip = 5;
    options_.max_failures_per_account_all_networks = 10;
    credentials_ = std::make_unique<CountingCredentials>(store_->users());
    sessions_ = std::make_unique<Sessions>(*store_, clock_, random_, options_, credentials_.get());
  }

  SignInOutcome SignIn(const std::string& password, const std::string& ip,
                       const std::string& remember_token = "") {
    return sessions_->SignIn("ana@contoso.example", password, ip, "", remember_token).outcome;
  }

  // The newest audit entry of the tenant, as "result: detail".
  std::string LastAudit() {
    auto entries = store_->audit().ListForTenant(tenant_id_, 1);
    if (!entries.ok() || entries->empty()) return "";
    return (*entries)[0].result + ": " + (*entries)[0].detail;
  }

  FakeClock clock_;
  SystemRandom random_;
  SignInOptions options_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<CountingCredentials> credentials_;
  std::unique_ptr<Sessions> sessions_;
  int64_t tenant_id_ = 0;
  store::User ana_;
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

TEST_F(SessionsTest, FailuresAreThrottledPerAccountAndPerNetwork) {
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(SignIn("wrong", "192.0.2.1"), SignInOutcome::kInvalidCredentials);
  }
  // The right password from that network is refused without being checked (so the answer does
  // not say it is right).
  EXPECT_EQ(SignIn("correct horse", "192.0.2.1"), SignInOutcome::kThrottled);
  EXPECT_EQ(credentials_->verified(), 3);
  EXPECT_EQ(LastAudit(), "throttled: too many failures for this account from this network");
  // Unknown names are throttled the same way, so throttling reveals nothing.
  for (int i = 0; i < 3; ++i) sessions_->SignIn("ghost@contoso.example", "x", "198.51.100.1");
  EXPECT_EQ(sessions_->SignIn("ghost@contoso.example", "x", "198.51.100.1").outcome,
            SignInOutcome::kThrottled);
  // A whole quiet window after the failures' own, the person is let in again.
  clock_.AdvanceSeconds(2 * kWindowSeconds);
  EXPECT_EQ(SignIn("correct horse", "192.0.2.1"), SignInOutcome::kSignedIn);

  // Per network: many names from one place.
  for (int i = 0; i < 5; ++i) {
    sessions_->SignIn("user" + std::to_string(i) + "@contoso.example", "x", "203.0.113.5");
  }
  EXPECT_EQ(SignIn("correct horse", "203.0.113.5"), SignInOutcome::kThrottled);
  EXPECT_EQ(LastAudit(), "throttled: too many failures from this network");
}

// Keycloak's and ASVS V2.2.1's answer to lock-out by strangers: 5 wrong passwords from anywhere
// used to lock the account for everyone.
TEST_F(SessionsTest, AStrangerFailingFromOneNetworkDoesNotStopThePersonFromAnother) {
  for (int i = 0; i < 5; ++i) SignIn("guess " + std::to_string(i), "198.51.100.7");
  EXPECT_EQ(SignIn("guess 6", "198.51.100.7"), SignInOutcome::kThrottled);
  EXPECT_EQ(SignIn("correct horse", "198.51.100.7"), SignInOutcome::kThrottled);

  EXPECT_EQ(SignIn("correct horse", "192.0.2.1"), SignInOutcome::kSignedIn);
  EXPECT_EQ(LastAudit().substr(0, 8), "success:");
  // The stranger is still held.
  EXPECT_EQ(SignIn("guess 7", "198.51.100.7"), SignInOutcome::kThrottled);
}

TEST_F(SessionsTest, Ipv6AddressesInOneSlash64ShareAKey) {
  EXPECT_EQ(SignIn("wrong", "2001:db8:1:2::1"), SignInOutcome::kInvalidCredentials);
  EXPECT_EQ(SignIn("wrong", "2001:db8:1:2::2"), SignInOutcome::kInvalidCredentials);
  EXPECT_EQ(SignIn("wrong", "2001:db8:1:2:aaaa:bbbb:cccc:dddd"),
            SignInOutcome::kInvalidCredentials);
  EXPECT_EQ(SignIn("correct horse", "2001:db8:1:2:ffff::9"), SignInOutcome::kThrottled);
  EXPECT_EQ(SignIn("correct horse", "2001:db8:1:3::1"), SignInOutcome::kSignedIn);
}

TEST_F(SessionsTest, TheAccountWideCapBoundsGuessingFromManyNetworksButNotARememberedBrowser) {
  // Ana remembered this browser on an earlier visit.
  Result<std::string> remembered = sessions_->RememberBrowser(ana_, 14, "192.0.2.1", "Firefox");
  ASSERT_TRUE(remembered.ok()) << remembered.status().ToString();

  // One guess from each of 10 networks: each within its own network's limits.
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(SignIn("guess", "198.51.100." + std::to_string(i)),
              SignInOutcome::kInvalidCredentials);
  }
  EXPECT_EQ(SignIn("guess", "198.51.100.10"), SignInOutcome::kThrottled);
  EXPECT_EQ(LastAudit(), "throttled: too many failures for this account from all networks");
  EXPECT_EQ(credentials_->verified(), 10);

  // From a new browser, even Ana is held by the cap; from her remembered browser, she is not.
  EXPECT_EQ(SignIn("correct horse", "203.0.113.9"), SignInOutcome::kThrottled);
  EXPECT_EQ(SignIn("correct horse", "203.0.113.9", "not a remembered token"),
            SignInOutcome::kThrottled);
  SignInResult in =
      sessions_->SignIn("ana@contoso.example", "correct horse", "203.0.113.9", "", *remembered);
  EXPECT_EQ(in.outcome, SignInOutcome::kSignedIn);
  EXPECT_TRUE(in.remembered);
  // Her own network's limit still holds the remembered browser.
  for (int i = 0; i < 3; ++i) SignIn("typo", "203.0.113.9", *remembered);
  EXPECT_EQ(SignIn("correct horse", "203.0.113.9", *remembered), SignInOutcome::kThrottled);
  // The cap is over a day: a whole quiet day after the guesses, anyone may try again.
  clock_.AdvanceSeconds(2 * 24 * 3600);
  EXPECT_EQ(SignIn("correct horse", "198.51.100.10"), SignInOutcome::kSignedIn);
}

// Runs `n` wrong sign-ins for Ana at once, the i-th from `ip(i)`; returns how many were answered
// "wrong password" (the rest must be "throttled").
template <typename Ip>
int ParallelWrongPasswords(Sessions& sessions, int n, Ip ip) {
  std::atomic<int> go{0}, wrong{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      while (go.load() == 0) std::this_thread::yield();
      SignInOutcome o =
          sessions.SignIn("ana@contoso.example", "guess " + std::to_string(i), ip(i)).outcome;
      if (o == SignInOutcome::kInvalidCredentials) ++wrong;
      if (o != SignInOutcome::kInvalidCredentials && o != SignInOutcome::kThrottled) ++other;
    });
  }
  go.store(1);
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(other.load(), 0);
  return wrong.load();
}

TEST_F(SessionsTest, SixtyFourParallelWrongPasswordsFromOneNetworkCheckAtMostTheLimit) {
  int wrong = ParallelWrongPasswords(*sessions_, 64, [](int) { return "198.51.100.7"; });
  EXPECT_EQ(credentials_->verified(), 3);
  EXPECT_EQ(wrong, 3);
  EXPECT_EQ(SignIn("correct horse", "192.0.2.1"), SignInOutcome::kSignedIn);
}

TEST_F(SessionsTest, SixtyFourParallelWrongPasswordsFromSixtyFourNetworksCheckAtMostTheCap) {
  int wrong = ParallelWrongPasswords(*sessions_, 64, [](int i) {
    return "2001:db8:" + std::to_string(i) + "::1";  // 64 different /64s
  });
  EXPECT_EQ(credentials_->verified(), 10);
  EXPECT_EQ(wrong, 10);
}

}  // namespace
}  // namespace secinfo::flows
