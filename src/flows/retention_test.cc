#include "flows/retention.h"

#include <gtest/gtest.h>

#include "flows/test_store.h"
#include "methods/authenticator/app_data.h"

namespace secinfo::flows {
namespace {

constexpr int64_t kHour = 3'600'000;
constexpr int64_t kDay = 24 * kHour;

// One record of each kind that retention handles, expired (or recorded) at `at`, named `id`.
class RetentionTest : public testing::Test {
 protected:
  void SetUp() override {
    store_ = testing_support::OpenTestStore("retention");
    tenant_id_ = *store_->tenants().Create({0, "Contoso", "contoso.example", "fr", "FR"});
    store::User u;
    u.tenant_id = tenant_id_;
    u.username = "ana@contoso.example";
    u.password_hash = "$argon2id$unused";
    user_id_ = *store_->users().Create(u);
    store::Method app;
    app.user_id = user_id_;
    methods::authenticator::Put({.name = "Pixel"}, app);
    app.secret = "sealed";
    method_id_ = *store_->methods().Create(app);
  }

  void Records(const std::string& id, int64_t at) {
    ASSERT_TRUE(
        store_->sessions().Create({id, user_id_, tenant_id_, at - kHour, at - kHour, at}).ok());
    store::CallAttempt call;
    call.id = id;
    call.tenant_id = tenant_id_;
    call.user_id = user_id_;
    call.purpose = "register";
    call.phone_e164 = "+33612345678";
    call.state = store::CallState::kConfirmed;
    call.created_at = call.updated_at = call.ended_at = at;
    ASSERT_TRUE(store_->call_attempts().Create(call).ok());
    store::CodeChallenge code;
    code.id = id;
    code.tenant_id = tenant_id_;
    code.user_id = user_id_;
    code.purpose = "register";
    code.channel = "sms";
    code.destination = "+33612345678";
    code.method_kind = methods::MethodKind::kPhone;
    code.state = store::CodeChallengeState::kPending;
    code.created_at = code.updated_at = at - 180'000;
    code.expires_at = at;
    ASSERT_TRUE(store_->code_challenges().Create(code).ok());
    store::TextDelivery text;
    text.provider = "smpp";
    text.message_id = id;
    text.tenant_id = tenant_id_;
    text.challenge_id = id;
    text.send = text.parts = 1;
    text.sent_at = text.created_at = code.created_at;
    ASSERT_TRUE(store_->text_deliveries().Track(text).ok());
    store::AppEnrolment enrolment;
    enrolment.id = id;
    enrolment.tenant_id = tenant_id_;
    enrolment.user_id = user_id_;
    enrolment.name = "Pixel";
    enrolment.secret = "sealed";
    enrolment.state = store::AppEnrolmentState::kPending;
    enrolment.created_at = at - 600'000;
    enrolment.expires_at = at;
    ASSERT_TRUE(store_->app_enrolments().Create(enrolment).ok());
    store::PushChallenge push;
    push.id = id;
    push.tenant_id = tenant_id_;
    push.user_id = user_id_;
    push.method_id = method_id_;
    push.number = 42;
    push.purpose = "test";
    push.state = store::PushState::kPending;
    push.created_at = at - 120'000;
    push.expires_at = at;
    ASSERT_TRUE(store_->push().CreateChallenge(push).ok());
    ASSERT_TRUE(store_->push()
                    .CreateEnrolToken({id, tenant_id_, user_id_, method_id_, at - 600'000, at})
                    .ok());
    store::Verification v;
    v.id = id;
    v.tenant_id = tenant_id_;
    v.user_id = user_id_;
    v.binding = "b";
    v.purpose = "sign_in";
    v.method_id = method_id_;
    v.proof = "app_code";
    v.state = store::VerificationState::kPending;
    v.created_at = at - 600'000;
    v.expires_at = at;
    ASSERT_TRUE(store_->sign_in().CreateVerification(v).ok());
    ASSERT_TRUE(store_->sign_in()
                    .RememberBrowser({id, user_id_, tenant_id_, at - kDay, at, "192.0.2.1", "ua"})
                    .ok());
    ASSERT_TRUE(store_->rate_limits().Hit("sign_in:" + id, at, kHour).ok());
    store::AuditEntry entry;
    entry.at = at;
    entry.tenant_id = tenant_id_;
    entry.actor = "ana@contoso.example";
    entry.action = "sign_in";
    entry.result = "success";
    entry.detail = id;
    ASSERT_TRUE(store_->audit().Append(entry).ok());
  }

  // Which of the records `id` made at `at` are still there, as "session call code app push link
  // verification browser counter audit" with a '-' for each one gone. Reading the link uses it:
  // call once per record.
  std::string Left(const std::string& id, int64_t at) {
    std::string out;
    auto mark = [&out](bool present, const char* name) {
      out += std::string(out.empty() ? "" : " ") + (present ? name : "-");
    };
    // Sessions are read as of their creation, so that an expired one still counts as present.
    mark(store_->sessions().Get(id, 0).ok(), "session");
    mark(store_->call_attempts().Get(id).ok(), "call");
    mark(store_->code_challenges().Get(id).ok(), "code");
    mark(!store_->text_deliveries().ListForChallenge(id)->empty(), "text");
    mark(store_->app_enrolments().Get(id).ok(), "app");
    mark(store_->push().GetChallenge(id).ok(), "push");
    mark(store_->push().UseEnrolToken(id, 0).ok(), "link");
    mark(store_->sign_in().GetVerification(id).ok(), "verification");
    mark(store_->sign_in().FindRemembered(id, user_id_, 0).ok(), "browser");
    mark(*store_->rate_limits().Peek("sign_in:" + id, at, kHour) > 0, "counter");
    bool audited = false;
    Result<std::vector<store::AuditEntry>> entries =
        store_->audit().ListForTenant(tenant_id_, 1000);
    for (const auto& e : *entries) {
      audited = audited || e.detail == id;
    }
    mark(audited, "audit");
    return out;
  }

  FakeClock clock_;
  std::unique_ptr<store::Store> store_;
  int64_t tenant_id_ = 0;
  int64_t user_id_ = 0;
  int64_t method_id_ = 0;
};

TEST_F(RetentionTest, PurgeDeletesWhatIsPastExpiryAndGraceAndAuditPastRetention) {
  clock_.AdvanceSeconds(400LL * 24 * 3600);
  const int64_t now = clock_.NowMillis();
  Records("year-old", now - 366 * kDay);
  Records("two-days-old", now - 2 * kDay);
  Records("expired-an-hour-ago", now - kHour);
  Records("live", now + kHour);

  RetentionOptions options;  // 365 days of audit, a day of grace
  Result<PurgeCounts> n = Purge(*store_, clock_, options);
  ASSERT_TRUE(n.ok()) << n.status().ToString();

  EXPECT_EQ(Left("year-old", now - 366 * kDay), "- - - - - - - - - - -");
  EXPECT_EQ(Left("two-days-old", now - 2 * kDay), "- - - - - - - - - - audit");
  // Within the grace day, challenges stay for the page that still shows them; the session is over.
  EXPECT_EQ(Left("expired-an-hour-ago", now - kHour),
            "- call code text app push link verification browser counter audit");
  EXPECT_EQ(Left("live", now + kHour),
            "session call code text app push link verification browser counter audit");
  EXPECT_EQ(n->sessions, 3);
  EXPECT_EQ(n->call_attempts, 2);
  EXPECT_EQ(n->code_challenges, 2);
  EXPECT_EQ(n->text_deliveries, 2);
  EXPECT_EQ(n->app_enrolments, 2);
  EXPECT_EQ(n->push, 4);
  EXPECT_EQ(n->sign_in, 4);  // two verifications, two remembered browsers
  EXPECT_EQ(n->rate_limits, 2);
  EXPECT_EQ(n->audit_entries, 1);

  // Retention is the operator's: with one day, the two-day-old entry goes too, nothing else.
  options.audit_retention_millis = 1 * kDay;
  Result<PurgeCounts> again = Purge(*store_, clock_, options);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->audit_entries, 1);
  EXPECT_EQ(again->sessions + again->call_attempts + again->code_challenges +
                again->text_deliveries + again->app_enrolments + again->push + again->sign_in +
                again->rate_limits,
            0);
}

TEST_F(RetentionTest, AFraudBlockIsPurgedOnlyADayAfterItEnds) {
  clock_.AdvanceSeconds(400LL * 24 * 3600);
  const int64_t now = clock_.NowMillis();
  ASSERT_TRUE(
      store_->sign_in()
          .Block({user_id_, tenant_id_, "", now - 90 * kDay, now - kHour, "fraud_report", ""})
          .ok());
  Result<PurgeCounts> n = Purge(*store_, clock_, RetentionOptions{});
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(n->sign_in, 0) << "an hour after it ended, the block is still there to be read";

  clock_.AdvanceSeconds(2 * 24 * 3600);
  n = Purge(*store_, clock_, RetentionOptions{});
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(n->sign_in, 1);
  EXPECT_EQ(store_->sign_in().ListBlocks(tenant_id_, now - 2 * kHour)->size(), 0u);
}

}  // namespace
}  // namespace secinfo::flows
