#include "flows/password_reset/password_reset.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "channels/email/simulated/simulated_email.h"
#include "channels/sms/simulated/simulated_sms.h"
#include "channels/voice/simulated/simulated_voice.h"
#include "crypto/base32.h"
#include "crypto/ecdsa.h"
#include "crypto/otp.h"
#include "flows/test_store.h"
#include "methods/email/email_data.h"
#include "methods/phone/phone_data.h"
#include "methods/questions/answers.h"
#include "methods/questions/questions_data.h"
#include "policy/policy.h"

namespace secinfo::flows {
namespace {

constexpr int64_t kMinute = 60'000;
constexpr char kPassword[] = "correct horse battery staple";
constexpr char kNewPassword[] = "un voilier bleu sur le Rhône";

// Self-service password reset over a real SQLite store, the simulated network and a fake clock.
class PasswordResetTest : public testing::Test {
 protected:
  void SetUp() override {
    store_ = testing_support::OpenTestStore("password_reset");
    user_ = testing_support::AddContosoAndAna(*store_);
    ASSERT_TRUE(
        store_->users().SetPassword(user_.id, *LocalCredentials::Hash(kPassword), false).ok());
    ASSERT_TRUE(policy::SetAllowedMethods(store_->tenants(), user_.tenant_id,
                                          {"phone", "authenticator", "email", "questions"})
                    .ok());
    email_ = std::make_unique<channels::SimulatedEmail>(store_->sim_messages(), clock_);
    sms_ = std::make_unique<channels::SimulatedSms>(store_->sim_messages(), clock_);
    notifier_ = std::make_unique<Notifier>(*store_, *email_, clock_);
    voice_ = std::make_unique<channels::SimulatedVoice>(store_->sim_calls(), clock_);
    notifier_->SetSms(sms_.get());
    phones_ = std::make_unique<PhoneRegistration>(*store_, *voice_, clock_, random_,
                                                  PhoneRegistrationOptions{});
    voice_->SetEventSink(phones_.get());
    // The reset's own mail limit is under test, not the per-address hourly one (config).
    CodeOptions code_options;
    code_options.max_sends_per_hour = 100;
    codes_ = std::make_unique<CodeRegistration>(*store_, *sms_, *email_, clock_, random_,
                                                scheduler_, std::string(32, 'c'), code_options);
    apps_ = std::make_unique<AppRegistration>(
        *store_, clock_, random_, crypto::SecretBox(std::string(32, 'k')), AppOptions{});
    push_ = std::make_unique<PushApproval>(*store_, clock_, random_,
                                           crypto::SecretBox(std::string(32, 'k')), PushOptions{});
    verifier_ = std::make_unique<Verifier>(*store_, *phones_, *codes_, *apps_, *push_, clock_,
                                           random_, VerificationOptions{});
    credentials_ = std::make_unique<LocalCredentials>(store_->users());
    sessions_ = std::make_unique<Sessions>(*store_, clock_, random_, SignInOptions{});
    passwords_ =
        std::make_unique<Passwords>(*store_, *credentials_, *sessions_, notifier_.get(), clock_);
    ResetOptions options;
    options.decoy_key = std::string(32, 'd');
    resets_ = std::make_unique<PasswordResets>(*store_, *verifier_, *passwords_, notifier_.get(),
                                               clock_, random_, options);
  }

