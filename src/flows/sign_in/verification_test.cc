#include "flows/sign_in/verification.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "channels/email/simulated/simulated_email.h"
#include "channels/sms/simulated/simulated_sms.h"
#include "channels/voice/simulated/simulated_voice.h"
#include "crypto/base32.h"
#include "crypto/otp.h"
#include "crypto/password.h"
#include "flows/notify/notifier.h"
#include "flows/sign_in/guard.h"
#include "flows/sign_in/second_step.h"
#include "flows/sign_in/sign_in.h"
#include "flows/test_store.h"
#include "methods/email/email_data.h"
#include "methods/phone/phone_data.h"

namespace secinfo::flows {
namespace {

constexpr int64_t kMinute = 60'000;

// Runs fn(i) for every i < n, each on its own thread, all released at once.
template <typename Fn>
void AllAtOnce(int n, Fn fn) {
  std::atomic<int> go{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      while (go.load() == 0) std::this_thread::yield();
      fn(i);
    });
  }
  go = 1;
  for (auto& t : threads) t.join();
}

// The whole second step over a real SQLite store and the simulated phone network, with a fake
// clock: sign-in, proofs, lockouts, fraud reports and what they tell people.
class VerificationTest : public testing::Test {
 protected:
  void SetUp() override {
    store_ = testing_support::OpenTestStore("verification");
    user_ = testing_support::AddContosoAndAna(*store_);
    tenant_id_ = user_.tenant_id;
    email_ = std::make_unique<channels::SimulatedEmail>(store_->sim_messages(), clock_);
    notifier_ = std::make_unique<Notifier>(*store_, *email_, clock_);
    watched_ = NotifyingStore(*store_, *notifier_);
    voice_ = std::make_unique<channels::SimulatedVoice>(watched_->sim_calls(), clock_);
    sms_ = std::make_unique<channels::SimulatedSms>(watched_->sim_messages(), clock_);
    phones_ = std::make_unique<PhoneRegistration>(*watched_, *voice_, clock_, random_,
                                                  PhoneRegistrationOptions{});
    voice_->SetEventSink(phones_.get());
    codes_ = std::make_unique<CodeRegistration>(*watched_, *sms_, *email_, clock_, random_,
                                                sleeper_, std::string(32, 'c'), CodeOptions{});
    apps_ = std::make_unique<AppRegistration>(
        *watched_, clock_, random_, crypto::SecretBox(std::string(32, 'k')), AppOptions{});
    push_ = std::make_unique<PushApproval>(*watched_, clock_, random_,
                                           crypto::SecretBox(std::string(32, 'k')), PushOptions{});
    verifier_ = std::make_unique<Verifier>(*watched_, *phones_, *codes_, *apps_, *push_, clock_,
                                           random_, VerificationOptions{});
    guard_ = std::make_unique<Guard>(*watched_, notifier_.get(), clock_, GuardOptions{});
    phones_->SetObserver(guard_.get());
    push_->SetObserver(guard_.get());
    sessions_ = std::make_unique<Sessions>(*watched_, clock_, random_, SignInOptions{});
  }

  int64_t AddPhone(const std::string& type, const std::string& e164) {
    store::Method m;
    m.user_id = user_.id;
    methods::phone::Put({type, e164}, m);
    m.created_at = clock_.NowMillis();
    return *store_->methods().Create(m);
  }

  // Registers an authenticator app the way a person does; returns its method id and keeps the
  // seed the app holds.
  int64_t AddApp() {
    std::string id;
    EXPECT_EQ(apps_->Begin(user_, "Pixel", "192.0.2.1", &id), AppError::kNone);
    std::string uri = apps_->View(id, user_, "Contoso")->key_uri;
    size_t s = uri.find("secret=") + 7;
    seed_ = *crypto::Base32Decode(uri.substr(s, uri.find('&', s) - s));
    EXPECT_EQ(apps_->Finish(id, user_, CodeNow(), "192.0.2.1"), AppCodeOutcome::kAccepted);
    clock_.AdvanceSeconds(30);  // the next code is a new one
    auto methods = store_->methods().ListForUser(user_.id);
    for (const auto& m : *methods) {
      if (m.kind == methods::MethodKind::kAuthenticator) return m.id;
    }
    return 0;
  }
  std::string CodeNow() { return crypto::Totp(seed_, clock_.NowSeconds()); }
  std::string WrongCode() { return CodeNow() == "000000" ? "111111" : "000000"; }

