#include "flows/registration/push_approval.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "crypto/ecdsa.h"
#include "crypto/encoding.h"
#include "flows/test_store.h"
#include "methods/authenticator/app_data.h"
#include "methods/authenticator/push.h"

namespace secinfo::flows {
namespace {

class PushApprovalTest : public testing::Test {
 protected:
  void SetUp() override {
    store_ = testing_support::OpenTestStore("push_approval");
    int64_t tenant = *store_->tenants().Create({0, "Contoso", "contoso.example", "fr", "FR"});
    user_.tenant_id = tenant;
    user_.username = "ana@contoso.example";
    user_.password_hash = "$argon2id$unused";
    user_.id = *store_->users().Create(user_);
    crypto::SecretBox box(std::string(32, 'k'));
    store::Method app;
    app.user_id = user_.id;
    methods::authenticator::Put({.name = "Pixel"}, app);
    app.secret = crypto::Base64UrlEncode(box.Seal(std::string(20, 'x'), random_));
    app.created_at = clock_.NowMillis();
    method_id_ = *store_->methods().Create(app);
    push_ = std::make_unique<PushApproval>(*store_, clock_, random_, box, PushOptions{});
    keys_ = *crypto::GenerateEcdsaP256KeyPair();
  }

  // Binds a device the way the companion does and returns its id.
  std::string Bind() {
    auto token = push_->CreateEnrolLink(user_, method_id_);
    auto bound = push_->BindDevice(*token, keys_.public_key_b64, "192.0.2.9");
    EXPECT_TRUE(bound.ok()) << bound.status().ToString();
    return bound.ok() ? bound->device_id : "";
  }
  std::string Sign(const std::string& message) {
    return *crypto::EcdsaP256Sign(keys_.private_key_pem, message);
  }
  PushAnswer Reply(const store::PushChallenge& c, const std::string& device, int64_t number,
                   const std::string& decision = "approve", bool report = false) {
    std::string payload = methods::authenticator::PushSigningPayload(c.id, static_cast<int>(number),
                                                                     decision, c.created_at);
    return push_->Answer(c.id, device, decision, number, report, Sign(payload));
  }
  std::vector<store::PushChallenge> Poll(const std::string& device) {
    // A signed poll works once: each poll signs a time of its own, within the clock skew.
    int64_t ts = clock_.NowSeconds() - polls_++;
    auto p = push_->Pending(device, ts, Sign(PushApproval::PollPayload(device, ts)));
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return p.ok() ? *p : std::vector<store::PushChallenge>{};
  }

  FakeClock clock_;
  int64_t polls_ = 0;
  SystemRandom random_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<PushApproval> push_;
  crypto::EcdsaKeyPair keys_;
  store::User user_;
  int64_t method_id_ = 0;
};

TEST_F(PushApprovalTest, ALinkBindsOneDeviceOnce) {
  auto token = push_->CreateEnrolLink(user_, method_id_);
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(push_->BindDevice(*token, "not a key", "ip").status().code(),
            Status::Code::kInvalidArgument);
  auto bound = push_->BindDevice(*token, keys_.public_key_b64, "ip");
  ASSERT_TRUE(bound.ok());
  EXPECT_EQ(bound->account, "ana@contoso.example");
  EXPECT_EQ(bound->issuer, "Contoso");
  EXPECT_EQ(bound->otpauth.rfind("otpauth://totp/Contoso:ana@contoso.example?secret=", 0), 0u);
  EXPECT_EQ(push_->BindDevice(*token, keys_.public_key_b64, "ip").status().code(),
            Status::Code::kNotFound);  // used

  auto late = push_->CreateEnrolLink(user_, method_id_);
  clock_.AdvanceSeconds(601);
  EXPECT_EQ(push_->BindDevice(*late, keys_.public_key_b64, "ip").status().code(),
            Status::Code::kNotFound);  // expired
}

TEST_F(PushApprovalTest, TheRightNumberApprovesAndAWrongOneEndsTheRequest) {
  std::string device = Bind();
  auto c = push_->SendTest(user_, method_id_, "198.51.100.4");
  ASSERT_TRUE(c.ok());
  EXPECT_GE(c->number, 10);
  EXPECT_LE(c->number, 99);
  auto pending = Poll(device);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].client_ip, "198.51.100.4");
  EXPECT_EQ(Reply(*c, device, c->number), PushAnswer::kApproved);
  EXPECT_EQ(push_->Get(c->id, user_.id)->state, store::PushState::kApproved);
  EXPECT_TRUE(Poll(device).empty());
  EXPECT_EQ(Reply(*c, device, c->number), PushAnswer::kNotPending);