  void RequireMethods(int64_t n) {
    store::ResetPolicy p;
    p.methods_required = n;
    ASSERT_TRUE(store_->password_resets().SetPolicy(user_.tenant_id, p).ok());
  }
  int64_t AddMethod(store::Method m) {
    m.user_id = user_.id;
    m.created_at = clock_.NowMillis();
    return *store_->methods().Create(m);
  }
  int64_t AddMobile() {
    store::Method m;
    methods::phone::Put({"mobile", "+33612345678"}, m);
    return AddMethod(m);
  }
  int64_t AddEmail() {
    store::Method m;
    methods::email::Put({"ana.lima@example.org"}, m);
    return AddMethod(m);
  }
  void AddApp() {
    std::string id;
    ASSERT_EQ(apps_->Begin(user_, "Pixel", "192.0.2.1", &id), AppError::kNone);
    std::string uri = apps_->View(id, user_, "Contoso")->key_uri;
    size_t s = uri.find("secret=") + 7;
    seed_ = *crypto::Base32Decode(uri.substr(s, uri.find('&', s) - s));
    ASSERT_EQ(apps_->Finish(id, user_, AppCode(), "192.0.2.1"), AppCodeOutcome::kAccepted);
    clock_.AdvanceSeconds(30);
  }
  std::string AppCode() { return crypto::Totp(seed_, clock_.NowSeconds()); }
  // Five answers registered: "answer 0" ... "answer 4" to predefined questions 01-05.
  void AddQuestions() {
    ASSERT_TRUE(store_->questions().SetSettings(user_.tenant_id, {5, 3}).ok());
    std::vector<store::QuestionAnswer> answers;
    for (int i = 0; i < 5; ++i) {
      answers.push_back({"question_predefined_0" + std::to_string(i + 1),
                         *methods::questions::HashAnswer("answer " + std::to_string(i))});
    }
    store::Method m{.user_id = user_.id, .created_at = clock_.NowMillis()};
    methods::questions::Put({}, m);
    ASSERT_TRUE(store_->questions().SaveAnswers(m, answers).ok());
  }
  std::string LatestMailCode() {
    auto mail = store_->sim_messages().ListFor("email", "ana.lima@example.org", 1);
    std::smatch m;
    std::regex six(R"((\d{6}))");
    EXPECT_TRUE(std::regex_search(mail->front().body, m, six));
    return m[1];
  }
  std::vector<std::string> OfferNames(const std::string& token) {
    std::vector<std::string> names;
    auto view = resets_->Get(token, "en");
    for (const auto* o : view->offers) names.emplace_back(o->name);
    return names;
  }
  std::string Start(const std::string& name = "ana@contoso.example") {
    ResetResult r = resets_->Start(name, "192.0.2.7");
    EXPECT_EQ(r.outcome, ResetOutcome::kOk);
    return r.token;
  }

