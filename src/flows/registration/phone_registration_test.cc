#include "flows/registration/phone_registration.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "channels/voice/simulated/simulated_voice.h"
#include "flows/test_store.h"
#include "methods/phone/phone_data.h"
#include "policy/policy.h"

namespace secinfo::flows {
namespace {

// Forwards to the simulated network and keeps every call request, so a test can see exactly what
// a call was asked to say or play.
class RecordingVoice final : public channels::VoiceChannel {
 public:
  explicit RecordingVoice(channels::VoiceChannel& network) : network_(network) {}
  std::string_view name() const override { return network_.name(); }
  void SetEventSink(channels::CallEventSink* sink) override { network_.SetEventSink(sink); }
  Status PlaceCall(const channels::CallRequest& request) override {
    requests.push_back(request);
    if (!refuse.ok()) return refuse;
    return network_.PlaceCall(request);
  }
  Status HangUp(std::string_view reference) override { return network_.HangUp(reference); }

  std::vector<channels::CallRequest> requests;
  Status refuse;  // not OK: PlaceCall fails with it, as a trunk that is down would

 private:
  channels::VoiceChannel& network_;
};

// A store whose greetings table cannot be read (the database refuses that one query); everything
// else is the real store.
class UnreadableGreetingsStore final : public store::Store {
 public:
  explicit UnreadableGreetingsStore(store::Store& real) : real_(real) {}
  store::TenantStore& tenants() override { return real_.tenants(); }
  store::UserStore& users() override { return real_.users(); }
  store::MethodStore& methods() override { return real_.methods(); }
  store::SessionStore& sessions() override { return real_.sessions(); }
  store::CallAttemptStore& call_attempts() override { return real_.call_attempts(); }
  store::SimCallStore& sim_calls() override { return real_.sim_calls(); }
  store::CodeChallengeStore& code_challenges() override { return real_.code_challenges(); }
  store::TextDeliveryStore& text_deliveries() override { return real_.text_deliveries(); }
  store::SimMessageStore& sim_messages() override { return real_.sim_messages(); }
  store::AppEnrolmentStore& app_enrolments() override { return real_.app_enrolments(); }
  store::QuestionStore& questions() override { return real_.questions(); }
  store::GreetingStore& greetings() override { return unreadable_; }
  store::PushStore& push() override { return real_.push(); }
  store::AuditLog& audit() override { return real_.audit(); }
  store::RateLimitStore& rate_limits() override { return real_.rate_limits(); }
  store::SignInStore& sign_in() override { return real_.sign_in(); }
  store::OidcStore& oidc() override { return real_.oidc(); }
  store::PasswordResetStore& password_resets() override { return real_.password_resets(); }
  Status Ping() override { return real_.Ping(); }
  Status Atomically(const std::function<Status()>& fn) override { return real_.Atomically(fn); }

 private:
  class Unreadable final : public store::GreetingStore {
    Status Put(const store::Greeting&) override { return Down(); }
    Result<store::Greeting> Get(int64_t, std::string_view) override { return Down(); }
    Status Delete(int64_t, std::string_view) override { return Down(); }
    Result<std::vector<store::GreetingSummary>> List(int64_t) override { return Down(); }
    static Status Down() { return Status::Unavailable("database is locked"); }
  };

  store::Store& real_;
  Unreadable unreadable_;
};

class PhoneRegistrationTest : public testing::Test {
 protected:
  void SetUp() override {
    store_ = testing_support::OpenTestStore("phone_registration");
    tenant_id_ = *store_->tenants().Create({0, "Contoso", "contoso.example", "fr", "FR"});
    store::User u;
    u.tenant_id = tenant_id_;
    u.username = "ana@contoso.example";
    u.password_hash = "$argon2id$unused";
    u.id = *store_->users().Create(u);
    user_ = u;
    sim_ = std::make_unique<channels::SimulatedVoice>(store_->sim_calls(), clock_);
    PhoneRegistrationOptions options;
    options.timeouts = {30'000, 20'000};
    options.max_calls_per_hour = 3;
    voice_ = std::make_unique<RecordingVoice>(*sim_);
    flow_ = std::make_unique<PhoneRegistration>(*store_, *voice_, clock_, random_, options);
    voice_->SetEventSink(flow_.get());
  }

  BeginResult Begin(const std::string& number, const std::string& type = "office",
                    std::optional<int64_t> replacing = {}) {
    return flow_->Begin({user_, "FR", number, type, "fr", "192.0.2.1", replacing});
  }
  BeginRequest Request(const std::string& number, const std::string& locale) {
    return {user_, "FR", number, "office", locale, "192.0.2.1", std::nullopt};
  }
  store::CallState State(const std::string& id) { return flow_->Get(id, user_.id)->state; }
  std::string SimCallOf(const std::string& attempt_id) { return attempt_id; }

