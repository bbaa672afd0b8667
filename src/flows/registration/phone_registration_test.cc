#include "flows/registration/phone_registration.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "channels/voice/simulated/simulated_voice.h"
#include "flows/test_store.h"
#include "policy/policy.h"

namespace secinfo::flows {
namespace {

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
    flow_ = std::make_unique<PhoneRegistration>(*store_, *sim_, clock_, random_, options);
    sim_->SetEventSink(flow_.get());
  }

  BeginResult Begin(const std::string& number, const std::string& type = "office",
                    std::optional<int64_t> replacing = {}) {
    return flow_->Begin({user_, "FR", number, type, "fr", "192.0.2.1", replacing});
  }
  std::string State(const std::string& id) { return flow_->Get(id, user_.id)->state; }
  std::string SimCallOf(const std::string& attempt_id) { return attempt_id; }

  FakeClock clock_;
  SystemRandom random_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<channels::SimulatedVoice> sim_;
  std::unique_ptr<PhoneRegistration> flow_;
  store::User user_;
  int64_t tenant_id_ = 0;
};

TEST_F(PhoneRegistrationTest, PoundRegistersTheNumberWithoutItsExtension) {
  BeginResult r = Begin("+33 4 25 55 51 23-12345");
  ASSERT_EQ(r.error, BeginError::kNone);
  EXPECT_TRUE(r.number.extension_removed);
  EXPECT_EQ(State(r.attempt_id), "ringing");
  auto call = sim_->Get(r.attempt_id);
  EXPECT_EQ(call->number_e164, "+33425555123");
  EXPECT_NE(call->prompt.find("touche dièse"), std::string::npos);
  EXPECT_NE(call->prompt.find("Contoso"), std::string::npos);
  EXPECT_TRUE(store_->methods().ListForUser(user_.id)->empty());

  ASSERT_TRUE(sim_->Answer(r.attempt_id).ok());
  EXPECT_EQ(State(r.attempt_id), "answered");
  EXPECT_TRUE(store_->methods().ListForUser(user_.id)->empty());
  ASSERT_TRUE(sim_->Press(r.attempt_id, '#').ok());

  EXPECT_EQ(State(r.attempt_id), "confirmed");
  auto methods = store_->methods().ListForUser(user_.id);
  ASSERT_EQ(methods->size(), 1u);
  EXPECT_EQ((*methods)[0].phone_e164, "+33425555123");
  EXPECT_EQ((*methods)[0].phone_type, "office");
  EXPECT_EQ(store_->users().Get(user_.id)->default_method_id, (*methods)[0].id);
  EXPECT_EQ(sim_->Get(r.attempt_id)->state, "ended");  // we hung up

  auto audit = store_->audit().ListForTenant(tenant_id_, 10);
  ASSERT_GE(audit->size(), 2u);
  EXPECT_EQ((*audit)[0].action, "method_register");
  EXPECT_EQ((*audit)[0].ip, "192.0.2.1");
  EXPECT_EQ((*audit)[1].result, "confirmed");
}

TEST_F(PhoneRegistrationTest, NoAnswerWrongKeyHangUpAndFraudLeaveNothing) {
  BeginResult no_answer = Begin("0425555123");
  clock_.AdvanceSeconds(31);
  EXPECT_EQ(State(no_answer.attempt_id), "no_answer");
  EXPECT_EQ(sim_->Get(no_answer.attempt_id)->state, "ended");

  BeginResult wrong = Begin("0425555123");
  sim_->Answer(wrong.attempt_id);
  sim_->Press(wrong.attempt_id, '5');
  EXPECT_EQ(State(wrong.attempt_id), "wrong_key");
  EXPECT_FALSE(sim_->Press(wrong.attempt_id, '#').ok());  // the call is over

  BeginResult declined = Begin("0425555123");
  sim_->HangUpPhone(declined.attempt_id);
  EXPECT_EQ(State(declined.attempt_id), "hung_up");

  clock_.AdvanceSeconds(3600);  // past the hourly call limit
  BeginResult fraud = Begin("0425555123");
  sim_->Answer(fraud.attempt_id);
  sim_->Press(fraud.attempt_id, '0');
  sim_->Press(fraud.attempt_id, '#');
  EXPECT_EQ(State(fraud.attempt_id), "fraud_reported");
  auto audit = store_->audit().ListForTenant(tenant_id_, 1);
  EXPECT_EQ((*audit)[0].action, "fraud_report");

  BeginResult silent = Begin("0425555123");
  sim_->Answer(silent.attempt_id);
  clock_.AdvanceSeconds(21);
  EXPECT_EQ(State(silent.attempt_id), "no_input");

  EXPECT_TRUE(store_->methods().ListForUser(user_.id)->empty());
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
  EXPECT_EQ(store_->methods().ListForUser(user_.id)->front().phone_e164, "+33612345678");

  change = Begin("0698765432", "ignored", old_id);
  sim_->Answer(change.attempt_id);
  sim_->Press(change.attempt_id, '#');
  auto methods = store_->methods().ListForUser(user_.id);
  ASSERT_EQ(methods->size(), 1u);
  EXPECT_EQ(methods->front().phone_e164, "+33698765432");
  EXPECT_EQ(methods->front().phone_type, "mobile");
}

TEST_F(PhoneRegistrationTest, CallsAreLimitedPerHour) {
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Begin("0425555123").error, BeginError::kNone);
  EXPECT_EQ(Begin("0425555123").error, BeginError::kTooManyCalls);
  clock_.AdvanceSeconds(3600);
  EXPECT_EQ(Begin("0425555123").error, BeginError::kNone);
}

TEST_F(PhoneRegistrationTest, StartingAgainEndsTheEarlierCall) {
  BeginResult first = Begin("0425555123");
  BeginResult second = Begin("0425555124");
  EXPECT_EQ(State(first.attempt_id), "cancelled");
  EXPECT_EQ(sim_->Get(first.attempt_id)->state, "ended");
  EXPECT_EQ(State(second.attempt_id), "ringing");
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
  EXPECT_EQ(store_->call_attempts().Get(ringing.attempt_id)->state, "no_answer");

  clock_.AdvanceSeconds(3600);
  BeginResult answered = Begin("0425555123");
  sim_->Answer(answered.attempt_id);
  clock_.AdvanceSeconds(21);
  EXPECT_EQ(flow_->ExpireStale(), 1);
  EXPECT_EQ(store_->call_attempts().Get(answered.attempt_id)->state, "no_input");
  EXPECT_EQ(flow_->ExpireStale(), 0);
}

TEST_F(PhoneRegistrationTest, AnotherPersonSeesNothing) {
  BeginResult r = Begin("0425555123");
  EXPECT_EQ(flow_->Get(r.attempt_id, user_.id + 1).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(flow_->Cancel(r.attempt_id, user_.id + 1).code(), Status::Code::kNotFound);
  EXPECT_EQ(State(r.attempt_id), "ringing");
}

}  // namespace
}  // namespace secinfo::flows
