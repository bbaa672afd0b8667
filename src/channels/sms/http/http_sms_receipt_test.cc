// Delivery receipts from HTTP gateways: the signed link {receipt_url} expands to, how a receipt
// sent back to it is read (signature, status), and the settings that go with it.
#include <gtest/gtest.h>

#include <string>

#include "channels/sms/http/http_sms.h"
#include "channels/sms/http/http_template.h"
#include "channels/sms/http/receipt_link.h"

namespace secinfo::channels {
namespace {

using http_sms::Encoding;
using http_sms::Expand;
using http_sms::IsReceiptSigned;
using http_sms::ReceiptLink;
using http_sms::ReceiptSignature;

const std::string kKey(32, 'k');
const ReceiptCallback kCallback{"https://id.contoso.example/sms/receipt", kKey};

Config::Sms KannelWithReceipts() {
  Config::Sms sms;
  sms.provider = "http";
  sms.http.method = "GET";
  sms.http.url =
      "http://127.0.0.1:13013/cgi-bin/sendsms?username=u&password=p&to={to}&from={from}"
      "&text={text}&charset=UTF-8&coding=2&dlr-mask=3&dlr-url={receipt_url}";
  sms.http.success_body_contains = "Accepted for delivery";
  return sms;
}

std::unique_ptr<HttpSms> Make(const Config::Sms& sms) {
  auto made = HttpSms::Create(sms);
  EXPECT_TRUE(made.ok()) << made.status().message();
  return made.ok() ? std::move(*made) : nullptr;
}

TEST(ReceiptLinkTest, CarriesTheReferenceItsSignatureAndTheGatewaysPlaceholder) {
  const std::string link = ReceiptLink(kCallback, "AbC-_12", "%d");
  EXPECT_EQ(link, "https://id.contoso.example/sms/receipt?ref=AbC-_12&sig=" +
                      ReceiptSignature(kKey, "AbC-_12") + "&status=%d");
  EXPECT_EQ(ReceiptSignature(kKey, "AbC-_12").size(), 43u);  // 256 bits, URL-safe base64
  EXPECT_EQ(ReceiptLink(kCallback, "r", ""),
            "https://id.contoso.example/sms/receipt?ref=r&sig=" + ReceiptSignature(kKey, "r"));
}

TEST(ReceiptLinkTest, OnlyOurOwnSignatureOfThatVeryReferencePasses) {
  const std::string sig = ReceiptSignature(kKey, "ref-1");
  EXPECT_TRUE(IsReceiptSigned(kKey, "ref-1", sig));
  EXPECT_FALSE(IsReceiptSigned(kKey, "ref-2", sig));                  // another message's
  EXPECT_FALSE(IsReceiptSigned(std::string(32, 'x'), "ref-1", sig));  // another key's
  EXPECT_FALSE(IsReceiptSigned(kKey, "ref-1", sig.substr(0, 42)));    // cut
  std::string flipped = sig;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(IsReceiptSigned(kKey, "ref-1", flipped));  // one character changed
  EXPECT_FALSE(IsReceiptSigned("", "ref-1", ReceiptSignature("", "ref-1")));  // no key: none
  EXPECT_FALSE(IsReceiptSigned(kKey, "", ReceiptSignature(kKey, "")));
}

TEST(ReceiptTemplateTest, TheLinkIsEncodedLikeEveryValue) {
  const std::string link = ReceiptLink(kCallback, "R1", "%d");
  const http_sms::TemplateValues values{
      .to = "+33612345678", .from = "Contoso", .text = "x", .receipt_url = link};
  // In a URL: one opaque query value, so Kannel decodes it back to the link with %d in place.
  EXPECT_EQ(Expand("/send?dlr-mask=3&dlr-url={receipt_url}", values, Encoding::kPercent),
            "/send?dlr-mask=3&dlr-url=https%3A%2F%2Fid.contoso.example%2Fsms%2Freceipt%3Fref%3DR1"
            "%26sig%3D" +
                ReceiptSignature(kKey, "R1") + "%26status%3D%25d");
  EXPECT_EQ(Expand(R"({"callback": {receipt_url}})", values, Encoding::kJson),
            R"({"callback": ")" + link + R"("})");
  // A template without the placeholder is unchanged by it.
  EXPECT_EQ(Expand("to={to}", values, Encoding::kPercent), "to=%2B33612345678");
}

TEST(HttpSmsReceiptTest, KannelDefaultsBuild) {
  auto sms = Make(KannelWithReceipts());
  ASSERT_NE(sms, nullptr);
  // Before SetReceiptCallback, nothing is sent: a text whose receipt could never be read back.
  SendResult r = sms->Deliver({.to = "+33612345678", .sender = "", .text = "x"});
  EXPECT_EQ(r.status.code(), Status::Code::kFailedPrecondition) << r.status.message();
  EXPECT_NE(r.status.message().find("receipt"), std::string::npos);
  // ... and nothing is taken back.
  EXPECT_EQ(sms->ReadReceiptCallback({{"ref", "r"}}).status().code(), Status::Code::kNotFound);
}

TEST(HttpSmsReceiptTest, KannelStatusesMapToDeliveredUndeliveredOrIgnored) {
  auto sms = Make(KannelWithReceipts());
  ASSERT_NE(sms, nullptr);
  sms->SetReceiptCallback(kCallback);
  const std::string sig = ReceiptSignature(kKey, "ref-1");
  auto read = [&](const std::string& status) {
    return sms->ReadReceiptCallback({{"ref", "ref-1"}, {"sig", sig}, {"status", status}});
  };
  auto delivered = read("1");
  ASSERT_TRUE(delivered.ok()) << delivered.status().message();
  ASSERT_TRUE(delivered->has_value());
  EXPECT_EQ((*delivered)->provider, "http");  // as Track records the reference
  EXPECT_EQ((*delivered)->message_id, "ref-1");
  EXPECT_TRUE((*delivered)->delivered);
  for (const char* failed : {"2", "16"}) {  // failed; rejected by the SMSC
    auto r = read(failed);
    ASSERT_TRUE(r.ok() && r->has_value()) << failed;
    EXPECT_FALSE((*r)->delivered) << failed;
    EXPECT_EQ((*r)->error, std::string("gateway status ") + failed);
  }
  for (const char* other : {"4", "8", "", "delivered", "%d", "3"}) {  // buffered, submitted...
    auto r = read(other);
    ASSERT_TRUE(r.ok()) << other << ": " << r.status().message();
    EXPECT_FALSE(r->has_value()) << other;
  }
}

TEST(HttpSmsReceiptTest, ForgedOrIncompleteReceiptsAreRefused) {
  auto sms = Make(KannelWithReceipts());
  ASSERT_NE(sms, nullptr);
  sms->SetReceiptCallback(kCallback);
  const std::string sig = ReceiptSignature(kKey, "ref-1");
  const ReceiptFields refused[] = {
      {{"ref", "ref-2"}, {"sig", sig}, {"status", "2"}},  // forged ref
      {{"ref", "ref-1"},
       {"sig", ReceiptSignature("other", "ref-1")},
       {"status", "2"}},                                                // wrong key
      {{"ref", "ref-1"}, {"sig", "x"}, {"status", "2"}},                // wrong sig
      {{"ref", "ref-1"}, {"status", "2"}},                              // no sig
      {{"sig", sig}, {"status", "2"}},                                  // no ref
      {{"ref", "ref-1"}, {"sig", sig}},                                 // no status
      {{"ref", std::string(200, 'a')}, {"sig", sig}, {"status", "2"}},  // too long
  };
  for (const ReceiptFields& fields : refused) {
    auto r = sms->ReadReceiptCallback(fields);
    EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument)
        << (fields.count("ref") ? fields.at("ref").substr(0, 10) : "(no ref)");
  }
}

TEST(HttpSmsReceiptTest, OtherGatewaysStatusWordsCanBeListed) {
  Config::Sms s = KannelWithReceipts();
  s.http.receipt_status = "";  // the gateway adds its own `status`
  s.http.receipt_delivered = {"delivered"};
  s.http.receipt_undelivered = {"failed", "rejected", "expired"};
  auto sms = Make(s);
  ASSERT_NE(sms, nullptr);
  sms->SetReceiptCallback(kCallback);
  const std::string sig = ReceiptSignature(kKey, "r");
  auto r = sms->ReadReceiptCallback({{"ref", "r"}, {"sig", sig}, {"status", "expired"}});
  ASSERT_TRUE(r.ok() && r->has_value());
  EXPECT_FALSE((*r)->delivered);
  r = sms->ReadReceiptCallback({{"ref", "r"}, {"sig", sig}, {"status", "1"}});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());  // Kannel's numbers mean nothing here
}

TEST(HttpSmsReceiptTest, WithoutTheLinkInTheTemplateNoCallbackIsTaken) {
  Config::Sms s = KannelWithReceipts();
  s.http.url = s.http.url.substr(0, s.http.url.find("&dlr-mask"));
  auto sms = Make(s);
  ASSERT_NE(sms, nullptr);
  sms->SetReceiptCallback(kCallback);
  const std::string sig = ReceiptSignature(kKey, "r");
  EXPECT_EQ(sms->ReadReceiptCallback({{"ref", "r"}, {"sig", sig}, {"status", "2"}}).status().code(),
            Status::Code::kNotFound);
}

}  // namespace
}  // namespace secinfo::channels
