#include "cli/authenticator/protocol.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "crypto/ecdsa.h"
#include "methods/authenticator/push.h"

namespace secinfo::cli::authenticator {
namespace {

using nlohmann::json;
namespace push = methods::authenticator;

TEST(ProtocolTest, PollSignsTheAgreedBytes) {
  EXPECT_EQ(PollSigningPayload("dev_1-A", 1'700'000'123), "secinfo-poll-v1\ndev_1-A\n1700000123\n");
}

TEST(ProtocolTest, PollUrlCarriesDeviceTimeAndSignature) {
  EXPECT_EQ(PollUrl("https://h/api/authenticator", "dev1", 42, "MEUC-_x"),
            "https://h/api/authenticator/requests?device=dev1&ts=42&sig=MEUC-_x");
  EXPECT_EQ(AnswerUrl("https://h/api/authenticator", "req_1"),
            "https://h/api/authenticator/requests/req_1");
}

const PushRequest kRequest{"req_abc-1", "ana@contoso.example", "secinfo",
                           "192.0.2.1", 1'700'000'000'000,     1'700'000'060'000};

TEST(ProtocolTest, ApprovalSignsPushSigningPayload) {
  EXPECT_EQ(AnswerSigningPayload(kRequest, {Decision::kApprove, 42, false}),
            push::PushSigningPayload("req_abc-1", 42, push::kPushApprove, 1'700'000'000'000));
}

TEST(ProtocolTest, DenialSignsNumberZeroWhateverWasTyped) {
  EXPECT_EQ(AnswerSigningPayload(kRequest, {Decision::kDeny, 42, true}),
            push::PushSigningPayload("req_abc-1", 0, push::kPushDeny, 1'700'000'000'000));
}

TEST(ProtocolTest, AnswerBodyHasTheContractFields) {
  json approve = json::parse(AnswerBody("dev1", {Decision::kApprove, 42, true}, "SIG"));
  EXPECT_EQ(approve, json({{"device", "dev1"},
                           {"decision", "approve"},
                           {"number", 42},
                           {"report", false},  // only a denial reports
                           {"signature", "SIG"}}));
  json deny = json::parse(AnswerBody("dev1", {Decision::kDeny, 42, true}, "SIG"));
  EXPECT_EQ(deny["decision"], "deny");
  EXPECT_EQ(deny["number"], 0);
  EXPECT_EQ(deny["report"], true);
}

// The server's own judge accepts what the companion signs, and only with the right number.
TEST(ProtocolTest, ServerJudgeAcceptsTheSignedAnswer) {
  auto keys = crypto::GenerateEcdsaP256KeyPair();
  ASSERT_TRUE(keys.ok());
  push::PushChallengeView c{kRequest.id, 42, kRequest.created_at};
  auto judge = [&](const PushAnswer& a) {
    auto sig = crypto::EcdsaP256Sign(keys->private_key_pem, AnswerSigningPayload(kRequest, a));
    json body = json::parse(AnswerBody("dev1", a, *sig));
    return push::CheckPushResponse(
        c, body["number"].get<int>(), body["decision"].get<std::string>(),
        body["signature"].get<std::string>(), keys->public_key_b64, kRequest.created_at + 5'000);
  };
  EXPECT_EQ(judge({Decision::kApprove, 42, false}), push::PushOutcome::kApproved);
  EXPECT_EQ(judge({Decision::kApprove, 24, false}), push::PushOutcome::kWrongNumber);
  EXPECT_EQ(judge({Decision::kDeny, 0, true}), push::PushOutcome::kDenied);
}

TEST(ProtocolTest, EnrolBodyAndReply) {
  EXPECT_EQ(json::parse(EnrolBody("BPUB", "ana's \"laptop\"")),
            json({{"public_key", "BPUB"}, {"device_name", "ana's \"laptop\""}}));
  auto r = ParseEnrolReply(
      R"({"device_id":"d1","account":"ana@contoso.example","issuer":"Contoso",
          "api":"https://h/api/authenticator/","otpauth":"otpauth://totp/x?secret=A"})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->device_id, "d1");
  EXPECT_EQ(r->account, "ana@contoso.example");
  EXPECT_EQ(r->issuer, "Contoso");
  EXPECT_EQ(r->api, "https://h/api/authenticator");
  EXPECT_EQ(r->otpauth, "otpauth://totp/x?secret=A");
  for (const char* bad : {"", "[]", R"({"account":"a","api":"https://h"})",
                          R"({"device_id":"d/1","account":"a","api":"https://h"})",
                          R"({"device_id":"d1","account":"a"})",
                          R"({"device_id":7,"account":"a","api":"https://h"})"}) {
    EXPECT_FALSE(ParseEnrolReply(bad).ok()) << bad;
  }
}

TEST(ProtocolTest, ReadsRequests) {
  auto r = ParseRequests(
      R"({"requests":[{"id":"r1","account":"ana@contoso.example","app":"secinfo",
          "ip":"192.0.2.1","created_at":1700000000000,"expires_at":1700000060000}]})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].id, "r1");
  EXPECT_EQ((*r)[0].app, "secinfo");
  EXPECT_EQ((*r)[0].ip, "192.0.2.1");
  EXPECT_EQ((*r)[0].created_at, 1'700'000'000'000);
  EXPECT_EQ((*r)[0].expires_at, 1'700'000'060'000);
  EXPECT_TRUE(ParseRequests(R"({"requests":[]})")->empty());
  for (const char* bad : {"", "{}", R"({"requests":{}})", R"({"requests":[{"id":"r1"}]})",
                          R"({"requests":[{"id":"../x","created_at":1}]})",
                          R"({"requests":[{"id":"r1","created_at":"1"}]})"}) {
    EXPECT_FALSE(ParseRequests(bad).ok()) << bad;
  }
}

TEST(ProtocolTest, ReadsOutcomes) {
  EXPECT_EQ(*ParseOutcome(R"({"outcome":"approved"})"), AnswerOutcome::kApproved);
  EXPECT_EQ(*ParseOutcome(R"({"outcome":"denied"})"), AnswerOutcome::kDenied);
  EXPECT_EQ(*ParseOutcome(R"({"outcome":"wrong_number"})"), AnswerOutcome::kWrongNumber);
  EXPECT_EQ(*ParseOutcome(R"({"outcome":"expired"})"), AnswerOutcome::kExpired);
  EXPECT_EQ(*ParseOutcome(R"({"outcome":"bad_signature"})"), AnswerOutcome::kBadSignature);
  EXPECT_EQ(*ParseOutcome(R"({"outcome":"not_pending"})"), AnswerOutcome::kNotPending);
  EXPECT_FALSE(ParseOutcome(R"({"outcome":"maybe"})").ok());
  EXPECT_FALSE(ParseOutcome("oops").ok());
  EXPECT_EQ(ErrorOf(R"({"error":"expired"})"), "expired");
  EXPECT_EQ(ErrorOf("<html>"), "");
}

TEST(ProtocolTest, TokensAreUrlAndPayloadSafe) {
  EXPECT_TRUE(IsToken("Abc-_09"));
  EXPECT_FALSE(IsToken(""));
  EXPECT_FALSE(IsToken("a/b"));
  EXPECT_FALSE(IsToken("a\nb"));
  EXPECT_FALSE(IsToken(std::string(257, 'a')));
}

}  // namespace
}  // namespace secinfo::cli::authenticator