  VerifyStart Start(int64_t method_id, methods::Proof proof,
                    ProofPurpose purpose = ProofPurpose::kSignIn) {
    return verifier_->Start({user_, kBinding, purpose, method_id, proof, "fr", "192.0.2.1"});
  }
  // The simulated call placed by a call verification.
  std::string CallOf(const std::string& verification) {
    return verifier_->Get(verification, kBinding)->v.challenge_id;
  }
  // A sign-in call to Ana's mobile where fraud reports block (and are mailed to `notify`),
  // placed and not answered yet.
  struct FraudCall {
    int64_t phone = 0;
    std::string verification;
    std::string call;
  };
  FraudCall CallWhereReportsBlock(std::vector<std::string> notify = {}) {
    store::SignInPolicy rules;
    rules.mfa = "all";
    rules.fraud_block = true;
    rules.notify = std::move(notify);
    EXPECT_TRUE(store_->sign_in().SetPolicy(tenant_id_, rules).ok());
    FraudCall f;
    f.phone = AddPhone("mobile", "+33612345678");
    VerifyStart started = Start(f.phone, methods::Proof::kCall);
    EXPECT_EQ(started.error, VerifyStartError::kNone);
    f.verification = started.id;
    f.call = CallOf(started.id);
    return f;
  }
  // What the tenant's rules made of fraud reports ("blocked", "notified"), newest first.
  std::vector<std::string> FraudResponses() {
    std::vector<std::string> out;
    // Kept in a variable: a range-for over *Temporary() would read the Result after its end.
    Result<std::vector<store::AuditEntry>> entries = store_->audit().ListForTenant(tenant_id_, 50);
    for (const auto& e : *entries) {
      if (e.action == "fraud_response") out.push_back(e.result);
    }
    return out;
  }
  std::vector<store::SimMessage> MailTo(const std::string& address) {
    notifier_->Drain();
    return *store_->sim_messages().ListFor("email", address, 10);
  }

  // A signed-in session of Ana that proved only her password.
  Principal NewSession(const std::string& token) {
    store::Session s;
    s.id_hash = Sessions::TokenHash(token);
    s.user_id = user_.id;
    s.tenant_id = tenant_id_;
    s.created_at = s.last_seen_at = clock_.NowMillis();
    s.expires_at = s.created_at + 30 * kMinute;
    EXPECT_TRUE(store_->sessions().Create(s).ok());
    return Principal{user_, token, s};
  }
  // Sign-in's second step with an app code, as the first verify page posts it.
  CodeStep ProveWithAppCode(const Principal& p, int64_t app, const std::string& code) {
    SecondStep step(*watched_, *sessions_, *verifier_, clock_);
    return step.ProveWithAppCode(
        p,
        {user_, Sessions::TokenHash(p.session_token), ProofPurpose::kSignIn, app,
         methods::Proof::kAppCode, "fr", "192.0.2.1"},
        code);
  }
  int64_t AuditCount(const std::string& action, const std::string& result) {
    int64_t n = 0;
    Result<std::vector<store::AuditEntry>> entries =
        store_->audit().ListForTenant(tenant_id_, 1000);
    for (const auto& e : *entries) {
      n += e.action == action && e.result == result;
    }
    return n;
  }

  static constexpr char kBinding[] = "session-hash-of-this-browser";
  FakeClock clock_{1'700'000'015'000};
  FakeScheduler sleeper_{clock_};
  SystemRandom random_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<channels::SimulatedEmail> email_;
  std::unique_ptr<Notifier> notifier_;
  std::unique_ptr<store::Store> watched_;
  std::unique_ptr<channels::SimulatedVoice> voice_;
  std::unique_ptr<channels::SimulatedSms> sms_;
  std::unique_ptr<PhoneRegistration> phones_;
  std::unique_ptr<CodeRegistration> codes_;
  std::unique_ptr<AppRegistration> apps_;
  std::unique_ptr<PushApproval> push_;
  std::unique_ptr<Verifier> verifier_;
  std::unique_ptr<Guard> guard_;
  std::unique_ptr<Sessions> sessions_;
  store::User user_;
  int64_t tenant_id_ = 0;
  std::string seed_;
};

TEST_F(VerificationTest, ACallAnsweredWithPoundProvesThePhoneOnceAndCreatesNothing) {
  int64_t phone = AddPhone("mobile", "+33612345678");
  VerifyStart started = Start(phone, methods::Proof::kCall);
  ASSERT_EQ(started.error, VerifyStartError::kNone);
  const std::string call = CallOf(started.id);
  auto sim = voice_->Get(call);
  ASSERT_TRUE(sim.ok());
  EXPECT_EQ(sim->number_e164, "+33612345678");
  EXPECT_NE(sim->prompt.find("se connecte"), std::string::npos) << sim->prompt;  // a sign-in
  EXPECT_FALSE(verifier_->Get(started.id, kBinding)->succeeded);

  ASSERT_TRUE(voice_->Answer(call).ok());
  ASSERT_TRUE(voice_->Press(call, '#').ok());
  auto view = verifier_->Get(started.id, kBinding);
  ASSERT_TRUE(view.ok());
  EXPECT_TRUE(view->succeeded);
  EXPECT_EQ(store_->methods().ListForUser(user_.id)->size(), 1u);  // nothing registered

  // Another browser's session cannot see or use it; this one uses it once.
  EXPECT_FALSE(verifier_->Get(started.id, "another-session").ok());
  EXPECT_FALSE(verifier_->Consume(started.id, "another-session").ok());
  auto used = verifier_->Consume(started.id, kBinding);
  ASSERT_TRUE(used.ok());
  EXPECT_EQ(used->proof, "call");
  EXPECT_EQ(verifier_->Consume(started.id, kBinding).status().code(),
            Status::Code::kFailedPrecondition);
}

