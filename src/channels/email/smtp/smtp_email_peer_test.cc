// SmtpEmail against real SMTP servers on loopback, each writing a Maildir (harness:
// tests/peers/smtp_peers.h): aiosmtpd, and OpenSMTPD, a real MTA with a queue and a delivery agent.
// Each mail is read back by Python's email package, an independent MIME implementation, and
// compared with what was sent, as the person's mail reader would show it. ctest label "peers".
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <thread>

#include "channels/email/smtp/smtp_email.h"
#include "core/temp_dir_for_test.h"
#include "smtp_peers.h"

namespace secinfo::channels {
namespace {

namespace fs = std::filesystem;
using peers::In;
using peers::SmtpServer;
using peers::SmtpTls;
using std::chrono::milliseconds;

constexpr char kFrom[] = "secinfo@contoso.com";

using testing_support::TempDir;

Config::Email Settings(uint16_t port, const std::string& tls, const std::string& ca_file = "") {
  Config::Email e;
  e.provider = "smtp";
  e.from_address = kFrom;
  e.smtp.host = "127.0.0.1";
  e.smtp.port = port;
  e.smtp.tls = tls;
  e.smtp.ca_file = ca_file;
  e.smtp.helo_name = "secinfo.test";
  e.smtp.timeout_seconds = 10;
  return e;
}

const EmailMessage kFrench{
    .to = "ana.lefevre@example.org",
    .from_name = "Contoso Sécurité",
    .subject = "Votre code de vérification Contoso",
    .text =
        "Bonjour Ana,\n\nVotre code de vérification Contoso est : 482913\n"
        "Il expire dans 5 minutes. Caractères : é à ç.\n",
    .html =
        "<!doctype html>\n<html lang=\"fr\"><body>\n<p>Bonjour Ana,</p>\n"
        "<p>Votre code de vérification Contoso est : <strong>482913</strong></p>\n"
        "<p>Il expire dans 5 minutes. Caractères : é à ç.</p>\n</body></html>\n",
};

// Lines a careless sender would break: a lone dot (SMTP end of data), a leading dot, "From ",
// a long line (quoted-printable soft breaks), trailing spaces, '='.
const EmailMessage kEnglish{
    .to = "bob@example.net",
    .from_name = "Contoso",
    .subject = "Your Contoso verification code",
    .text =
        "Hello Bob,\n\nYour Contoso verification code is 731604.\n.\n.hidden line\n"
        "From here on, codes expire after 5 minutes. " +
        std::string(80, '-') + " a=b  \nEnd.",
    .html = "<p>Hello Bob,</p><p>Your Contoso verification code is <b>731604</b>.</p>",
};

// Where the server that delivered a mail wrote down the SMTP envelope (MAIL FROM, RCPT TO).
struct EnvelopeHeaders {
  const char* sender;
  const char* recipient;
};
constexpr EnvelopeHeaders kAiosmtpdEnvelope{"X-MailFrom", "X-RcptTo"};  // its Mailbox handler
constexpr EnvelopeHeaders kMtaEnvelope{"Return-Path", "Delivered-To"};  // a delivery agent's

std::string WithoutAngleBrackets(const std::string& s) {
  return s.size() >= 2 && s.front() == '<' && s.back() == '>' ? s.substr(1, s.size() - 2) : s;
}

// Sends `m` and checks the only mail in the Maildir reads back as `m`, from `from_name`, and that
// the server recorded the envelope in `envelope`'s headers.
void ExpectDelivered(SmtpEmail& smtp, const peers::Maildir& inbox, const EmailMessage& m,
                     const std::string& from_name,
                     const EnvelopeHeaders& envelope = kAiosmtpdEnvelope) {
  const auto started = std::chrono::system_clock::now();
  Status sent = smtp.Send(m);
  ASSERT_TRUE(sent.ok()) << sent.ToString() << "\nserver log: " << inbox.LogTail();
  auto files = inbox.WaitForMails(1, In(milliseconds(10000)));
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  ASSERT_EQ(files->size(), 1u);
  auto mail = peers::ParseMail(files->front());
  ASSERT_TRUE(mail.ok()) << mail.status().ToString();
  const nlohmann::json& j = *mail;

  EXPECT_EQ(j["defects"], nlohmann::json::array()) << j.dump(2);
  EXPECT_EQ(j["subject"], m.subject);
  EXPECT_EQ(j["from_name"], from_name);
  EXPECT_EQ(j["from_address"], kFrom);
  EXPECT_EQ(j["to"], nlohmann::json::array({m.to}));
  auto envelope_field = [&files](const char* name) {
    std::vector<std::string> values;
    auto fields = peers::HeaderFields(files->front(), name);
    if (fields.ok()) {
      for (const std::string& f : *fields) values.push_back(WithoutAngleBrackets(f));
    }
    return values;
  };
  EXPECT_EQ(envelope_field(envelope.sender), std::vector<std::string>{kFrom}) << envelope.sender;
  EXPECT_EQ(envelope_field(envelope.recipient), std::vector<std::string>{m.to})
      << envelope.recipient;
  EXPECT_EQ(j["mime_version"], "1.0");
  EXPECT_EQ(j["auto_submitted"], "auto-generated");
  EXPECT_TRUE(std::regex_match(j["message_id"].get<std::string>(),
                               std::regex("<[0-9a-f]{32}@contoso\\.com>")))
      << j["message_id"];
  const double sent_at = std::chrono::duration<double>(started.time_since_epoch()).count();
  EXPECT_NEAR(j["date_unix"].get<double>(), sent_at, 60.0);
  EXPECT_EQ(j["content_type"], "multipart/alternative");
  ASSERT_EQ(j["parts"].size(), 2u) << j.dump(2);
  const nlohmann::json& text = j["parts"][0];
  const nlohmann::json& html = j["parts"][1];
  EXPECT_EQ(text["content_type"], "text/plain");
  EXPECT_EQ(text["charset"], "utf-8");
  EXPECT_EQ(text["transfer_encoding"], "quoted-printable");
  EXPECT_EQ(text["content"], m.text);
  EXPECT_EQ(html["content_type"], "text/html");
  EXPECT_EQ(html["charset"], "utf-8");
  EXPECT_EQ(html["content"], m.html);
}

TEST(SmtpEmailPeer, FrenchCodeMailReadsBackExactly) {
  TempDir dir;
  auto server = SmtpServer::Start(dir / "smtp");
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  auto smtp = SmtpEmail::Create(Settings((*server)->port(), "none"));
  ASSERT_TRUE(smtp.ok()) << smtp.status().ToString();
  // email.from_name is empty: the message's (tenant's) name is shown, RFC 2047-encoded.
  ExpectDelivered(**smtp, (*server)->inbox(), kFrench, "Contoso Sécurité");
  EXPECT_TRUE((*smtp)->Health().ok());
}

TEST(SmtpEmailPeer, EnglishCodeMailReadsBackExactly) {
  TempDir dir;
  auto server = SmtpServer::Start(dir / "smtp");
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  Config::Email settings = Settings((*server)->port(), "none");
  settings.from_name = "Contoso Identity";  // the setting wins over the message's name
  auto smtp = SmtpEmail::Create(settings);
  ASSERT_TRUE(smtp.ok()) << smtp.status().ToString();
  ExpectDelivered(**smtp, (*server)->inbox(), kEnglish, "Contoso Identity");
}

TEST(SmtpEmailPeer, HealthProbesWithoutSendingMail) {
  TempDir dir;
  auto server = SmtpServer::Start(dir / "smtp");
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  auto smtp = SmtpEmail::Create(Settings((*server)->port(), "none"));
  ASSERT_TRUE(smtp.ok());
  Status health = (*smtp)->Health();
  EXPECT_TRUE(health.ok()) << health.ToString();
  EXPECT_TRUE((*server)->Mails().empty());
}

TEST(SmtpEmailPeer, RelayDownIsUnavailableWithAClearReason) {
  auto port = peers::PickFreePort();  // nothing listens there
  ASSERT_TRUE(port.ok());
  auto smtp = SmtpEmail::Create(Settings(*port, "starttls"));
  ASSERT_TRUE(smtp.ok());
  const auto started = std::chrono::steady_clock::now();
  SendResult r = (*smtp)->Deliver(kEnglish);
  const Status& s = r.status;
  EXPECT_EQ(s.code(), Status::Code::kUnavailable) << s.ToString();
  EXPECT_TRUE(r.retry_safe) << "no connection: nothing can have been delivered";
  EXPECT_NE(s.message().find("127.0.0.1:" + std::to_string(*port)), std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("connect"), std::string::npos) << s.message();
  Status health = (*smtp)->Health();
  EXPECT_EQ(health.code(), Status::Code::kUnavailable) << health.ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

TEST(SmtpEmailPeer, StalledRelayTimesOut) {
  // Listens (the kernel completes the handshake) but never greets.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(a);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
  ASSERT_EQ(::listen(fd, 8), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len), 0);
  Config::Email settings = Settings(ntohs(a.sin_port), "starttls");
  settings.smtp.timeout_seconds = 1;
  auto smtp = SmtpEmail::Create(settings);
  ASSERT_TRUE(smtp.ok());
  const auto started = std::chrono::steady_clock::now();
  SendResult r = (*smtp)->Deliver(kEnglish);
  const Status& s = r.status;
  const auto took = std::chrono::steady_clock::now() - started;
  ::close(fd);
  EXPECT_EQ(s.code(), Status::Code::kUnavailable) << s.ToString();
  EXPECT_FALSE(r.retry_safe) << "a timeout may come after the relay took the mail";
  EXPECT_NE(s.message().find("timed out"), std::string::npos) << s.message();
  EXPECT_LT(took, std::chrono::seconds(3));
}

// A relay that answers each command from a script, on one connection: what aiosmtpd cannot be
// told to do. `rcpt_reply` and `data_reply` are the answers to RCPT TO and to the end of DATA.
class ScriptedRelay {
 public:
  ScriptedRelay(std::string rcpt_reply, std::string data_reply)
      : rcpt_reply_(std::move(rcpt_reply)), data_reply_(std::move(data_reply)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 || ::listen(fd_, 1) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      ADD_FAILURE() << "cannot listen on loopback";
    }
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~ScriptedRelay() {
    ::shutdown(fd_, SHUT_RDWR);
    thread_.join();
    ::close(fd_);
  }
  uint16_t port() const { return port_; }
  bool got_data() const { return got_data_; }

