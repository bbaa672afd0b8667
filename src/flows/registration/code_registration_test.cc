#include "flows/registration/code_registration.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <regex>
#include <thread>

#include "channels/email/simulated/simulated_email.h"
#include "channels/sms/simulated/simulated_sms.h"
#include "flows/test_store.h"
#include "methods/email/email_data.h"
#include "methods/phone/phone_data.h"

namespace secinfo::flows {
namespace {

// Mail that fails as scripted (one result per attempt), then reaches the simulated inbox.
class ScriptedEmail final : public channels::EmailChannel {
 public:
  explicit ScriptedEmail(channels::EmailChannel& inbox) : inbox_(inbox) {}
  std::string_view name() const override { return "scripted"; }
  channels::SendResult Deliver(const channels::EmailMessage& m) override {
    ++attempts;
    if (script.empty()) return inbox_.Deliver(m);
    channels::SendResult next = script.front();
    script.erase(script.begin());
    return next;
  }
  std::vector<channels::SendResult> script;
  std::atomic<int> attempts{0};  // the retries run on another thread

 private:
  channels::EmailChannel& inbox_;
};

class CodeRegistrationTest : public testing::Test {
 protected:
  void SetUp() override {
    store_ = testing_support::OpenTestStore("code_registration");
    user_ = testing_support::AddContosoAndAna(*store_);
    tenant_id_ = user_.tenant_id;
    sms_ = std::make_unique<channels::SimulatedSms>(store_->sim_messages(), clock_);
    email_ = std::make_unique<channels::SimulatedEmail>(store_->sim_messages(), clock_);
    mail_ = std::make_unique<ScriptedEmail>(*email_);
    CodeOptions options;
    options.webotp_host = "id.contoso.example";
    flow_ = std::make_unique<CodeRegistration>(*store_, *sms_, *mail_, clock_, random_, retries_,
                                               "key", options);
  }

  CodeBeginResult Phone(const std::string& number, const std::string& type = "mobile",
                        const std::string& locale = "fr") {
    return flow_->Begin(
        {user_, methods::MethodKind::kPhone, "FR", number, type, "", locale, "192.0.2.1"});
  }
  CodeBeginResult Email(const std::string& address) {
    return flow_->Begin(
        {user_, methods::MethodKind::kEmail, "", "", "", address, "en", "192.0.2.1"});
  }
  // The code in the newest message to `to`, as the person reads it.
  std::string LastCode(const std::string& channel, const std::string& to) {
    return testing_support::LastCodeSent(*store_, channel, to);
  }

  // The code_send entries of the audit log, oldest first, as "result: detail".
  std::vector<std::string> SendAudit() {
    std::vector<std::string> out;
    auto entries = store_->audit().ListForTenant(tenant_id_, 100);
    if (!entries.ok()) return {entries.status().ToString()};
    for (const auto& e : *entries) {
      if (e.action == "code_send") out.insert(out.begin(), e.result + ": " + e.detail);
    }
    return out;
  }