TEST_F(VerificationTest, ChoicesPutTheDefaultFirstAndNeverOfferEmail) {
  int64_t office = AddPhone("office", "+33425555123");
  int64_t mobile = AddPhone("mobile", "+33612345678");
  store::Method mail;
  mail.user_id = user_.id;
  methods::email::Put({"ana@example.org"}, mail);
  ASSERT_TRUE(store_->methods().Create(mail).ok());
  ASSERT_TRUE(store_->users().SetDefaultMethod(user_.id, mobile, "").ok());
  user_ = *store_->users().Get(user_.id);
  auto choices = verifier_->Choices(user_, methods::Purpose::kMfa);
  ASSERT_TRUE(choices.ok());
  ASSERT_EQ(choices->size(), 2u);
  EXPECT_EQ((*choices)[0].method.id, mobile);
  EXPECT_EQ((*choices)[0].proofs,
            (std::vector<methods::Proof>{methods::Proof::kCall, methods::Proof::kSmsCode}));
  EXPECT_EQ((*choices)[1].method.id, office);
  // A text to an office phone is not offered, so it cannot be started either.
  EXPECT_EQ(Start(office, methods::Proof::kSmsCode).error, VerifyStartError::kProofNotOffered);

  // The person chose to be texted rather than called: the text comes first, the call stays.
  ASSERT_TRUE(store_->users().SetDefaultMethod(user_.id, mobile, "sms").ok());
  user_ = *store_->users().Get(user_.id);
  choices = verifier_->Choices(user_, methods::Purpose::kMfa);
  ASSERT_TRUE(choices.ok());
  EXPECT_EQ((*choices)[0].proofs,
            (std::vector<methods::Proof>{methods::Proof::kSmsCode, methods::Proof::kCall}));
  EXPECT_EQ((*choices)[1].proofs, (std::vector<methods::Proof>{methods::Proof::kCall}));
}

TEST_F(VerificationTest, ATextedCodeProvesTheMobile) {
  int64_t mobile = AddPhone("mobile", "+33612345678");
  VerifyStart started = Start(mobile, methods::Proof::kSmsCode);
  ASSERT_EQ(started.error, VerifyStartError::kNone);
  auto texts = store_->sim_messages().ListFor("sms", "+33612345678", 5);
  ASSERT_EQ(texts->size(), 1u);
  const std::string& body = texts->front().body;
  EXPECT_NE(body.find("code de connexion"), std::string::npos) << body;
  const std::string code = body.substr(0, 6);
  const std::string wrong = code == "000000" ? "111111" : "000000";
  EXPECT_EQ(verifier_->SubmitCode(started.id, kBinding, wrong).outcome,
            VerifyCodeOutcome::kRejected);
  EXPECT_EQ(verifier_->SubmitCode(started.id, kBinding, "12a").outcome,
            VerifyCodeOutcome::kMalformed);
  EXPECT_EQ(
      verifier_->SubmitCode(started.id, kBinding, code.substr(0, 3) + " " + code.substr(3)).outcome,
      VerifyCodeOutcome::kAccepted);
  EXPECT_TRUE(verifier_->Get(started.id, kBinding)->succeeded);
  EXPECT_EQ(store_->sign_in().GetFailures(user_.id)->failures, 0);  // a success clears them
  EXPECT_EQ(store_->methods().ListForUser(user_.id)->size(), 1u);
}

// 64 wrong app codes at once: every one is answered, and no more than the lockout's 10 are
// checked against the seed; the rest find verification locked.
TEST_F(VerificationTest, ParallelWrongCodesAreAllCountedAndNoMoreThanTheLimitChecked) {
  int64_t app = AddApp();
  std::vector<std::string> ids;
  for (int i = 0; i < 64; ++i) {
    VerifyStart s = Start(app, methods::Proof::kAppCode);
    ASSERT_EQ(s.error, VerifyStartError::kNone);
    ids.push_back(s.id);
  }
  std::atomic<int> rejected{0}, locked{0}, other{0};
  const std::string wrong = WrongCode();
  AllAtOnce(64, [&](int i) {
    auto r = verifier_->SubmitCode(ids[i], kBinding, wrong);
    if (r.outcome == VerifyCodeOutcome::kRejected) {
      rejected++;
    } else if (r.outcome == VerifyCodeOutcome::kLocked) {
      locked++;
    } else {
      other++;
    }
  });
  EXPECT_EQ(rejected.load(), 10);
  EXPECT_EQ(locked.load(), 54);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(store_->sign_in().GetFailures(user_.id)->failures, 10);
  // Locked: even the right code is refused, and nothing can be started.
  VerifyStart s = Start(app, methods::Proof::kAppCode);
  EXPECT_EQ(s.error, VerifyStartError::kLocked);
}

