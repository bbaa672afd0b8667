#include "methods/registry.h"

#include <gtest/gtest.h>

#include "methods/authenticator/app_data.h"
#include "methods/phone/phone_data.h"

namespace secinfo::methods {
namespace {

store::Method Phone(std::string type) {
  store::Method m;
  phone::Put({std::move(type), "+33612345678"}, m);
  return m;
}

TEST(RegistryTest, EveryKindRoundTripsByName) {
  for (const KindInfo& info : AllKinds()) {
    EXPECT_EQ(ParseKind(info.name), info.kind);
    EXPECT_EQ(KindName(info.kind), info.name);
    EXPECT_NE(info.proofs, nullptr) << info.name;
  }
  EXPECT_EQ(ParseKind("fax"), std::nullopt);
  EXPECT_EQ(ParseKind("PHONE"), std::nullopt);
}

TEST(RegistryTest, EmailAndQuestionsNeverServeSignIn) {
  EXPECT_TRUE(CanServe(MethodKind::kPhone, Purpose::kMfa));
  EXPECT_TRUE(CanServe(MethodKind::kAuthenticator, Purpose::kMfa));
  EXPECT_FALSE(CanServe(MethodKind::kEmail, Purpose::kMfa));
  EXPECT_FALSE(CanServe(MethodKind::kQuestions, Purpose::kMfa));
  for (const KindInfo& info : AllKinds()) EXPECT_TRUE(CanServe(info.kind, Purpose::kSspr));
  EXPECT_FALSE(CanBeDefault(MethodKind::kEmail));
  EXPECT_FALSE(Info(MethodKind::kQuestions).allowed_by_default);
}

TEST(RegistryTest, OnlyMobilesOfferTexts) {
  EXPECT_EQ(ProofsFor(Phone("mobile"), Purpose::kMfa),
            (std::vector<Proof>{Proof::kCall, Proof::kSmsCode}));
  EXPECT_EQ(ProofsFor(Phone("office"), Purpose::kMfa), std::vector<Proof>{Proof::kCall});
  EXPECT_EQ(ProofsFor(Phone("alternate_mobile"), Purpose::kMfa), std::vector<Proof>{Proof::kCall});
}

TEST(RegistryTest, AnAppOffersPushOnlyOnceADeviceIsBound) {
  store::Method app;
  authenticator::Put({.name = "Pixel 8"}, app);
  EXPECT_EQ(ProofsFor(app, Purpose::kMfa), std::vector<Proof>{Proof::kAppCode});
  authenticator::Put({"Pixel 8", "cHVi", "dev-1"}, app);
  EXPECT_EQ(ProofsFor(app, Purpose::kMfa), (std::vector<Proof>{Proof::kPush, Proof::kAppCode}));
}

TEST(RegistryTest, EmailOffersNothingForSignIn) {
  store::Method m;
  m.kind = methods::MethodKind::kEmail;
  EXPECT_TRUE(ProofsFor(m, Purpose::kMfa).empty());
  EXPECT_EQ(ProofsFor(m, Purpose::kSspr), std::vector<Proof>{Proof::kEmailCode});
}

TEST(RegistryTest, AmrValuesFollowRfc8176) {
  EXPECT_EQ(AmrOf(Proof::kCall), "tel");
  EXPECT_EQ(AmrOf(Proof::kSmsCode), "sms");
  EXPECT_EQ(AmrOf(Proof::kAppCode), "otp");
  EXPECT_EQ(AmrOf(Proof::kPush), "swk");
  EXPECT_EQ(AmrOf(Proof::kAnswers), "kba");
  for (const char* name : {"call", "sms", "email", "app_code", "push", "answers"}) {
    auto p = ParseProof(name);
    ASSERT_TRUE(p) << name;
    EXPECT_EQ(ProofName(*p), name);
  }
}

TEST(RegistryTest, EveryKindSaysWhereItsWizardIsAndHowItIsShown) {
  for (const KindInfo& info : AllKinds()) {
    EXPECT_EQ(info.page_path, "/security-info/" + std::string(info.name)) << info.name;
  }
  EXPECT_EQ(LabelKey(Phone("office")), "phone_type_office");
  store::Method mail;
  mail.kind = methods::MethodKind::kEmail;
  EXPECT_EQ(LabelKey(mail), "method_email");
  EXPECT_EQ(Info(MethodKind::kPhone).detail, Detail::kPhoneNumber);
  EXPECT_EQ(Info(MethodKind::kQuestions).detail, Detail::kAnswerCount);
  EXPECT_FALSE(Info(MethodKind::kQuestions).offered_to_admins);
  EXPECT_TRUE(Info(MethodKind::kAuthenticator).offered_to_admins);
}

TEST(RegistryTest, StoredNamesAskTheSameRules) {
  EXPECT_TRUE(IsKind(Phone("mobile"), MethodKind::kPhone));
  EXPECT_FALSE(IsKind(Phone("mobile"), MethodKind::kEmail));
  EXPECT_TRUE(CanBeDefault("phone"));
  EXPECT_TRUE(CanBeDefault("authenticator"));
  EXPECT_FALSE(CanBeDefault("email"));
  EXPECT_FALSE(CanBeDefault("questions"));
  EXPECT_FALSE(CanBeDefault("carrier-pigeon"));
}

}  // namespace
}  // namespace secinfo::methods