  FakeClock clock_;
  FakeScheduler retries_{clock_};
  SystemRandom random_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<channels::SimulatedSms> sms_;
  std::unique_ptr<channels::SimulatedEmail> email_;
  std::unique_ptr<ScriptedEmail> mail_;
  std::unique_ptr<CodeRegistration> flow_;
  store::User user_;
  int64_t tenant_id_ = 0;
};

TEST_F(CodeRegistrationTest, TextedCodeRegistersTheMobileOnce) {
  CodeBeginResult r = Phone("06 12 34 56 78");
  ASSERT_EQ(r.error, BeginError::kNone);
  auto texts = store_->sim_messages().ListFor("sms", "+33612345678", 10);
  ASSERT_EQ(texts->size(), 1u);
  const std::string& body = texts->front().body;
  std::string code = LastCode("sms", "+33612345678");
  ASSERT_EQ(code.size(), 6u);
  EXPECT_NE(body.find("Contoso"), std::string::npos);
  EXPECT_NE(body.find("expire dans 3 minutes"), std::string::npos);
  // WebOTP: the last line names the origin and the code, for browser autofill.
  EXPECT_TRUE(body.ends_with("@id.contoso.example #" + code)) << body;

  auto stored = store_->code_challenges().Get(r.challenge_id);
  EXPECT_EQ(stored->code_hash.find(code), std::string::npos);  // only a keyed hash
  EXPECT_EQ(stored->code_hash, flow_->CodeHash(r.challenge_id, code));

  EXPECT_EQ(
      flow_->Verify(r.challenge_id, user_.id, code.substr(0, 3) + " " + code.substr(3)).outcome,
      CodeOutcome::kAccepted);
  auto methods = store_->methods().ListForUser(user_.id);
  ASSERT_EQ(methods->size(), 1u);
  EXPECT_EQ(methods::phone::DataOf(methods->front()).number, "+33612345678");
  EXPECT_EQ(methods::phone::DataOf(methods->front()).type, "mobile");
  EXPECT_EQ(flow_->Verify(r.challenge_id, user_.id, code).outcome, CodeOutcome::kNotPending);
}

TEST_F(CodeRegistrationTest, FiveWrongCodesLockTheCode) {
  CodeBeginResult r = Phone("0612345678");
  std::string code = LastCode("sms", "+33612345678");
  std::string wrong = code == "000000" ? "111111" : "000000";
  for (int left = 4; left >= 1; --left) {
    CodeCheck c = flow_->Verify(r.challenge_id, user_.id, wrong);
    EXPECT_EQ(c.outcome, CodeOutcome::kRejected);
    EXPECT_EQ(c.tries_left, left);
  }
  EXPECT_EQ(flow_->Verify(r.challenge_id, user_.id, wrong).outcome, CodeOutcome::kLockedOut);
  EXPECT_EQ(flow_->Verify(r.challenge_id, user_.id, code).outcome, CodeOutcome::kLockedOut);
  EXPECT_TRUE(store_->methods().ListForUser(user_.id)->empty());

  // A new code gives new tries.
  clock_.AdvanceSeconds(30);
  ASSERT_EQ(flow_->Resend(r.challenge_id, user_.id), ResendOutcome::kSent);
  std::string fresh = LastCode("sms", "+33612345678");
  EXPECT_EQ(flow_->Verify(r.challenge_id, user_.id, fresh).outcome, CodeOutcome::kAccepted);
}

TEST_F(CodeRegistrationTest, CodesExpireAndResendWaitsForTheCooldown) {
  CodeBeginResult r = Phone("0612345678");
  std::string code = LastCode("sms", "+33612345678");
  clock_.AdvanceSeconds(10);
  EXPECT_EQ(flow_->Resend(r.challenge_id, user_.id), ResendOutcome::kTooSoon);
  EXPECT_EQ(flow_->SecondsUntilResend(*flow_->Get(r.challenge_id, user_.id)), 20);
  clock_.AdvanceSeconds(171);  // 181 s after sending
  EXPECT_EQ(flow_->Verify(r.challenge_id, user_.id, code).outcome, CodeOutcome::kExpired);
  EXPECT_TRUE(store_->methods().ListForUser(user_.id)->empty());
  ASSERT_EQ(flow_->Resend(r.challenge_id, user_.id), ResendOutcome::kSent);
  EXPECT_EQ(flow_->Verify(r.challenge_id, user_.id, code).outcome, CodeOutcome::kRejected);
}

TEST_F(CodeRegistrationTest, SendsPerNumberAreLimitedPerHour) {
  CodeBeginResult r = Phone("0612345678");
  for (int i = 0; i < 4; ++i) {
    clock_.AdvanceSeconds(30);
    EXPECT_EQ(flow_->Resend(r.challenge_id, user_.id), ResendOutcome::kSent);
  }
  clock_.AdvanceSeconds(30);
  EXPECT_EQ(flow_->Resend(r.challenge_id, user_.id), ResendOutcome::kTooMany);
  EXPECT_EQ(Phone("0612345678").error, BeginError::kTooManyCalls);
  EXPECT_EQ(store_->sim_messages().ListFor("sms", "+33612345678", 10)->size(), 5u);
}

TEST_F(CodeRegistrationTest, SendsPerAddressCountEveryLetterCaseAsOneMailbox) {
  for (const char* typed : {"ana@example.org", "ANA@example.org", "Ana@Example.ORG",
                            "aNa@EXAMPLE.org", "anA@example.org"}) {
    clock_.AdvanceSeconds(30);
    EXPECT_EQ(Email(typed).error, BeginError::kNone) << typed;
  }
  clock_.AdvanceSeconds(30);
  EXPECT_EQ(Email("ANA@EXAMPLE.ORG").error, BeginError::kTooManyCalls);
}

TEST_F(CodeRegistrationTest, OnlyMobilesReceiveTexts) {
  EXPECT_EQ(Phone("04 25 55 51 23").error, BeginError::kCannotReceiveSms);  // fixed line
  EXPECT_EQ(Phone("06 12 34 56 78", "office").error, BeginError::kCannotReceiveSms);
  EXPECT_EQ(Phone("06 12 ab").error, BeginError::kInvalidCharacters);
  EXPECT_TRUE(store_->sim_messages().ListRecipients("sms", 10)->empty());
}

TEST_F(CodeRegistrationTest, EmailCodeRegistersAnAddressForPasswordResetOnly) {
  EXPECT_EQ(Email("not an address").error, BeginError::kInvalidEmail);
  CodeBeginResult r = Email(" Ana@Example.ORG ");
  ASSERT_EQ(r.error, BeginError::kNone);
  auto mail = store_->sim_messages().ListFor("email", "Ana@example.org", 1);
  ASSERT_EQ(mail->size(), 1u);
  EXPECT_EQ(mail->front().subject, "Your Contoso verification code");
  EXPECT_NE(mail->front().html.find(LastCode("email", "Ana@example.org")), std::string::npos);
  EXPECT_EQ(flow_->Verify(r.challenge_id, user_.id, LastCode("email", "Ana@example.org")).outcome,
            CodeOutcome::kAccepted);
  auto methods = store_->methods().ListForUser(user_.id);
  ASSERT_EQ(methods->size(), 1u);
  EXPECT_EQ(methods::email::DataOf(methods->front()).address, "Ana@example.org");
  // Email serves password reset only: never the default sign-in method.
  EXPECT_FALSE(store_->users().Get(user_.id)->default_method_id.has_value());
  EXPECT_EQ(Email("other@example.org").error, BeginError::kTypeTaken);
}

TEST_F(CodeRegistrationTest, EmailCodesLastFiveMinutes) {
  CodeBeginResult r = Email("ana@example.org");
  std::string code = LastCode("email", "ana@example.org");
  clock_.AdvanceSeconds(299);
  EXPECT_EQ(flow_->Verify(r.challenge_id, user_.id, code).outcome, CodeOutcome::kAccepted);
}

TEST_F(CodeRegistrationTest, AnotherPersonCannotUseTheChallenge) {
  CodeBeginResult r = Email("ana@example.org");
  EXPECT_EQ(
      flow_->Verify(r.challenge_id, user_.id + 1, LastCode("email", "ana@example.org")).outcome,
      CodeOutcome::kNotPending);
  EXPECT_EQ(flow_->Resend(r.challenge_id, user_.id + 1), ResendOutcome::kNotPending);
  EXPECT_EQ(flow_->Verify(r.challenge_id, user_.id, "12345").outcome, CodeOutcome::kMalformed);
}

TEST_F(CodeRegistrationTest, AMailTheRelayDidNotTakeIsSentAgainAfterABackOff) {
  mail_->script = {channels::SendResult::Transient(Status::Unavailable("connection refused")),
                   channels::SendResult::Transient(Status::Unavailable("451 4.3.0 try later"))};
  const int64_t start = clock_.NowMillis();
  CodeBeginResult r = Email("ana@example.org");
  ASSERT_EQ(r.error, BeginError::kNone);
  EXPECT_EQ(mail_->attempts, 3);
  EXPECT_EQ(retries_.waits(), (std::vector<int64_t>{500, 1000}));
  // The code was sent once, and its validity starts when it was made, not when it arrived.
  EXPECT_EQ(store_->sim_messages().ListFor("email", "ana@example.org", 10)->size(), 1u);
  EXPECT_EQ(clock_.NowMillis() - start, 1500);
  EXPECT_EQ(flow_->Verify(r.challenge_id, user_.id, LastCode("email", "ana@example.org")).outcome,
            CodeOutcome::kAccepted);
  const auto audit = SendAudit();
  ASSERT_EQ(audit.size(), 3u);
  EXPECT_NE(audit[0].find("retry: "), std::string::npos);
  EXPECT_NE(audit[0].find("connection refused"), std::string::npos);
  EXPECT_NE(audit[1].find("retry: "), std::string::npos);
  EXPECT_NE(audit[1].find("attempt 2: 451 4.3.0 try later"), std::string::npos);
  EXPECT_NE(audit[2].find("sent: "), std::string::npos);
  EXPECT_NE(audit[2].find("attempt 3"), std::string::npos);
}

TEST_F(CodeRegistrationTest, AFailureThatMayHaveDeliveredIsNeverSentAgain) {
  mail_->script = {channels::SendResult::Final(Status::Unavailable("timeout after DATA"))};
  CodeBeginResult r = Email("ana@example.org");
  EXPECT_EQ(r.error, BeginError::kCallFailed);
  EXPECT_EQ(mail_->attempts, 1);
  EXPECT_TRUE(retries_.waits().empty());
  const auto audit = SendAudit();
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_NE(audit[0].find("failed: "), std::string::npos);
  EXPECT_NE(audit[0].find("timeout after DATA"), std::string::npos);
  EXPECT_TRUE(store_->methods().ListForUser(user_.id)->empty());
}

TEST_F(CodeRegistrationTest, RetriesStopAfterTheLastAttemptAndTheFailureIsRecorded) {
  for (int i = 0; i < 3; ++i) {
    mail_->script.push_back(channels::SendResult::Transient(Status::Unavailable("refused")));
  }
  // The first attempt failed in a way safe to retry: the person is told the code is on its way,
  // and the retries run in the background (here at once, on a fake clock).
  CodeBeginResult r = Email("ana@example.org");
  ASSERT_EQ(r.error, BeginError::kNone);
  EXPECT_EQ(mail_->attempts, 3);
  EXPECT_EQ(retries_.waits(), (std::vector<int64_t>{500, 1000}));
  // The last one failed too: the code is given up, and the code page says it was not sent.
  auto given_up = flow_->Get(r.challenge_id, user_.id);
  ASSERT_TRUE(given_up.ok());
  EXPECT_EQ(given_up->state, store::CodeChallengeState::kFailed);
  EXPECT_TRUE(given_up->code_hash.empty());
  const auto audit = SendAudit();
  ASSERT_EQ(audit.size(), 3u);
  EXPECT_EQ(audit[2].rfind("failed: ", 0), 0u) << audit[2];
  EXPECT_NE(audit[2].find("attempt 3: refused"), std::string::npos);
  EXPECT_TRUE(store_->sim_messages().ListFor("email", "ana@example.org", 10)->empty());
}

TEST_F(CodeRegistrationTest, RetriesRunOffTheCallersThread) {
  // The real scheduler: Begin returns after the first attempt, without waiting for the back-off.
  BackgroundScheduler background;
  SystemClock clock;
  CodeRegistration flow(*store_, *sms_, *mail_, clock, random_, background, "k",
                        CodeOptions{.first_retry_millis = 300});
  mail_->script = {channels::SendResult::Transient(Status::Unavailable("connection refused"))};
  const auto start = std::chrono::steady_clock::now();
  CodeBeginResult r = flow.Begin(
      {user_, methods::MethodKind::kEmail, "", "", "", "ana@example.org", "en", "192.0.2.1"});
  ASSERT_EQ(r.error, BeginError::kNone);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(300));
  EXPECT_EQ(mail_->attempts, 1);
  // The second attempt comes from the background, after the back-off, and delivers.
  const auto deadline = start + std::chrono::seconds(10);
  while (store_->sim_messages().ListFor("email", "ana@example.org", 10)->empty() &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(300));
  EXPECT_EQ(store_->sim_messages().ListFor("email", "ana@example.org", 10)->size(), 1u);
  background.Shutdown();
  EXPECT_EQ(mail_->attempts, 2);
}

}  // namespace
}  // namespace secinfo::flows