TEST_F(VerificationTest, TheLockoutEndsAfterFifteenMinutesAndASuccessResetsIt) {
  int64_t app = AddApp();

  for (int i = 0; i < 10; ++i) {
    VerifyStart s = Start(app, methods::Proof::kAppCode);
    ASSERT_EQ(s.error, VerifyStartError::kNone) << i;
    EXPECT_EQ(verifier_->SubmitCode(s.id, kBinding, WrongCode()).outcome,
              VerifyCodeOutcome::kRejected);
  }
  EXPECT_TRUE(verifier_->StandingOf(user_).locked);
  clock_.AdvanceMillis(15 * kMinute - 1);
  EXPECT_TRUE(verifier_->StandingOf(user_).locked);
  clock_.AdvanceMillis(1);
  EXPECT_FALSE(verifier_->StandingOf(user_).locked);
  VerifyStart s = Start(app, methods::Proof::kAppCode);
  ASSERT_EQ(s.error, VerifyStartError::kNone);
  EXPECT_EQ(verifier_->SubmitCode(s.id, kBinding, CodeNow()).outcome, VerifyCodeOutcome::kAccepted);
  EXPECT_EQ(store_->sign_in().GetFailures(user_.id)->failures, 0);
}

TEST_F(VerificationTest, AWrongKeyCountsTowardTheLockoutButNoAnswerDoesNot) {
  int64_t phone = AddPhone("office", "+33425555123");
  VerifyStart a = Start(phone, methods::Proof::kCall);
  ASSERT_EQ(a.error, VerifyStartError::kNone);
  voice_->Answer(CallOf(a.id));
  voice_->Press(CallOf(a.id), '5');
  EXPECT_TRUE(verifier_->Get(a.id, kBinding)->final);
  EXPECT_EQ(store_->sign_in().GetFailures(user_.id)->failures, 1);

  VerifyStart b = Start(phone, methods::Proof::kCall);
  clock_.AdvanceSeconds(31);  // nobody answers
  auto view = verifier_->Get(b.id, kBinding);
  EXPECT_TRUE(view->final);
  EXPECT_FALSE(view->succeeded);
  EXPECT_EQ(store_->sign_in().GetFailures(user_.id)->failures, 1);
}

TEST_F(VerificationTest, ConfirmedFraudBlocksAndTellsTheTenantsAddresses) {
  const auto [phone, verification, call] = CallWhereReportsBlock({"soc@contoso.example"});
  // The opening prompt offers "0#" but says nothing of 1: that comes once fraud is reported.
  EXPECT_NE(voice_->Get(call)->prompt.find("appuyez sur zéro"), std::string::npos);
  EXPECT_EQ(voice_->Get(call)->prompt.find("1"), std::string::npos) << voice_->Get(call)->prompt;
  voice_->Answer(call);
  voice_->Press(call, '0');
  EXPECT_EQ(voice_->Get(call)->said, "");
  voice_->Press(call, '#');
  EXPECT_EQ(phones_->Get(call, user_.id)->state, store::CallState::kConfirmingFraud);
  EXPECT_EQ(voice_->Get(call)->said,
            "Vous avez signalé une fraude. La demande a été refusée. Pour confirmer votre "
            "signalement et bloquer les demandes de vérification de votre identité jusqu'à ce que "
            "votre administrateur les examine, appuyez sur 1. Sinon, raccrochez.");
  EXPECT_FALSE(verifier_->StandingOf(user_).blocked);
  voice_->Press(call, '1');
  EXPECT_FALSE(verifier_->Get(verification, kBinding)->succeeded);

  Standing standing = verifier_->StandingOf(user_);
  EXPECT_TRUE(standing.blocked);
  EXPECT_EQ(Start(phone, methods::Proof::kCall).error, VerifyStartError::kBlocked);
  auto mails = MailTo("soc@contoso.example");
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_NE(mails[0].subject.find("fraude signalée par ana@contoso.example"), std::string::npos)
      << mails[0].subject;
  EXPECT_NE(mails[0].body.find("bloquée"), std::string::npos) << mails[0].body;
  // 90 days later the block is over.
  clock_.AdvanceSeconds(90LL * 24 * 3600);
  EXPECT_FALSE(verifier_->StandingOf(user_).blocked);
}