 private:
  void Serve() {
    const int c = ::accept(fd_, nullptr, nullptr);
    if (c < 0) return;
    auto say = [c](const std::string& line) {
      const std::string out = line + "\r\n";
      return ::write(c, out.data(), out.size()) == static_cast<ssize_t>(out.size());
    };
    say("220 relay.test ESMTP");
    std::string in;
    bool in_data = false;
    char buf[4096];
    while (true) {
      const size_t eol = in.find("\r\n");
      if (eol == std::string::npos) {
        const ssize_t n = ::read(c, buf, sizeof(buf));
        if (n <= 0) break;
        in.append(buf, static_cast<size_t>(n));
        continue;
      }
      const std::string line = in.substr(0, eol);
      in.erase(0, eol + 2);
      if (in_data) {
        if (line == ".") {
          in_data = false;
          got_data_ = true;
          say(data_reply_);
        }
        continue;
      }
      const std::string verb = line.substr(0, 4);
      if (verb == "EHLO" || verb == "HELO" || verb == "MAIL") {
        say("250 ok");
      } else if (verb == "RCPT") {
        say(rcpt_reply_);
      } else if (verb == "DATA") {
        in_data = true;
        say("354 go on");
      } else if (verb == "QUIT") {
        say("221 bye");
        break;
      } else {
        say("502 not here");
      }
    }
    ::close(c);
  }