  FakeClock clock_;
  SystemRandom random_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<channels::SimulatedVoice> sim_;
  std::unique_ptr<RecordingVoice> voice_;
  std::unique_ptr<PhoneRegistration> flow_;
  store::User user_;
  int64_t tenant_id_ = 0;
};

TEST_F(PhoneRegistrationTest, PoundRegistersTheNumberWithoutItsExtension) {
  BeginResult r = Begin("+33 4 25 55 51 23-12345");
  ASSERT_EQ(r.error, BeginError::kNone);
  EXPECT_TRUE(r.number.extension_removed);
  EXPECT_EQ(State(r.attempt_id), store::CallState::kRinging);
  auto call = sim_->Get(r.attempt_id);
  EXPECT_EQ(call->number_e164, "+33425555123");
  EXPECT_NE(call->prompt.find("touche dièse"), std::string::npos);
  EXPECT_NE(call->prompt.find("Contoso"), std::string::npos);
  EXPECT_TRUE(store_->methods().ListForUser(user_.id)->empty());

  ASSERT_TRUE(sim_->Answer(r.attempt_id).ok());
  EXPECT_EQ(State(r.attempt_id), store::CallState::kAnswered);
  EXPECT_TRUE(store_->methods().ListForUser(user_.id)->empty());
  ASSERT_TRUE(sim_->Press(r.attempt_id, '#').ok());

  EXPECT_EQ(State(r.attempt_id), store::CallState::kConfirmed);
  auto methods = store_->methods().ListForUser(user_.id);
  ASSERT_EQ(methods->size(), 1u);
  EXPECT_EQ(methods::phone::DataOf((*methods)[0]).number, "+33425555123");
  EXPECT_EQ(methods::phone::DataOf((*methods)[0]).type, "office");
  EXPECT_EQ(store_->users().Get(user_.id)->default_method_id, (*methods)[0].id);
  EXPECT_EQ(sim_->Get(r.attempt_id)->state, "ended");  // we hung up

  auto audit = store_->audit().ListForTenant(tenant_id_, 10);
  ASSERT_GE(audit->size(), 2u);
  // Newest first: the registration's entry is committed with the phone, the call's end after it.
  EXPECT_EQ((*audit)[0].action, "call");
  EXPECT_EQ((*audit)[0].result, "confirmed");
  EXPECT_EQ((*audit)[1].action, "method_register");
  EXPECT_EQ((*audit)[1].ip, "192.0.2.1");
}

TEST_F(PhoneRegistrationTest, NoAnswerWrongKeyHangUpAndFraudLeaveNothing) {
  BeginResult no_answer = Begin("0425555123");
  clock_.AdvanceSeconds(31);
  EXPECT_EQ(State(no_answer.attempt_id), store::CallState::kNoAnswer);
  EXPECT_EQ(sim_->Get(no_answer.attempt_id)->state, "ended");

  BeginResult wrong = Begin("0425555123");
  sim_->Answer(wrong.attempt_id);
  sim_->Press(wrong.attempt_id, '5');
  EXPECT_EQ(State(wrong.attempt_id), store::CallState::kWrongKey);
  EXPECT_FALSE(sim_->Press(wrong.attempt_id, '#').ok());  // the call is over

  BeginResult declined = Begin("0425555123");
  sim_->HangUpPhone(declined.attempt_id);
  EXPECT_EQ(State(declined.attempt_id), store::CallState::kHungUp);

  // Past the hourly call limit: counted over a sliding hour, the three calls weigh nothing once a
  // whole quiet hour follows the hour they were placed in.
  clock_.AdvanceSeconds(2 * 3600);
  BeginResult fraud = Begin("0425555123");
  sim_->Answer(fraud.attempt_id);
  sim_->Press(fraud.attempt_id, '0');
  sim_->Press(fraud.attempt_id, '#');
  EXPECT_EQ(State(fraud.attempt_id), store::CallState::kFraudReported);
  auto audit = store_->audit().ListForTenant(tenant_id_, 1);
  EXPECT_EQ((*audit)[0].action, "fraud_report");

  BeginResult silent = Begin("0425555123");
  sim_->Answer(silent.attempt_id);
  clock_.AdvanceSeconds(21);
  EXPECT_EQ(State(silent.attempt_id), store::CallState::kNoInput);

  EXPECT_TRUE(store_->methods().ListForUser(user_.id)->empty());
}

TEST_F(PhoneRegistrationTest, AFailedCallIsAuditedWithTheProvidersReasonAndNeverPlacedAgain) {
  voice_->refuse = Status::Unavailable("sip: 503 Service Unavailable from the trunk");
  BeginResult refused = Begin("0425555123");
  EXPECT_EQ(refused.error, BeginError::kCallFailed);
  EXPECT_EQ(voice_->requests.size(), 1u);
  voice_->refuse = Status::Ok();

  // A call that broke off after ringing: the provider's event carries the reason.
  BeginResult broken = Begin("0425555123");
  ASSERT_EQ(broken.error, BeginError::kNone);
  flow_->OnCallEvent(voice_->name(), broken.attempt_id,
                     {channels::CallEventKind::kFailed, 0, "RTP timeout"});
  EXPECT_EQ(State(broken.attempt_id), store::CallState::kFailed);
  EXPECT_EQ(voice_->requests.size(), 2u) << "one call each time the person asked, no retry";

  auto audit = store_->audit().ListForTenant(tenant_id_, 10);
  std::vector<std::string> calls;
  for (const auto& e : *audit) {
    if (e.action == "call") calls.insert(calls.begin(), e.result + ": " + e.detail);
  }
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].rfind("failed: attempt ", 0), 0u) << calls[0];
  EXPECT_NE(calls[0].find("to +33425555123; sip: 503 Service Unavailable from the trunk"),
            std::string::npos)
      << calls[0];
  EXPECT_NE(calls[1].find("; RTP timeout"), std::string::npos) << calls[1];
}

