#include "methods/questions/questions.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "i18n/catalog.h"
#include "methods/questions/answers.h"
#include "methods/questions/normalize.h"

namespace secinfo::methods::questions {
namespace {

std::string Repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

std::vector<std::string> CustomQuestions(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back("Custom question number " + std::to_string(i) + "?");
  return out;
}

// ---- Predefined pool and catalogs ----

TEST(PredefinedQuestionsTest, AtLeastTwentyNumberedKeys) {
  const std::vector<std::string>& keys = PredefinedQuestionKeys();
  ASSERT_GE(keys.size(), 20u);
  for (size_t i = 0; i < keys.size(); ++i) {
    std::string n = std::to_string(i + 1);
    EXPECT_EQ(keys[i], "question_predefined_" + std::string(n.size() < 2 ? "0" : "") + n);
    EXPECT_TRUE(IsPredefinedQuestion(keys[i]));
  }
  EXPECT_FALSE(IsPredefinedQuestion("question_predefined_99"));
  EXPECT_FALSE(IsPredefinedQuestion(""));
}

TEST(PredefinedQuestionsTest, TranslatedDistinctAndWithinLimits) {
  const i18n::Catalog& catalog = i18n::Catalog::BuiltIn();
  for (const char* lang : {"fr", "en"}) {
    const auto& texts = catalog.All(lang);
    std::set<std::string> seen;
    for (const std::string& key : PredefinedQuestionKeys()) {
      auto it = texts.find(key);
      ASSERT_NE(it, texts.end()) << lang << " lacks " << key;
      Result<std::string> tidy = Tidy(it->second);
      ASSERT_TRUE(tidy.ok()) << key;
      EXPECT_GE(CountCodePoints(*tidy), kMinQuestionLength) << key;
      EXPECT_LE(CountCodePoints(*tidy), kMaxQuestionLength) << key;
      EXPECT_TRUE(seen.insert(*NormalizeQuestion(it->second)).second) << lang << " repeats " << key;
    }
  }
  EXPECT_NE(catalog.Get("fr", "question_predefined_01"),
            catalog.Get("en", "question_predefined_01"));
  EXPECT_EQ(catalog.Get("fr", "question_predefined_01"),
            "Dans quelle ville avez-vous rencontr\u00e9 votre premier conjoint ou partenaire ?");
}

// Every key an error can produce, plus the page words, is in both languages, with the same
// placeholders. All() is used rather than Get(), which would fall back to English.
TEST(QuestionsCatalogTest, EveryMessageInBothLanguages) {
  std::vector<Message> messages;
  for (auto e : {CustomQuestionError::kInvalidText, CustomQuestionError::kTooShort,
                 CustomQuestionError::kTooLong, CustomQuestionError::kDuplicate,
                 CustomQuestionError::kPredefined, CustomQuestionError::kTooMany}) {
    messages.push_back(Describe(e));
  }
  for (auto e : {PolicyError::kToRegisterOutOfRange, PolicyError::kToResetOutOfRange,
                 PolicyError::kToResetAboveRegister}) {
    messages.push_back(Describe(e));
  }
  for (auto e : {AnswerErrorCode::kWrongCount, AnswerErrorCode::kUnknownQuestion,
                 AnswerErrorCode::kDuplicateQuestion, AnswerErrorCode::kInvalidText,
                 AnswerErrorCode::kMissing, AnswerErrorCode::kTooShort, AnswerErrorCode::kTooLong,
                 AnswerErrorCode::kContainsQuestion, AnswerErrorCode::kDuplicateAnswer}) {
    messages.push_back(Describe(e, 3));
  }
  for (const char* key :
       {"questions_title", "questions_answer", "questions_choose", "questions_reset_title",
        "questions_reset_incorrect", "questions_not_allowed", "questions_not_allowed_admin"}) {
    messages.push_back({key, {}});
  }
  messages.push_back({"questions_intro", {{"count", "3"}}});
  messages.push_back({"questions_question_n", {{"n", "1"}}});
  messages.push_back({"questions_answer_hint", {{"min", "3"}, {"max", "40"}}});
  messages.push_back({"questions_custom_hint", {{"min", "3"}, {"max", "200"}, {"count", "20"}}});

  const i18n::Catalog& catalog = i18n::Catalog::BuiltIn();
  std::set<std::string> keys;
  for (const Message& m : messages) {
    EXPECT_TRUE(m.key.starts_with("questions_")) << m.key;
    keys.insert(m.key);
    for (const char* lang : {"fr", "en"}) {
      auto it = catalog.All(lang).find(m.key);
      ASSERT_NE(it, catalog.All(lang).end()) << lang << " lacks " << m.key;
      for (const auto& [name, value] : m.args) {
        EXPECT_NE(it->second.find("{" + name + "}"), std::string::npos)
            << lang << " " << m.key << " lacks {" << name << "}";
      }
      EXPECT_EQ(catalog.Get(lang, m.key, m.args).find('{'), std::string::npos) << m.key;
    }
  }
  EXPECT_EQ(keys.size(), messages.size()) << "two errors share a message";

  // Both languages define exactly the same questions_ keys.
  auto ours = [&](const char* lang) {
    std::set<std::string> out;
    for (const auto& [k, v] : catalog.All(lang)) {
      if (k.starts_with("questions_") || k.starts_with("question_predefined_")) out.insert(k);
    }
    return out;
  };
  EXPECT_EQ(ours("fr"), ours("en"));

  EXPECT_EQ(catalog.Get("fr", "questions_title"), "Questions de s\u00e9curit\u00e9");
  EXPECT_EQ(catalog.Get("en", "questions_question_n", {{"n", "2"}}), "Question 2");
  EXPECT_EQ(catalog.Get("en", Describe(AnswerErrorCode::kTooShort, 3).key,
                        Describe(AnswerErrorCode::kTooShort, 3).args),
            "Your answer must be at least 3 characters long.");
}

// ---- Custom questions ----

TEST(CustomQuestionTest, AcceptsAGoodQuestion) {
  EXPECT_EQ(CheckCustomQuestion("What was the name of our first office building?", {}),
            CustomQuestionError::kNone);
  EXPECT_TRUE(ValidateCustomQuestion("Quel \u00e9tait le nom du premier b\u00e2timent ?",
                                     CustomQuestions(19))
                  .ok());
}

TEST(CustomQuestionTest, TwentyFirstRefused) {
  EXPECT_EQ(CheckCustomQuestion("A brand new question?", CustomQuestions(19)),
            CustomQuestionError::kNone);
  EXPECT_EQ(CheckCustomQuestion("A brand new question?", CustomQuestions(20)),
            CustomQuestionError::kTooMany);
  EXPECT_EQ(ValidateCustomQuestion("A brand new question?", CustomQuestions(20)).code(),
            Status::Code::kResourceExhausted);
}

TEST(CustomQuestionTest, LengthInCodePointsAfterTrimming) {
  EXPECT_EQ(CheckCustomQuestion(Repeat("a", 200), {}), CustomQuestionError::kNone);
  EXPECT_EQ(CheckCustomQuestion(Repeat("a", 201), {}), CustomQuestionError::kTooLong);
  // 200 "é" are 400 bytes but 200 characters; decomposed they are 400 code points before NFKC.
  EXPECT_EQ(CheckCustomQuestion(Repeat("\u00e9", 200), {}), CustomQuestionError::kNone);
  EXPECT_EQ(CheckCustomQuestion(Repeat("e\u0301", 200), {}), CustomQuestionError::kNone);
  EXPECT_EQ(CheckCustomQuestion(Repeat("\u00e9", 201), {}), CustomQuestionError::kTooLong);
  EXPECT_EQ(CheckCustomQuestion("   " + Repeat("a", 200) + "  \t", {}), CustomQuestionError::kNone);
  EXPECT_EQ(CheckCustomQuestion("Why", {}), CustomQuestionError::kNone);
  EXPECT_EQ(CheckCustomQuestion("  Wh  ", {}), CustomQuestionError::kTooShort);
  EXPECT_EQ(CheckCustomQuestion("", {}), CustomQuestionError::kTooShort);
  EXPECT_EQ(CheckCustomQuestion(Repeat("a", 1 << 20), {}), CustomQuestionError::kTooLong);
  EXPECT_EQ(ValidateCustomQuestion(Repeat("a", 201), {}).code(), Status::Code::kInvalidArgument);
}

TEST(CustomQuestionTest, DuplicateAfterNormalizationRefused) {
  std::vector<std::string> existing = {"What is the name of our mascot?"};
  EXPECT_EQ(CheckCustomQuestion("  WHAT is the name of  our mascot ? ", existing),
            CustomQuestionError::kDuplicate);
  EXPECT_EQ(CheckCustomQuestion("What is the name of our mascot", existing),
            CustomQuestionError::kDuplicate);
  EXPECT_EQ(ValidateCustomQuestion("what is the name of our mascot?", existing).code(),
            Status::Code::kAlreadyExists);
  EXPECT_EQ(CheckCustomQuestion("What is the name of our second mascot?", existing),
            CustomQuestionError::kNone);
}

TEST(CustomQuestionTest, PredefinedQuestionRefusedInAnyLanguage) {
  const i18n::Catalog& catalog = i18n::Catalog::BuiltIn();
  EXPECT_EQ(CheckCustomQuestion(catalog.Get("en", "question_predefined_15"), {}),
            CustomQuestionError::kPredefined);
  EXPECT_EQ(CheckCustomQuestion("  " + catalog.Get("fr", "question_predefined_15"), {}),
            CustomQuestionError::kPredefined);
  EXPECT_EQ(CheckCustomQuestion("what was the name of your first pet", {}),
            CustomQuestionError::kPredefined);
}

TEST(CustomQuestionTest, InvalidTextRefused) {
  EXPECT_EQ(CheckCustomQuestion("Bad \xff byte?", {}), CustomQuestionError::kInvalidText);
  EXPECT_EQ(CheckCustomQuestion("Bell\x07?", {}), CustomQuestionError::kInvalidText);
}

// ---- Policy ----

TEST(QuestionPolicyTest, Ranges) {
  EXPECT_EQ(CheckPolicy(QuestionPolicy{}), PolicyError::kNone);
  EXPECT_TRUE(Validate(QuestionPolicy{}).ok());
  EXPECT_EQ(CheckPolicy({5, 5}), PolicyError::kNone);
  EXPECT_EQ(CheckPolicy({5, 3}), PolicyError::kNone);
  EXPECT_EQ(CheckPolicy({4, 4}), PolicyError::kNone);
  EXPECT_EQ(CheckPolicy({2, 2}), PolicyError::kToRegisterOutOfRange);
  EXPECT_EQ(CheckPolicy({6, 3}), PolicyError::kToRegisterOutOfRange);
  EXPECT_EQ(CheckPolicy({3, 2}), PolicyError::kToResetOutOfRange);
  EXPECT_EQ(CheckPolicy({5, 6}), PolicyError::kToResetOutOfRange);
  EXPECT_EQ(CheckPolicy({3, 4}), PolicyError::kToResetAboveRegister);
  EXPECT_EQ(CheckPolicy({4, 5}), PolicyError::kToResetAboveRegister);
  Status s = Validate({3, 4});
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(s.message().find("to_reset=4"), std::string::npos);
}

TEST(QuestionsAllowedTest, NotForAdministrators) {
  EXPECT_TRUE(QuestionsAllowedFor(/*is_admin=*/false));
  EXPECT_FALSE(QuestionsAllowedFor(/*is_admin=*/true));
}

}  // namespace
}  // namespace secinfo::methods::questions
