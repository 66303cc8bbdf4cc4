#include "sfu/rtp_rewriter.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <utility>
#include <vector>

namespace confab::sfu {
namespace {

using Out = RtpRewriter::Out;

TEST(RtpRewriter, KeepsNumbersByDefaultAndPassesReordering) {
  RtpRewriter r;
  EXPECT_EQ(r.rewrite(100, 5000), (Out{100, 5000}));
  EXPECT_EQ(r.rewrite(102, 5000), (Out{102, 5000}));
  EXPECT_EQ(r.rewrite(101, 5000), (Out{101, 5000}));  // late, still in the segment
  EXPECT_EQ(r.last(), (Out{102, 5000}));
}

TEST(RtpRewriter, TimestampOffsetTranslatesTheSourceClockPerSegment) {
  RtpRewriter r(7, 0xFFFFFF00u);
  EXPECT_FALSE(r.timestamp_offset().has_value());
  ASSERT_TRUE(r.rewrite(100, 1000));
  EXPECT_EQ(r.timestamp_offset(), 0xFFFFFF00u - 1000u);
  // Any source timestamp of the segment (a sender report's too) lands where its packets do.
  const auto out = r.rewrite(101, 4000);
  ASSERT_TRUE(out);
  EXPECT_EQ(4000u + *r.timestamp_offset(), out->ts);
  // After a resync the next packet starts a new mapping.
  r.resync(90000);
  const auto resumed = r.rewrite(500, 123456);
  ASSERT_TRUE(resumed);
  EXPECT_EQ(resumed->ts, out->ts + 90000u);
  EXPECT_EQ(123456u + *r.timestamp_offset(), resumed->ts);
}

TEST(RtpRewriter, FixedStartAndSequenceWrap) {
  RtpRewriter r(65534, 0xFFFFFF00u);
  EXPECT_EQ(r.rewrite(10, 1000), (Out{65534, 0xFFFFFF00u}));
  EXPECT_EQ(r.rewrite(11, 1000 + 3000), (Out{65535, 0xFFFFFF00u + 3000}));
  EXPECT_EQ(r.rewrite(12, 1000 + 6000), (Out{0, 0xFFFFFF00u + 6000}));  // both wrap
  EXPECT_EQ(r.rewrite(13, 1000 + 9000), (Out{1, 0xFFFFFF00u + 9000}));
}

TEST(RtpRewriter, SourceWrapsToo) {
  RtpRewriter r(1000, 0);
  EXPECT_EQ(r.rewrite(65535, 0xFFFFFFFFu), (Out{1000, 0}));
  EXPECT_EQ(r.rewrite(0, 2), (Out{1001, 3}));
  EXPECT_EQ(r.rewrite(1, 5), (Out{1002, 6}));
  EXPECT_EQ(r.rewrite(65534, 0xFFFFFFFEu), std::nullopt);  // before the first packet
}

TEST(RtpRewriter, LongRunStaysContinuous) {
  RtpRewriter r(0, 0);
  std::uint16_t seq = 40000;
  std::uint32_t ts = 0xFFFF0000u;
  for (int i = 0; i < 200000; ++i) {  // three sequence wraps
    const auto out = r.rewrite(seq, ts);
    ASSERT_TRUE(out) << i;
    ASSERT_EQ(out->seq, static_cast<std::uint16_t>(i));
    ASSERT_EQ(out->ts, static_cast<std::uint32_t>(i) * 3000u);
    ++seq;
    ts += 3000;
  }
}

TEST(RtpRewriter, PauseAndResumeContinuesWithoutGap) {
  RtpRewriter r(500, 10000);
  r.rewrite(1, 90000);
  r.rewrite(2, 93000);
  EXPECT_EQ(r.last(), (Out{501, 13000}));
  // Paused for 2 s: the source moved on by 60 packets and 180000 ticks, none forwarded.
  r.resync(RtpRewriter::ts_gap_for(std::chrono::seconds(2), 90000));
  EXPECT_EQ(r.rewrite(63, 273000), (Out{502, 13000 + 180000}));
  EXPECT_EQ(r.rewrite(64, 276000), (Out{503, 13000 + 183000}));
  // A retransmission of a packet from before the pause is dropped: its numbers are taken.
  EXPECT_EQ(r.rewrite(2, 93000), std::nullopt);
  EXPECT_EQ(r.rewrite(62, 270000), std::nullopt);
}

TEST(RtpRewriter, SwitchOfSourceStream) {
  RtpRewriter r(0, 0);
  r.rewrite(7000, 1'000'000);
  r.rewrite(7001, 1'003'000);
  // Switch to another stream with unrelated numbers, at its keyframe; a small step for ts.
  r.resync();
  EXPECT_EQ(r.rewrite(30000, 42), (Out{2, 3001}));
  EXPECT_EQ(r.rewrite(30002, 3042), (Out{4, 6001}));
  EXPECT_EQ(r.rewrite(30001, 3042), (Out{3, 6001}));
  EXPECT_EQ(r.rewrite(29999, 0), std::nullopt);         // older than the switch point
  EXPECT_EQ(r.rewrite(7002, 1'006'000), std::nullopt);  // the old stream: far behind
  EXPECT_EQ(r.last(), (Out{4, 6001}));
}

TEST(RtpRewriter, DroppedPacketsLeaveNoGap) {
  RtpRewriter r(100, 0);
  EXPECT_EQ(r.rewrite(1, 0), (Out{100, 0}));
  EXPECT_TRUE(r.drop(2));  // padding only: not forwarded
  EXPECT_TRUE(r.drop(3));
  EXPECT_EQ(r.rewrite(4, 3000), (Out{101, 3000}));
  EXPECT_EQ(r.rewrite(6, 6000), (Out{103, 6000}));
  EXPECT_EQ(r.rewrite(5, 6000), (Out{102, 6000}));  // reordered: its own slot
  EXPECT_EQ(r.rewrite(3, 0), std::nullopt);         // the dropped one again
  EXPECT_TRUE(r.drop(3));                           // dropping it again is fine
  EXPECT_FALSE(r.drop(5));                          // already numbered and sent: too late
  EXPECT_EQ(r.rewrite(1, 0), (Out{100, 0}));        // a retransmission from before the drops
  EXPECT_EQ(r.last(), (Out{103, 6000}));
}

TEST(RtpRewriter, DropsAcrossWrapAndResync) {
  RtpRewriter r(0, 0);
  r.rewrite(65534, 0);
  EXPECT_TRUE(r.drop(65535));
  EXPECT_TRUE(r.drop(0));
  EXPECT_EQ(r.rewrite(1, 10), (Out{1, 10}));
  r.resync();
  EXPECT_EQ(r.rewrite(500, 7), (Out{2, 11}));  // drops of the old segment no longer count
  EXPECT_EQ(r.rewrite(501, 8), (Out{3, 12}));
  // Dropping before anything went out: nothing to close.
  RtpRewriter fresh;
  EXPECT_TRUE(fresh.drop(9));
  EXPECT_EQ(fresh.rewrite(10, 0), (Out{10, 0}));
}

TEST(RtpRewriter, ManyDropsForgetTheOldestOnly) {
  RtpRewriter r(0, 0);
  r.rewrite(0, 0);
  // Forward every other packet, drop the rest, far past the remembered drops.
  for (std::uint16_t s = 1; s < 400; ++s) {
    if (s % 2 == 1) {
      EXPECT_TRUE(r.drop(s));
    } else {
      EXPECT_EQ(r.rewrite(s, s), (Out{static_cast<std::uint16_t>(s / 2), s})) << s;
    }
  }
  // A late copy of a recent forwarded packet is still numbered right...
  EXPECT_EQ(r.rewrite(398, 398), (Out{199, 398}));
  // ...one from before the remembered drops can no longer be numbered: dropped.
  EXPECT_EQ(r.rewrite(10, 10), std::nullopt);
}

TEST(RtpRewriter, LatePacketBeforeADropIsTheNewestOutput) {
  RtpRewriter r(0, 0);
  r.rewrite(5, 50);  // -> (0, 0)
  r.drop(7);
  EXPECT_EQ(r.rewrite(6, 60), (Out{1, 10}));  // late, but the highest output
  EXPECT_EQ(r.last(), (Out{1, 10}));
  EXPECT_EQ(r.source_of(1), 6);
  EXPECT_EQ(r.source_of(0), 5);
  r.resync();
  EXPECT_EQ(r.rewrite(100, 0), (Out{2, 11}));  // no reuse of 1
}

TEST(RtpRewriter, SourceOfMapsAReceiversNackBack) {
  RtpRewriter r(65534, 0);
  EXPECT_FALSE(r.source_of(65534));  // nothing sent yet
  r.rewrite(1, 0);                   // -> 65534
  r.drop(2);
  r.drop(3);
  r.rewrite(4, 0);  // -> 65535
  r.rewrite(6, 0);  // -> 1
  r.rewrite(5, 0);  // -> 0
  EXPECT_EQ(r.source_of(65534), 1);
  EXPECT_EQ(r.source_of(65535), 4);
  EXPECT_EQ(r.source_of(0), 5);
  EXPECT_EQ(r.source_of(1), 6);
  EXPECT_FALSE(r.source_of(2));      // not sent yet
  EXPECT_FALSE(r.source_of(65533));  // before the first
  r.resync();
  r.rewrite(900, 0);  // -> 2
  EXPECT_EQ(r.source_of(2), 900);
  EXPECT_FALSE(r.source_of(1));  // the previous segment is gone
}

TEST(RtpRewriter, SourceOfInvertsRewriteOverALongRun) {
  RtpRewriter r(0, 0);
  std::vector<std::pair<std::uint16_t, std::uint16_t>> sent;  // (out, source)
  for (std::uint32_t i = 0; i < 150000; ++i) {
    const auto s = static_cast<std::uint16_t>(i + 30000);
    if (i % 7 == 3 || i % 11 == 5) {
      ASSERT_TRUE(r.drop(s));
      continue;
    }
    const auto out = r.rewrite(s, i);
    ASSERT_TRUE(out);
    sent.emplace_back(out->seq, s);
    // Every recent output maps back to its source packet.
    if (i % 1000 == 0) {
      for (std::size_t back = 1; back <= std::min<std::size_t>(sent.size(), 40); ++back) {
        const auto& [o, src] = sent[sent.size() - back];
        ASSERT_EQ(r.source_of(o), src) << i << " " << back;
      }
    }
  }
}

TEST(RtpRewriter, ResyncBeforeAnythingAndGapHelpers) {
  RtpRewriter r(10, 20);
  r.resync(5000);  // nothing went out yet: no effect
  EXPECT_EQ(r.rewrite(1, 1), (Out{10, 20}));
  EXPECT_FALSE(RtpRewriter().last());
  EXPECT_EQ(RtpRewriter::ts_gap_for(std::chrono::milliseconds(20), 48000), 960u);
  EXPECT_EQ(RtpRewriter::ts_gap_for(std::chrono::milliseconds(0), 90000), 1u);
  EXPECT_EQ(RtpRewriter::ts_gap_for(std::chrono::milliseconds(-5), 90000), 1u);
  EXPECT_EQ(RtpRewriter::ts_gap_for(std::chrono::hours(24 * 365), 90000), 0x7FFFFFFFu);
}

}  // namespace
}  // namespace confab::sfu
