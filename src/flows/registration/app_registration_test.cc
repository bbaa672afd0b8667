#include "flows/registration/app_registration.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "crypto/base32.h"
#include "crypto/otp.h"
#include "flows/test_store.h"
#include "methods/authenticator/app_data.h"
#include "policy/policy.h"

namespace secinfo::flows {
namespace {

class AppRegistrationTest : public testing::Test {
 protected:
  void SetUp() override {
    store_ = testing_support::OpenTestStore("app_registration");
    user_ = testing_support::AddContosoAndAna(*store_);
    tenant_id_ = user_.tenant_id;
    flow_ = std::make_unique<AppRegistration>(
        *store_, clock_, random_, crypto::SecretBox(std::string(32, 'k')), AppOptions{});
  }

  std::string Begin(const std::string& name = "Pixel") {
    std::string id;
    EXPECT_EQ(flow_->Begin(user_, name, "192.0.2.1", &id), AppError::kNone);
    return id;
  }
  // What the person's app shows: the seed read back from the otpauth URI of the QR page.
  std::string SeedOf(const std::string& enrolment) {
    auto v = flow_->View(enrolment, user_, "Contoso");
    std::string uri = v->key_uri;
    size_t s = uri.find("secret=") + 7;
    return *crypto::Base32Decode(uri.substr(s, uri.find('&', s) - s));
  }
  std::string CodeNow(const std::string& seed, int64_t offset_seconds = 0) {
    return crypto::Totp(seed, clock_.NowSeconds() + offset_seconds);
  }

  FakeClock clock_{1'700'000'015'000};
  SystemRandom random_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<AppRegistration> flow_;
  store::User user_;
  int64_t tenant_id_ = 0;
};

TEST_F(AppRegistrationTest, ACodeFromTheAppFinishesAndIsNotAcceptedTwice) {
  std::string id = Begin();
  auto view = flow_->View(id, user_, "Contoso");
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->key_uri.rfind("otpauth://totp/Contoso:ana@contoso.example?secret=", 0), 0u)
      << view->key_uri;
  std::string seed = SeedOf(id);
  EXPECT_EQ(seed.size(), 20u);  // 160 bits
  // The store holds the seed sealed, never in clear.
  auto stored = store_->app_enrolments().Get(id);
  EXPECT_EQ(stored->secret.find(crypto::Base32Encode(seed)), std::string::npos);

  EXPECT_EQ(flow_->Finish(id, user_, "000000" == CodeNow(seed) ? "111111" : "000000", "ip"),
            AppCodeOutcome::kRejected);
  std::string code = CodeNow(seed);
  EXPECT_EQ(flow_->Finish(id, user_, code, "ip"), AppCodeOutcome::kAccepted);
  EXPECT_EQ(flow_->Finish(id, user_, code, "ip"), AppCodeOutcome::kNotPending);

  auto methods = store_->methods().ListForUser(user_.id);
  ASSERT_EQ(methods->size(), 1u);
  EXPECT_EQ(methods->front().kind, methods::MethodKind::kAuthenticator);
  EXPECT_EQ(methods::authenticator::DataOf(methods->front()).name, "Pixel");
  // The code used to finish is spent: the same code is refused as a replay.
  EXPECT_EQ(flow_->Check(methods->front().id, user_, code, "ip"), AppCodeOutcome::kReplayed);
  clock_.AdvanceSeconds(30);
  std::string next = CodeNow(seed);
  EXPECT_EQ(flow_->Check(methods->front().id, user_, next, "ip"), AppCodeOutcome::kAccepted);
  EXPECT_EQ(flow_->Check(methods->front().id, user_, next, "ip"), AppCodeOutcome::kReplayed);
}

TEST_F(AppRegistrationTest, OneStepOfClockDriftIsTolerated) {
  std::string id = Begin();
  std::string seed = SeedOf(id);
  EXPECT_EQ(flow_->Finish(id, user_, CodeNow(seed, 60), "ip"), AppCodeOutcome::kRejected);
  EXPECT_EQ(flow_->Finish(id, user_, CodeNow(seed, -30), "ip"), AppCodeOutcome::kAccepted);
}

TEST_F(AppRegistrationTest, EnrolmentsExpireAndWrongCodesAreThrottled) {
  std::string id = Begin();
  std::string seed = SeedOf(id);
  clock_.AdvanceSeconds(601);
  EXPECT_EQ(flow_->Finish(id, user_, CodeNow(seed), "ip"), AppCodeOutcome::kExpired);

  id = Begin();
  seed = SeedOf(id);
  std::string wrong = CodeNow(seed) == "123456" ? "654321" : "123456";
  for (int i = 0; i < 10; ++i)
    EXPECT_EQ(flow_->Finish(id, user_, wrong, "ip"), AppCodeOutcome::kRejected);
  EXPECT_EQ(flow_->Finish(id, user_, CodeNow(seed), "ip"), AppCodeOutcome::kThrottled);
  EXPECT_EQ(flow_->Finish(id, user_, "12ab56", "ip"), AppCodeOutcome::kThrottled);
}

TEST_F(AppRegistrationTest, NamesLimitsAndPolicy) {
  std::string id;
  EXPECT_EQ(flow_->Begin(user_, "   ", "ip", &id), AppError::kBadName);
  EXPECT_EQ(flow_->Begin(user_, std::string(65, 'x'), "ip", &id), AppError::kBadName);
  EXPECT_EQ(flow_->Begin(user_, "bad\nname", "ip", &id), AppError::kBadName);
  EXPECT_TRUE(AppRegistration::CleanName(std::string(64, 'x')).has_value());
  EXPECT_EQ(AppRegistration::CleanName("  Téléphone pro "), "Téléphone pro");

  for (int i = 0; i < 5; ++i) {
    std::string e = Begin("App " + std::to_string(i));
    ASSERT_EQ(flow_->Finish(e, user_, CodeNow(SeedOf(e)), "ip"), AppCodeOutcome::kAccepted);
  }
  EXPECT_EQ(flow_->Begin(user_, "Sixth", "ip", &id), AppError::kTooMany);

  auto first = store_->methods().ListForUser(user_.id)->front();
  EXPECT_EQ(flow_->Rename(first.id, user_, "Work phone", "ip"), AppError::kNone);
  EXPECT_EQ(methods::authenticator::DataOf(*store_->methods().Get(user_.id, first.id)).name,
            "Work phone");
  EXPECT_EQ(flow_->Rename(first.id, user_, "", "ip"), AppError::kBadName);

  ASSERT_TRUE(policy::SetAllowedMethods(store_->tenants(), tenant_id_, {"phone"}).ok());
  EXPECT_EQ(flow_->Begin(user_, "Blocked", "ip", &id), AppError::kNotAllowed);
}

TEST_F(AppRegistrationTest, AnotherPersonCannotSeeOrFinish) {
  std::string id = Begin();
  store::User ben = user_;
  ben.id = user_.id + 1;
  EXPECT_FALSE(flow_->View(id, ben, "Contoso").ok());
  EXPECT_EQ(flow_->Finish(id, ben, CodeNow(SeedOf(id)), "ip"), AppCodeOutcome::kNotPending);
}

}  // namespace
}  // namespace secinfo::flows
