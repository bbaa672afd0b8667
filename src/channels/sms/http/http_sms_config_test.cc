#include <gtest/gtest.h>

#include <string>

#include "channels/sms/http/http_sms.h"
#include "channels/sms/http/http_template.h"

namespace secinfo::channels {
namespace {

using http_sms::Encoding;
using http_sms::Expand;
using http_sms::JsonString;
using http_sms::PercentEncode;

Config::Sms Twilio() {
  Config::Sms sms;
  sms.provider = "http";
  sms.sender = "+15005550006";
  sms.http.method = "POST";
  sms.http.url = "https://api.twilio.com/2010-04-01/Accounts/AC123/Messages.json";
  sms.http.body = "To={to}&From={from}&Body={text}";
  sms.http.auth = "basic";
  sms.http.user = "AC123";
  sms.http.password = "token";
  return sms;
}

Config::Sms Kannel() {
  Config::Sms sms;
  sms.provider = "http";
  sms.http.method = "GET";
  sms.http.url =
      "http://127.0.0.1:13013/cgi-bin/sendsms?username=u&password=p&to={to}&from={from}"
      "&text={text}&charset=UTF-8&coding=2";
  sms.http.success_body_contains = "Accepted for delivery";
  return sms;
}

// The error names `setting`, and is InvalidArgument.
void ExpectRejected(const Config::Sms& sms, const std::string& setting) {
  auto made = HttpSms::Create(sms);
  ASSERT_FALSE(made.ok()) << "accepted; expected an error naming " << setting;
  EXPECT_EQ(made.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(made.status().message().find(setting), std::string::npos) << made.status().message();
}

TEST(HttpSmsConfigTest, GoodSettingsBuild) {
  for (const Config::Sms& sms : {Twilio(), Kannel()}) {
    auto made = HttpSms::Create(sms);
    ASSERT_TRUE(made.ok()) << made.status().message();
    EXPECT_EQ((*made)->name(), "http");
    EXPECT_TRUE((*made)->Health().ok());  // nothing sent yet
  }
  Config::Sms json = Twilio();
  json.http.encoding = "json";
  json.http.body = R"({"to": {to}, "from": {from}, "text": {text}})";
  json.http.auth = "bearer";
  json.http.user = "";
  EXPECT_TRUE(HttpSms::Create(json).ok());
  Config::Sms post_without_body = Twilio();  // values in the query string
  post_without_body.http.body = "";
  EXPECT_TRUE(HttpSms::Create(post_without_body).ok());
}

TEST(HttpSmsConfigTest, BadSettingsAreNamed) {
  Config::Sms sms = Twilio();
  sms.http.url = "";
  ExpectRejected(sms, "sms.http.url");

  for (const char* url : {"ftp://gw/send?to={to}", "api.example.com/send", "file:///etc/passwd",
                          "https://{to}.example.com/send", "https://api.example.com:{to}/x",
                          "https:///send", "https://user:pw@api.example.com/send",
                          "https://api example.com/send", "https://api.example.com/a b"}) {
    sms = Twilio();
    sms.http.url = url;
    ExpectRejected(sms, "sms.http.url");
  }

  sms = Twilio();
  sms.http.user = "";
  ExpectRejected(sms, "sms.http.user");

  sms = Twilio();
  sms.http.auth = "bearer";
  sms.http.password = "";
  ExpectRejected(sms, "sms.http.password");

  sms = Kannel();
  sms.http.body = "text={text}";
  ExpectRejected(sms, "sms.http.body");

  sms = Twilio();
  sms.http.method = "PUT";
  ExpectRejected(sms, "sms.http.method");

  sms = Twilio();
  sms.http.encoding = "xml";
  ExpectRejected(sms, "sms.http.encoding");

  sms = Twilio();
  sms.http.auth = "digest";
  ExpectRejected(sms, "sms.http.auth");

  // Credentials in clear text to another machine.
  sms = Twilio();
  sms.http.url = "http://api.twilio.com/2010-04-01/Accounts/AC123/Messages.json";
  ExpectRejected(sms, "sms.http.url");

  sms = Twilio();
  sms.http.timeout_seconds = 0;
  ExpectRejected(sms, "sms.http.timeout_seconds");

  sms = Twilio();
  sms.http.success_status = 99;
  ExpectRejected(sms, "sms.http.success_status");

  sms = Twilio();  // its body sends From={from}
  sms.sender = "";
  ExpectRejected(sms, "sms.sender");
  sms.http.body = "To={to}&Body={text}&MessagingServiceSid=MG123";  // the service picks the sender
  EXPECT_TRUE(HttpSms::Create(sms).ok());
}

TEST(HttpSmsConfigTest, BadMessagesAreRefusedBeforeSending) {
  Config::Sms sms = Kannel();
  sms.http.url = "http://127.0.0.1:1/cgi-bin/sendsms?to={to}&text={text}";
  auto made = HttpSms::Create(sms);
  ASSERT_TRUE(made.ok());
  HttpSms& channel = **made;
  for (const char* to :
       {"0612345678", "+", "+0612345678", "+33 6 12 34 56 78", "+3361234567890123"}) {
    Status s = channel.Send({.to = to, .sender = "x", .text = "code 123456"});
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << to;
  }
  Status s = channel.Send({.to = "+33612345678", .sender = "x", .text = "code \xC3 123456"});
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(s.message().find("123456"), std::string::npos) << s.message();
  EXPECT_TRUE(channel.Health().ok());  // the gateway was not involved
}

TEST(HttpSmsConfigTest, HealthReportsAFailedSendForAMinute) {
  Config::Sms sms = Kannel();
  sms.http.url = "http://127.0.0.1:1/cgi-bin/sendsms?to={to}&text={text}";  // nobody listens
  FakeClock clock;
  auto made = HttpSms::Create(sms, clock);
  ASSERT_TRUE(made.ok());
  Status sent = (*made)->Send({.to = "+33612345678", .sender = "x", .text = "code 123456"});
  EXPECT_EQ(sent.code(), Status::Code::kUnavailable);
  EXPECT_EQ((*made)->Health().code(), Status::Code::kUnavailable);
  clock.AdvanceSeconds(59);
  EXPECT_EQ((*made)->Health().code(), Status::Code::kUnavailable);
  clock.AdvanceSeconds(1);
  EXPECT_TRUE((*made)->Health().ok());
}

TEST(HttpSmsTemplateTest, PercentEncodingKeepsOnlyUnreserved) {
  EXPECT_EQ(PercentEncode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(PercentEncode("é"), "%C3%A9");
  EXPECT_EQ(PercentEncode("a&b=c"), "a%26b%3Dc");
  EXPECT_EQ(PercentEncode("+33612345678"), "%2B33612345678");
  EXPECT_EQ(PercentEncode("a b\nc"), "a%20b%0Ac");
  EXPECT_EQ(PercentEncode("#?/%{}"), "%23%3F%2F%25%7B%7D");
}

TEST(HttpSmsTemplateTest, JsonStringEscapes) {
  EXPECT_EQ(JsonString("é"), "\"é\"");
  EXPECT_EQ(JsonString(R"(say "hi" \o/)"), R"("say \"hi\" \\o/")");
  EXPECT_EQ(JsonString("a\nb\tc\rd\be\ff"), R"("a\nb\tc\rd\be\ff")");
  EXPECT_EQ(JsonString(std::string("\x01\x1F\x7F", 3)), R"("\u0001\u001F\u007F")");
  EXPECT_EQ(JsonString(std::string("nul\0x", 5)), R"("nul\u0000x")");
  EXPECT_EQ(JsonString("a&b+c"), R"("a&b+c")");
}

TEST(HttpSmsTemplateTest, UrlValuesNeverChangeTheQuery) {
  const http_sms::TemplateValues v{
      .to = "+33612345678", .from = "Sécu & Co", .text = "Code 123456 &admin=1\nà bientôt +"};
  EXPECT_EQ(
      Expand("https://gw/s?to={to}&d={to_digits}&from={from}&text={text}", v, Encoding::kPercent),
      "https://gw/s?to=%2B33612345678&d=33612345678&from=S%C3%A9cu%20%26%20Co"
      "&text=Code%20123456%20%26admin%3D1%0A%C3%A0%20bient%C3%B4t%20%2B");
}

TEST(HttpSmsTemplateTest, FormBody) {
  const http_sms::TemplateValues v{.to = "+33612345678", .from = "secinfo", .text = "é & +\n"};
  EXPECT_EQ(Expand("To={to}&From={from}&Body={text}", v, Encoding::kPercent),
            "To=%2B33612345678&From=secinfo&Body=%C3%A9%20%26%20%2B%0A");
}

TEST(HttpSmsTemplateTest, JsonBodyValuesAreWholeStrings) {
  const http_sms::TemplateValues v{
      .to = "+33612345678", .from = "secinfo", .text = "Votre code \"123\" \\ é\n"};
  EXPECT_EQ(Expand(R"({"to": {to}, "from": {from}, "text": {text}, "other": {unknown}})", v,
                   Encoding::kJson),
            R"({"to": "+33612345678", "from": "secinfo", "text": "Votre code \"123\" \\ é\n", )"
            R"("other": {unknown}})");
}

TEST(HttpSmsTemplateTest, Utf8Check) {
  EXPECT_TRUE(http_sms::IsUtf8("Votre code é à 😀"));
  EXPECT_FALSE(http_sms::IsUtf8("\xC3"));              // cut
  EXPECT_FALSE(http_sms::IsUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(http_sms::IsUtf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(http_sms::IsUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(http_sms::IsUtf8("\xE9t\xE9"));         // Latin-1
}

TEST(HttpSmsConfigTest, BadReceiptSettingsAreRefusedWhenTheTemplateAsksForReceipts) {
  Config::Sms s = Kannel();
  s.http.url += "&dlr-mask=3&dlr-url={receipt_url}";
  EXPECT_TRUE(HttpSms::Create(s).ok()) << "Kannel's defaults";
  Config::Sms bad = s;
  bad.http.receipt_status = "%d&x=1";  // would change our link's query
  ExpectRejected(bad, "sms.http.receipt_status");
  bad = s;
  bad.http.receipt_delivered = {};
  ExpectRejected(bad, "sms.http.receipt_delivered");
  bad = s;
  bad.http.receipt_undelivered = {"2", "1"};
  ExpectRejected(bad, "sms.http.receipt_undelivered");
  // Without {receipt_url} the receipt settings are not used, so not checked.
  bad = Kannel();
  bad.http.receipt_delivered = {};
  EXPECT_TRUE(HttpSms::Create(bad).ok());
}

}  // namespace
}  // namespace secinfo::channels
