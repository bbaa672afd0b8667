#include <gtest/gtest.h>

#include <string>

#include "channels/sms/smpp/smpp_pdu.h"
#include "channels/sms/smpp/smpp_sms.h"
#include "channels/sms/smpp/smpp_status.h"
#include "channels/sms/smpp/sms_text.h"

namespace secinfo::channels {
namespace {

using namespace smpp;  // NOLINT: the module under test

Config::Sms GoodSms() {
  Config::Sms s;
  s.provider = "smpp";
  s.sender = "Contoso";
  s.smpp.host = "127.0.0.1";
  s.smpp.port = 1;  // nothing listens: Create must not need the SMSC
  s.smpp.system_id = "secinfo";
  s.smpp.password = "secret";
  return s;
}

std::string Hex(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

std::u32string U32(std::string_view utf8) { return *DecodeUtf8(utf8); }

std::string Repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

// --- Settings ---

void ExpectBad(const Config::Sms& s, const std::string& setting) {
  Status st = ValidateSmppSettings(s);
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument) << setting;
  EXPECT_NE(st.message().find("'" + setting + "'"), std::string::npos) << st.message();
  auto made = SmppSms::Create(s, SystemClock());
  EXPECT_FALSE(made.ok()) << setting;
}

TEST(SmppSmsConfigTest, GoodSettingsBuildWithoutTheSmsc) {
  SystemClock clock;
  auto made = SmppSms::Create(GoodSms(), clock);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  EXPECT_EQ((*made)->name(), "smpp");
  EXPECT_FALSE((*made)->Health().ok());  // nothing listens on port 1
  EXPECT_NE((*made)->Health().message().find("not bound"), std::string::npos);
}

TEST(SmppSmsConfigTest, BadSettingsAreNamed) {
  auto s = GoodSms();
  s.smpp.host = "";
  ExpectBad(s, "sms.smpp.host");
  s = GoodSms();
  s.smpp.host = "smsc example.com";
  ExpectBad(s, "sms.smpp.host");
  s = GoodSms();
  s.smpp.port = 70000;
  ExpectBad(s, "sms.smpp.port");
  s = GoodSms();
  s.smpp.system_id = "";
  ExpectBad(s, "sms.smpp.system_id");
  s = GoodSms();
  s.smpp.system_id = "a-system-id-too-long";
  ExpectBad(s, "sms.smpp.system_id");
  s = GoodSms();
  s.smpp.password = "123456789";  // SMPP 3.4: 8 at most
  ExpectBad(s, "sms.smpp.password");
  s = GoodSms();
  s.smpp.system_type = "far-too-long-type";
  ExpectBad(s, "sms.smpp.system_type");
  s = GoodSms();
  s.smpp.bind = "receiver";
  ExpectBad(s, "sms.smpp.bind");
  s = GoodSms();
  s.smpp.enquire_link_seconds = 0;
  ExpectBad(s, "sms.smpp.enquire_link_seconds");
  s = GoodSms();
  s.smpp.max_messages_per_second = 0;
  ExpectBad(s, "sms.smpp.max_messages_per_second");
  s = GoodSms();
  s.smpp.reconnect_max_seconds = 0;
  ExpectBad(s, "sms.smpp.reconnect_max_seconds");
  s = GoodSms();
  s.sender = "Contoso Corporation";  // alphanumeric senders: 11 characters at most
  ExpectBad(s, "sms.sender");
  s = GoodSms();
  s.sender = "+33 1 23";
  ExpectBad(s, "sms.sender");
}

TEST(SmppSmsConfigTest, SourceAddressTypes) {
  auto number = SmppSourceAddress("+33612345678");
  ASSERT_TRUE(number);
  EXPECT_EQ(number->ton, kTonInternational);
  EXPECT_EQ(number->npi, kNpiIsdn);
  EXPECT_EQ(number->value, "33612345678");
  auto name = SmppSourceAddress("Contoso Ltd");
  ASSERT_TRUE(name);
  EXPECT_EQ(name->ton, kTonAlphanumeric);
  EXPECT_EQ(name->npi, kNpiUnknown);
  EXPECT_EQ(name->value, "Contoso Ltd");
  EXPECT_FALSE(SmppSourceAddress("Contoso Ltd."));  // 12
  EXPECT_FALSE(SmppSourceAddress("Café"));          // the SMSC reads source_addr as ASCII
  EXPECT_FALSE(SmppSourceAddress(""));
  EXPECT_FALSE(SmppSourceAddress("+"));
}

TEST(SmppSmsConfigTest, SendRefusesWhatCannotBeSent) {
  SystemClock clock;
  SmppSmsOptions fast;
  fast.send_timeout = std::chrono::milliseconds(200);
  auto sms = SmppSms::Create(GoodSms(), clock, fast);
  ASSERT_TRUE(sms.ok());
  EXPECT_EQ((*sms)->Send({"0612345678", "Contoso", "code"}).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ((*sms)->Send({"+33612345678", "Contoso", ""}).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ((*sms)->Send({"+33612345678", "Contoso", "\xC3"}).code(),
            Status::Code::kInvalidArgument);
  // A valid message with no SMSC: Unavailable, bounded by send_timeout.
  Status down = (*sms)->Send({"+33612345678", "Contoso", "Votre code : 123456"});
  EXPECT_EQ(down.code(), Status::Code::kUnavailable);
  EXPECT_NE(down.message().find("sms.smpp"), std::string::npos) << down.message();
}

// --- Text ---

TEST(SmsTextTest, Utf8IsDecodedStrictly) {
  EXPECT_EQ(U32("aé€😀"), std::u32string({U'a', 0xE9, 0x20AC, 0x1F600}));
  EXPECT_FALSE(DecodeUtf8("\xC3").ok());              // truncated
  EXPECT_FALSE(DecodeUtf8("\xC0\xAF").ok());          // overlong '/'
  EXPECT_FALSE(DecodeUtf8("\xED\xA0\x80").ok());      // a surrogate
  EXPECT_FALSE(DecodeUtf8("\xF4\x90\x80\x80").ok());  // beyond U+10FFFF
  EXPECT_EQ(EncodeUtf8(U32("aé€😀")), "aé€😀");
}

TEST(SmsTextTest, Gsm7DetectionFollowsTheBasicSet) {
  EXPECT_TRUE(IsGsm7(U32("Votre code : 123456")));
  EXPECT_TRUE(IsGsm7(U32("é è à ù ì ò Ç É Ñ Ü ß Δ @£$¥§¿¡_")));
  EXPECT_FALSE(IsGsm7(U32("ê")));  // French accents outside the basic set
  EXPECT_FALSE(IsGsm7(U32("œ")));
  EXPECT_FALSE(IsGsm7(U32("ç")));  // only the capital Ç is there
  EXPECT_FALSE(IsGsm7(U32("€")));  // extension table: not used
  EXPECT_FALSE(IsGsm7(U32("[x]")));
  EXPECT_FALSE(IsGsm7(U32("😀")));
  EXPECT_EQ(Hex(EncodeGsm7(U32("@é_à A"))), "0005117f2041");
  EXPECT_EQ(DecodeGsm7ToUtf8(EncodeGsm7(U32("é è à ù Ç É Ñ ß Δ @£$"))), "é è à ù Ç É Ñ ß Δ @£$");
}

TEST(SmsTextTest, Ucs2IsBigEndianWithSurrogatePairs) {
  EXPECT_EQ(Hex(EncodeUcs2(U32("é"))), "00e9");
  EXPECT_EQ(Hex(EncodeUcs2(U32("ê"))), "00ea");
  EXPECT_EQ(Hex(EncodeUcs2(U32("😀"))), "d83dde00");  // U+1F600
  EXPECT_EQ(Hex(EncodeUcs2(U32("a😀b"))), "0061d83dde000062");
  EXPECT_EQ(DecodeUcs2ToUtf8(EncodeUcs2(U32("Fenêtre 😀 œuvre"))), "Fenêtre 😀 œuvre");
}

TEST(SmsTextTest, ShortTextsAreOnePartWithoutUdh) {
  auto gsm = SplitSms(std::string(160, 'a'), 7);
  ASSERT_TRUE(gsm.ok());
  ASSERT_EQ(gsm->size(), 1u);
  EXPECT_EQ((*gsm)[0].data_coding, kDataCodingGsm7);
  EXPECT_EQ((*gsm)[0].esm_class, 0);
  EXPECT_EQ((*gsm)[0].short_message.size(), 160u);

  auto ucs2 = SplitSms(Repeat("ê", 70), 7);
  ASSERT_TRUE(ucs2.ok());
  ASSERT_EQ(ucs2->size(), 1u);
  EXPECT_EQ((*ucs2)[0].data_coding, kDataCodingUcs2);
  EXPECT_EQ((*ucs2)[0].short_message.size(), 140u);
}

TEST(SmsTextTest, A200CharacterGsmTextIsTwoConcatenatedParts) {
  std::string text;
  for (int i = 0; i < 200; ++i) text += static_cast<char>('a' + i % 26);
  auto parts = SplitSms(text, 0x42);
  ASSERT_TRUE(parts.ok());
  ASSERT_EQ(parts->size(), 2u);
  std::string joined;
  for (size_t i = 0; i < 2; ++i) {
    const SmsPart& p = (*parts)[i];
    EXPECT_EQ(p.data_coding, kDataCodingGsm7);
    EXPECT_EQ(p.esm_class, kEsmClassUdhi);
    EXPECT_EQ(Hex(p.short_message.substr(0, 6)), "05000342020" + std::to_string(i + 1));
    joined += DecodeGsm7ToUtf8(p.short_message.substr(6));
  }
  EXPECT_EQ((*parts)[0].short_message.size(), 6u + 153u);
  EXPECT_EQ((*parts)[1].short_message.size(), 6u + 47u);
  EXPECT_EQ(joined, text);
}

TEST(SmsTextTest, A200CharacterFrenchTextWithCircumflexesIsUcs2Parts) {
  // "ê", "ô", "œ" and "ç" are not in the GSM basic set: the whole text goes as UCS-2.
  const std::string sentence = "Votre fenêtre côté cœur reçoit ce code. ";  // 40 characters
  const std::string text = Repeat(sentence, 5);
  ASSERT_EQ(DecodeUtf8(text)->size(), 200u);
  auto parts = SplitSms(text, 0xA0);
  ASSERT_TRUE(parts.ok());
  ASSERT_EQ(parts->size(), 3u);  // 67 + 67 + 66 code units
  std::string joined;
  for (size_t i = 0; i < parts->size(); ++i) {
    const SmsPart& p = (*parts)[i];
    EXPECT_EQ(p.data_coding, kDataCodingUcs2);
    EXPECT_EQ(p.esm_class, kEsmClassUdhi);
    EXPECT_EQ(Hex(p.short_message.substr(0, 6)), "050003a0030" + std::to_string(i + 1));
    joined += DecodeUcs2ToUtf8(p.short_message.substr(6));
  }
  EXPECT_EQ((*parts)[0].short_message.size(), 6u + 134u);
  EXPECT_EQ((*parts)[2].short_message.size(), 6u + 132u);
  EXPECT_EQ(joined, text);
}

TEST(SmsTextTest, ASurrogatePairIsNeverCut) {
  const std::string text = Repeat("ê", 66) + "😀" + Repeat("x", 10);  // 78 code units
  auto parts = SplitSms(text, 1);
  ASSERT_TRUE(parts.ok());
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].short_message.size(), 6u + 132u);  // 66 units: the pair moved on
  EXPECT_EQ(Hex((*parts)[1].short_message.substr(6, 4)), "d83dde00");
  EXPECT_EQ(DecodeUcs2ToUtf8((*parts)[0].short_message.substr(6)) +
                DecodeUcs2ToUtf8((*parts)[1].short_message.substr(6)),
            text);
}

TEST(SmsTextTest, EmptyOrHugeTextsAreRefused) {
  EXPECT_EQ(SplitSms("", 1).status().code(), Status::Code::kInvalidArgument);
  EXPECT_TRUE(SplitSms(std::string(kMaxParts * kGsmPerPart, 'a'), 1).ok());
  EXPECT_EQ(SplitSms(std::string(kMaxParts * kGsmPerPart + 1, 'a'), 1).status().code(),
            Status::Code::kInvalidArgument);
}

// --- command_status ---

TEST(SmppStatusTest, SubmitStatusesMapToClearOutcomes) {
  EXPECT_EQ(ClassifySubmitStatus(0x00), SubmitOutcome::kAccepted);
  EXPECT_EQ(ClassifySubmitStatus(0x58), SubmitOutcome::kRetryLater);  // ESME_RTHROTTLED
  EXPECT_EQ(ClassifySubmitStatus(0x14), SubmitOutcome::kRetryLater);  // ESME_RMSGQFUL
  EXPECT_EQ(ClassifySubmitStatus(0x0B), SubmitOutcome::kInvalidNumber);
  EXPECT_EQ(ClassifySubmitStatus(0x08), SubmitOutcome::kSmscFailure);   // ESME_RSYSERR
  EXPECT_EQ(ClassifySubmitStatus(0x0A), SubmitOutcome::kRejected);      // ESME_RINVSRCADR
  EXPECT_EQ(ClassifySubmitStatus(0x04), SubmitOutcome::kRebind);        // ESME_RINVBNDSTS
  EXPECT_EQ(ClassifySubmitStatus(0x400), SubmitOutcome::kSmscFailure);  // vendor-specific

  const std::string throttled = DescribeSubmitFailure(0x58);
  EXPECT_NE(throttled.find("ESME_RTHROTTLED"), std::string::npos);
  EXPECT_NE(throttled.find("retry later"), std::string::npos);
  EXPECT_NE(DescribeSubmitFailure(0x0B).find("invalid number"), std::string::npos);
  EXPECT_NE(DescribeSubmitFailure(0x08).find("ESME_RSYSERR"), std::string::npos);
  EXPECT_EQ(CommandStatusName(0x0E), "ESME_RINVPASWD (invalid password)");
  EXPECT_EQ(CommandStatusName(0x400), "command_status 0x00000400");
}

// --- PDUs ---

TEST(SmppPduTest, SubmitSmCarriesAddressesAndBinaryText) {
  SubmitRequest r;
  r.source = {kTonAlphanumeric, kNpiUnknown, "Contoso"};
  r.destination = {kTonInternational, kNpiIsdn, "33612345678"};
  r.esm_class = kEsmClassUdhi;
  r.data_coding = kDataCodingGsm7;
  r.registered_delivery = 1;
  r.short_message = std::string("\x05\x00\x03\x01\x02\x01@", 7);  // a NUL-rich payload
  auto pdu = PackSubmitSm(r, 42);
  ASSERT_TRUE(pdu.ok()) << pdu.status().ToString();
  const PduHeader h = ParseHeader(*pdu);
  EXPECT_EQ(h.command_length, pdu->size());
  EXPECT_EQ(h.command_id, kSubmitSm);
  EXPECT_EQ(h.sequence_number, 42u);
  // clang-format off
  EXPECT_EQ(Hex(pdu->substr(16)),
            "00"                        // service_type
            "0500" + Hex("Contoso") + "00"
            "0101" + Hex("33612345678") + "00"
            "40" "00" "00" "00" "00"   // esm_class, protocol_id, priority, schedule, validity
            "01" "00" "00" "00"        // registered_delivery, replace, data_coding, default id
            "07" "05000301020140");    // sm_length, short_message
  // clang-format on

  r.destination.value = std::string(21, '1');  // C-octet of 21: 20 digits at most
  EXPECT_FALSE(PackSubmitSm(r, 43).ok());
}

TEST(SmppPduTest, HeaderOnlyResponsesAreReadFromTheHeader) {
  // An SMSC may refuse with the 16-byte header alone, which libsmpp34 cannot unpack.
  const std::string refused("\x00\x00\x00\x10\x80\x00\x00\x09\x00\x00\x00\x0e\x00\x00\x00\x07", 16);
  const PduHeader h = ParseHeader(refused);
  EXPECT_EQ(h.command_id, kBindTransceiver | kResponseBit);
  EXPECT_EQ(h.command_status, 0x0Eu);
  EXPECT_EQ(h.sequence_number, 7u);
  EXPECT_EQ(UnpackBindRespSystemId(refused), "");
  const std::string ok("\x00\x00\x00\x14\x80\x00\x00\x04\x00\x00\x00\x00\x00\x00\x00\x09id7\x00",
                       20);
  EXPECT_EQ(UnpackSubmitSmRespMessageId(ok), "id7");
}

}  // namespace
}  // namespace secinfo::channels