TEST_F(VerificationTest, AnUnconfirmedReportDeniesWithoutBlocking) {
  const auto [phone, verification, call] = CallWhereReportsBlock();
  voice_->Answer(call);
  voice_->Press(call, '0');
  voice_->Press(call, '#');
  clock_.AdvanceSeconds(21);  // no 1 pressed
  EXPECT_TRUE(verifier_->Get(verification, kBinding)->final);
  EXPECT_FALSE(verifier_->StandingOf(user_).blocked);
  EXPECT_EQ(FraudResponses(), std::vector<std::string>{"notified"});
}

TEST_F(VerificationTest, ZeroPoundThenHangingUpReportsFraudWithoutBlocking) {
  const auto [phone, verification, call] = CallWhereReportsBlock({"soc@contoso.example"});
  voice_->Answer(call);
  voice_->Press(call, '0');
  voice_->Press(call, '#');
  ASSERT_NE(voice_->Get(call)->said.find("appuyez sur 1"), std::string::npos);
  ASSERT_TRUE(voice_->HangUpPhone(call).ok());

  auto view = verifier_->Get(verification, kBinding);
  EXPECT_TRUE(view->final);
  EXPECT_FALSE(view->succeeded);
  EXPECT_EQ(phones_->Get(call, user_.id)->state, store::CallState::kFraudReported);
  EXPECT_FALSE(verifier_->StandingOf(user_).blocked);
  // The report is not lost with the hang-up: recorded, denied, and the tenant is told.
  EXPECT_EQ(FraudResponses(), std::vector<std::string>{"notified"});
  auto mails = MailTo("soc@contoso.example");
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_NE(mails[0].body.find("n'est pas bloquée"), std::string::npos) << mails[0].body;
}

TEST_F(VerificationTest, OneWithoutZeroPoundIsAWrongKeyAndReportsNothing) {
  const auto [phone, verification, call] = CallWhereReportsBlock();
  voice_->Answer(call);
  voice_->Press(call, '1');
  EXPECT_EQ(phones_->Get(call, user_.id)->state, store::CallState::kWrongKey);
  EXPECT_TRUE(verifier_->Get(verification, kBinding)->final);
  EXPECT_FALSE(verifier_->StandingOf(user_).blocked);
  EXPECT_EQ(voice_->Get(call)->said, "");
  EXPECT_TRUE(FraudResponses().empty());
  EXPECT_EQ(store_->sign_in().GetFailures(user_.id)->failures, 1);
}

// The simulated network without Say: a provider that speaks only its opening prompt.
class OpeningPromptOnlyVoice final : public channels::VoiceChannel {
 public:
  explicit OpeningPromptOnlyVoice(channels::VoiceChannel& network) : network_(network) {}
  std::string_view name() const override { return network_.name(); }
  void SetEventSink(channels::CallEventSink* sink) override { network_.SetEventSink(sink); }
  Status PlaceCall(const channels::CallRequest& r) override { return network_.PlaceCall(r); }
  Status HangUp(std::string_view reference) override { return network_.HangUp(reference); }

 private:
  channels::VoiceChannel& network_;
};

TEST_F(VerificationTest, WhereTheCallCannotSayMoreTheOpeningPromptAsksForOne) {
  store::SignInPolicy rules;
  rules.fraud_block = true;
  ASSERT_TRUE(store_->sign_in().SetPolicy(tenant_id_, rules).ok());
  OpeningPromptOnlyVoice voice(*voice_);
  PhoneRegistration phones(*watched_, voice, clock_, random_, PhoneRegistrationOptions{});
  phones.SetObserver(guard_.get());
  voice.SetEventSink(&phones);
  Verifier verifier(*watched_, phones, *codes_, *apps_, *push_, clock_, random_,
                    VerificationOptions{});
  int64_t phone = AddPhone("mobile", "+33612345678");
  VerifyStart started = verifier.Start(
      {user_, kBinding, ProofPurpose::kSignIn, phone, methods::Proof::kCall, "fr", "192.0.2.1"});
  ASSERT_EQ(started.error, VerifyStartError::kNone);
  const std::string call = verifier.Get(started.id, kBinding)->v.challenge_id;
  EXPECT_NE(voice_->Get(call)->prompt.find("appuyez sur 1"), std::string::npos)
      << voice_->Get(call)->prompt;
  voice_->Answer(call);
  voice_->Press(call, '0');
  voice_->Press(call, '#');
  EXPECT_EQ(phones.Get(call, user_.id)->state, store::CallState::kConfirmingFraud);
  EXPECT_EQ(voice_->Get(call)->said, "");
  voice_->Press(call, '1');
  EXPECT_TRUE(verifier.StandingOf(user_).blocked);
  voice.SetEventSink(phones_.get());
}

