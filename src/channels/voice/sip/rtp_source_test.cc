#include "channels/voice/sip/rtp_source.h"

#include <gtest/gtest.h>

namespace secinfo::channels::sip {
namespace {

using Verdict = RtpSourceFilter::Verdict;

TEST(RtpSourceFilterTest, OnlyTheNegotiatedPeerAndItsFirstStreamAreHeard) {
  RtpSourceFilter filter;
  // A stray sender first: refused, and it teaches the filter nothing.
  EXPECT_EQ(filter.Check(/*from_negotiated_peer=*/false, 0xBAD), Verdict::kWrongSource);
  EXPECT_EQ(filter.Check(true, 0x1234), Verdict::kAccept);
  EXPECT_EQ(filter.Check(true, 0x1234), Verdict::kAccept);
  // Spoofing the peer's address with another stream is refused too.
  EXPECT_EQ(filter.Check(true, 0xBAD), Verdict::kWrongSsrc);
  EXPECT_EQ(filter.Check(false, 0x1234), Verdict::kWrongSource);
  EXPECT_EQ(filter.Check(true, 0x1234), Verdict::kAccept);
  EXPECT_STREQ(VerdictName(Verdict::kWrongSource), "wrong source");
}

}  // namespace
}  // namespace secinfo::channels::sip
