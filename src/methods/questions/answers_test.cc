#include "methods/questions/answers.h"

#include <gtest/gtest.h>

#include <string>

#include "i18n/catalog.h"

namespace secinfo::methods::questions {
namespace {

using Code = AnswerErrorCode;

const std::vector<Question>& Offered() {
  static const std::vector<Question> offered = {
      {"q1", "In what city were you born?"},
      {"q2", "What was the name of your first pet?"},
      {"q3", "Favourite colour?"},
      {"q4", "What was your first car?"},
      {"q5", "  what was your FIRST car ? "},  // the same text as q4 under another id
  };
  return offered;
}

std::vector<QuestionAnswer> Form(std::string a1, std::string a2, std::string a3) {
  return {{"q1", std::move(a1)}, {"q2", std::move(a2)}, {"q4", std::move(a3)}};
}

std::vector<AnswerError> Check(const std::vector<QuestionAnswer>& qa, int required = 3) {
  return ValidateAnswers(qa, required, Offered());
}

std::vector<AnswerError> One(size_t index, Code code) { return {{index, code}}; }

std::string Repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

TEST(ValidateAnswersTest, GoodFormHasNoError) {
  EXPECT_TRUE(Check(Form("Lyon", "Rex", "Renault 5")).empty());
  EXPECT_TRUE(Check({{"q1", "Lyon"}, {"q2", "Rex"}, {"q3", "Bleu"}, {"q4", "R5 !"}}, 4).empty());
}

TEST(ValidateAnswersTest, CountMustMatchPolicy) {
  std::vector<AnswerError> want = {{std::nullopt, Code::kWrongCount}};
  EXPECT_EQ(Check({{"q1", "Lyon"}, {"q2", "Rex"}}), want);
  EXPECT_EQ(Check({}), want);
  EXPECT_EQ(Check(Form("Lyon", "Rex", "Renault 5"), 4), want);
  // The rows present are still checked, so the page can flag them all at once.
  std::vector<AnswerError> both = {{std::nullopt, Code::kWrongCount}, {1, Code::kTooShort}};
  EXPECT_EQ(Check({{"q1", "Lyon"}, {"q2", "Re"}}), both);
}

TEST(ValidateAnswersTest, LengthInCodePointsAfterTrimming) {
  EXPECT_TRUE(Check(Form("\u00e9t\u00e9", "Rex", "R5 GT")).empty());    // "été" is 3, 5 bytes
  EXPECT_TRUE(Check(Form("e\u0301te\u0301", "Rex", "R5 GT")).empty());  // decomposed, still 3
  EXPECT_TRUE(Check(Form("a b", "Rex", "R5 GT")).empty());
  EXPECT_EQ(Check(Form("  ab  ", "Rex", "R5 GT")), One(0, Code::kTooShort));
  EXPECT_EQ(Check(Form("a\t\t b", "Rex", "R5 GT")).size(), 0u);  // "a b"
  EXPECT_EQ(Check(Form("Lyon", "", "R5 GT")), One(1, Code::kMissing));
  EXPECT_EQ(Check(Form("Lyon", " \u00a0\t", "R5 GT")), One(1, Code::kMissing));
  EXPECT_TRUE(Check(Form("Lyon", "Rex", Repeat("\u00e9", 40))).empty());  // 80 bytes
  EXPECT_TRUE(Check(Form("Lyon", "Rex", "  " + Repeat("x", 40) + "  ")).empty());
  EXPECT_EQ(Check(Form("Lyon", "Rex", Repeat("\u00e9", 41))), One(2, Code::kTooLong));
  EXPECT_EQ(Check(Form("Lyon", "Rex", Repeat("x", 41))), One(2, Code::kTooLong));
  EXPECT_EQ(Check(Form("Lyon", "Rex", Repeat("x", 1 << 20))), One(2, Code::kTooLong));
  // Spaces do not count, however many.
  EXPECT_TRUE(Check(Form("Lyon", "Rex", Repeat(" ", 1000) + "R5 GT")).empty());
}

TEST(ValidateAnswersTest, DuplicateAnswersAfterNormalization) {
  EXPECT_EQ(Check(Form("\u00c9ric", "E\u0301RIC ", "Renault 5")), One(1, Code::kDuplicateAnswer));
  EXPECT_EQ(Check(Form("Paris", "Lyon", "  PARIS")), One(2, Code::kDuplicateAnswer));
  EXPECT_EQ(Check(Form("Stra\u00dfe", "Lyon", "STRASSE")), One(2, Code::kDuplicateAnswer));
  std::vector<AnswerError> two = {{1, Code::kDuplicateAnswer}, {2, Code::kDuplicateAnswer}};
  EXPECT_EQ(Check(Form("Rex", "rex", "REX")), two);
  // Accents are kept, so these differ.
  EXPECT_TRUE(Check(Form("\u00c9ric", "Eric", "Renault 5")).empty());
}

TEST(ValidateAnswersTest, AnswerMayNotContainTheQuestion) {
  std::vector<QuestionAnswer> qa = {{"q1", "Lyon"}, {"q2", "Rex"}, {"q3", "favourite colour"}};
  EXPECT_EQ(Check(qa), One(2, Code::kContainsQuestion));
  qa[2].answer = "My FAVOURITE  colour? blue";
  EXPECT_EQ(Check(qa), One(2, Code::kContainsQuestion));
  qa[2].answer = "What was your first car?";  // another question's text is fine
  EXPECT_TRUE(Check(qa).empty());
  qa[2].answer = "Blue";
  EXPECT_TRUE(Check(qa).empty());
}

TEST(ValidateAnswersTest, QuestionsMustBeOfferedAndDistinct) {
  EXPECT_EQ(Check({{"q1", "Lyon"}, {"q9", "Rex"}, {"q4", "R5 GT"}}),
            One(1, Code::kUnknownQuestion));
  EXPECT_EQ(Check({{"q1", "Lyon"}, {"q1", "Rex"}, {"q4", "R5 GT"}}),
            One(1, Code::kDuplicateQuestion));
  // Two ids, one text.
  EXPECT_EQ(Check({{"q1", "Lyon"}, {"q4", "Rex"}, {"q5", "R5 GT"}}),
            One(2, Code::kDuplicateQuestion));
}

TEST(ValidateAnswersTest, OneQuestionAndOneAnswerErrorPerRow) {
  std::vector<AnswerError> want = {{1, Code::kDuplicateQuestion}, {1, Code::kTooShort}};
  EXPECT_EQ(Check({{"q1", "Lyon"}, {"q1", "ab"}, {"q4", "R5 GT"}}), want);
  EXPECT_TRUE(IsQuestionError(Code::kDuplicateQuestion));
  EXPECT_TRUE(IsQuestionError(Code::kUnknownQuestion));
  EXPECT_FALSE(IsQuestionError(Code::kTooShort));
}

TEST(ValidateAnswersTest, InvalidTextIsAnError) {
  EXPECT_EQ(Check(Form("Lyon", "Re\xff", "R5 GT")), One(1, Code::kInvalidText));
  EXPECT_EQ(Check(Form("Lyon", "Rex\x1b", "R5 GT")), One(1, Code::kInvalidText));
}

TEST(OfferedQuestionsTest, PredefinedInTheLanguageThenCustom) {
  std::vector<Question> got =
      OfferedQuestions("fr", {"question_predefined_02", "not_a_question", "question_predefined_01"},
                       {{"custom_7", "Quel est le nom de notre mascotte ?"}});
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].id, "question_predefined_02");
  EXPECT_EQ(got[0].text, i18n::Catalog::BuiltIn().Get("fr", "question_predefined_02"));
  EXPECT_EQ(got[1].id, "question_predefined_01");
  EXPECT_EQ(got[2].id, "custom_7");
  EXPECT_NE(OfferedQuestions("en", {"question_predefined_02"}, {})[0].text, got[0].text);
}