  FakeClock clock_{1'700'000'015'000};
  FakeScheduler scheduler_{clock_};
  SystemRandom random_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<channels::SimulatedEmail> email_;
  std::unique_ptr<channels::SimulatedSms> sms_;
  // After the channels: its mail thread sends through them until it is destroyed.
  std::unique_ptr<Notifier> notifier_;
  std::unique_ptr<channels::SimulatedVoice> voice_;
  std::unique_ptr<PhoneRegistration> phones_;
  std::unique_ptr<CodeRegistration> codes_;
  std::unique_ptr<AppRegistration> apps_;
  std::unique_ptr<PushApproval> push_;
  std::unique_ptr<Verifier> verifier_;
  std::unique_ptr<LocalCredentials> credentials_;
  std::unique_ptr<Sessions> sessions_;
  std::unique_ptr<Passwords> passwords_;
  std::unique_ptr<PasswordResets> resets_;
  store::User user_;
  std::string seed_;
};

TEST_F(PasswordResetTest, TwoStepsWithEmailThenAppSetThePasswordAndEndEverySession) {
  RequireMethods(2);
  AddEmail();
  AddApp();
  SignInResult signed_in = sessions_->SignIn("ana@contoso.example", kPassword, "192.0.2.9");
  ASSERT_EQ(signed_in.outcome, SignInOutcome::kSignedIn);

  const std::string token = Start();
  ASSERT_EQ(resets_->Choose(token, "email", "fr").outcome, ResetOutcome::kOk);
  EXPECT_EQ(resets_->Get(token, "fr")->stage, ResetStage::kCode);
  ASSERT_EQ(resets_->SubmitCode(token, LatestMailCode()).outcome, ResetOutcome::kOk);
  EXPECT_EQ(resets_->Get(token, "fr")->step, 2);
  // The email proved step 1: it is not offered for step 2, and cannot be chosen there.
  std::vector<std::string> second = OfferNames(token);
  EXPECT_EQ(std::count(second.begin(), second.end(), "email"), 0);
  EXPECT_EQ(std::count(second.begin(), second.end(), "app_code"), 1);
  EXPECT_EQ(resets_->Choose(token, "email", "fr").outcome, ResetOutcome::kMalformed);

  ASSERT_EQ(resets_->Choose(token, "app_code", "fr").outcome, ResetOutcome::kOk);
  ASSERT_EQ(resets_->SubmitCode(token, AppCode()).outcome, ResetOutcome::kOk);
  EXPECT_EQ(resets_->Get(token, "fr")->stage, ResetStage::kNewPassword);
  ASSERT_EQ(resets_->Finish(token, kNewPassword, kNewPassword).outcome, ResetOutcome::kOk);

  auto stored = store_->users().Get(user_.id);
  EXPECT_TRUE(credentials_->Verify(&*stored, kNewPassword));
  EXPECT_FALSE(credentials_->Verify(&*stored, kPassword));
  EXPECT_FALSE(sessions_->Authenticate(signed_in.session_token).ok());
  // The reset is over: its token does nothing more.
  EXPECT_EQ(resets_->Finish(token, "another long passphrase", "another long passphrase").outcome,
            ResetOutcome::kExpired);
  notifier_->Drain();
  auto mail = store_->sim_messages().ListFor("email", "ana@contoso.example", 5);
  ASSERT_FALSE(mail->empty());
  EXPECT_NE(mail->front().subject.find("réinitialisé"), std::string::npos);
  EXPECT_NE(mail->front().body.find("192.0.2.7"), std::string::npos);
}

TEST_F(PasswordResetTest, ResetStateExpiresAfterFifteenMinutes) {
  AddApp();
  const std::string token = Start();
  clock_.AdvanceMillis(15 * kMinute - 1);
  EXPECT_TRUE(resets_->Get(token, "en").ok());
  clock_.AdvanceMillis(1);
  EXPECT_FALSE(resets_->Get(token, "en").ok());
  EXPECT_EQ(resets_->Choose(token, "app_code", "en").outcome, ResetOutcome::kExpired);
}

TEST_F(PasswordResetTest, AnEmailCodeIsValidFiveMinutes) {
  AddEmail();
  const std::string token = Start();
  ASSERT_EQ(resets_->Choose(token, "email", "en").outcome, ResetOutcome::kOk);
  const std::string code = LatestMailCode();
  clock_.AdvanceMillis(5 * kMinute);
  EXPECT_EQ(resets_->SubmitCode(token, code).outcome, ResetOutcome::kWrong);
  // A new code is needed: back to the choice of ways.
  EXPECT_EQ(resets_->Get(token, "en")->stage, ResetStage::kChoose);
}

TEST_F(PasswordResetTest, AnUnknownNameSeesTheSameWaysAndNeverSucceeds) {
  AddMobile();
  const std::string real = Start();
  const std::string decoy = Start("nobody@contoso.example");
  EXPECT_EQ(OfferNames(real), OfferNames(decoy));
  ASSERT_EQ(resets_->Choose(decoy, "call_mobile", "en").outcome, ResetOutcome::kOk);
  EXPECT_EQ(resets_->SubmitNumber(decoy, "+33612345678", "en").outcome,
            ResetOutcome::kNumberDiffers);
  ASSERT_EQ(resets_->Choose(decoy, "nonsense", "en").outcome, ResetOutcome::kMalformed);
  auto audit = store_->audit().ListForTenant(user_.tenant_id, 50);
  bool decoy_logged = false;
  for (const auto& e : *audit) {
    decoy_logged = decoy_logged ||
                   (e.action == "reset_start" && e.result == "decoy" && e.detail == "unknown user");
  }
  EXPECT_TRUE(decoy_logged);
}

// Binds a device to the person's app, as the companion does, so that pushes reach it; returns the
// app's method id (0 when that failed).
int64_t BindDevice(PushApproval& push, store::Store& store, const store::User& user) {
  int64_t app = 0;
  auto listed = store.methods().ListForUser(user.id);
  if (!listed.ok()) return 0;
  for (const store::Method& m : *listed) {
    if (methods::IsKind(m, methods::MethodKind::kAuthenticator)) app = m.id;
  }
  auto token = push.CreateEnrolLink(user, app);
  auto keys = crypto::GenerateEcdsaP256KeyPair();
  if (!token.ok() || !keys.ok()) return 0;
  return push.BindDevice(*token, keys->public_key_b64, "192.0.2.9").ok() ? app : 0;
}

TEST_F(PasswordResetTest, ADecoyPushEndsWhenARealUnansweredOneDoes) {
  RequireMethods(2);
  AddMobile();
  AddApp();
  const int64_t app = BindDevice(*push_, *store_, user_);
  ASSERT_NE(app, 0) << "a device is bound to the app";
  const std::string real = Start();
  const std::string decoy = Start("nobody@contoso.example");
  ASSERT_EQ(resets_->Choose(real, "push", "en").outcome, ResetOutcome::kOk);
  ASSERT_EQ(resets_->Choose(decoy, "push", "en").outcome, ResetOutcome::kOk);
  auto pending = push_->ListPending(app);
  ASSERT_EQ(pending->size(), 1u) << "the real request reached the device";

  // Both wait, with a two-digit number to type, until the real request's minute is over; then
  // both end in the same state at the same moment.
  ASSERT_EQ(pending->front().created_at, clock_.NowMillis());
  for (const int64_t at : {0, 30'000, 59'999}) {
    clock_.AdvanceMillis(pending->front().created_at + at - clock_.NowMillis());
    for (const std::string& token : {real, decoy}) {
      auto view = resets_->Get(token, "en");
      ASSERT_TRUE(view.ok());
      EXPECT_EQ(view->stage, ResetStage::kPush);
      EXPECT_GE(view->push_number, 10);
      EXPECT_LE(view->push_number, 99);
      EXPECT_FALSE(view->failed) << (token == real ? "real" : "decoy") << " at +" << at << " ms";
    }
  }
  clock_.AdvanceMillis(1);
  for (const std::string& token : {real, decoy}) {
    auto view = resets_->Get(token, "en");
    ASSERT_TRUE(view.ok());
    EXPECT_EQ(view->stage, ResetStage::kPush);
    EXPECT_TRUE(view->failed) << (token == real ? "real" : "decoy") << " ends after its minute";
  }
  // Either may choose again, and a decoy's new push waits its own minute.
  ASSERT_EQ(resets_->ChooseAgain(decoy).outcome, ResetOutcome::kOk);
  ASSERT_EQ(resets_->Choose(decoy, "push", "en").outcome, ResetOutcome::kOk);
  EXPECT_FALSE(resets_->Get(decoy, "en")->failed);
  clock_.AdvanceMillis(59'999);
  EXPECT_FALSE(resets_->Get(decoy, "en")->failed);
  clock_.AdvanceMillis(1);
  EXPECT_TRUE(resets_->Get(decoy, "en")->failed);
}

TEST_F(PasswordResetTest, TooFewMethodsIsADecoyToo) {
  RequireMethods(2);
  AddMobile();  // one method where two are required
  const std::string token = Start();
  ASSERT_EQ(resets_->Choose(token, "text_mobile", "en").outcome, ResetOutcome::kOk);
  EXPECT_EQ(resets_->SubmitNumber(token, "+33612345678", "en").outcome,
            ResetOutcome::kNumberDiffers);
  EXPECT_TRUE(store_->sim_messages().ListFor("sms", "+33612345678", 5)->empty());
}

TEST_F(PasswordResetTest, PhoneChecksLockThePathAtExactlyTheLimit) {
  AddMobile();
  const std::string token = Start();
  ASSERT_EQ(resets_->Choose(token, "call_mobile", "en").outcome, ResetOutcome::kOk);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(resets_->SubmitNumber(token, "+33699999999", "en").outcome,
              ResetOutcome::kNumberDiffers)
        << "check " << i + 1;
  }
  EXPECT_EQ(resets_->SubmitNumber(token, "+33612345678", "en").outcome, ResetOutcome::kPathLocked);
  EXPECT_TRUE(resets_->PathLocked("ana@contoso.example", "phone"));
  // Still locked once the hour has passed: the lock lasts 24 hours.
  clock_.AdvanceMillis(2 * 60 * kMinute);
  EXPECT_TRUE(resets_->PathLocked("ana@contoso.example", "phone"));
  clock_.AdvanceMillis(22 * 60 * kMinute);
  EXPECT_FALSE(resets_->PathLocked("ana@contoso.example", "phone"));
}

TEST_F(PasswordResetTest, FiveResetsADayPerNameKnownOrNot) {
  for (const char* name : {"ana@contoso.example", "nobody@contoso.example"}) {
    for (int i = 0; i < 5; ++i)
      EXPECT_EQ(resets_->Start(name, "192.0.2.7").outcome, ResetOutcome::kOk);
    EXPECT_EQ(resets_->Start(name, "192.0.2.8").outcome, ResetOutcome::kThrottled) << name;
  }
}

TEST_F(PasswordResetTest, StartsPerAddressAreLimited) {
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(resets_->Start("n" + std::to_string(i) + "@contoso.example", "192.0.2.50").outcome,
              ResetOutcome::kOk);
  }
  EXPECT_EQ(resets_->Start("n20@contoso.example", "192.0.2.50").outcome, ResetOutcome::kThrottled);
  EXPECT_EQ(resets_->Start("n20@contoso.example", "192.0.2.51").outcome, ResetOutcome::kOk);
}

TEST_F(PasswordResetTest, EmailsLockTheirPathAfterTenInTenMinutes) {
  AddEmail();
  const std::string token = Start();
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(resets_->Choose(token, "email", "en").outcome, ResetOutcome::kOk) << i;
    ASSERT_EQ(resets_->ChooseAgain(token).outcome, ResetOutcome::kOk);
    clock_.AdvanceSeconds(31);  // each code may be resent after the cooldown
  }
  EXPECT_EQ(resets_->Choose(token, "email", "en").outcome, ResetOutcome::kPathLocked);
  EXPECT_TRUE(resets_->PathLocked("ana@contoso.example", "email"));
}

