#include "cli/authenticator/client.h"

#include <gtest/gtest.h>

#include <chrono>
#include <sstream>

#include "cli/authenticator/fake_server_for_test.h"
#include "cli/authenticator/http_client.h"
#include "cli/authenticator/wait.h"

namespace secinfo::cli::authenticator {
namespace {

using namespace std::chrono_literals;

class ClientTest : public ::testing::Test {
 protected:
  Account EnrolOne() {
    auto a = client_.Enrol(server_.NewLink(), "laptop");
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    return a.ok() ? *a : Account{};
  }

  // Runs `wait` with `options` and `typed` as the person's input; returns the exit code.
  int RunWait(const std::vector<Account>& accounts, WaitOptions options,
              const std::string& typed = "") {
    options.retry_first = 50ms;
    std::istringstream in(typed);
    out_.str("");
    err_.str("");
    return WaitForRequests(client_, accounts, options, Messages("en"), {in, out_, err_});
  }

  static WaitOptions Auto(PushAnswer answer) {
    WaitOptions o;
    o.once = true;
    o.timeout = 10s;  // a broken client fails the test instead of hanging it
    o.auto_answer = answer;
    return o;
  }

  FakePushServer server_;
  SystemClock clock_;
  Client client_{clock_};
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(ClientTest, EnrolSendsAValidKeyAndReturnsTheAccount) {
  Account a = EnrolOne();
  EXPECT_EQ(a.account, "ana@contoso.example");
  EXPECT_EQ(a.issuer, "Contoso");
  EXPECT_EQ(a.api, server_.api());
  EXPECT_EQ(a.device_name, "laptop");
  ASSERT_EQ(server_.devices(), std::vector<std::string>{a.device_id});
  auto pub = crypto::EcdsaP256PublicKey(a.private_key_pem);
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(*pub, a.public_key_b64);
  EXPECT_NE(a.otpauth.find("otpauth://totp/"), std::string::npos);
}

TEST_F(ClientTest, AUsedLinkIsExpired) {
  const std::string link = server_.NewLink();
  ASSERT_TRUE(client_.Enrol(link, "laptop").ok());
  auto again = client_.Enrol(link, "laptop");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), Status::Code::kFailedPrecondition);
}

TEST_F(ClientTest, RefusesLinksThatAreNotSafe) {
  for (const char* link :
       {"http://example.com/api/authenticator/enrol/t", "ftp://127.0.0.1/api/authenticator/enrol/t",
        "127.0.0.1/api/authenticator/enrol/t", "file:///etc/passwd"}) {
    auto a = client_.Enrol(link, "laptop");
    ASSERT_FALSE(a.ok()) << link;
    EXPECT_EQ(a.status().code(), Status::Code::kInvalidArgument) << link;
  }
  EXPECT_TRUE(server_.devices().empty());
}

TEST(UrlCheckTest, PlainHttpOnlyToThisComputer) {
  EXPECT_EQ(CheckServerUrl("https://id.contoso.example/x"), UrlProblem::kNone);
  EXPECT_EQ(CheckServerUrl("http://127.0.0.1:8080/x"), UrlProblem::kNone);
  EXPECT_EQ(CheckServerUrl("http://localhost:8080/x"), UrlProblem::kNone);
  EXPECT_EQ(CheckServerUrl("http://[::1]:8080/x"), UrlProblem::kNone);
  EXPECT_EQ(CheckServerUrl("http://id.contoso.example/x"), UrlProblem::kInsecure);
  EXPECT_EQ(CheckServerUrl("http://127.evil.example/x"), UrlProblem::kInsecure);
  EXPECT_EQ(CheckServerUrl("gopher://id.contoso.example/x"), UrlProblem::kScheme);
  EXPECT_EQ(CheckServerUrl("not a url"), UrlProblem::kMalformed);
  EXPECT_EQ(OriginOf("https://ID.contoso.example/a"), OriginOf("https://id.contoso.example:443/b"));
  EXPECT_NE(OriginOf("https://id.contoso.example/a"), OriginOf("https://id.contoso.example:8443/"));
}

TEST_F(ClientTest, DoesNotFollowRedirects) {
  auto a = client_.Enrol(server_.api() + "/moved/tok", "laptop");
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("302"), std::string::npos) << a.status().ToString();
  EXPECT_TRUE(server_.devices().empty());
}