  std::string rcpt_reply_;
  std::string data_reply_;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> got_data_{false};
  std::thread thread_;
};

TEST(SmtpEmailRetry, ATransientRefusalIsSafeToSendAgain) {
  ScriptedRelay relay("451 4.3.0 mailbox busy, try later", "250 queued");
  auto smtp = SmtpEmail::Create(Settings(relay.port(), "none"));
  ASSERT_TRUE(smtp.ok());
  SendResult r = smtp.value()->Deliver(kEnglish);
  EXPECT_EQ(r.status.code(), Status::Code::kUnavailable);
  EXPECT_NE(r.status.message().find("451 4.3.0"), std::string::npos) << r.status.message();
  EXPECT_TRUE(r.retry_safe);
  EXPECT_FALSE(relay.got_data());
}

TEST(SmtpEmailRetry, ATransientRefusalOfTheDataIsSafeToo) {
  ScriptedRelay relay("250 ok", "452 4.3.1 insufficient system storage");
  auto smtp = SmtpEmail::Create(Settings(relay.port(), "none"));
  ASSERT_TRUE(smtp.ok());
  SendResult r = smtp.value()->Deliver(kEnglish);
  EXPECT_NE(r.status.message().find("452 4.3.1"), std::string::npos) << r.status.message();
  EXPECT_TRUE(r.retry_safe);
  EXPECT_TRUE(relay.got_data());
}

TEST(SmtpEmailRetry, APermanentRefusalIsFinal) {
  ScriptedRelay relay("550 5.1.1 no such user", "250 queued");
  auto smtp = SmtpEmail::Create(Settings(relay.port(), "none"));
  ASSERT_TRUE(smtp.ok());
  SendResult r = smtp.value()->Deliver(kEnglish);
  EXPECT_NE(r.status.message().find("550 5.1.1"), std::string::npos) << r.status.message();
  EXPECT_FALSE(r.retry_safe);
}

class SmtpEmailTlsPeer : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    auto certs = peers::MakeTestCertificates(*dir_ / "certs");
    ASSERT_TRUE(certs.ok()) << certs.status().ToString();
    certs_ = new peers::TestCertificates(*certs);
  }
  static void TearDownTestSuite() {
    delete certs_;
    delete dir_;
  }
  static TempDir* dir_;
  static peers::TestCertificates* certs_;
};
TempDir* SmtpEmailTlsPeer::dir_ = nullptr;
peers::TestCertificates* SmtpEmailTlsPeer::certs_ = nullptr;

