// HttpSms against a real HTTP SMS gateway on loopback: Kannel's smsbox (/cgi-bin/sendsms) and
// bearerbox, with fakesmsc as the SMSC printing what reaches it (harness:
// tests/peers/kannel_peers.h). The message fakesmsc prints, decoded from UCS-2, is what the phone
// would show. ctest label "peers".
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string_view>
#include <thread>

#include "channels/sms/http/http_sms.h"
#include "kannel_peers.h"

namespace secinfo::channels {
namespace {

namespace fs = std::filesystem;
using peers::In;
using peers::Kannel;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr char kUser[] = "secinfo";
constexpr char kPassword[] = "k4nnel-pw";
constexpr char kNumber[] = "+33612345678";
constexpr char kCode[] = "482913";
// ≤ 70 characters: one UCS-2 part. Accents, a line break, and characters that mean something in
// a query string.
constexpr char kText[] = "Votre code secinfo : 482913\nNe le partagez pas. Accès & réglages +";

Config::Sms KannelSettings(const std::string& sendsms_url, const std::string& password) {
  Config::Sms sms;
  sms.provider = "http";
  sms.sender = "secinfo";
  sms.http.method = "GET";
  sms.http.url =
      sendsms_url + "?username=" + kUser + "&password=" + password +
      "&to={to}&from={from}&text={text}&charset=UTF-8&coding=2&smsc=" + Kannel::smsc_id();
  sms.http.success_body_contains = "Accepted for delivery";
  sms.http.timeout_seconds = 5;
  return sms;
}

class HttpSmsPeerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string pattern = (fs::temp_directory_path() / "http-sms-peer-test-XXXXXX").string();
    dir_ = ::mkdtemp(pattern.data());
    const auto started = steady_clock::now();
    auto kannel = Kannel::Start(dir_, kUser, kPassword, In(milliseconds(15000)));
    if (kannel.ok()) {
      kannel_ = std::move(*kannel).release();
      std::printf(
          "kannel up in %lld ms\n",
          static_cast<long long>(
              std::chrono::duration_cast<milliseconds>(steady_clock::now() - started).count()));
    } else {
      start_error_ = new Status(kannel.status());
    }
  }
  static void TearDownTestSuite() {
    delete kannel_;  // stops fakesmsc, smsbox, bearerbox
    kannel_ = nullptr;
    delete start_error_;
    start_error_ = nullptr;
    if (::testing::UnitTest::GetInstance()->Passed() && !std::getenv("SECINFO_KEEP_PEERS")) {
      fs::remove_all(dir_);
    } else {
      std::printf("peer files kept in %s\n", dir_.c_str());
    }
  }
  void SetUp() override {
    ASSERT_EQ(start_error_, nullptr) << start_error_->message();
    ASSERT_NE(kannel_, nullptr);
  }

  static std::unique_ptr<HttpSms> Make(const Config::Sms& sms) {
    auto made = HttpSms::Create(sms);
    EXPECT_TRUE(made.ok()) << made.status().message();
    return made.ok() ? std::move(*made) : nullptr;
  }

  static inline std::string dir_;
  static inline Kannel* kannel_ = nullptr;
  static inline Status* start_error_ = nullptr;
};

TEST_F(HttpSmsPeerTest, FrenchCodeArrivesIntactWithNumberAndSender) {
  auto sms = Make(KannelSettings(kannel_->SendSmsUrl(), kPassword));
  ASSERT_NE(sms, nullptr);
  const size_t before = kannel_->Messages().size();

  Status sent = sms->Send({.to = kNumber, .sender = "", .text = kText});  // sender: sms.sender
  ASSERT_TRUE(sent.ok()) << sent.message() << kannel_->LogTails();
  EXPECT_TRUE(sms->Health().ok());

  auto got = kannel_->WaitForMessages(before + 1, In(milliseconds(10000)));
  ASSERT_TRUE(got.ok()) << got.status().message();
  const peers::FakeSms& m = got->back();
  EXPECT_EQ(m.to, kNumber);
  EXPECT_EQ(m.from, "secinfo");
  EXPECT_EQ(m.coding, "ucs-2");
  EXPECT_EQ(m.text, kText);
}