TEST(AnswerHashTest, RoundTripThroughNormalization) {
  Result<std::string> hash = HashAnswer("  \u00c9ric  Dupont ");
  ASSERT_TRUE(hash.ok()) << hash.status().ToString();
  EXPECT_TRUE(hash->starts_with("$argon2id$"));
  EXPECT_EQ(hash->find("ric"), std::string::npos);
  EXPECT_TRUE(VerifyAnswer(*hash, "E\u0301RIC DUPONT"));
  EXPECT_FALSE(VerifyAnswer(*hash, "Eric Dupont"));  // accents matter
  EXPECT_FALSE(VerifyAnswer("not a hash", "\u00c9ric Dupont"));
}

TEST(AnswerHashTest, RefusesTextThatCannotBeNormalized) {
  EXPECT_EQ(HashAnswer("caf\xe9").status().code(), Status::Code::kInvalidArgument);
}

class CountingRandom final : public Random {
 public:
  void Fill(void* buf, size_t len) override {
    auto* p = static_cast<unsigned char*>(buf);
    for (size_t i = 0; i < len; ++i) p[i] = static_cast<unsigned char>(next_ += 77);
  }

 private:
  unsigned char next_ = 0;
};

TEST(PickQuestionsTest, DistinctIndexesInRange) {
  CountingRandom random;
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<size_t> picked = PickQuestionsToAsk(5, 3, random);
    ASSERT_EQ(picked.size(), 3u);
    std::set<size_t> distinct(picked.begin(), picked.end());
    EXPECT_EQ(distinct.size(), 3u);
    for (size_t i : picked) EXPECT_LT(i, 5u);
  }
  std::vector<size_t> all = PickQuestionsToAsk(3, 3, random);
  EXPECT_EQ(std::set<size_t>(all.begin(), all.end()), (std::set<size_t>{0, 1, 2}));
  EXPECT_TRUE(PickQuestionsToAsk(3, 0, random).empty());
}

}  // namespace
}  // namespace secinfo::methods::questions
