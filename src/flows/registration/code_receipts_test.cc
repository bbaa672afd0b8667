// Delivery receipts of texted codes: recorded through the store against the text they are about,
// whichever node received them, and shown as the challenge's delivery.
#include <gtest/gtest.h>

#include "channels/email/simulated/simulated_email.h"
#include "channels/sms/simulated/simulated_sms.h"
#include "flows/registration/code_registration.h"
#include "flows/test_store.h"

namespace secinfo::flows {
namespace {

// A provider that names what it sends, as SMPP does: the simulated phone gets the text, and the
// sender gets "m-1", "m-2"... (`parts` ids per text).
class NamingSms final : public channels::SmsChannel {
 public:
  explicit NamingSms(channels::SmsChannel& phone) : phone_(phone) {}
  std::string_view name() const override { return "naming"; }
  channels::SendResult Deliver(const channels::SmsMessage& m) override {
    channels::SendResult r = phone_.Deliver(m);
    for (int i = 0; i < parts; ++i) r.references.push_back("m-" + std::to_string(++next_));
    return r;
  }
  int parts = 1;

  // As an HTTP gateway's provider reads its callback: a "sig" of "ours" stands for our signature,
  // "status" 1 for delivered, 2 for failed, anything else for not final.
  mutable channels::ReceiptFields last_callback;
  Result<std::optional<channels::SmsReceiptReport>> ReadReceiptCallback(
      const channels::ReceiptFields& fields) const override {
    last_callback = fields;
    if (!fields.count("ref") || fields.at("ref").empty() || !fields.count("sig") ||
        fields.at("sig") != "ours") {
      return Status::InvalidArgument("not ours");
    }
    const std::string status = fields.count("status") ? fields.at("status") : "";
    if (status != "1" && status != "2") return std::optional<channels::SmsReceiptReport>();
    return std::optional(channels::SmsReceiptReport{name(), fields.at("ref"), status == "1",
                                                    status == "1" ? "" : "gateway status 2"});
  }

 private:
  channels::SmsChannel& phone_;
  int next_ = 0;
};

class CodeReceiptsTest : public testing::Test {
 protected:
  void SetUp() override {
    store_ = testing_support::OpenTestStore("code_receipts");
    user_ = testing_support::AddContosoAndAna(*store_);
    phone_ = std::make_unique<channels::SimulatedSms>(store_->sim_messages(), clock_);
    email_ = std::make_unique<channels::SimulatedEmail>(store_->sim_messages(), clock_);
    sms_ = std::make_unique<NamingSms>(*phone_);
    node_a_ = std::make_unique<CodeRegistration>(*store_, *sms_, *email_, clock_, random_, retries_,
                                                 "key", CodeOptions{});
    // A second node on the same database, with its own bind (here: its own provider object).
    node_b_ = std::make_unique<CodeRegistration>(*store_, *sms_, *email_, clock_, random_, retries_,
                                                 "key", CodeOptions{});
  }

  std::string TextMe(const std::string& number = "06 12 34 56 78") {
    CodeBeginResult r = node_a_->Begin(
        {user_, methods::MethodKind::kPhone, "FR", number, "mobile", "", "fr", "192.0.2.1"});
    EXPECT_EQ(r.error, BeginError::kNone);
    return r.challenge_id;
  }
  store::DeliveryState DeliveryOn(CodeRegistration& node, const std::string& id) {
    return node.DeliveryOf(*node.Get(id, user_.id));
  }
  static channels::SmsReceiptReport Receipt(std::string id, bool delivered) {
    return {"naming", std::move(id), delivered, delivered ? "" : "UNDELIV err:001"};
  }
  // The code_delivery entries of the audit log, oldest first, as "result: detail".
  std::vector<std::string> DeliveryAudit() {
    std::vector<std::string> out;
    auto entries = store_->audit().ListForTenant(user_.tenant_id, 100);
    if (!entries.ok()) return {entries.status().ToString()};
    for (const auto& e : *entries) {
      if (e.action == "code_delivery") out.insert(out.begin(), e.result + ": " + e.detail);
    }
    return out;
  }

