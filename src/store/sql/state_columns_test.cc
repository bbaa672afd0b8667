#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "store/sql/db.h"
#include "store/sql/store_test_fixture.h"

// Contract cases for the `state` columns of challenge records (run for every backend, see
// sql_store_test.cc's instantiation): each typed state is kept as the text earlier versions kept
// (no migration; old rows read back), and a text this version does not know is reported, never
// guessed at.
namespace secinfo::store::test {
namespace {

// Every value of State, in order, up to `last`.
template <typename State>
std::vector<State> Upto(State last) {
  std::vector<State> all;
  for (int i = 0; i <= static_cast<int>(last); ++i) all.push_back(static_cast<State>(i));
  return all;
}

// The database under the store, opened beside it: what a state column holds as text, and a way
// to put any text there (a row written by a newer version, or changed by hand).
class StateColumns {
 public:
  explicit StateColumns(const SqlStoreOptions& options) {
    Result<std::unique_ptr<sql::Db>> db = sql::Db::Open(options);
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    if (db.ok()) db_ = std::move(*db);
  }

  // The text in `table`'s state column for the row whose `key` column is `id`; "(none)" when no
  // such row.
  std::string Text(const std::string& table, const std::string& key, const std::string& id) {
    if (db_ == nullptr) return "(no database)";
    const std::string select = "SELECT state FROM " + table + " WHERE " + key + " = :id";
    std::string text = "(none)";
    Status read = db_->Read("read state", [&](soci::session& session) {
      sql::Query q(session, select.c_str());
      q.Into(text).Use(id).Run();
      return Status::Ok();
    });
    EXPECT_TRUE(read.ok()) << read.ToString();
    return text;
  }

  void Set(const std::string& table, const std::string& key, const std::string& id,
           const std::string& text) {
    ASSERT_NE(db_, nullptr);
    const std::string update = "UPDATE " + table + " SET state = :state WHERE " + key + " = :id";
    Status written = db_->Write("write state", [&](soci::session& session) {
      sql::Query q(session, update.c_str());
      q.Use(text).Use(id).Run();
      return q.AffectedRows() == 1 ? Status::Ok() : Status::NotFound("no row " + id);
    });
    ASSERT_TRUE(written.ok()) << written.ToString();
  }

 private:
  std::unique_ptr<sql::Db> db_;
};

class StateColumnsTest : public StoreContractTest {
 protected:
  void SetUp() override {
    StoreContractTest::SetUp();
    if (HasFatalFailure()) return;
    columns_ = std::make_unique<StateColumns>(options_);
    Method bound = AppMethod(ana_, "Pixel", "c2VhbGVk");
    methods::authenticator::Put({"Pixel", "cHVi", "dev-1"}, bound);
    Result<int64_t> app = store_->methods().Create(bound);
    ASSERT_TRUE(app.ok()) << app.status().ToString();
    app_ = *app;
  }