TEST_F(ClientTest, RefusesAnApiOnAnotherServer) {
  server_.ReplyApi("https://elsewhere.example/api/authenticator");
  auto a = client_.Enrol(server_.NewLink(), "laptop");
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("elsewhere.example"), std::string::npos);
}

TEST_F(ClientTest, PollIsSignedAndGetsPendingRequests) {
  Account a = EnrolOne();
  auto none = client_.Poll(a);
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->empty());
  const std::string id = server_.Push(a.device_id, 42);
  auto some = client_.Poll(a);
  ASSERT_TRUE(some.ok()) << some.status().ToString();
  ASSERT_EQ(some->size(), 1u);
  EXPECT_EQ((*some)[0].id, id);
  EXPECT_EQ((*some)[0].ip, "192.0.2.1");
}

TEST_F(ClientTest, PollsInTheSameSecondAreEachAccepted) {
  // The server accepts a signed poll once; a device answering fast polls again at once.
  Account a = EnrolOne();
  FakeClock frozen(SystemClock().NowMillis());
  Client client(frozen);
  for (int i = 0; i < 3; ++i) {
    auto polled = client.Poll(a);
    EXPECT_TRUE(polled.ok()) << i << ": " << polled.status().ToString();
  }
}

TEST_F(ClientTest, PollWithAWrongClockIsRefused) {
  Account a = EnrolOne();
  FakeClock fast(SystemClock().NowMillis() + 10 * 60'000);
  auto polled = Client(fast).Poll(a);
  ASSERT_FALSE(polled.ok());
  EXPECT_EQ(polled.status().code(), Status::Code::kPermissionDenied);
}

TEST_F(ClientTest, PollCanBeCancelled) {
  Account a = EnrolOne();
  std::atomic<bool> cancel{true};
  auto polled = client_.Poll(a, &cancel);
  ASSERT_FALSE(polled.ok());
  EXPECT_EQ(polled.status().code(), Status::Code::kUnavailable);
}

TEST_F(ClientTest, WaitApprovesWithTheGivenNumber) {
  Account a = EnrolOne();
  const std::string id = server_.Push(a.device_id, 42);
  EXPECT_EQ(RunWait({a}, Auto({Decision::kApprove, 42, false})), kExitOk) << err_.str();
  EXPECT_EQ(server_.Get(id).outcome, "approved");
  EXPECT_NE(out_.str().find("secinfo, account ana@contoso.example"), std::string::npos);
  EXPECT_NE(out_.str().find("from 192.0.2.1"), std::string::npos);
  EXPECT_NE(out_.str().find("Approved."), std::string::npos) << out_.str();
}

TEST_F(ClientTest, WaitReportsAWrongNumber) {
  Account a = EnrolOne();
  const std::string id = server_.Push(a.device_id, 42);
  EXPECT_EQ(RunWait({a}, Auto({Decision::kApprove, 24, false})), kExitNotAccepted);
  EXPECT_EQ(server_.Get(id).outcome, "wrong_number");
  EXPECT_NE(out_.str().find("Wrong number"), std::string::npos) << out_.str();
}

TEST_F(ClientTest, WaitDeniesAndReports) {
  Account a = EnrolOne();
  const std::string id = server_.Push(a.device_id, 42);
  EXPECT_EQ(RunWait({a}, Auto({Decision::kDeny, 0, true})), kExitOk) << err_.str();
  EXPECT_EQ(server_.Get(id).outcome, "denied");
  EXPECT_TRUE(server_.Get(id).report);
  EXPECT_NE(out_.str().find("reported as suspicious"), std::string::npos) << out_.str();
}

TEST_F(ClientTest, WaitReportsAnExpiredRequest) {
  Account a = EnrolOne();
  const std::string id = server_.Push(a.device_id, 42, /*age_millis=*/61'000);
  EXPECT_EQ(RunWait({a}, Auto({Decision::kApprove, 42, false})), kExitNotAccepted);
  EXPECT_EQ(server_.Get(id).outcome, "expired");
}

TEST_F(ClientTest, WaitAsksThePersonUntilTheAnswerMakesSense) {
  Account a = EnrolOne();
  const std::string id = server_.Push(a.device_id, 42);
  WaitOptions o;
  o.once = true;
  o.timeout = 10s;
  EXPECT_EQ(RunWait({a}, o, "maybe\n 42 \n"), kExitOk) << err_.str();
  EXPECT_EQ(server_.Get(id).outcome, "approved");
  EXPECT_NE(out_.str().find("Type the number shown on the sign-in page, or d to deny, r to deny "
                            "and report:"),
            std::string::npos);
  EXPECT_NE(out_.str().find("Type the number shown on the sign-in page, d or r:"),
            std::string::npos);
}

TEST_F(ClientTest, WaitFailsWhenTheInputCloses) {
  Account a = EnrolOne();
  const std::string id = server_.Push(a.device_id, 42);
  WaitOptions o;
  o.once = true;
  o.timeout = 10s;
  EXPECT_EQ(RunWait({a}, o, ""), kExitError);
  EXPECT_FALSE(server_.Get(id).outcome.has_value());
}

TEST_F(ClientTest, WaitTimesOutWhenNothingComes) {
  Account a = EnrolOne();
  WaitOptions o = Auto({Decision::kApprove, 42, false});
  o.timeout = 700ms;
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(RunWait({a}, o), kExitNothing);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_NE(out_.str().find("No sign-in request came."), std::string::npos);
  EXPECT_EQ(server_.answers(), 0);
}

TEST_F(ClientTest, WaitAnswersEachRequestOnce) {
  Account a = EnrolOne();
  server_.ListAnsweredToo();
  const std::string id = server_.Push(a.device_id, 42);
  WaitOptions o = Auto({Decision::kApprove, 42, false});
  o.once = false;
  o.timeout = 1500ms;
  EXPECT_EQ(RunWait({a}, o), kExitOk) << err_.str();
  EXPECT_GT(server_.polls(), 2);    // it saw the request again and again...
  EXPECT_EQ(server_.answers(), 1);  // ...and answered it once
}

TEST_F(ClientTest, WaitServesEveryAccount) {
  Account first = EnrolOne();
  Account second = EnrolOne();
  const std::string id = server_.Push(second.device_id, 17);
  EXPECT_EQ(RunWait({first, second}, Auto({Decision::kApprove, 17, false})), kExitOk) << err_.str();
  EXPECT_EQ(server_.Get(id).outcome, "approved");
}

TEST_F(ClientTest, WaitRetriesWhenTheServerIsBusy) {
  Account a = EnrolOne();
  server_.FailNextPolls(2);
  const std::string id = server_.Push(a.device_id, 42);
  EXPECT_EQ(RunWait({a}, Auto({Decision::kApprove, 42, false})), kExitOk) << err_.str();
  EXPECT_EQ(server_.Get(id).outcome, "approved");
  EXPECT_NE(err_.str().find("trying again"), std::string::npos) << err_.str();
}

TEST_F(ClientTest, WaitStopsWhenTheServerNoLongerKnowsTheDevice) {
  Account a = EnrolOne();
  server_.ForgetDevice(a.device_id);
  EXPECT_EQ(RunWait({a}, Auto({Decision::kApprove, 42, false})), kExitError);
  EXPECT_NE(err_.str().find("no longer accepts this device"), std::string::npos) << err_.str();
}

TEST(ParseTypedAnswerTest, NumbersDenyAndReport) {
  EXPECT_EQ(ParseTypedAnswer("42")->number, 42);
  EXPECT_EQ(ParseTypedAnswer(" 07 ")->decision, Decision::kApprove);
  EXPECT_EQ(ParseTypedAnswer("d")->decision, Decision::kDeny);
  EXPECT_FALSE(ParseTypedAnswer("D")->report);
  EXPECT_TRUE(ParseTypedAnswer("r")->report);
  EXPECT_EQ(ParseTypedAnswer("R")->decision, Decision::kDeny);
  for (const char* bad : {"", "  ", "4 2", "-1", "yes", "1234567"}) {
    EXPECT_FALSE(ParseTypedAnswer(bad)) << bad;
  }
}

}  // namespace
}  // namespace secinfo::cli::authenticator