TEST_F(SmtpEmailTlsPeer, StartTlsWithTheTestCaDelivers) {
  ASSERT_NE(certs_, nullptr);
  auto server =
      SmtpServer::Start(*dir_ / "starttls-ok", {.tls = SmtpTls::kStartTls, .certs = certs_});
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  auto smtp = SmtpEmail::Create(Settings((*server)->port(), "starttls", certs_->ca_file));
  ASSERT_TRUE(smtp.ok()) << smtp.status().ToString();
  Status health = (*smtp)->Health();
  EXPECT_TRUE(health.ok()) << health.ToString();
  ExpectDelivered(**smtp, (*server)->inbox(), kFrench, "Contoso Sécurité");
}

TEST_F(SmtpEmailTlsPeer, StartTlsWithTheSystemCasIsRefused) {
  ASSERT_NE(certs_, nullptr);
  auto server =
      SmtpServer::Start(*dir_ / "starttls-untrusted", {.tls = SmtpTls::kStartTls, .certs = certs_});
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  auto smtp = SmtpEmail::Create(Settings((*server)->port(), "starttls"));
  ASSERT_TRUE(smtp.ok());
  Status s = (*smtp)->Send(kFrench);
  EXPECT_EQ(s.code(), Status::Code::kUnavailable) << s.ToString();
  EXPECT_NE(s.message().find("certificate"), std::string::npos) << s.message();
  Status health = (*smtp)->Health();
  EXPECT_EQ(health.code(), Status::Code::kUnavailable) << health.ToString();
  // Send returned after the relay's final answer: a delivered mail would be there by now.
  EXPECT_TRUE((*server)->Mails().empty());
}