  FakeClock clock_;
  FakeScheduler retries_{clock_};
  SystemRandom random_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<channels::SimulatedSms> phone_;
  std::unique_ptr<channels::SimulatedEmail> email_;
  std::unique_ptr<NamingSms> sms_;
  std::unique_ptr<CodeRegistration> node_a_;
  std::unique_ptr<CodeRegistration> node_b_;
  store::User user_;
};

TEST_F(CodeReceiptsTest, AFailedReceiptOnAnotherNodeShowsOnTheChallengeAndIsAudited) {
  const std::string id = TextMe();
  EXPECT_EQ(DeliveryOn(*node_a_, id), store::DeliveryState::kNoReceipt) << "no receipt yet";

  node_b_->OnSmsReceipt(Receipt("m-1", false));  // the SMSC answered on node B's bind
  EXPECT_EQ(DeliveryOn(*node_a_, id), store::DeliveryState::kUndelivered);
  EXPECT_EQ(DeliveryOn(*node_b_, id), store::DeliveryState::kUndelivered);
  const std::vector<std::string> audit = DeliveryAudit();
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_TRUE(audit[0].starts_with("undelivered: challenge " + id.substr(0, 8) +
                                   " to +33612345678; send 1, message m-1: UNDELIV err:001"))
      << audit[0];
  // The challenge itself goes on: a new code may be asked for.
  EXPECT_EQ(node_a_->Get(id, user_.id)->state, store::CodeChallengeState::kPending);
}

TEST_F(CodeReceiptsTest, ANewCodeIsJudgedByItsOwnText) {
  const std::string id = TextMe();
  node_b_->OnSmsReceipt(Receipt("m-1", false));
  clock_.AdvanceSeconds(31);  // past the resend cooldown
  ASSERT_EQ(node_a_->Resend(id, user_.id), ResendOutcome::kSent);
  EXPECT_EQ(DeliveryOn(*node_a_, id), store::DeliveryState::kNoReceipt)
      << "the first text's failure says nothing of the second";
  node_a_->OnSmsReceipt(Receipt("m-2", true));
  EXPECT_EQ(DeliveryOn(*node_b_, id), store::DeliveryState::kDelivered);
  EXPECT_EQ(DeliveryAudit().back(),
            "delivered: challenge " + id.substr(0, 8) + " to +33612345678; send 2, message m-2");
}

TEST_F(CodeReceiptsTest, AReceiptBeforeTheTextIsRecordedWaitsForIt) {
  // The receipt reached node B before node A wrote down what m-1 was for.
  node_b_->OnSmsReceipt(Receipt("m-1", false));
  EXPECT_TRUE(DeliveryAudit().empty()) << "nobody knows yet whose text it was";
  const std::string id = TextMe();
  EXPECT_EQ(DeliveryOn(*node_b_, id), store::DeliveryState::kUndelivered);
  EXPECT_EQ(DeliveryAudit().size(), 1u) << "audited once, by the node that sent it";
}

TEST_F(CodeReceiptsTest, ALongTextIsDeliveredOnceEveryPartIs) {
  sms_->parts = 2;
  const std::string id = TextMe();
  node_b_->OnSmsReceipt(Receipt("m-1", true));
  EXPECT_EQ(DeliveryOn(*node_a_, id), store::DeliveryState::kNoReceipt);
  node_b_->OnSmsReceipt(Receipt("m-2", true));
  EXPECT_EQ(DeliveryOn(*node_a_, id), store::DeliveryState::kDelivered);
}

TEST_F(CodeReceiptsTest, ReceiptsForOtherTextsChangeNothing) {
  const std::string id = TextMe();
  node_b_->OnSmsReceipt({"other-provider", "m-1", false, "UNDELIV err:001"});
  node_b_->OnSmsReceipt(Receipt("m-99", false));  // a notification text, say
  EXPECT_EQ(DeliveryOn(*node_a_, id), store::DeliveryState::kNoReceipt);
  EXPECT_TRUE(DeliveryAudit().empty());
}

TEST_F(CodeReceiptsTest, MailAndProvidersWithoutReceiptsStayUnknown) {
  CodeRegistration simulated(*store_, *phone_, *email_, clock_, random_, retries_, "key",
                             CodeOptions{});
  CodeBeginResult r = simulated.Begin(
      {user_, methods::MethodKind::kPhone, "FR", "0612345678", "mobile", "", "fr", "192.0.2.1"});
  ASSERT_EQ(r.error, BeginError::kNone);
  EXPECT_TRUE(store_->text_deliveries().ListForChallenge(r.challenge_id)->empty());
  EXPECT_EQ(simulated.DeliveryOf(*simulated.Get(r.challenge_id, user_.id)),
            store::DeliveryState::kNoReceipt);
}

TEST_F(CodeReceiptsTest, AGatewaysCallbackIsRecordedLikeAnSmppReceipt) {
  const std::string id = TextMe();
  // Node B's route got Kannel's request for the text node A sent.
  EXPECT_EQ(node_b_->TakeReceiptCallback({{"ref", "m-1"}, {"sig", "ours"}, {"status", "8"}},
                                         "198.51.100.7"),
            ReceiptCallbackOutcome::kIgnored);
  EXPECT_EQ(DeliveryOn(*node_a_, id), store::DeliveryState::kNoReceipt) << "submitted: not final";
  EXPECT_EQ(node_b_->TakeReceiptCallback({{"ref", "m-1"}, {"sig", "ours"}, {"status", "2"}},
                                         "198.51.100.7"),
            ReceiptCallbackOutcome::kRecorded);
  EXPECT_EQ(DeliveryOn(*node_a_, id), store::DeliveryState::kUndelivered);
  const std::vector<std::string> audit = DeliveryAudit();
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_TRUE(audit[0].ends_with("send 1, message m-1: gateway status 2")) << audit[0];
}

TEST_F(CodeReceiptsTest, AForgedCallbackChangesNothing) {
  const std::string id = TextMe();
  EXPECT_EQ(node_b_->TakeReceiptCallback({{"ref", "m-1"}, {"sig", "forged"}, {"status", "2"}},
                                         "198.51.100.7"),
            ReceiptCallbackOutcome::kRejected);
  EXPECT_EQ(DeliveryOn(*node_a_, id), store::DeliveryState::kNoReceipt);
  EXPECT_TRUE(DeliveryAudit().empty());
}

TEST_F(CodeReceiptsTest, CallbacksAreCountedPerNetworkBeforeTheSignatureIsChecked) {
  CodeOptions options;
  options.max_receipt_callbacks_per_minute = 3;
  CodeRegistration node(*store_, *sms_, *email_, clock_, random_, retries_, "key", options);
  const std::string id = TextMe();
  // Three forged tries from one /64 use up its minute, whatever address of it they come from...
  for (const char* ip : {"2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2::3"}) {
    EXPECT_EQ(node.TakeReceiptCallback({{"ref", "m-1"}, {"sig", "guess"}}, ip),
              ReceiptCallbackOutcome::kRejected);
  }
  sms_->last_callback.clear();
  const channels::ReceiptFields real = {{"ref", "m-1"}, {"sig", "ours"}, {"status", "2"}};
  EXPECT_EQ(node.TakeReceiptCallback(real, "2001:db8:1:2::4"), ReceiptCallbackOutcome::kTooMany);
  EXPECT_TRUE(sms_->last_callback.empty()) << "refused before the provider read it";
  EXPECT_EQ(DeliveryOn(node, id), store::DeliveryState::kNoReceipt);
  // ... while the gateway's own network is not held by them.
  EXPECT_EQ(node.TakeReceiptCallback(real, "192.0.2.10"), ReceiptCallbackOutcome::kRecorded);
  EXPECT_EQ(DeliveryOn(node, id), store::DeliveryState::kUndelivered);
  // A minute later the network may try again.
  clock_.AdvanceSeconds(121);
  EXPECT_EQ(node.TakeReceiptCallback(real, "2001:db8:1:2::4"), ReceiptCallbackOutcome::kRecorded);
}

TEST_F(CodeReceiptsTest, ProvidersWithoutCallbacksTakeNone) {
  CodeRegistration simulated(*store_, *phone_, *email_, clock_, random_, retries_, "key",
                             CodeOptions{});
  EXPECT_EQ(simulated.TakeReceiptCallback({{"ref", "m-1"}, {"sig", "ours"}, {"status", "2"}},
                                          "192.0.2.10"),
            ReceiptCallbackOutcome::kNotTaken);
}

}  // namespace
}  // namespace secinfo::flows