TEST_F(PasswordResetTest, WrongAnswersFailTheStepAndDrawAgain) {
  AddQuestions();
  const std::string token = Start();
  ASSERT_EQ(resets_->Choose(token, "questions", "en").outcome, ResetOutcome::kOk);
  std::set<std::vector<std::string>> draws;
  for (int i = 0; i < 4; ++i) {
    auto view = resets_->Get(token, "en");
    std::vector<std::string> asked = view->questions;
    ASSERT_EQ(asked.size(), 3u);
    draws.insert(asked);
    // Two right answers and one wrong: the step fails without saying which.
    std::vector<std::string> typed;
    for (size_t q = 0; q < asked.size(); ++q) {
      const int n = asked[q].back() - '1';
      typed.push_back(q == 2 ? "wrong" : "answer " + std::to_string(n));
    }
    EXPECT_EQ(resets_->SubmitAnswers(token, typed, "en").outcome, ResetOutcome::kWrong);
  }
  EXPECT_GT(draws.size(), 1u) << "each try draws its questions again";
  auto view = resets_->Get(token, "en");
  std::vector<std::string> asked = view->questions;
  std::vector<std::string> right;
  for (const std::string& id : asked) right.push_back("ANSWER " + std::to_string(id.back() - '1'));
  EXPECT_EQ(resets_->SubmitAnswers(token, right, "en").outcome, ResetOutcome::kOk);
  EXPECT_EQ(resets_->Get(token, "en")->stage, ResetStage::kNewPassword);
}

