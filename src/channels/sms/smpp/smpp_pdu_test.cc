#include "channels/sms/smpp/smpp_pdu.h"

#include <gtest/gtest.h>
#include <malloc.h>

#include <string>

namespace secinfo::channels::smpp {
namespace {

void PutBe(std::string& out, uint32_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

std::string Pdu(uint32_t command_id, uint32_t status, const std::string& body) {
  std::string out;
  PutBe(out, static_cast<uint32_t>(kHeaderSize + body.size()), 4);
  PutBe(out, command_id, 4);
  PutBe(out, status, 4);
  PutBe(out, 7, 4);
  return out + body;
}

std::string Tlv(uint16_t tag, const std::string& value) {
  std::string out;
  PutBe(out, tag, 2);
  PutBe(out, static_cast<uint32_t>(value.size()), 2);
  return out + value;
}

// A delivery receipt from +33612345678 to "Contoso", as an SMSC sends it, then `tlvs`.
std::string Receipt(const std::string& tlvs) {
  const std::string text = "id:msg-1 sub:001 dlvrd:001 stat:DELIVRD err:000";
  std::string body;
  const auto add = [&body](std::initializer_list<int> octets) {
    for (int o : octets) body.push_back(static_cast<char>(o));
  };
  add({0});     // service_type: empty
  add({1, 1});  // source: international, E.164
  body += std::string("33612345678\0", 12);
  add({5, 0});  // destination: alphanumeric
  body += std::string("Contoso\0", 8);
  add({0x04, 0, 0});  // esm_class: receipt; protocol_id; priority_flag
  add({0, 0});        // schedule_delivery_time, validity_period: empty
  add({0, 0, 0, 0});  // registered, replace, data_coding, sm_default_msg_id
  body.push_back(static_cast<char>(text.size()));
  return Pdu(kDeliverSm, 0, body + text + tlvs);
}

TEST(SmppUnpackTest, AReceiptIsReadWithItsOptionalParameters) {
  auto d = UnpackDeliverSm(Receipt(Tlv(0x001E, std::string("msg-1\0", 6)) + Tlv(0x0427, "\x02")));
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->source.value, "33612345678");
  EXPECT_EQ(d->destination.value, "Contoso");
  EXPECT_EQ(d->esm_class, 0x04);
  EXPECT_NE(d->short_message.find("stat:DELIVRD"), std::string::npos);
  EXPECT_EQ(d->receipted_message_id, "msg-1");
  EXPECT_EQ(d->message_state, 2);
}

// SMSCs add optional parameters of their own (tags 0x1400-0x3FFF are vendor specific): the
// receipt is still read, the unknown parameter skipped.
TEST(SmppUnpackTest, AnOptionalParameterOfTheSmscsOwnIsSkipped) {
  auto d = UnpackDeliverSm(Receipt(Tlv(0x1401, "vendor") + Tlv(0x0427, "\x02")));
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->message_state, 2);
}

TEST(SmppUnpackTest, AnOptionalParameterCutShortIsRefused) {
  EXPECT_FALSE(UnpackDeliverSm(Receipt("\x04")).ok());
  EXPECT_FALSE(UnpackDeliverSm(Receipt(Tlv(0x0427, "\x02").substr(0, 4))).ok());
  EXPECT_FALSE(UnpackDeliverSm(Receipt("").substr(0, 30)).ok());
}

// libsmpp34 leaked the 1 KiB entry it was filling whenever an optional parameter was malformed:
// whoever speaks for the SMSC could grow the server's memory at will, one deliver_sm at a time.
TEST(SmppUnpackTest, MalformedOptionalParametersLeakNothing) {
  const std::string bad = Receipt("\x04");
  for (int i = 0; i < 100; ++i) UnpackDeliverSm(bad);  // warm up the allocator
  const size_t before = mallinfo2().uordblks;
  for (int i = 0; i < 5000; ++i) ASSERT_FALSE(UnpackDeliverSm(bad).ok());
  const size_t after = mallinfo2().uordblks;
  EXPECT_LT(after, before + 64 * 1024) << "grew by " << (after - before) << " bytes";
}

TEST(SmppUnpackTest, TheBoundSmscNamesItself) {
  EXPECT_EQ(UnpackBindRespSystemId(Pdu(kBindTransceiver | kResponseBit, 0,
                                       std::string("SMSC\0", 5) + Tlv(0x0210, "\x34"))),
            "SMSC");
  EXPECT_EQ(UnpackBindRespSystemId(
                Pdu(kBindTransceiver | kResponseBit, 0, std::string("SMSC\0", 5) + "\x02")),
            "SMSC");
  EXPECT_EQ(UnpackBindRespSystemId(Pdu(kBindTransceiver | kResponseBit, 0, "SMSC")), "");
  EXPECT_EQ(UnpackSubmitSmRespMessageId(Pdu(kSubmitSm | kResponseBit, 0, std::string("m-9\0", 4))),
            "m-9");
}

}  // namespace
}  // namespace secinfo::channels::smpp