TEST_F(HttpSmsPeerTest, WrongPasswordIsUnavailableAndKeepsTheCodeOut) {
  auto sms = Make(KannelSettings(kannel_->SendSmsUrl(), "not-the-password"));
  ASSERT_NE(sms, nullptr);
  Status sent = sms->Send({.to = kNumber, .sender = "secinfo", .text = kText});
  std::printf("%s\n", sent.message().c_str());
  EXPECT_EQ(sent.code(), Status::Code::kUnavailable);
  // Kannel answers "403 Authorization failed for sendsms".
  EXPECT_NE(sent.message().find("403"), std::string::npos) << sent.message();
  EXPECT_NE(sent.message().find("Authorization failed"), std::string::npos) << sent.message();
  EXPECT_EQ(sent.message().find(kCode), std::string::npos) << sent.message();
  EXPECT_EQ(sent.message().find("not-the-password"), std::string::npos) << sent.message();
  EXPECT_EQ(sms->Health().code(), Status::Code::kUnavailable);
}

TEST_F(HttpSmsPeerTest, RefusedByTheGatewayIsUnavailable) {
  Config::Sms settings = KannelSettings(kannel_->SendSmsUrl(), kPassword);
  // Not routable to any SMSC: Kannel refuses with a non-2xx status and a text.
  settings.http.url.replace(settings.http.url.find("&smsc="), std::string::npos, "&smsc=nowhere");
  auto sms = Make(settings);
  ASSERT_NE(sms, nullptr);
  Status sent = sms->Send({.to = kNumber, .sender = "secinfo", .text = kText});
  std::printf("%s\n", sent.message().c_str());
  EXPECT_EQ(sent.code(), Status::Code::kUnavailable);
  EXPECT_NE(sent.message().find("Not routable"), std::string::npos) << sent.message();
  EXPECT_EQ(sent.message().find(kCode), std::string::npos) << sent.message();
}

// A listening socket nobody accepts from: the connection opens, no answer ever comes.
TEST(HttpSmsGatewayDownTest, GatewaySilentTimesOut) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(a);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
  ASSERT_EQ(::listen(fd, 8), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len), 0);
  Config::Sms settings = KannelSettings(
      "http://127.0.0.1:" + std::to_string(ntohs(a.sin_port)) + "/cgi-bin/sendsms", kPassword);
  settings.http.timeout_seconds = 1;
  auto sms = HttpSms::Create(settings);
  ASSERT_TRUE(sms.ok());
  const auto start = steady_clock::now();
  SendResult r = (*sms)->Deliver({.to = kNumber, .sender = "secinfo", .text = kText});
  const Status& sent = r.status;
  const auto took = steady_clock::now() - start;
  ::close(fd);
  EXPECT_FALSE(r.retry_safe) << "the request went out: the gateway may have taken it";
  std::printf("%s\n", sent.message().c_str());
  EXPECT_EQ(sent.code(), Status::Code::kUnavailable);
  EXPECT_NE(sent.message().find("imed out"), std::string::npos) << sent.message();
  EXPECT_EQ(sent.message().find(kCode), std::string::npos) << sent.message();
  EXPECT_LT(took, milliseconds(3000));
}

