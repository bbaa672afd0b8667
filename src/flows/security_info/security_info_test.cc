#include "flows/security_info/security_info.h"

#include <gtest/gtest.h>

#include "flows/test_store.h"
#include "methods/authenticator/app_data.h"
#include "methods/email/email_data.h"
#include "methods/phone/phone_data.h"
#include "methods/questions/questions_data.h"
#include "policy/policy.h"

namespace secinfo::flows {
namespace {

class SecurityInfoTest : public testing::Test {
 protected:
  void SetUp() override {
    store_ = testing_support::OpenTestStore("security_info");
    user_ = testing_support::AddContosoAndAna(*store_);
    tenant_id_ = user_.tenant_id;
  }

  int64_t AddMethod(methods::MethodKind kind, std::string detail) {
    store::Method m;
    m.user_id = user_.id;
    if (kind == methods::MethodKind::kPhone) {
      methods::phone::Put({"mobile", detail}, m);
    } else if (kind == methods::MethodKind::kEmail) {
      methods::email::Put({detail}, m);
    } else if (kind == methods::MethodKind::kAuthenticator) {
      methods::authenticator::Put({.name = detail}, m);
    } else {
      methods::questions::Put({}, m);
    }
    m.created_at = clock_.NowMillis();
    clock_.AdvanceMillis(1'000);
    return *store_->methods().Create(m);
  }
  // The person as the next request reads them.
  store::User Reload() { return *store_->users().Get(user_.id); }
  store::AuditEntry LastAudit() { return store_->audit().ListForTenant(tenant_id_, 1)->front(); }

  FakeClock clock_{1'700'000'000'000};
  std::unique_ptr<store::Store> store_;
  store::User user_;
  int64_t tenant_id_ = 0;
};

TEST_F(SecurityInfoTest, ListsMethodsOldestFirstWithWhatEachMayDo) {
  int64_t phone = AddMethod(methods::MethodKind::kPhone, "+33612345678");
  int64_t mail = AddMethod(methods::MethodKind::kEmail, "ana@example.org");
  SecurityInfo flow(*store_, clock_);
  auto list = flow.List(Reload());
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].method.id, phone);
  EXPECT_TRUE((*list)[0].is_default);  // the first method that can be one became the default
  EXPECT_TRUE((*list)[0].usable_for_mfa);
  EXPECT_TRUE((*list)[0].can_be_default);
  EXPECT_EQ((*list)[1].method.id, mail);
  EXPECT_FALSE((*list)[1].usable_for_mfa);  // email serves password reset only
  EXPECT_TRUE((*list)[1].usable_for_sspr);
  EXPECT_FALSE((*list)[1].can_be_default);
  EXPECT_EQ(MethodDetail((*list)[0].method), "+33 6 12 34 56 78");
  EXPECT_EQ(MethodDetail((*list)[1].method), "ana@example.org");
}

TEST_F(SecurityInfoTest, TheTenantSwitchesShowInTheList) {
  AddMethod(methods::MethodKind::kPhone, "+33612345678");
  ASSERT_TRUE(policy::SetPurposes(store_->tenants(), tenant_id_, "phone", false, true).ok());
  SecurityInfo flow(*store_, clock_);
  auto list = flow.List(Reload());
  ASSERT_TRUE(list.ok());
  EXPECT_FALSE(list->front().usable_for_mfa);
  EXPECT_TRUE(list->front().usable_for_sspr);
}

TEST_F(SecurityInfoTest, SetDefaultOnlyForMethodsThatServeSignIn) {
  int64_t phone = AddMethod(methods::MethodKind::kPhone, "+33612345678");
  int64_t app = AddMethod(methods::MethodKind::kAuthenticator, "Pixel");
  int64_t mail = AddMethod(methods::MethodKind::kEmail, "ana@example.org");
  SecurityInfo flow(*store_, clock_);
  EXPECT_EQ(flow.SetDefault(Reload(), mail, std::nullopt, "192.0.2.1"),
            SecurityInfoOutcome::kCannotBeDefault);
  EXPECT_EQ(Reload().default_method_id, phone);
  EXPECT_EQ(flow.SetDefault(Reload(), app, std::nullopt, "192.0.2.1"), SecurityInfoOutcome::kDone);
  EXPECT_EQ(Reload().default_method_id, app);
  store::AuditEntry e = LastAudit();
  EXPECT_EQ(e.action, "default_change");
  EXPECT_EQ(e.method, "authenticator");
  EXPECT_EQ(e.ip, "192.0.2.1");
  EXPECT_EQ(e.detail, "Pixel");
}

TEST_F(SecurityInfoTest, AMobileCanBeTheDefaultByTextRatherThanByCall) {
  int64_t mobile = AddMethod(methods::MethodKind::kPhone, "+33612345678");
  SecurityInfo flow(*store_, clock_);
  auto before = flow.List(Reload());
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->front().sign_in_proofs,
            (std::vector<methods::Proof>{methods::Proof::kCall, methods::Proof::kSmsCode}));