TEST_F(VerificationTest, AddingAMethodMailsTheAccountInItsLanguage) {
  user_.locale = "en";
  ASSERT_TRUE(store_->users().SetLocale(user_.id, "en").ok());
  AddApp();
  auto mails = MailTo("ana@contoso.example");
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].subject, "Contoso: A method was added to your security info");
  EXPECT_NE(mails[0].body.find("192.0.2.1"), std::string::npos) << mails[0].body;
  EXPECT_NE(mails[0].body.find("Authenticator app"), std::string::npos) << mails[0].body;
}

TEST_F(VerificationTest, StepUpIsFreshForTenMinutesAfterAProof) {
  ASSERT_TRUE(store_->users().SetDefaultMethod(user_.id, std::nullopt, "").ok());
  store::Session s;
  s.id_hash = Sessions::TokenHash("token");
  s.user_id = user_.id;
  s.tenant_id = tenant_id_;
  s.created_at = s.last_seen_at = clock_.NowMillis();
  s.expires_at = s.created_at + 30 * kMinute;
  ASSERT_TRUE(store_->sessions().Create(s).ok());
  Principal p{user_, "token", s};
  EXPECT_TRUE(sessions_->StepUpStale(p));
  ASSERT_TRUE(sessions_->RecordSecondFactor(p, "otp").ok());
  p = *sessions_->Authenticate("token");
  EXPECT_EQ(p.session.amr, "pwd otp");
  EXPECT_EQ(p.session.second_step, "proof");
  clock_.AdvanceMillis(10 * kMinute);
  EXPECT_FALSE(sessions_->StepUpStale(p));
  clock_.AdvanceMillis(1);
  EXPECT_TRUE(sessions_->StepUpStale(p));
}

TEST_F(VerificationTest, ARememberedBrowserMeetsTheSecondStepUntilItExpires) {
  ASSERT_TRUE(store_->users().SetDefaultMethod(user_.id, std::nullopt, "").ok());
  auto hash = crypto::HashPassword("correct horse");
  ASSERT_TRUE(store_->users().SetPasswordHash(user_.id, *hash).ok());
  auto token = sessions_->RememberBrowser(user_, 14, "192.0.2.1", "Firefox");
  ASSERT_TRUE(token.ok());
  SignInResult r =
      sessions_->SignIn("ana@contoso.example", "correct horse", "192.0.2.1", "Firefox", *token);
  ASSERT_EQ(r.outcome, SignInOutcome::kSignedIn);
  EXPECT_TRUE(r.remembered);
  EXPECT_EQ(sessions_->Authenticate(r.session_token)->session.second_step, "remembered");
  // Someone else's cookie does nothing for this account.
  r = sessions_->SignIn("ana@contoso.example", "correct horse", "192.0.2.1", "Firefox", "forged");
  EXPECT_FALSE(r.remembered);
  clock_.AdvanceSeconds(14 * 24 * 3600);
  r = sessions_->SignIn("ana@contoso.example", "correct horse", "192.0.2.1", "Firefox", *token);
  EXPECT_FALSE(r.remembered);
}

// 64 wrong passwords at once for one account: all answered, at most the limit (5) checked against
// the Argon2id hash, the rest throttled.
TEST_F(VerificationTest, ParallelWrongPasswordsAreCheckedNoMoreThanTheLimit) {
  auto hash = crypto::HashPassword("correct horse");
  ASSERT_TRUE(store_->users().SetPasswordHash(user_.id, *hash).ok());
  std::atomic<int> invalid{0}, throttled{0};
  AllAtOnce(64, [&](int i) {
    auto r = sessions_->SignIn("ana@contoso.example", "guess" + std::to_string(i),
                               "198.51.100." + std::to_string(i % 4));
    (r.outcome == SignInOutcome::kThrottled ? throttled : invalid)++;
  });
  // The limit is per account from each client network: 5 from each of the 4.
  EXPECT_EQ(invalid.load(), 4 * 5);
  EXPECT_EQ(throttled.load(), 64 - 4 * 5);
  // A right password while throttled gets the throttled answer, revealing nothing.
  EXPECT_EQ(sessions_->SignIn("ana@contoso.example", "correct horse", "198.51.100.0").outcome,
            SignInOutcome::kThrottled);
  // From elsewhere, the guesses do not keep the person out.
  EXPECT_EQ(sessions_->SignIn("ana@contoso.example", "correct horse", "203.0.113.9").outcome,
            SignInOutcome::kSignedIn);
}

