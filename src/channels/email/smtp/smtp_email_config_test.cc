#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "channels/email/smtp/smtp_email.h"
#include "core/temp_dir_for_test.h"

namespace secinfo::channels {
namespace {

namespace fs = std::filesystem;

using testing_support::TempDir;

Config::Email Good() {
  Config::Email e;
  e.provider = "smtp";
  e.from_address = "secinfo@contoso.com";
  e.from_name = "Contoso";
  e.smtp.host = "smtp.contoso.com";
  e.smtp.port = 587;
  e.smtp.tls = "starttls";
  e.smtp.user = "secinfo";
  e.smtp.password = "s3cret";
  return e;
}

// Rejected by ValidateSmtpSettings and by the factory, naming `setting`.
void ExpectInvalid(const Config::Email& e, const std::string& setting) {
  Status s = ValidateSmtpSettings(e);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find(setting), std::string::npos) << s.ToString();
  auto made = SmtpEmail::Create(e);
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(made.status().message().find(setting), std::string::npos) << made.status().ToString();
}

TEST(SmtpEmailConfig, GoodSettingsBuild) {
  auto made = SmtpEmail::Create(Good());
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  EXPECT_EQ((*made)->name(), "smtp");
}

TEST(SmtpEmailConfig, EveryTlsModeAndAPlainLocalRelayBuild) {
  for (const char* tls : {"none", "starttls", "implicit"}) {
    Config::Email e = Good();
    e.smtp.tls = tls;
    e.smtp.host = "127.0.0.1";  // a password in clear text is fine to the same host
    EXPECT_TRUE(SmtpEmail::Create(e).ok()) << tls;
  }
  Config::Email e = Good();
  e.smtp.host = "::1";
  e.smtp.helo_name = "[IPv6:::1]";
  EXPECT_TRUE(SmtpEmail::Create(e).ok());
  e.smtp.host = "localhost";
  e.smtp.helo_name = "[127.0.0.1]";
  EXPECT_TRUE(SmtpEmail::Create(e).ok());
  e.from_address = "secinfo@localhost";  // the default
  e.from_name = "Contoso Sécurité";
  EXPECT_TRUE(SmtpEmail::Create(e).ok());
}

TEST(SmtpEmailConfig, MissingHostIsNamed) {
  Config::Email e = Good();
  e.smtp.host = "";
  ExpectInvalid(e, "email.smtp.host");
}

TEST(SmtpEmailConfig, HostThatWouldBendTheUrlIsNamed) {
  for (const char* host : {"smtp.contoso.com/evil", "user@smtp", "smtp host", "smtp\r\n"}) {
    Config::Email e = Good();
    e.smtp.host = host;
    ExpectInvalid(e, "email.smtp.host");
  }
}

TEST(SmtpEmailConfig, UnreadableCaFileIsNamed) {
  TempDir dir;
  Config::Email e = Good();
  e.smtp.ca_file = dir / "missing.pem";
  ExpectInvalid(e, "email.smtp.ca_file");
  e.smtp.ca_file = dir / "";  // a directory
  ExpectInvalid(e, "email.smtp.ca_file");
  std::ofstream(dir / "not-pem.txt") << "hello\n";
  e.smtp.ca_file = dir / "not-pem.txt";
  ExpectInvalid(e, "email.smtp.ca_file");
}

TEST(SmtpEmailConfig, ReadablePemCaFileBuilds) {
  TempDir dir;
  std::ofstream(dir / "ca.pem") << "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  Config::Email e = Good();
  e.smtp.ca_file = dir / "ca.pem";
  EXPECT_TRUE(SmtpEmail::Create(e).ok());
}

TEST(SmtpEmailConfig, InvalidFromAddressIsNamed) {
  for (const char* from : {"", "secinfo", "secinfo@", "@contoso.com", "a b@contoso.com",
                           "Contoso <secinfo@contoso.com>", "secinfo@contoso.com\r\nBcc: x@y.z",
                           "sécurité@contoso.com", "secinfo@-contoso.com", "a..b@contoso.com"}) {
    Config::Email e = Good();
    e.from_address = from;
    ExpectInvalid(e, "email.from_address");
  }
}

TEST(SmtpEmailConfig, FromNameWithALineBreakIsNamed) {
  Config::Email e = Good();
  e.from_name = "Contoso\r\nBcc: victim@example.org";
  ExpectInvalid(e, "email.from_name");
}

TEST(SmtpEmailConfig, OtherBadSettingsAreNamed) {
  Config::Email e = Good();
  e.smtp.port = 0;
  ExpectInvalid(e, "email.smtp.port");
  e = Good();
  e.smtp.port = 70000;
  ExpectInvalid(e, "email.smtp.port");
  e = Good();
  e.smtp.tls = "ssl";
  ExpectInvalid(e, "email.smtp.tls");
  e = Good();
  e.smtp.helo_name = "";
  ExpectInvalid(e, "email.smtp.helo_name");
  e = Good();
  e.smtp.helo_name = "host/../x?y";
  ExpectInvalid(e, "email.smtp.helo_name");
  e = Good();
  e.smtp.timeout_seconds = 0;
  ExpectInvalid(e, "email.smtp.timeout_seconds");
  e = Good();
  e.smtp.user = "";
  ExpectInvalid(e, "email.smtp.password");
}

TEST(SmtpEmailConfig, PasswordInClearTextToARemoteHostIsRefused) {
  Config::Email e = Good();
  e.smtp.tls = "none";
  ExpectInvalid(e, "email.smtp.user");
  e.smtp.user = e.smtp.password = "";
  EXPECT_TRUE(SmtpEmail::Create(e).ok());  // no credentials: plain relaying is the relay's call
}

TEST(SmtpEmailConfig, HeaderInjectionIsRefusedBeforeAnyConnection) {
  Config::Email e = Good();
  e.smtp.host = "127.0.0.1";
  e.smtp.port = 9;  // nothing would answer: an InvalidArgument proves we never tried
  auto smtp = SmtpEmail::Create(e);
  ASSERT_TRUE(smtp.ok());
  const EmailMessage good{.to = "ana@example.org",
                          .from_name = "Contoso",
                          .subject = "Your code",
                          .text = "123456",
                          .html = ""};
  EmailMessage m = good;
  m.subject = "Your code\r\nBcc: everyone@example.org";
  EXPECT_EQ((*smtp)->Send(m).code(), Status::Code::kInvalidArgument);
  m = good;
  m.subject = "Your code\nX-Evil: 1";
  EXPECT_EQ((*smtp)->Send(m).code(), Status::Code::kInvalidArgument);
  m = good;
  m.to = "ana@example.org\r\nBcc: everyone@example.org";
  EXPECT_EQ((*smtp)->Send(m).code(), Status::Code::kInvalidArgument);
  m = good;
  m.to = "ana@example.org>\r\nRCPT TO:<everyone@example.org";
  EXPECT_EQ((*smtp)->Send(m).code(), Status::Code::kInvalidArgument);
  m = good;
  m.from_name = "Contoso\rBcc: x@example.org";
  e.from_name = "";  // the message's name is used only when the setting is empty
  auto no_name = SmtpEmail::Create(e);
  ASSERT_TRUE(no_name.ok());
  EXPECT_EQ((*no_name)->Send(m).code(), Status::Code::kInvalidArgument);
  m = good;
  m.text = "\xC3\x28";  // not UTF-8
  EXPECT_EQ((*smtp)->Send(m).code(), Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace secinfo::channels
