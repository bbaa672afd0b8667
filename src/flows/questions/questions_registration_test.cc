#include "flows/questions/questions_registration.h"

#include <gtest/gtest.h>

#include "flows/test_store.h"
#include "methods/questions/questions.h"
#include "policy/policy.h"

namespace secinfo::flows {
namespace {

namespace q = methods::questions;

class QuestionsRegistrationTest : public testing::Test {
 protected:
  void SetUp() override {
    store_ = testing_support::OpenTestStore("questions_registration");
    user_ = testing_support::AddContosoAndAna(*store_);
    tenant_id_ = user_.tenant_id;
  }
  void Allow() {
    ASSERT_TRUE(
        policy::SetAllowedMethods(store_->tenants(), tenant_id_, {"phone", "questions"}).ok());
  }
  // Three distinct offered questions with acceptable answers.
  std::vector<q::QuestionAnswer> Answers(const QuestionsSetup& setup) {
    return {{setup.offered[0].id, "Marseille"},
            {setup.offered[1].id, "Rex le chien"},
            {setup.offered[2].id, "Madame Dupont"}};
  }
  std::vector<store::Method> Methods() { return *store_->methods().ListForUser(user_.id); }

  FakeClock clock_{1'700'000'000'000};
  std::unique_ptr<store::Store> store_;
  store::User user_;
  int64_t tenant_id_ = 0;
};

TEST_F(QuestionsRegistrationTest, OffUntilTheTenantAllowsThemAndNeverForAdministrators) {
  QuestionsRegistration flow(*store_, clock_);
  EXPECT_EQ(flow.Check(user_), QuestionsRefusal::kNotAllowed);
  Allow();
  EXPECT_EQ(flow.Check(user_), QuestionsRefusal::kNone);
  store::User admin = user_;
  admin.is_admin = true;
  EXPECT_EQ(flow.Check(admin), QuestionsRefusal::kNotForAdmins);
}

TEST_F(QuestionsRegistrationTest, SetupOffersTheTenantsCustomQuestionsInItsNumbers) {
  ASSERT_TRUE(store_->questions().SetSettings(tenant_id_, {4, 3}).ok());
  ASSERT_TRUE(store_->questions().AddCustom({0, tenant_id_, "Nom du premier chef ?", 1}).ok());
  QuestionsRegistration flow(*store_, clock_);
  auto setup = flow.Setup(user_, "fr");
  ASSERT_TRUE(setup.ok()) << setup.status().ToString();
  EXPECT_EQ(setup->to_register, 4);
  EXPECT_EQ(setup->offered.back().text, "Nom du premier chef ?");
  EXPECT_EQ(setup->offered.back().id.rfind("custom:", 0), 0u);
}

TEST_F(QuestionsRegistrationTest, BadAnswersAreRefusedRowByRowAndNothingIsSaved) {
  Allow();
  QuestionsRegistration flow(*store_, clock_);
  auto setup = flow.Setup(user_, "en");
  ASSERT_TRUE(setup.ok());
  std::vector<q::QuestionAnswer> typed = Answers(*setup);
  typed[1].answer = "ab";                       // too short
  typed[2].question_id = typed[0].question_id;  // the same question twice
  QuestionsSaveResult r = flow.Save(user_, *setup, typed, "192.0.2.1");
  EXPECT_EQ(r.outcome, QuestionsSaveOutcome::kInvalid);
  EXPECT_EQ(r.errors, (std::vector<q::AnswerError>{{1, q::AnswerErrorCode::kTooShort},
                                                   {2, q::AnswerErrorCode::kDuplicateQuestion}}));
  EXPECT_TRUE(Methods().empty());
  EXPECT_TRUE(store_->audit().ListForTenant(tenant_id_, 10)->empty());
}

TEST_F(QuestionsRegistrationTest, SavingTwiceReplacesTheSetAndAuditsWithoutAnswers) {
  Allow();
  QuestionsRegistration flow(*store_, clock_);
  auto setup = flow.Setup(user_, "en");
  ASSERT_TRUE(setup.ok());
  EXPECT_EQ(flow.Save(user_, *setup, Answers(*setup), "192.0.2.1").outcome,
            QuestionsSaveOutcome::kRegistered);
  ASSERT_EQ(Methods().size(), 1u);
  EXPECT_EQ(flow.AnswerCount(Methods().front()), 3u);
  EXPECT_EQ(
      *flow.PickedQuestions(user_, Methods().front().id),
      (std::vector<std::string>{setup->offered[0].id, setup->offered[1].id, setup->offered[2].id}));
  EXPECT_EQ(store_->users().Get(user_.id)->default_method_id, std::nullopt);  // reset only

  std::vector<q::QuestionAnswer> again = Answers(*setup);
  again[0] = {setup->offered[3].id, "Lyon"};
  EXPECT_EQ(flow.Save(user_, *setup, again, "192.0.2.1").outcome, QuestionsSaveOutcome::kReplaced);
  ASSERT_EQ(Methods().size(), 1u);
  EXPECT_EQ(flow.PickedQuestions(user_, Methods().front().id)->front(), setup->offered[3].id);
  auto audit = *store_->audit().ListForTenant(tenant_id_, 10);
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(audit[0].action, "method_change");
  EXPECT_EQ(audit[1].action, "method_register");
  EXPECT_EQ(audit[0].method, "questions");
  EXPECT_EQ(audit[0].detail, "3 answers");
  EXPECT_EQ(audit[0].detail.find("Lyon"), std::string::npos);
}

TEST_F(QuestionsRegistrationTest, PickedQuestionsOfSomethingElseIsNotFound) {
  Allow();
  QuestionsRegistration flow(*store_, clock_);
  EXPECT_EQ(flow.PickedQuestions(user_, 42).status().code(), Status::Code::kNotFound);
}

}  // namespace
}  // namespace secinfo::flows