TEST_F(PhoneRegistrationTest, BadInputIsRefusedBeforeAnyCall) {
  EXPECT_EQ(Begin("").error, BeginError::kEmptyNumber);
  EXPECT_EQ(Begin("06 12 ab").error, BeginError::kInvalidCharacters);
  EXPECT_EQ(Begin("01 23").error, BeginError::kTooShort);
  EXPECT_EQ(Begin("0425555123", "fax").error, BeginError::kBadPhoneType);
  EXPECT_EQ(Begin("0425555123", "office", 12345).error, BeginError::kMethodNotFound);
  EXPECT_TRUE(sim_->Numbers()->empty());
}

TEST_F(PhoneRegistrationTest, OneOfEachTypeAndANumberOnlyOnce) {
  BeginResult first = Begin("0612345678", "mobile");
  sim_->Answer(first.attempt_id);
  sim_->Press(first.attempt_id, '#');
  EXPECT_EQ(Begin("0698765432", "mobile").error, BeginError::kTypeTaken);
  EXPECT_EQ(Begin("06 12 34 56 78", "office").error, BeginError::kNumberTaken);
}

TEST_F(PhoneRegistrationTest, ChangingAPhoneReplacesItOnlyOnceConfirmed) {
  BeginResult first = Begin("0612345678", "mobile");
  sim_->Answer(first.attempt_id);
  sim_->Press(first.attempt_id, '#');
  int64_t old_id = *flow_->Get(first.attempt_id, user_.id)->method_id;

  BeginResult change = Begin("0698765432", "ignored", old_id);
  ASSERT_EQ(change.error, BeginError::kNone);
  sim_->Answer(change.attempt_id);
  sim_->HangUpPhone(change.attempt_id);
  EXPECT_EQ(methods::phone::DataOf(store_->methods().ListForUser(user_.id)->front()).number,
            "+33612345678");

  change = Begin("0698765432", "ignored", old_id);
  sim_->Answer(change.attempt_id);
  sim_->Press(change.attempt_id, '#');
  auto methods = store_->methods().ListForUser(user_.id);
  ASSERT_EQ(methods->size(), 1u);
  EXPECT_EQ(methods::phone::DataOf(methods->front()).number, "+33698765432");
  EXPECT_EQ(methods::phone::DataOf(methods->front()).type, "mobile");
}

TEST_F(PhoneRegistrationTest, CallsAreLimitedPerHour) {
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Begin("0425555123").error, BeginError::kNone);
  EXPECT_EQ(Begin("0425555123").error, BeginError::kTooManyCalls);
  // Over a sliding hour, a new fixed hour does not start over; a whole quiet one gives all three.
  clock_.AdvanceSeconds(2 * 3600);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Begin("0425555123").error, BeginError::kNone);
  EXPECT_EQ(Begin("0425555123").error, BeginError::kTooManyCalls);
}

TEST_F(PhoneRegistrationTest, StartingAgainEndsTheEarlierCall) {
  BeginResult first = Begin("0425555123");
  BeginResult second = Begin("0425555124");
  EXPECT_EQ(State(first.attempt_id), store::CallState::kCancelled);
  EXPECT_EQ(sim_->Get(first.attempt_id)->state, "ended");
  EXPECT_EQ(State(second.attempt_id), store::CallState::kRinging);
}

