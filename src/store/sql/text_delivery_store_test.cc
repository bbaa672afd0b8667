#include <thread>
#include <vector>

#include "store/sql/store_test_fixture.h"

// Contract cases for the texts of code challenges and their delivery receipts (run for every
// backend, see sql_store_test.cc's instantiation).
namespace secinfo::store::test {
namespace {

TextDelivery Part(std::string message_id, int64_t tenant_id, int64_t send = 1, int64_t parts = 1) {
  return TextDelivery{.provider = "smpp",
                      .message_id = std::move(message_id),
                      .tenant_id = tenant_id,
                      .challenge_id = "code-1",
                      .send = send,
                      .parts = parts,
                      .sent_at = kT0,
                      .created_at = kT0};
}

TEST_P(StoreContractTest, AReceiptAfterTheTextIsRecordedAgainstIt) {
  TextDeliveryStore& s = store_->text_deliveries();
  Result<TextDelivery> tracked = s.Track(Part("m-1", tenant_id_));
  ASSERT_TRUE(tracked.ok()) << tracked.status().ToString();
  EXPECT_EQ(tracked->state, DeliveryState::kNoReceipt);

  Result<TextDelivery> got =
      s.RecordReceipt("smpp", "m-1", DeliveryState::kUndelivered, "UNDELIV err:001", kT0 + 2000);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->challenge_id, "code-1") << "the receipt finds what the text was for";
  EXPECT_EQ(got->tenant_id, tenant_id_);
  EXPECT_EQ(got->state, DeliveryState::kUndelivered);
  EXPECT_EQ(got->error, "UNDELIV err:001");
  EXPECT_EQ(got->reported_at, kT0 + 2000);

  Result<std::vector<TextDelivery>> listed = s.ListForChallenge("code-1");
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].state, DeliveryState::kUndelivered);
  EXPECT_EQ((*listed)[0].send, 1);
  EXPECT_TRUE(s.ListForChallenge("another")->empty());
}

TEST_P(StoreContractTest, AReceiptBeforeTheTextIsKeptUntilTheTextIsRecorded) {
  TextDeliveryStore& s = store_->text_deliveries();
  // The SMSC may answer on another node's bind before the sending node wrote the message id.
  Result<TextDelivery> early =
      s.RecordReceipt("smpp", "m-1", DeliveryState::kDelivered, "", kT0 + 10);
  ASSERT_TRUE(early.ok()) << early.status().ToString();
  EXPECT_EQ(early->challenge_id, "") << "nobody knows yet what the text was for";

  Result<TextDelivery> tracked = s.Track(Part("m-1", tenant_id_, 2, 2));
  ASSERT_TRUE(tracked.ok()) << tracked.status().ToString();
  EXPECT_EQ(tracked->state, DeliveryState::kDelivered) << "the receipt that came first stays";
  EXPECT_EQ(tracked->reported_at, kT0 + 10);
  EXPECT_EQ(tracked->challenge_id, "code-1");
  EXPECT_EQ(tracked->send, 2);
  EXPECT_EQ(tracked->parts, 2);
  ASSERT_TRUE(s.Track(Part("m-2", tenant_id_, 2, 2)).ok());
  Result<std::vector<TextDelivery>> listed = s.ListForChallenge("code-1");
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].message_id, "m-1");
  EXPECT_EQ((*listed)[1].state, DeliveryState::kNoReceipt);
}

TEST_P(StoreContractTest, OnlyFinalReceiptsAreRecordedAndProvidersHaveTheirOwnIds) {
  TextDeliveryStore& s = store_->text_deliveries();
  EXPECT_EQ(s.RecordReceipt("smpp", "m-1", DeliveryState::kNoReceipt, "", kT0).status().code(),
            Code::kInvalidArgument);
  ASSERT_TRUE(s.Track(Part("m-1", tenant_id_)).ok());
  Result<TextDelivery> other = s.RecordReceipt("http", "m-1", DeliveryState::kUndelivered, "", kT0);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->challenge_id, "") << "another provider's m-1 is another text";
  EXPECT_EQ(s.ListForChallenge("code-1")->at(0).state, DeliveryState::kNoReceipt);
}

TEST_P(StoreContractTest, AReceiptOnOneNodeIsSeenOnTheOther) {
  std::unique_ptr<Store> other = MustOpen(options_);  // a second node on the same database
  ASSERT_NE(other, nullptr);
  ASSERT_TRUE(store_->text_deliveries().Track(Part("m-1", tenant_id_)).ok());
  // Both nodes record at once: whichever wins, the row ends with both halves.
  std::thread receipt([&] {
    EXPECT_TRUE(other->text_deliveries()
                    .RecordReceipt("smpp", "m-2", DeliveryState::kDelivered, "", kT0)
                    .ok());
  });
  ASSERT_TRUE(store_->text_deliveries().Track(Part("m-2", tenant_id_)).ok());
  receipt.join();
  Result<std::vector<TextDelivery>> seen = store_->text_deliveries().ListForChallenge("code-1");
  ASSERT_TRUE(seen.ok());
  ASSERT_EQ(seen->size(), 2u);
  EXPECT_EQ((*seen)[1].message_id, "m-2");
  EXPECT_EQ((*seen)[1].state, DeliveryState::kDelivered);
  EXPECT_EQ((*seen)[1].challenge_id, "code-1");
}

TEST_P(StoreContractTest, OldTextsArePurged) {
  TextDeliveryStore& s = store_->text_deliveries();
  ASSERT_TRUE(s.Track(Part("m-1", tenant_id_)).ok());
  ASSERT_TRUE(s.RecordReceipt("smpp", "orphan", DeliveryState::kDelivered, "", kT0 + 5).ok());
  EXPECT_EQ(*s.DeleteCreatedBefore(kT0), 0);
  EXPECT_EQ(*s.DeleteCreatedBefore(kT0 + 1), 1);
  EXPECT_EQ(*s.DeleteCreatedBefore(kT0 + 6), 1);
  EXPECT_TRUE(s.ListForChallenge("code-1")->empty());
}

}  // namespace
}  // namespace secinfo::store::test