TEST_F(VerificationTest, TheInterruptAsksForAMethodThenAFirstRegistrationMeetsTheStep) {
  store::SignInPolicy rules;
  rules.mfa = "all";
  rules.max_skips = 1;
  ASSERT_TRUE(store_->sign_in().SetPolicy(tenant_id_, rules).ok());
  SecondStep second(*watched_, *sessions_, *verifier_, clock_);
  auto hash = crypto::HashPassword("correct horse");
  ASSERT_TRUE(store_->users().SetPasswordHash(user_.id, *hash).ok());
  SignInResult r = sessions_->SignIn("ana@contoso.example", "correct horse", "192.0.2.1");
  auto p = sessions_->Authenticate(r.session_token);
  auto state = second.Evaluate(*p);
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->need, SecondStepNeed::kRegister);
  EXPECT_EQ(state->skips_left, 1);

  clock_.AdvanceSeconds(5);
  AddApp();
  p = sessions_->Authenticate(r.session_token);
  state = second.Evaluate(*p);
  EXPECT_EQ(state->need, SecondStepNeed::kNone);
  EXPECT_FALSE(second.NeedsStepUp(*p, *state));
  EXPECT_EQ(sessions_->Authenticate(r.session_token)->session.second_step, "registered");

  // The next sign-in must verify.
  SignInResult again = sessions_->SignIn("ana@contoso.example", "correct horse", "192.0.2.1");
  state = second.Evaluate(*sessions_->Authenticate(again.session_token));
  EXPECT_EQ(state->need, SecondStepNeed::kVerify);
}

TEST_F(VerificationTest, SkipsStopAtTheTenantsNumber) {
  store::SignInPolicy rules;
  rules.mfa = "all";
  rules.max_skips = 1;
  ASSERT_TRUE(store_->sign_in().SetPolicy(tenant_id_, rules).ok());
  SecondStep second(*watched_, *sessions_, *verifier_, clock_);
  auto hash = crypto::HashPassword("correct horse");
  ASSERT_TRUE(store_->users().SetPasswordHash(user_.id, *hash).ok());
  SignInResult r = sessions_->SignIn("ana@contoso.example", "correct horse", "192.0.2.1");
  EXPECT_TRUE(*second.Skip(*sessions_->Authenticate(r.session_token)));
  EXPECT_EQ(second.Evaluate(*sessions_->Authenticate(r.session_token))->need,
            SecondStepNeed::kNone);
  r = sessions_->SignIn("ana@contoso.example", "correct horse", "192.0.2.1");
  auto p = sessions_->Authenticate(r.session_token);
  EXPECT_EQ(second.Evaluate(*p)->skips_left, 0);
  EXPECT_FALSE(*second.Skip(*p));
  EXPECT_EQ(second.Evaluate(*p)->need, SecondStepNeed::kRegister);
}

// The second step with an app code is one transaction: once it answered, the session is raised,
// the code's time step is spent (a replay is refused and counted) and the audit says so.
TEST_F(VerificationTest, AnAppCodeStepRaisesTheSessionAndItsCodeCannotServeAgain) {
  int64_t app = AddApp();
  const std::string code = CodeNow();
  Principal first = NewSession("first-browser");
  CodeStep step = ProveWithAppCode(first, app, code);
  ASSERT_TRUE(step.status.ok()) << step.status.ToString();
  EXPECT_EQ(step.start, VerifyStartError::kNone);
  EXPECT_EQ(step.result.outcome, VerifyCodeOutcome::kAccepted);
  auto raised = sessions_->Authenticate("first-browser");
  ASSERT_TRUE(raised.ok());
  EXPECT_EQ(raised->session.amr, "pwd otp");
  EXPECT_EQ(raised->session.second_step, "proof");
  EXPECT_EQ(raised->session.second_factor_at, clock_.NowMillis());
  EXPECT_EQ(AuditCount("verify", "success"), 1);
  EXPECT_EQ(AuditCount("verify_start", "sent"), 0);
  EXPECT_EQ(store_->sign_in().GetFailures(user_.id)->failures, 0);
  // Proven and used at once: no verification is left that could serve another session.
  EXPECT_EQ(step.id, "");

  // The same code from another browser, within its 30 seconds: refused, counted, not raised.
  Principal second = NewSession("second-browser");
  step = ProveWithAppCode(second, app, code);
  ASSERT_TRUE(step.status.ok()) << step.status.ToString();
  EXPECT_EQ(step.result.outcome, VerifyCodeOutcome::kReplayed);
  EXPECT_EQ(store_->sign_in().GetFailures(user_.id)->failures, 1);
  EXPECT_EQ(sessions_->Authenticate("second-browser")->session.second_step, "");
  EXPECT_EQ(AuditCount("verify", "failure"), 1);

  // A wrong code is counted too, and its answer says so.
  step = ProveWithAppCode(second, app, WrongCode());
  ASSERT_TRUE(step.status.ok());
  EXPECT_EQ(step.result.outcome, VerifyCodeOutcome::kRejected);
  EXPECT_EQ(store_->sign_in().GetFailures(user_.id)->failures, 2);
}