  EXPECT_EQ(flow.SetDefault(Reload(), mobile, methods::Proof::kSmsCode, "192.0.2.1"),
            SecurityInfoOutcome::kDone);
  EXPECT_EQ(Reload().default_proof, "sms");
  auto after = flow.List(Reload());
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->front().sign_in_proofs,
            (std::vector<methods::Proof>{methods::Proof::kSmsCode, methods::Proof::kCall}));
  EXPECT_EQ(LastAudit().action, "default_change");
  EXPECT_EQ(LastAudit().detail, "+33 6 12 34 56 78 (sms)");

  // An app cannot be texted: refused, and the default stays as it was.
  int64_t app = AddMethod(methods::MethodKind::kAuthenticator, "Pixel");
  EXPECT_EQ(flow.SetDefault(Reload(), app, methods::Proof::kSmsCode, "192.0.2.1"),
            SecurityInfoOutcome::kCannotBeDefault);
  EXPECT_EQ(Reload().default_method_id, mobile);
  EXPECT_EQ(Reload().default_proof, "sms");
}

TEST_F(SecurityInfoTest, AnotherPersonsMethodIsNotFoundAndUntouched) {
  int64_t phone = AddMethod(methods::MethodKind::kPhone, "+33612345678");
  store::User kim = user_;
  kim.username = "kim@contoso.example";
  kim.id = *store_->users().Create(kim);
  SecurityInfo flow(*store_, clock_);
  EXPECT_EQ(flow.Delete(kim, phone, "ip"), SecurityInfoOutcome::kNotFound);
  EXPECT_EQ(flow.SetDefault(kim, phone, std::nullopt, "ip"), SecurityInfoOutcome::kNotFound);
  EXPECT_EQ(flow.Delete(Reload(), 999, "ip"), SecurityInfoOutcome::kNotFound);
  EXPECT_TRUE(store_->methods().Get(user_.id, phone).ok());
}

TEST_F(SecurityInfoTest, DeletingTheDefaultMovesItToTheOldestThatCanBeOne) {
  int64_t phone = AddMethod(methods::MethodKind::kPhone, "+33612345678");
  AddMethod(methods::MethodKind::kEmail, "ana@example.org");  // older than the app
  int64_t app = AddMethod(methods::MethodKind::kAuthenticator, "Pixel");
  SecurityInfo flow(*store_, clock_);
  EXPECT_EQ(flow.Delete(Reload(), phone, "192.0.2.1"), SecurityInfoOutcome::kDone);
  EXPECT_EQ(Reload().default_method_id, app);
  store::AuditEntry e = LastAudit();
  EXPECT_EQ(e.action, "method_delete");
  EXPECT_EQ(e.method, "phone:mobile");
  EXPECT_EQ(e.detail, "+33 6 12 34 56 78");
  EXPECT_EQ(flow.Delete(Reload(), app, "ip"), SecurityInfoOutcome::kDone);
  EXPECT_EQ(Reload().default_method_id, std::nullopt);  // email cannot be the default
  EXPECT_EQ(flow.List(Reload())->size(), 1u);
}

TEST_F(SecurityInfoTest, AdministratorsAreNeverOfferedSecurityQuestions) {
  ASSERT_TRUE(
      policy::SetAllowedMethods(store_->tenants(), tenant_id_, {"phone", "email", "questions"})
          .ok());
  SecurityInfo flow(*store_, clock_);
  using K = methods::MethodKind;
  EXPECT_EQ(*flow.AddableKinds(user_), (std::vector<K>{K::kPhone, K::kEmail, K::kQuestions}));
  store::User admin = user_;
  admin.is_admin = true;
  EXPECT_EQ(*flow.AddableKinds(admin), (std::vector<K>{K::kPhone, K::kEmail}));
}

}  // namespace
}  // namespace secinfo::flows
