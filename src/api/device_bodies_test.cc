#include "api/device_bodies.h"

#include <gtest/gtest.h>

namespace secinfo::api {
namespace {

TEST(DeviceBodiesTest, AnAnswerCarriesTheTypedNumberAndTheDecision) {
  auto a = ParseAnswerBody(
      R"({"device":"d1","decision":"approve","number":42,"report":true,"signature":"c2ln"})");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->device, "d1");
  EXPECT_EQ(a->decision, "approve");
  EXPECT_EQ(a->number, 42);
  EXPECT_TRUE(a->report);
  EXPECT_EQ(a->signature, "c2ln");
}

TEST(DeviceBodiesTest, FieldsOfTheWrongTypeReadAsAbsent) {
  auto a = ParseAnswerBody(R"({"device":7,"decision":["approve"],"number":"42","report":"yes"})");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->device, "");
  EXPECT_EQ(a->decision, "");
  EXPECT_EQ(a->number, 0);
  EXPECT_FALSE(a->report);
  auto e = ParseEnrolBody(R"({"public_key":{"x":1}})");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->public_key, "");
}

TEST(DeviceBodiesTest, OnlyAJsonObjectIsABody) {
  for (const char* body : {"", "null", "[]", "\"text\"", "42", "{\"device\":", "{} trailing"}) {
    EXPECT_FALSE(ParseAnswerBody(body).has_value()) << body;
    EXPECT_FALSE(ParseEnrolBody(body).has_value()) << body;
  }
  auto e = ParseEnrolBody(R"({"public_key":"BPk…"})");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->public_key, "BPk…");
}

}  // namespace
}  // namespace secinfo::api