  auto wrong = push_->SendTest(user_, method_id_, "ip");
  EXPECT_EQ(Reply(*wrong, device, wrong->number == 42 ? 43 : 42), PushAnswer::kWrongNumber);
  EXPECT_EQ(Reply(*wrong, device, wrong->number), PushAnswer::kNotPending);  // one try only
  EXPECT_EQ(push_->Get(wrong->id, user_.id)->state, store::PushState::kWrongNumber);
}

TEST_F(PushApprovalTest, DenyReportAndExpiry) {
  std::string device = Bind();
  auto c = push_->SendTest(user_, method_id_, "ip");
  EXPECT_EQ(Reply(*c, device, 0, "deny", /*report=*/true), PushAnswer::kDenied);
  EXPECT_TRUE(store_->push().GetChallenge(c->id)->reported);
  EXPECT_EQ(store_->audit().ListForTenant(user_.tenant_id, 1)->front().action, "push_report");

  auto slow = push_->SendTest(user_, method_id_, "ip");
  clock_.AdvanceSeconds(60);
  EXPECT_EQ(push_->Get(slow->id, user_.id)->state, store::PushState::kExpired);
  EXPECT_EQ(Reply(*slow, device, slow->number), PushAnswer::kNotPending);
}

TEST_F(PushApprovalTest, ASignedPollWorksOnceAndEveryRequestIsAnnounced) {
  std::string device = Bind();
  std::vector<int64_t> announced;
  push_->SetRequestListener([&](int64_t method_id) { announced.push_back(method_id); });
  auto c = push_->SendTest(user_, method_id_, "ip");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(announced, std::vector<int64_t>{method_id_});

  const int64_t ts = clock_.NowSeconds();
  const std::string sig = Sign(PushApproval::PollPayload(device, ts));
  auto first = push_->Pending(device, ts, sig);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->size(), 1u);
  // The same URL again, as someone who captured it would send it: refused, even a minute later.
  EXPECT_EQ(push_->Pending(device, ts, sig).status().code(), Status::Code::kPermissionDenied);
  clock_.AdvanceSeconds(60);
  EXPECT_EQ(push_->AcceptPoll(device, ts, sig).status().code(), Status::Code::kPermissionDenied);
  // The device's next poll signs a new time.
  EXPECT_EQ(*push_->AcceptPoll(device, ts + 1, Sign(PushApproval::PollPayload(device, ts + 1))),
            method_id_);
  // Once outside the skew the pair is forgotten, and the time check alone refuses it.
  clock_.AdvanceSeconds(200);
  EXPECT_EQ(push_->AcceptPoll(device, ts, sig).status().code(), Status::Code::kPermissionDenied);
}

TEST_F(PushApprovalTest, OnlyTheDevicesKeyCounts) {
  std::string device = Bind();
  auto c = push_->SendTest(user_, method_id_, "ip");
  crypto::EcdsaKeyPair other = *crypto::GenerateEcdsaP256KeyPair();
  std::string payload =
      methods::authenticator::PushSigningPayload(c->id, c->number, "approve", c->created_at);
  EXPECT_EQ(push_->Answer(c->id, device, "approve", c->number, false,
                          *crypto::EcdsaP256Sign(other.private_key_pem, payload)),
            PushAnswer::kBadSignature);
  EXPECT_EQ(push_->Answer(c->id, "no-such-device", "approve", c->number, false, Sign(payload)),
            PushAnswer::kBadSignature);
  int64_t ts = clock_.NowSeconds();
  EXPECT_EQ(push_
                ->Pending(device, ts,
                          *crypto::EcdsaP256Sign(other.private_key_pem,
                                                 PushApproval::PollPayload(device, ts)))
                .status()
                .code(),
            Status::Code::kPermissionDenied);
  EXPECT_EQ(push_->Pending(device, ts - 600, Sign(PushApproval::PollPayload(device, ts - 600)))
                .status()
                .code(),
            Status::Code::kPermissionDenied);  // an old, replayed poll
  EXPECT_EQ(push_->Get(c->id, user_.id)->state, store::PushState::kPending);
}

TEST_F(PushApprovalTest, NoDeviceNoRequestAndOthersAppsAreNotFound) {
  EXPECT_EQ(push_->SendTest(user_, method_id_, "ip").status().code(),
            Status::Code::kFailedPrecondition);
  store::User ben = user_;
  ben.id = user_.id + 1;
  EXPECT_EQ(push_->CreateEnrolLink(ben, method_id_).status().code(), Status::Code::kNotFound);
}

}  // namespace
}  // namespace secinfo::flows