// Its own Kannel, so that stopping it leaves the other tests theirs.
TEST_F(HttpSmsPeerTest, KannelDownIsUnavailable) {
  auto own = Kannel::Start(dir_ + "/down", kUser, kPassword, In(milliseconds(15000)));
  ASSERT_TRUE(own.ok()) << own.status().message();
  auto sms = Make(KannelSettings((*own)->SendSmsUrl(), kPassword));
  ASSERT_NE(sms, nullptr);
  ASSERT_TRUE(sms->Send({.to = kNumber, .sender = "secinfo", .text = kText}).ok());
  EXPECT_TRUE(sms->Health().ok());

  // The SMSC gone, Kannel still answers 202, but "3: Queued for later delivery": not accepted
  // for delivery now, so the person is not left waiting for a text that may never come.
  (*own)->StopSmsc();
  // bearerbox notices the lost SMSC a moment later: poll until it answers "queued" (deadline).
  Status queued;
  for (auto deadline = std::chrono::steady_clock::now() + milliseconds(10000);;) {
    queued = sms->Send({.to = kNumber, .sender = "secinfo", .text = kText});
    if (!queued.ok() || std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(milliseconds(50));  // poll interval, not a synchronisation
  }
  std::printf("%s\n", queued.message().c_str());
  EXPECT_EQ(queued.code(), Status::Code::kUnavailable);
  // Queued: Kannel has the text and may still send it once its SMSC is back.
  EXPECT_FALSE(sms->Deliver({.to = kNumber, .sender = "secinfo", .text = kText}).retry_safe);
  EXPECT_NE(queued.message().find("Queued"), std::string::npos) << queued.message();

  (*own)->Stop();
  SendResult r = sms->Deliver({.to = kNumber, .sender = "secinfo", .text = kText});
  const Status& sent = r.status;
  EXPECT_TRUE(r.retry_safe) << "connection refused: Kannel never saw the text";
  std::printf("%s\n", sent.message().c_str());
  EXPECT_EQ(sent.code(), Status::Code::kUnavailable);
  EXPECT_NE(sent.message().find("127.0.0.1"), std::string::npos) << sent.message();
  EXPECT_EQ(sent.message().find(kCode), std::string::npos) << sent.message();
  EXPECT_EQ(sms->Health().code(), Status::Code::kUnavailable);
}

// A one-request HTTP server on loopback for what Kannel cannot show: POST bodies, headers, echoes
// and redirects. Records the request it got and gives `answer` back.
class OneShotServer {
 public:
  explicit OneShotServer(std::string answer) : answer_(std::move(answer)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    const bool listening = ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0 &&
                           ::listen(fd_, 1) == 0 &&
                           ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) == 0;
    EXPECT_TRUE(listening);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~OneShotServer() {
    ::shutdown(fd_, SHUT_RDWR);  // unblocks accept when no request came
    thread_.join();
    ::close(fd_);
  }
  std::string Url(std::string_view path_and_query) const {
    return "http://127.0.0.1:" + std::to_string(port_) + std::string(path_and_query);
  }
  // REQUIRES: the client has its answer (Send returned).
  const std::string& request() const { return request_; }

 private:
  void Serve() {
    const int c = ::accept(fd_, nullptr, nullptr);
    if (c < 0) return;
    char buf[4096];
    while (true) {
      const size_t end = request_.find("\r\n\r\n");
      if (end != std::string::npos) {
        const size_t at = request_.find("Content-Length: ");
        const size_t body = at == std::string::npos ? 0 : std::stoul(request_.substr(at + 16));
        if (request_.size() >= end + 4 + body) break;
      }
      const ssize_t n = ::read(c, buf, sizeof(buf));
      if (n <= 0) break;
      request_.append(buf, static_cast<size_t>(n));
    }
    ::write(c, answer_.data(), answer_.size());
    ::close(c);
  }

  int fd_ = -1;
  uint16_t port_ = 0;
  std::string answer_;
  std::string request_;
  std::thread thread_;
};

std::string Answer(std::string_view status_line, std::string_view body,
                   std::string_view extra_headers = "") {
  return "HTTP/1.1 " + std::string(status_line) +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n" +
         std::string(extra_headers) + "\r\n" + std::string(body);
}

Config::Sms JsonBearer(const std::string& url) {
  Config::Sms sms;
  sms.provider = "http";
  sms.sender = "secinfo";
  sms.http.method = "POST";
  sms.http.url = url;
  sms.http.encoding = "json";
  sms.http.body = R"({"to": {to}, "from": {from}, "text": {text}})";
  sms.http.auth = "bearer";
  sms.http.password = "tok-123456789";
  sms.http.success_status = 201;
  sms.http.timeout_seconds = 5;
  return sms;
}

TEST(HttpSmsRequestTest, JsonPostWithBearerToken) {
  OneShotServer server(Answer("201 Created", R"({"id": "m1"})"));
  auto sms = HttpSms::Create(JsonBearer(server.Url("/v1/sms")));
  ASSERT_TRUE(sms.ok()) << sms.status().message();
  Status sent = (*sms)->Send({.to = kNumber, .sender = "", .text = "Code \"482913\"\nà bientôt"});
  ASSERT_TRUE(sent.ok()) << sent.message();
  const std::string& r = server.request();
  EXPECT_TRUE(r.starts_with("POST /v1/sms HTTP/1.1\r\n")) << r;
  EXPECT_NE(r.find("\r\nContent-Type: application/json\r\n"), std::string::npos) << r;
  EXPECT_NE(r.find("\r\nAuthorization: Bearer tok-123456789\r\n"), std::string::npos) << r;
  EXPECT_TRUE(
      r.ends_with("\r\n\r\n{\"to\": \"+33612345678\", \"from\": \"secinfo\", \"text\": \"Code "
                  "\\\"482913\\\"\\nà bientôt\"}"))
      << r;
}

TEST(HttpSmsRequestTest, FormPostWithBasicAuth) {
  OneShotServer server(Answer("200 OK", "queued"));
  Config::Sms settings;
  settings.provider = "http";
  settings.sender = "Contoso";
  settings.http.url = server.Url("/Accounts/AC1/Messages.json");
  settings.http.body = "To={to}&From={from}&Body={text}";
  settings.http.auth = "basic";
  settings.http.user = "AC1";
  settings.http.password = "secret";
  auto sms = HttpSms::Create(settings);
  ASSERT_TRUE(sms.ok()) << sms.status().message();
  ASSERT_TRUE((*sms)->Send({.to = kNumber, .sender = "", .text = "é & +"}).ok());
  const std::string& r = server.request();
  EXPECT_NE(r.find("\r\nContent-Type: application/x-www-form-urlencoded\r\n"), std::string::npos)
      << r;
  EXPECT_NE(r.find("\r\nAuthorization: Basic QUMxOnNlY3JldA==\r\n"), std::string::npos) << r;
  EXPECT_TRUE(r.ends_with("\r\n\r\nTo=%2B33612345678&From=Contoso&Body=%C3%A9%20%26%20%2B")) << r;
}

TEST(HttpSmsRequestTest, EchoedTextAndTokenAreMasked) {
  const std::string text = "Votre code : 482913";
  OneShotServer server(Answer(
      "400 Bad Request",
      "bad text \"" + text + "\" (Votre%20code%20%3A%20482913) for " + "token tok-123456789"));
  auto sms = HttpSms::Create(JsonBearer(server.Url("/v1/sms")));
  ASSERT_TRUE(sms.ok());
  Status sent = (*sms)->Send({.to = kNumber, .sender = "secinfo", .text = text});
  EXPECT_EQ(sent.code(), Status::Code::kUnavailable);
  EXPECT_NE(sent.message().find("400"), std::string::npos) << sent.message();
  EXPECT_EQ(sent.message().find(kCode), std::string::npos) << sent.message();
  EXPECT_EQ(sent.message().find("tok-123456789"), std::string::npos) << sent.message();
}

TEST(HttpSmsRequestTest, RedirectIsNotFollowed) {
  OneShotServer server(Answer("302 Found", "", "Location: http://127.0.0.1:1/elsewhere\r\n"));
  auto sms = HttpSms::Create(JsonBearer(server.Url("/v1/sms")));
  ASSERT_TRUE(sms.ok());
  Status sent = (*sms)->Send({.to = kNumber, .sender = "secinfo", .text = kText});
  EXPECT_EQ(sent.code(), Status::Code::kUnavailable);
  EXPECT_NE(sent.message().find("302"), std::string::npos) << sent.message();
}

TEST(HttpSmsRequestTest, LongAnswerIsCutTo200Bytes) {
  OneShotServer server(Answer("500 Internal Server Error", std::string(5000, 'x')));
  auto sms = HttpSms::Create(JsonBearer(server.Url("/v1/sms")));
  ASSERT_TRUE(sms.ok());
  Status sent = (*sms)->Send({.to = kNumber, .sender = "secinfo", .text = kText});
  EXPECT_EQ(sent.code(), Status::Code::kUnavailable);
  EXPECT_NE(sent.message().find("500: " + std::string(200, 'x')), std::string::npos);
  EXPECT_EQ(sent.message().find(std::string(201, 'x')), std::string::npos);
}

TEST(HttpSmsRequestTest, TooManyRequestsAndServiceUnavailableAreSafeToSendAgain) {
  for (const char* status : {"429 Too Many Requests", "503 Service Unavailable"}) {
    OneShotServer server(Answer(status, "slow down"));
    auto sms = HttpSms::Create(JsonBearer(server.Url("/v1/sms")));
    ASSERT_TRUE(sms.ok());
    SendResult r = (*sms)->Deliver({.to = kNumber, .sender = "secinfo", .text = kText});
    EXPECT_EQ(r.status.code(), Status::Code::kUnavailable) << status;
    EXPECT_TRUE(r.retry_safe) << status;
  }
}

TEST(HttpSmsRequestTest, AnyOtherRefusalIsFinal) {
  for (const char* status : {"500 Internal Server Error", "400 Bad Request", "502 Bad Gateway"}) {
    OneShotServer server(Answer(status, "no"));
    auto sms = HttpSms::Create(JsonBearer(server.Url("/v1/sms")));
    ASSERT_TRUE(sms.ok());
    SendResult r = (*sms)->Deliver({.to = kNumber, .sender = "secinfo", .text = kText});
    EXPECT_EQ(r.status.code(), Status::Code::kUnavailable) << status;
    EXPECT_FALSE(r.retry_safe) << status;
  }
}

// What the gateway gets for a template with {receipt_url}: our signed link for this message, whose
// reference comes back as the message's, and which the provider then takes back.
TEST(HttpSmsRequestTest, AReceiptLinkGoesWithEachMessageAndIsTakenBack) {
  OneShotServer server(Answer("202 Accepted", "0: Accepted for delivery"));
  Config::Sms settings = KannelSettings(server.Url("/cgi-bin/sendsms"), kPassword);
  settings.http.url += "&dlr-mask=3&dlr-url={receipt_url}";
  auto sms = HttpSms::Create(settings);
  ASSERT_TRUE(sms.ok()) << sms.status().message();
  (*sms)->SetReceiptCallback({"https://id.contoso.example/sms/receipt", std::string(32, 'k')});
  SendResult sent = (*sms)->Deliver({.to = kNumber, .sender = "", .text = kText});
  ASSERT_TRUE(sent.status.ok()) << sent.status.message();
  ASSERT_EQ(sent.references.size(), 1u);
  const std::string& ref = sent.references[0];
  EXPECT_EQ(ref.size(), 22u) << ref;  // 128 random bits

  // Kannel decodes dlr-url and puts the DLR type where %d stands.
  const std::string& r = server.request();
  const std::string marker = "&dlr-url=";
  const size_t at = r.find(marker);
  ASSERT_NE(at, std::string::npos) << r;
  const std::string encoded = r.substr(at + marker.size(), r.find(' ', at) - at - marker.size());
  std::string link;  // percent-decoded
  for (size_t i = 0; i < encoded.size(); ++i) {
    if (encoded[i] == '%' && i + 2 < encoded.size()) {
      link += static_cast<char>(std::stoi(encoded.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      link += encoded[i];
    }
  }
  const std::string prefix = "https://id.contoso.example/sms/receipt?ref=" + ref + "&sig=";
  ASSERT_TRUE(link.starts_with(prefix)) << link;
  ASSERT_TRUE(link.ends_with("&status=%d")) << link;
  const std::string sig = link.substr(prefix.size(), link.size() - prefix.size() - 10);

  auto report = (*sms)->ReadReceiptCallback({{"ref", ref}, {"sig", sig}, {"status", "2"}});
  ASSERT_TRUE(report.ok()) << report.status().message();
  ASSERT_TRUE(report->has_value());
  EXPECT_EQ((*report)->message_id, ref);
  EXPECT_FALSE((*report)->delivered);
  // Another message's link does not carry this one's signature.
  EXPECT_FALSE(
      (*sms)->ReadReceiptCallback({{"ref", ref + "x"}, {"sig", sig}, {"status", "2"}}).ok());
}

// fakesmsc's log, as Kannel 1.4.5 writes it: a whole UCS-2 text, a text on two lines, and the
// two parts of a long text (concatenation UDH, payload shown as "data").
TEST(FakesmscOutputTest, ReadsWholeTextsAndTheUdhOfParts) {
  const std::string log =
      "2026-11-25 16:23:15 [1] [0] DEBUG: Got message 1: <Contoso +33612345678 ucs-2 "
      "%00%E9%00t%00%E9>\n"
      "2026-11-25 16:23:15 [1] [0] DEBUG: Got message 2: <secinfo +33612345678 text line one\n"
      "line two>\n"
      "2026-11-25 16:23:15 [1] [0] DEBUG: Got message 3: <Contoso +33781234567 udh "
      "%05%00%03%07%02%01 data %001%002>\n"
      "2026-11-25 16:23:15 [1] [0] DEBUG: Got message 4: <Contoso +33781234567 udh "
      "%05%00%03%07%02%02 data %00%E0>\n";
  const std::vector<peers::FakeSms> m = peers::ParseFakesmscOutput(log);
  ASSERT_EQ(m.size(), 4u);
  EXPECT_EQ(m[0].coding, "ucs-2");
  EXPECT_EQ(m[0].text, "été");
  EXPECT_TRUE(m[0].udh.empty());
  EXPECT_EQ(m[1].text, "line one\nline two");
  EXPECT_EQ(m[2].from, "Contoso");
  EXPECT_EQ(m[2].to, "+33781234567");
  EXPECT_EQ(m[2].coding, "data");
  EXPECT_EQ(m[2].udh, std::string("\x05\x00\x03\x07\x02\x01", 6));
  EXPECT_EQ(m[2].text, std::string("\x00"
                                   "1\x00"
                                   "2",
                                   4));
  EXPECT_EQ(m[3].udh, std::string("\x05\x00\x03\x07\x02\x02", 6));
  EXPECT_EQ(m[3].text, std::string("\x00\xE0", 2));
}

}  // namespace
}  // namespace secinfo::channels