  CodeChallenge Code(const std::string& id, CodeChallengeState state) const {
    return CodeChallenge{.id = id,
                         .tenant_id = tenant_id_,
                         .user_id = ana_,
                         .purpose = "register",
                         .channel = "sms",
                         .destination = "+33698765432",
                         .phone_type = "mobile",
                         .locale = "fr",
                         .code_hash = "h",
                         .state = state,
                         .sends = 1,
                         .expires_at = kT0 + 180'000,
                         .created_at = kT0,
                         .updated_at = kT0};
  }
  AppEnrolment Enrolment(const std::string& id, AppEnrolmentState state) const {
    return AppEnrolment{.id = id,
                        .tenant_id = tenant_id_,
                        .user_id = ana_,
                        .name = "iPhone",
                        .secret = "c2VhbGVk",
                        .state = state,
                        .created_at = kT0,
                        .expires_at = kT0 + 600'000};
  }
  PushChallenge Push(const std::string& id, PushState state) const {
    return PushChallenge{.id = id,
                         .tenant_id = tenant_id_,
                         .user_id = ana_,
                         .method_id = app_,
                         .number = 42,
                         .purpose = "sign_in",
                         .state = state,
                         .created_at = kT0,
                         .expires_at = kT0 + 60'000};
  }
  Verification Proof(const std::string& id, VerificationState state) const {
    return Verification{.id = id,
                        .tenant_id = tenant_id_,
                        .user_id = ana_,
                        .binding = "b",
                        .purpose = "sign_in",
                        .method_id = app_,
                        .proof = "push",
                        .challenge_id = "push-1",
                        .state = state,
                        .created_at = kT0,
                        .expires_at = kT0 + 300'000};
  }
  CallAttempt Call(const std::string& id, CallState state) {
    CallAttempt a = NewAttempt(id, ana_, "mobile", "+33612345678");
    a.state = state;
    return a;
  }

  // Creates a record in each state up to `last`, and moves one record (created in the first
  // state) through them all with `update`: each reads back in its state, and `table`'s column
  // holds StateName's text.
  template <typename State, typename Make, typename Create, typename Get, typename Update>
  void ExpectEveryStateKept(State last, const std::string& table, Make make, Create create, Get get,
                            Update update) {
    ASSERT_OK(create(make("moving", State{})));
    int64_t version = 1;
    for (State s : Upto(last)) {
      const std::string id = table + "-" + std::string(StateName(s));
      ASSERT_OK(create(make(id, s)));
      EXPECT_EQ(columns_->Text(table, "id", id), StateName(s));
      auto created = get(id);
      ASSERT_TRUE(created.ok()) << created.status().ToString();
      EXPECT_EQ(created->state, s) << StateName(s);

      auto moved = make("moving", s);
      moved.version = version++;
      ASSERT_OK(update(moved));
      EXPECT_EQ(columns_->Text(table, "id", "moving"), StateName(s));
      auto read = get("moving");
      ASSERT_TRUE(read.ok()) << read.status().ToString();
      EXPECT_EQ(read->state, s) << StateName(s);
    }
  }

  std::unique_ptr<StateColumns> columns_;
  int64_t app_ = 0;
};

TEST_P(StateColumnsTest, EveryCodeChallengeStateIsKeptAsItsText) {
  ExpectEveryStateKept(
      CodeChallengeState::kFailed, "code_challenges",
      [&](const std::string& id, CodeChallengeState s) { return Code(id, s); },
      [&](const CodeChallenge& c) { return store_->code_challenges().Create(c); },
      [&](const std::string& id) { return store_->code_challenges().Get(id); },
      [&](const CodeChallenge& c) { return store_->code_challenges().Update(c); });
}

TEST_P(StateColumnsTest, EveryAppEnrolmentStateIsKeptAsItsText) {
  ExpectEveryStateKept(
      AppEnrolmentState::kCancelled, "app_enrolments",
      [&](const std::string& id, AppEnrolmentState s) { return Enrolment(id, s); },
      [&](const AppEnrolment& e) { return store_->app_enrolments().Create(e); },
      [&](const std::string& id) { return store_->app_enrolments().Get(id); },
      [&](const AppEnrolment& e) { return store_->app_enrolments().Update(e); });
}

TEST_P(StateColumnsTest, EveryPushStateIsKeptAsItsText) {
  ExpectEveryStateKept(
      PushState::kExpired, "push_challenges",
      [&](const std::string& id, PushState s) { return Push(id, s); },
      [&](const PushChallenge& c) { return store_->push().CreateChallenge(c); },
      [&](const std::string& id) { return store_->push().GetChallenge(id); },
      [&](const PushChallenge& c) { return store_->push().UpdateChallenge(c); });
  // Only the pending one waits for the device (the one created pending and moved on does not).
  Result<std::vector<PushChallenge>> pending = store_->push().ListPending(app_, kT0);
  ASSERT_TRUE(pending.ok()) << pending.status().ToString();
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ(pending->front().id, "push_challenges-pending");
  EXPECT_EQ(pending->front().state, PushState::kPending);
}

TEST_P(StateColumnsTest, EveryVerificationStateIsKeptAsItsText) {
  ExpectEveryStateKept(
      VerificationState::kUsed, "verifications",
      [&](const std::string& id, VerificationState s) { return Proof(id, s); },
      [&](const Verification& v) { return store_->sign_in().CreateVerification(v); },
      [&](const std::string& id) { return store_->sign_in().GetVerification(id); },
      [&](const Verification& v) { return store_->sign_in().UpdateVerification(v); });
}

TEST_P(StateColumnsTest, EveryCallStateIsKeptAsItsText) {
  ExpectEveryStateKept(
      CallState::kCancelled, "call_attempts",
      [&](const std::string& id, CallState s) { return Call(id, s); },
      [&](const CallAttempt& a) { return store_->call_attempts().Create(a); },
      [&](const std::string& id) { return store_->call_attempts().Get(id); },
      [&](const CallAttempt& a) { return store_->call_attempts().Update(a); });
  Result<std::vector<CallAttempt>> live = store_->call_attempts().ListLiveForUser(ana_);
  ASSERT_TRUE(live.ok()) << live.status().ToString();
  EXPECT_EQ(live->size(), Upto(CallState::kCancelled).size() + 1) << "none has ended_at set";
}

TEST_P(StateColumnsTest, EveryDeliveryStateIsKeptAsItsText) {
  TextDeliveryStore& texts = store_->text_deliveries();
  TextDelivery part{.provider = "smpp",
                    .message_id = "m-none",
                    .tenant_id = tenant_id_,
                    .challenge_id = "code-1",
                    .send = 1,
                    .parts = 1,
                    .sent_at = kT0,
                    .created_at = kT0};
  ASSERT_TRUE(texts.Track(part).ok());
  EXPECT_EQ(columns_->Text("text_deliveries", "message_id", "m-none"), "");
  for (DeliveryState s : {DeliveryState::kDelivered, DeliveryState::kUndelivered}) {
    const std::string id = "m-" + std::string(StateName(s));
    part.message_id = id;
    ASSERT_TRUE(texts.Track(part).ok());
    Result<TextDelivery> got = texts.RecordReceipt("smpp", id, s, "", kT0 + 1);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(got->state, s);
    EXPECT_EQ(columns_->Text("text_deliveries", "message_id", id), StateName(s));
  }
  Result<std::vector<TextDelivery>> listed = texts.ListForChallenge("code-1");
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  std::vector<DeliveryState> states;
  for (const TextDelivery& t : *listed) states.push_back(t.state);
  EXPECT_EQ(states,
            (std::vector<DeliveryState>{DeliveryState::kDelivered, DeliveryState::kNoReceipt,
                                        DeliveryState::kUndelivered}))
      << "ordered by message id";
}

// A read that meets a state it does not know fails with Internal, naming the text and the table;
// `what` is the read, for the failure message.
void ExpectUnknown(const Status& s, const std::string& table, const std::string& what) {
  EXPECT_EQ(s.code(), Code::kInternal) << what << ": " << s.ToString();
  EXPECT_NE(s.message().find("unknown state 'shredded' in " + table), std::string::npos)
      << what << ": " << s.ToString();
}

TEST_P(StateColumnsTest, AnUnknownStateIsReportedNotGuessed) {
  ASSERT_OK(store_->code_challenges().Create(Code("code-1", CodeChallengeState::kPending)));
  columns_->Set("code_challenges", "id", "code-1", "shredded");
  ExpectUnknown(store_->code_challenges().Get("code-1").status(), "code_challenges", "get code");

  ASSERT_OK(store_->app_enrolments().Create(Enrolment("enr-1", AppEnrolmentState::kPending)));
  columns_->Set("app_enrolments", "id", "enr-1", "shredded");
  ExpectUnknown(store_->app_enrolments().Get("enr-1").status(), "app_enrolments", "get app");

  ASSERT_OK(store_->push().CreateChallenge(Push("push-1", PushState::kPending)));
  columns_->Set("push_challenges", "id", "push-1", "shredded");
  ExpectUnknown(store_->push().GetChallenge("push-1").status(), "push_challenges", "get push");
  // The listing of pending requests asks for 'pending' rows only: an unknown one is not among them.
  ASSERT_TRUE(store_->push().ListPending(app_, kT0).ok());
  EXPECT_TRUE(store_->push().ListPending(app_, kT0)->empty());

  ASSERT_OK(store_->sign_in().CreateVerification(Proof("ver-1", VerificationState::kPending)));
  columns_->Set("verifications", "id", "ver-1", "shredded");
  ExpectUnknown(store_->sign_in().GetVerification("ver-1").status(), "verifications",
                "get verification");

  ASSERT_OK(store_->call_attempts().Create(Call("call-1", CallState::kRinging)));
  columns_->Set("call_attempts", "id", "call-1", "shredded");
  ExpectUnknown(store_->call_attempts().Get("call-1").status(), "call_attempts", "get call");
  ExpectUnknown(store_->call_attempts().FindByProviderCall("simulated", "sim-call-1").status(),
                "call_attempts", "find call");
  ExpectUnknown(store_->call_attempts().ListLiveForUser(ana_).status(), "call_attempts",
                "list live calls");
  ExpectUnknown(store_->call_attempts().ListLiveCreatedBefore(kT0 + 1, 10).status(),
                "call_attempts", "list stale calls");

  TextDelivery part{.provider = "smpp",
                    .message_id = "m-1",
                    .tenant_id = tenant_id_,
                    .challenge_id = "code-1",
                    .send = 1,
                    .parts = 1,
                    .sent_at = kT0,
                    .created_at = kT0};
  ASSERT_TRUE(store_->text_deliveries().Track(part).ok());
  columns_->Set("text_deliveries", "message_id", "m-1", "shredded");
  ExpectUnknown(store_->text_deliveries().ListForChallenge("code-1").status(), "text_deliveries",
                "list texts");
  ExpectUnknown(store_->text_deliveries().Track(part).status(), "text_deliveries", "track again");

  // The rows are still there as they were: a newer version reading them finds its own text.
  EXPECT_EQ(columns_->Text("call_attempts", "id", "call-1"), "shredded");
}

INSTANTIATE_TEST_SUITE_P(Backends, StateColumnsTest, StoreBackends(), BackendName);

}  // namespace
}  // namespace secinfo::store::test