TEST_F(PasswordResetTest, ASuccessfulResetClearsEveryCounter) {
  AddMobile();
  AddApp();
  const std::string token = Start();
  ASSERT_EQ(resets_->Choose(token, "text_mobile", "en").outcome, ResetOutcome::kOk);
  for (int i = 0; i < 6; ++i) resets_->SubmitNumber(token, "+33699999999", "en");
  ASSERT_TRUE(resets_->PathLocked("ana@contoso.example", "phone"));
  for (int i = 0; i < 3; ++i) Start();
  ASSERT_EQ(resets_->ChooseAgain(token).outcome, ResetOutcome::kOk);
  ASSERT_EQ(resets_->Choose(token, "app_code", "en").outcome, ResetOutcome::kOk);
  ASSERT_EQ(resets_->SubmitCode(token, AppCode()).outcome, ResetOutcome::kOk);
  ASSERT_EQ(resets_->Finish(token, kNewPassword, kNewPassword).outcome, ResetOutcome::kOk);
  EXPECT_FALSE(resets_->PathLocked("ana@contoso.example", "phone"));
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(resets_->Start("ana@contoso.example", "192.0.2.7").outcome, ResetOutcome::kOk);
}

TEST_F(PasswordResetTest, AdministratorsNeedTwoMethodsAndNeverQuestions) {
  store::User admin;
  admin.tenant_id = user_.tenant_id;
  admin.username = "admin@contoso.example";
  admin.password_hash = "$argon2id$unused";
  admin.is_admin = true;
  admin.id = *store_->users().Create(admin);
  ASSERT_TRUE(store_->questions().SetSettings(user_.tenant_id, {3, 3}).ok());
  std::vector<store::QuestionAnswer> answers;
  for (int i = 1; i <= 3; ++i) {
    answers.push_back(
        {"question_predefined_0" + std::to_string(i), *methods::questions::HashAnswer("x y z")});
  }
  store::Method questions{.user_id = admin.id, .created_at = clock_.NowMillis()};
  methods::questions::Put({}, questions);
  ASSERT_TRUE(store_->questions().SaveAnswers(questions, answers).ok());
  store::Method email;
  email.user_id = admin.id;
  methods::email::Put({"admin.home@example.org"}, email);
  ASSERT_TRUE(store_->methods().Create(email).ok());
  // Email and questions are two methods, but questions do not count for an administrator.
  const std::string token = Start("admin@contoso.example");
  EXPECT_EQ(resets_->Get(token, "en")->steps, 2);
  ASSERT_EQ(resets_->Choose(token, "email", "en").outcome, ResetOutcome::kOk);
  EXPECT_TRUE(store_->sim_messages().ListFor("email", "admin.home@example.org", 5)->empty())
      << "a decoy sends nothing";
}

