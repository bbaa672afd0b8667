#include "channels/voice/sip/call_outcome.h"

#include <gtest/gtest.h>

namespace secinfo::channels::sip {
namespace {

TEST(EventForFinalResponse, MapsWhatThePersonWouldSee) {
  EXPECT_EQ(EventForFinalResponse(486, "Busy Here").kind, CallEventKind::kBusy);
  EXPECT_EQ(EventForFinalResponse(600, "Busy Everywhere").kind, CallEventKind::kBusy);
  for (uint16_t code : {408, 480, 487, 603}) {
    EXPECT_EQ(EventForFinalResponse(code, "x").kind, CallEventKind::kHungUp) << code;
  }
  for (uint16_t code : {403, 404, 407, 484, 488, 500, 503}) {
    EXPECT_EQ(EventForFinalResponse(code, "x").kind, CallEventKind::kFailed) << code;
  }
  EXPECT_EQ(EventForFinalResponse(404, "Not Found").detail, "SIP 404 Not Found");
}

// One press as a phone sends it: start packets, then three End packets, one RTP timestamp.
void Press(DtmfReceiver& r, uint32_t ts, uint8_t event, std::vector<char>& out,
           bool lose_start = false) {
  for (int i = 0; i < 4 && !lose_start; ++i) {
    uint8_t p[4] = {event, 10, 0, static_cast<uint8_t>(160 * (i + 1))};
    if (auto d = r.OnPacket(ts, p, 4)) out.push_back(*d);
  }
  for (int i = 0; i < 3; ++i) {
    uint8_t p[4] = {event, 0x80 | 10, 3, 0x20};
    if (auto d = r.OnPacket(ts, p, 4)) out.push_back(*d);
  }
}

TEST(DtmfReceiver, ReportsEachPressOnceOnItsEnd) {
  DtmfReceiver r;
  std::vector<char> digits;
  Press(r, 1000, 0, digits);
  Press(r, 3000, 11, digits);
  EXPECT_EQ(digits, (std::vector<char>{'0', '#'}));
}

TEST(DtmfReceiver, SameKeyTwiceIsTwoPresses) {
  DtmfReceiver r;
  std::vector<char> digits;
  Press(r, 1000, 5, digits);
  Press(r, 2600, 5, digits);
  EXPECT_EQ(digits, (std::vector<char>{'5', '5'}));
}

TEST(DtmfReceiver, PressWhoseStartWasLostStillCounts) {
  DtmfReceiver r;
  std::vector<char> digits;
  Press(r, 1000, 0, digits);
  Press(r, 3000, 11, digits, /*lose_start=*/true);
  EXPECT_EQ(digits, (std::vector<char>{'0', '#'}));
}

TEST(DtmfReceiver, StarAndIgnoresFlashAndShortPackets) {
  DtmfReceiver r;
  std::vector<char> digits;
  Press(r, 10, 10, digits);  // '*'
  Press(r, 20, 12, digits);  // 'A': not a phone key
  uint8_t short_packet[2] = {11, 0x80};
  EXPECT_FALSE(r.OnPacket(30, short_packet, 2));
  EXPECT_EQ(digits, (std::vector<char>{'*'}));
}

}  // namespace
}  // namespace secinfo::channels::sip