TEST_F(PhoneRegistrationTest, DisallowedMethodIsRefused) {
  ASSERT_TRUE(policy::SetAllowedMethods(store_->tenants(), tenant_id_, {}).ok());
  EXPECT_EQ(Begin("0425555123").error, BeginError::kMethodNotAllowed);
  EXPECT_TRUE(sim_->Numbers()->empty());
}

TEST_F(PhoneRegistrationTest, UnwatchedCallsAreEndedByTheSweep) {
  BeginResult ringing = Begin("0425555123");
  clock_.AdvanceSeconds(10);
  EXPECT_EQ(flow_->ExpireStale(), 0);
  clock_.AdvanceSeconds(21);
  EXPECT_EQ(flow_->ExpireStale(), 1);
  EXPECT_EQ(sim_->Get(ringing.attempt_id)->state, "ended");
  EXPECT_EQ(store_->call_attempts().Get(ringing.attempt_id)->state, store::CallState::kNoAnswer);

  clock_.AdvanceSeconds(3600);
  BeginResult answered = Begin("0425555123");
  sim_->Answer(answered.attempt_id);
  clock_.AdvanceSeconds(21);
  EXPECT_EQ(flow_->ExpireStale(), 1);
  EXPECT_EQ(store_->call_attempts().Get(answered.attempt_id)->state, store::CallState::kNoInput);
  EXPECT_EQ(flow_->ExpireStale(), 0);
}

TEST_F(PhoneRegistrationTest, AnotherPersonSeesNothing) {
  BeginResult r = Begin("0425555123");
  EXPECT_EQ(flow_->Get(r.attempt_id, user_.id + 1).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(flow_->Cancel(r.attempt_id, user_.id + 1).code(), Status::Code::kNotFound);
  EXPECT_EQ(State(r.attempt_id), store::CallState::kRinging);
}

TEST_F(PhoneRegistrationTest, TheTenantsGreetingInTheCallsLanguageReplacesThePrompt) {
  const std::string fr_greeting("\x00\xFF\x7F\x80 fr", 6);  // any u-law bytes, NUL included
  ASSERT_TRUE(store_->greetings().Put({tenant_id_, "fr", fr_greeting, 1, 0}).ok());
  // Another organization's English greeting is not Contoso's.
  int64_t fabrikam = *store_->tenants().Create({0, "Fabrikam", "fabrikam.example", "en", "US"});
  ASSERT_TRUE(store_->greetings().Put({fabrikam, "en", "fabrikam", 1, 0}).ok());

  BeginResult fr = flow_->Begin(Request("0425555123", "fr"));
  ASSERT_EQ(fr.error, BeginError::kNone);
  ASSERT_EQ(voice_->requests.size(), 1u);
  EXPECT_EQ(voice_->requests.back().greeting_ulaw, fr_greeting);
  EXPECT_TRUE(sim_->Get(fr.attempt_id)->custom_greeting);

  // A call in English has no English greeting to play: the prompt is spoken.
  BeginResult en = flow_->Begin(Request("0425555124", "en"));
  ASSERT_EQ(en.error, BeginError::kNone);
  ASSERT_EQ(voice_->requests.size(), 2u);
  EXPECT_EQ(voice_->requests.back().greeting_ulaw, "");
  EXPECT_NE(voice_->requests.back().prompt.find("pound key"), std::string::npos);
  EXPECT_FALSE(sim_->Get(en.attempt_id)->custom_greeting);

  // Once removed, French calls are spoken again.
  ASSERT_TRUE(store_->greetings().Delete(tenant_id_, "fr").ok());
  BeginResult spoken = flow_->Begin(Request("0425555125", "fr"));
  ASSERT_EQ(spoken.error, BeginError::kNone);
  EXPECT_EQ(voice_->requests.back().greeting_ulaw, "");
  EXPECT_NE(voice_->requests.back().prompt.find("touche dièse"), std::string::npos);
}

TEST_F(PhoneRegistrationTest, AGreetingThatCannotBeReadLeavesTheCallToThePrompt) {
  ASSERT_TRUE(store_->greetings().Put({tenant_id_, "fr", "greeting", 1, 0}).ok());
  UnreadableGreetingsStore unreadable(*store_);
  PhoneRegistration flow(unreadable, *voice_, clock_, random_, PhoneRegistrationOptions{});

  BeginResult r = flow.Begin(Request("0425555123", "fr"));
  ASSERT_EQ(r.error, BeginError::kNone);
  ASSERT_EQ(voice_->requests.size(), 1u);
  EXPECT_EQ(voice_->requests.back().greeting_ulaw, "");
  EXPECT_NE(voice_->requests.back().prompt.find("touche dièse"), std::string::npos);
  EXPECT_EQ(sim_->Get(r.attempt_id)->state, "ringing");
  EXPECT_FALSE(sim_->Get(r.attempt_id)->custom_greeting);
}

}  // namespace
}  // namespace secinfo::flows