TEST_F(PasswordResetTest, SignInAsksForResetMethodsAndAReviewOnlyWhenTheTenantRequiresIt) {
  AddEmail();
  store::ResetPolicy p;
  p.methods_required = 2;
  p.reconfirm_days = 30;
  ASSERT_TRUE(store_->password_resets().SetPolicy(user_.tenant_id, p).ok());
  clock_.AdvanceMillis(31 * 24 * 60 * kMinute);
  EXPECT_EQ(resets_->MissingMethods(user_), 0) << "registration not required";
  EXPECT_FALSE(resets_->ReviewDue(user_));

  p.require_registration = true;
  ASSERT_TRUE(store_->password_resets().SetPolicy(user_.tenant_id, p).ok());
  EXPECT_EQ(resets_->MissingMethods(user_), 1);
  AddApp();
  EXPECT_EQ(resets_->MissingMethods(user_), 0);
  // Due 30 days after the last review ("Looks good"), to the millisecond.
  EXPECT_TRUE(resets_->ReviewDue(user_));
  ASSERT_TRUE(resets_->RecordReview(user_, "192.0.2.7").ok());
  EXPECT_FALSE(resets_->ReviewDue(user_));
  clock_.AdvanceMillis(30 * 24 * 60 * kMinute - 1);
  EXPECT_FALSE(resets_->ReviewDue(user_));
  clock_.AdvanceMillis(1);
  EXPECT_TRUE(resets_->ReviewDue(user_));
}

}  // namespace
}  // namespace secinfo::flows
