#include "flows/password/passwords.h"

#include <gtest/gtest.h>

#include "channels/email/simulated/simulated_email.h"
#include "flows/test_store.h"

namespace secinfo::flows {
namespace {

// Changing one's password over a real SQLite store, the simulated mailbox and a fake clock.
class PasswordsTest : public testing::Test {
 protected:
  void SetUp() override {
    store_ = testing_support::OpenTestStore("passwords");
    tenant_id_ = *store_->tenants().Create({0, "Contoso", "contoso.example", "en", "FR"});
    ASSERT_TRUE(store_->tenants().AddBannedWord(tenant_id_, "lutèce", "Lutèce").ok());
    credentials_ = std::make_unique<LocalCredentials>(store_->users());
    store::User u;
    u.tenant_id = tenant_id_;
    u.username = "ana@contoso.example";
    u.display_name = "Ana Lima";
    u.id = *store_->users().Create(u);
    ASSERT_TRUE(credentials_->Set(u, "tram bleu 42", false).ok());
    email_ = std::make_unique<channels::SimulatedEmail>(store_->sim_messages(), clock_);
    notifier_ = std::make_unique<Notifier>(*store_, *email_, clock_);
    sessions_ =
        std::make_unique<Sessions>(*store_, clock_, random_, SignInOptions{}, credentials_.get());
    passwords_ =
        std::make_unique<Passwords>(*store_, *credentials_, *sessions_, notifier_.get(), clock_);
  }

  Principal SignIn(const std::string& password) {
    SignInResult r = sessions_->SignIn("ana@contoso.example", password, "192.0.2.1");
    EXPECT_EQ(r.outcome, SignInOutcome::kSignedIn);
    return *sessions_->Authenticate(r.session_token);
  }
  std::vector<store::SimMessage> Mail() {
    notifier_->Drain();
    return *store_->sim_messages().ListFor("email", "ana@contoso.example", 10);
  }

  FakeClock clock_;
  SystemRandom random_;
  int64_t tenant_id_ = 0;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<LocalCredentials> credentials_;
  std::unique_ptr<channels::SimulatedEmail> email_;
  std::unique_ptr<Notifier> notifier_;
  std::unique_ptr<Sessions> sessions_;
  std::unique_ptr<Passwords> passwords_;
};

TEST_F(PasswordsTest, EveryRefusalHasItsOwnOutcomeAndChangesNothing) {
  Principal p = SignIn("tram bleu 42");
  auto change = [&](const char* current, const char* next) {
    return passwords_->Change(p, current, next, next, "192.0.2.1");
  };
  EXPECT_EQ(change("tram rouge 42", "soleil couchant 7").outcome,
            ChangeOutcome::kWrongCurrentPassword);
  EXPECT_EQ(
      passwords_->Change(p, "tram bleu 42", "soleil couchant 7", "soleil couchant 8", "").outcome,
      ChangeOutcome::kConfirmationDiffers);
  ChangeResult banned = change("tram bleu 42", "vive LUTÈCE 1999");
  EXPECT_EQ(banned.outcome, ChangeOutcome::kRefused);
  EXPECT_EQ(banned.message_key(), "password_refused_banned_word");
  EXPECT_EQ(change("tram bleu 42", "password1").message_key(), "password_refused_dictionary_word");
  EXPECT_EQ(change("tram bleu 42", "ana@contoso.example").message_key(),
            "password_refused_user_name");
  EXPECT_EQ(change("tram bleu 42", "Contoso forever").message_key(),
            "password_refused_tenant_name");
  EXPECT_EQ(change("tram bleu 42", "tram bleu 42").message_key(),
            "password_refused_current_password");
  EXPECT_EQ(change("tram bleu 42", "short").message_key(), "password_refused_too_short");
  EXPECT_TRUE(Mail().empty());
  EXPECT_EQ(sessions_->SignIn("ana@contoso.example", "tram bleu 42", "192.0.2.1").outcome,
            SignInOutcome::kSignedIn);
}

TEST_F(PasswordsTest, AChangeSignsOutTheOtherSessionsAndMailsTheAccount) {
  Principal other = SignIn("tram bleu 42");
  Principal p = SignIn("tram bleu 42");
  ASSERT_TRUE(sessions_->RememberBrowser(p.user, 14, "192.0.2.9", "phone").ok());
  ChangeResult r =
      passwords_->Change(p, "tram bleu 42", "soleil couchant 7", "soleil couchant 7", "192.0.2.1");
  ASSERT_EQ(r.outcome, ChangeOutcome::kChanged);
  EXPECT_EQ(r.others_signed_out, 1);
  EXPECT_FALSE(sessions_->Authenticate(other.session_token).ok());
  EXPECT_TRUE(sessions_->Authenticate(p.session_token).ok());
  EXPECT_TRUE(store_->sign_in().ListRemembered(p.user.id, clock_.NowMillis())->empty());
  EXPECT_EQ(sessions_->SignIn("ana@contoso.example", "tram bleu 42", "192.0.2.1").outcome,
            SignInOutcome::kInvalidCredentials);
  EXPECT_EQ(sessions_->SignIn("ana@contoso.example", "soleil couchant 7", "192.0.2.1").outcome,
            SignInOutcome::kSignedIn);
  auto mail = Mail();
  ASSERT_EQ(mail.size(), 1u);
  EXPECT_EQ(mail[0].subject, "Contoso: your password was changed");
  EXPECT_NE(mail[0].body.find("192.0.2.1"), std::string::npos);
}

TEST_F(PasswordsTest, WrongCurrentPasswordsAreLimitedEvenWhenTheRightOneComesNext) {
  Principal p = SignIn("tram bleu 42");
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(passwords_->Change(p, "guess", "soleil couchant 7", "soleil couchant 7", "").outcome,
              ChangeOutcome::kWrongCurrentPassword);
  }
  EXPECT_EQ(
      passwords_->Change(p, "tram bleu 42", "soleil couchant 7", "soleil couchant 7", "").outcome,
      ChangeOutcome::kThrottled);
  clock_.AdvanceMillis(2 * 15 * 60 * 1000);  // a whole quiet window after the guesses' own
  EXPECT_EQ(
      passwords_->Change(p, "tram bleu 42", "soleil couchant 7", "soleil couchant 7", "").outcome,
      ChangeOutcome::kChanged);
}

TEST_F(PasswordsTest, ATemporaryPasswordMustBeChangedAndEndsEverySession) {
  Principal before = SignIn("tram bleu 42");
  auto temporary = passwords_->ResetTemporary(before.user, random_, "admin-cli");
  ASSERT_TRUE(temporary.ok());
  EXPECT_EQ(temporary->size(), 19u);  // xxxx-xxxx-xxxx-xxxx
  EXPECT_FALSE(sessions_->Authenticate(before.session_token).ok());
  Principal p = SignIn(*temporary);
  EXPECT_TRUE(passwords_->MustChange(p));
  ASSERT_EQ(passwords_->Change(p, *temporary, "soleil couchant 7", "soleil couchant 7", "").outcome,
            ChangeOutcome::kChanged);
  EXPECT_FALSE(passwords_->MustChange(*sessions_->Authenticate(p.session_token)));
}

TEST_F(PasswordsTest, TwoTemporaryPasswordsDiffer) {
  store::User ana = *store_->users().FindByUsername("ana@contoso.example");
  auto a = passwords_->ResetTemporary(ana, random_, "admin-cli");
  auto b = passwords_->ResetTemporary(ana, random_, "admin-cli");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
}

}  // namespace
}  // namespace secinfo::flows