TEST_F(SmtpEmailTlsPeer, PlainTextToARelayThatRequiresStartTlsCarriesTheRelaysReason) {
  ASSERT_NE(certs_, nullptr);
  auto server =
      SmtpServer::Start(*dir_ / "starttls-required", {.tls = SmtpTls::kStartTls, .certs = certs_});
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  auto smtp = SmtpEmail::Create(Settings((*server)->port(), "none"));
  ASSERT_TRUE(smtp.ok());
  SendResult r = (*smtp)->Deliver(kEnglish);
  const Status& s = r.status;
  EXPECT_EQ(s.code(), Status::Code::kUnavailable) << s.ToString();
  EXPECT_FALSE(r.retry_safe) << "530 will not change by itself";
  EXPECT_NE(s.message().find("530"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("STARTTLS"), std::string::npos) << s.message();
  EXPECT_TRUE((*server)->Mails().empty());
}

TEST_F(SmtpEmailTlsPeer, ImplicitTlsDelivers) {
  ASSERT_NE(certs_, nullptr);
  auto server = SmtpServer::Start(*dir_ / "smtps", {.tls = SmtpTls::kImplicit, .certs = certs_});
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  auto smtp = SmtpEmail::Create(Settings((*server)->port(), "implicit", certs_->ca_file));
  ASSERT_TRUE(smtp.ok()) << smtp.status().ToString();
  ExpectDelivered(**smtp, (*server)->inbox(), kEnglish, "Contoso");
}

TEST_F(SmtpEmailTlsPeer, AuthWithTheRightPasswordDelivers) {
  ASSERT_NE(certs_, nullptr);
  auto server = SmtpServer::Start(*dir_ / "auth-ok", {.tls = SmtpTls::kStartTls,
                                                      .certs = certs_,
                                                      .user = "secinfo-relay",
                                                      .password = "pässwörd with spaces"});
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  Config::Email settings = Settings((*server)->port(), "starttls", certs_->ca_file);
  settings.smtp.user = "secinfo-relay";
  settings.smtp.password = "pässwörd with spaces";
  auto smtp = SmtpEmail::Create(settings);
  ASSERT_TRUE(smtp.ok()) << smtp.status().ToString();
  Status health = (*smtp)->Health();
  EXPECT_TRUE(health.ok()) << health.ToString();
  ExpectDelivered(**smtp, (*server)->inbox(), kEnglish, "Contoso");
}

TEST_F(SmtpEmailTlsPeer, AuthWithAWrongPasswordCarriesTheRelaysReason) {
  ASSERT_NE(certs_, nullptr);
  auto server = SmtpServer::Start(
      *dir_ / "auth-wrong",
      {.tls = SmtpTls::kStartTls, .certs = certs_, .user = "secinfo-relay", .password = "right"});
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  Config::Email settings = Settings((*server)->port(), "starttls", certs_->ca_file);
  settings.smtp.user = "secinfo-relay";
  settings.smtp.password = "wrong";
  auto smtp = SmtpEmail::Create(settings);
  ASSERT_TRUE(smtp.ok());
  // The probe logs in too: a wrong password shows on /readyz before anyone asks for a code.
  Status health = (*smtp)->Health();
  EXPECT_EQ(health.code(), Status::Code::kUnavailable) << health.ToString();
  EXPECT_NE(health.message().find("535"), std::string::npos) << health.message();
  SendResult r = (*smtp)->Deliver(kFrench);
  const Status& s = r.status;
  EXPECT_EQ(s.code(), Status::Code::kUnavailable) << s.ToString();
  EXPECT_FALSE(r.retry_safe);
  EXPECT_NE(s.message().find("535"), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find("wrong"), std::string::npos) << "the password leaked: " << s.message();
  EXPECT_TRUE((*server)->Mails().empty());
}

// OpenSMTPD between us and the mailbox, as in production: a queue, a delivery agent that
// prepends trace headers, dot-unstuffing by a server other than Python's. Its processes must all
// be gone after each test.
class SmtpEmailOpenSmtpd : public ::testing::Test {
 protected:
  void TearDown() override {
    if (server_ == nullptr) return;
    Status stopped = server_->Stop();
    EXPECT_TRUE(stopped.ok()) << stopped.ToString();
  }
  // Starts OpenSMTPD into server_; fails the test (naming the package when it is missing).
  void StartServer(const peers::OpenSmtpdOptions& options = {}) {
    auto server = peers::OpenSmtpd::Start(dir_ / "opensmtpd", options);
    if (server.status().code() == Status::Code::kPermissionDenied) {
      // A machine that cannot make namespaces (an unprivileged container): the environment, not
      // the product. aiosmtpd above still covers the provider.
      GTEST_SKIP() << server.status().ToString();
    }
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(*server);
  }

  TempDir dir_;
  std::unique_ptr<peers::OpenSmtpd> server_;
};

TEST_F(SmtpEmailOpenSmtpd, FrenchCodeMailReadsBackExactly) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  auto smtp = SmtpEmail::Create(Settings(server_->port(), "none"));
  ASSERT_TRUE(smtp.ok()) << smtp.status().ToString();
  ASSERT_NO_FATAL_FAILURE(
      ExpectDelivered(**smtp, server_->inbox(), kFrench, "Contoso Sécurité", kMtaEnvelope));
  // The MTA's trace shows the EHLO name we gave and the address we came from.
  auto received = peers::HeaderFields(server_->Mails().front(), "Received");
  ASSERT_TRUE(received.ok()) << received.status().ToString();
  ASSERT_EQ(received->size(), 1u);
  EXPECT_NE(received->front().find("from secinfo.test "), std::string::npos) << received->front();
  EXPECT_NE(received->front().find("[127.0.0.1]"), std::string::npos) << received->front();
  EXPECT_TRUE((*smtp)->Health().ok());
}