// A wrong app code leaves its verification pending, audited as started then failed, and the
// verification's own page then takes the next code and raises the session.
TEST_F(VerificationTest, AWrongAppCodeLeavesAVerificationWhosePageTakesTheNextCode) {
  int64_t app = AddApp();
  Principal p = NewSession("browser");
  CodeStep step = ProveWithAppCode(p, app, WrongCode());
  ASSERT_TRUE(step.status.ok()) << step.status.ToString();
  EXPECT_EQ(step.start, VerifyStartError::kNone);
  EXPECT_EQ(step.result.outcome, VerifyCodeOutcome::kRejected);
  ASSERT_NE(step.id, "");
  EXPECT_EQ(store_->sign_in().GetFailures(user_.id)->failures, 1);
  EXPECT_EQ(sessions_->Authenticate("browser")->session.second_step, "");
  Result<std::vector<store::AuditEntry>> entries = store_->audit().ListForTenant(tenant_id_, 10);
  ASSERT_TRUE(entries.ok());
  std::vector<std::string> lines;
  for (const store::AuditEntry& e : *entries) {
    if (e.action.rfind("verify", 0) == 0) lines.push_back(e.action + " " + e.result);
  }
  // Newest first: started, then refused.
  EXPECT_EQ(lines, (std::vector<std::string>{"verify failure", "verify_start sent"}));
  auto pending = verifier_->Get(step.id, Sessions::TokenHash("browser"));
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(pending->v.state, store::VerificationState::kPending);
  EXPECT_FALSE(verifier_->Get(step.id, Sessions::TokenHash("another-browser")).ok());

  SecondStep second(*watched_, *sessions_, *verifier_, clock_);
  CodeStep next = second.SubmitCode(p, step.id, CodeNow());
  ASSERT_TRUE(next.status.ok()) << next.status.ToString();
  EXPECT_EQ(next.result.outcome, VerifyCodeOutcome::kAccepted);
  EXPECT_EQ(sessions_->Authenticate("browser")->session.amr, "pwd otp");
  EXPECT_EQ(store_->sign_in().GetFailures(user_.id)->failures, 0);
}

// A step whose session cannot be raised (signed out from another browser meanwhile) keeps nothing:
// no answer about the code, the code's step is not spent, no check is left counted, no success
// audited. The same code then serves the person's live session.
TEST_F(VerificationTest, AnAppCodeStepThatCannotRaiseItsSessionKeepsNothing) {
  int64_t app = AddApp();
  const std::string code = CodeNow();
  Principal gone = NewSession("signed-out-browser");
  ASSERT_TRUE(sessions_->SignOut("signed-out-browser").ok());
  CodeStep step = ProveWithAppCode(gone, app, code);
  EXPECT_FALSE(step.status.ok());
  EXPECT_EQ(AuditCount("verify", "success"), 0);
  EXPECT_EQ(AuditCount("verify_start", "sent"), 0);
  EXPECT_EQ(store_->sign_in().GetFailures(user_.id)->failures, 0);

  Principal live = NewSession("live-browser");
  step = ProveWithAppCode(live, app, code);
  ASSERT_TRUE(step.status.ok()) << step.status.ToString();
  EXPECT_EQ(step.result.outcome, VerifyCodeOutcome::kAccepted);
  EXPECT_EQ(sessions_->Authenticate("live-browser")->session.amr, "pwd otp");
}

// 32 browsers of the same person post the same right code at once: one is raised; every other is
// refused, as a replay (counted) or, once ten replays locked verification, as locked.
TEST_F(VerificationTest, ParallelStepsWithOneCodeRaiseOneSession) {
  int64_t app = AddApp();
  const std::string code = CodeNow();
  constexpr int kBrowsers = 32;
  std::vector<Principal> browsers;
  for (int i = 0; i < kBrowsers; ++i)
    browsers.push_back(NewSession("browser-" + std::to_string(i)));
  std::atomic<int> accepted{0}, replayed{0}, locked{0}, other{0};
  AllAtOnce(kBrowsers, [&](int i) {
    CodeStep step = ProveWithAppCode(browsers[i], app, code);
    if (!step.status.ok()) {
      other++;
    } else if (step.start == VerifyStartError::kLocked ||
               step.result.outcome == VerifyCodeOutcome::kLocked) {
      locked++;
    } else if (step.result.outcome == VerifyCodeOutcome::kAccepted) {
      accepted++;
    } else if (step.result.outcome == VerifyCodeOutcome::kReplayed) {
      replayed++;
    } else {
      other++;
    }
  });
  EXPECT_EQ(accepted.load(), 1);
  EXPECT_GE(replayed.load(), 1);
  EXPECT_EQ(replayed.load() + locked.load(), kBrowsers - 1);
  EXPECT_EQ(other.load(), 0);
  // Every replay was counted: the failures since the success are the replays after it.
  EXPECT_LE(store_->sign_in().GetFailures(user_.id)->failures, replayed.load());
  int raised = 0;
  for (int i = 0; i < kBrowsers; ++i) {
    raised += sessions_->Authenticate("browser-" + std::to_string(i))->session.amr == "pwd otp";
  }
  EXPECT_EQ(raised, 1);
}

}  // namespace
}  // namespace secinfo::flows