TEST_F(SmtpEmailOpenSmtpd, EnglishCodeMailReadsBackExactly) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  Config::Email settings = Settings(server_->port(), "none");
  settings.from_name = "Contoso Identity";
  auto smtp = SmtpEmail::Create(settings);
  ASSERT_TRUE(smtp.ok()) << smtp.status().ToString();
  ExpectDelivered(**smtp, server_->inbox(), kEnglish, "Contoso Identity", kMtaEnvelope);
}

// Debian 12's OpenSMTPD 6.8.0p2 cannot use its private key with OpenSSL 3: it hooks its
// privilege-separated signer into a copy of the key that OpenSSL 3 no longer uses, so every TLS
// handshake fails on the server side ("missing private key" in its log), RSA and ECDSA alike
// (OpenSMTPD issues #1171, #1239; fixed upstream by pull request #1208). Only that failure skips
// the test; a fixed opensmtpd runs it. smtpd logs the reason a moment after the client got its
// alert: poll.
bool ShowsOpenSsl3KeyBug(const peers::OpenSmtpd& server) {
  return peers::PollUntil(
      [&] { return server.LogTail().find("missing private key") != std::string::npos; },
      In(milliseconds(3000)));
}

TEST_F(SmtpEmailOpenSmtpd, StartTlsWithTheTestCaDelivers) {
  auto certs = peers::MakeTestCertificates(dir_ / "certs");
  ASSERT_TRUE(certs.ok()) << certs.status().ToString();
  ASSERT_NO_FATAL_FAILURE(StartServer({.tls = SmtpTls::kStartTls, .certs = &*certs}));
  auto smtp = SmtpEmail::Create(Settings(server_->port(), "starttls", certs->ca_file));
  ASSERT_TRUE(smtp.ok()) << smtp.status().ToString();
  Status health = (*smtp)->Health();
  if (!health.ok() && ShowsOpenSsl3KeyBug(*server_)) {
    EXPECT_TRUE(server_->Mails().empty());
    GTEST_SKIP() << "this OpenSMTPD fails every TLS handshake (6.8.0p2 with OpenSSL 3, OpenSMTPD "
                    "issue #1239): "
                 << health.ToString();
  }
  EXPECT_TRUE(health.ok()) << health.ToString() << "\nOpenSMTPD: " << server_->LogTail();
  ExpectDelivered(**smtp, server_->inbox(), kFrench, "Contoso Sécurité", kMtaEnvelope);
}

TEST_F(SmtpEmailOpenSmtpd, StoppedRelayIsUnavailableAndSafeToRetry) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  auto smtp = SmtpEmail::Create(Settings(server_->port(), "none"));
  ASSERT_TRUE(smtp.ok());
  ASSERT_TRUE((*smtp)->Health().ok()) << "the relay was up";
  Status stopped = server_->Stop();
  ASSERT_TRUE(stopped.ok()) << stopped.ToString();
  SendResult r = (*smtp)->Deliver(kEnglish);
  EXPECT_EQ(r.status.code(), Status::Code::kUnavailable) << r.status.ToString();
  EXPECT_TRUE(r.retry_safe) << "no connection: nothing can have been delivered";
  EXPECT_NE(r.status.message().find("127.0.0.1:" + std::to_string(server_->port())),
            std::string::npos)
      << r.status.message();
  // The probe's OK would be cached for 30 s: the send that could not connect replaced it.
  Status health = (*smtp)->Health();
  EXPECT_EQ(health.code(), Status::Code::kUnavailable) << health.ToString();
  EXPECT_TRUE(server_->Mails().empty());
}

}  // namespace
}  // namespace secinfo::channels
