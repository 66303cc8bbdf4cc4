#include "sfu/rtcp.hpp"

#include <gtest/gtest.h>

#include <array>
#include <vector>

namespace confab::sfu {
namespace {

using Bytes = std::vector<std::uint8_t>;

std::vector<std::uint16_t> nacked(const RtcpPacket& p) {
  std::vector<std::uint16_t> out;
  p.for_each_nacked([&](std::uint16_t s) { out.push_back(s); });
  return out;
}

TEST(RtcpWriter, CompoundRoundTrip) {
  std::array<std::uint8_t, 1500> buffer{};
  RtcpWriter w(buffer);
  const SenderInfo info{0x0102030405060708ull, 90000, 1000, 123456};
  const std::array<ReportBlock, 2> blocks = {
      ReportBlock{0x11, 25, -5, 0x00010005, 40, 0xAABBCCDD, 65536},
      ReportBlock{0x22, 0, 0x7FFFFF, 7, 0, 0, 0}};
  const std::array<std::uint32_t, 2> bye_ssrcs = {0x33, 0x44};
  const std::array<std::uint16_t, 4> lost = {100, 101, 116, 117};
  const std::array<FirEntry, 1> fir = {FirEntry{0x55, 9}};
  const std::array<std::uint32_t, 2> remb_ssrcs = {0x66, 0x77};
  w.sender_report(0x1234, info, blocks)
      .receiver_report(0x1234, std::span(blocks).first(1))
      .sdes_cname(0x1234, "confab-cname")
      .nack(0x1234, 0x99, lost)
      .pli(0x1234, 0x99)
      .fir(0x1234, fir)
      .remb(0x1234, 1'500'000, remb_ssrcs)
      .bye(bye_ssrcs);
  ASSERT_TRUE(w.ok());
  const auto compound = RtcpCompound::parse(w.data());
  ASSERT_TRUE(compound);
  EXPECT_EQ(compound->size(), 8u);
  std::vector<RtcpPacket> packets(compound->begin(), compound->end());
  ASSERT_EQ(packets.size(), 8u);

  const auto& sr = packets[0];
  EXPECT_TRUE(sr.is_sender_report());
  EXPECT_EQ(sr.ssrc(), 0x1234u);
  EXPECT_EQ(sr.sender_info(), info);
  ASSERT_EQ(sr.report_block_count(), 2u);
  EXPECT_EQ(sr.report_block(0), blocks[0]);
  EXPECT_EQ(sr.report_block(1), blocks[1]);
  EXPECT_EQ(sr.report_block(2), ReportBlock{});

  const auto& rr = packets[1];
  EXPECT_TRUE(rr.is_receiver_report());
  EXPECT_FALSE(rr.sender_info());
  ASSERT_EQ(rr.report_block_count(), 1u);
  EXPECT_EQ(rr.report_block(0), blocks[0]);

  EXPECT_TRUE(packets[2].is_sdes());
  EXPECT_EQ(packets[2].ssrc(), 0x1234u);
  EXPECT_EQ(packets[2].bytes().size() % 4, 0u);

  const auto& nack = packets[3];
  EXPECT_TRUE(nack.is_nack());
  EXPECT_EQ(nack.ssrc(), 0x1234u);
  EXPECT_EQ(nack.media_ssrc(), 0x99u);
  ASSERT_EQ(nack.nack_item_count(), 2u);  // 100 with 101 and 116; 117 starts a new item
  EXPECT_EQ(nack.nack_item(0), (NackItem{100, 0x8001}));
  EXPECT_EQ(nack.nack_item(1), (NackItem{117, 0}));
  EXPECT_EQ(nacked(nack), (std::vector<std::uint16_t>{100, 101, 116, 117}));

  EXPECT_TRUE(packets[4].is_pli());
  EXPECT_EQ(packets[4].media_ssrc(), 0x99u);

  const auto& f = packets[5];
  EXPECT_TRUE(f.is_fir());
  EXPECT_EQ(f.media_ssrc(), 0u);
  ASSERT_EQ(f.fir_entry_count(), 1u);
  EXPECT_EQ(f.fir_entry(0), fir[0]);

  const auto& remb = packets[6];
  EXPECT_TRUE(remb.is_remb());
  EXPECT_EQ(remb.remb_bitrate(), 1'500'000u);  // fits 18 bits after a shift of 3: exact
  ASSERT_EQ(remb.remb_ssrc_count(), 2u);
  EXPECT_EQ(remb.remb_ssrc(0), 0x66u);
  EXPECT_EQ(remb.remb_ssrc(1), 0x77u);

  const auto& bye = packets[7];
  EXPECT_TRUE(bye.is_bye());
  ASSERT_EQ(bye.bye_ssrc_count(), 2u);
  EXPECT_EQ(bye.bye_ssrc(0), 0x33u);
  EXPECT_EQ(bye.bye_ssrc(1), 0x44u);

  // Accessors of other types give nothing.
  EXPECT_EQ(sr.nack_item_count(), 0u);
  EXPECT_FALSE(sr.remb_bitrate());
  EXPECT_EQ(nack.report_block_count(), 0u);
  EXPECT_EQ(sr.media_ssrc(), 0u);
}

TEST(RtcpWriter, NackPackingAcrossWrapAndUnsorted) {
  std::array<NackItem, 8> items{};
  const std::array<std::uint16_t, 5> wrap = {65534, 65535, 0, 14, 15};
  ASSERT_EQ(pack_nack_items(wrap, items), 2u);
  EXPECT_EQ(items[0], (NackItem{65534, 0x8003}));  // 65535, 0, 14: distances 1, 2, 16
  EXPECT_EQ(items[1], (NackItem{15, 0}));
  // Every one of 1..17 lost: one item covers 17 packets, the 18th starts another.
  std::vector<std::uint16_t> run;
  for (std::uint16_t s = 1; s <= 18; ++s) run.push_back(s);
  ASSERT_EQ(pack_nack_items(run, items), 2u);
  EXPECT_EQ(items[0], (NackItem{1, 0xFFFF}));
  EXPECT_EQ(items[1], (NackItem{18, 0}));
  // Unsorted and repeated input is still reported completely.
  const std::array<std::uint16_t, 5> messy = {10, 5, 10, 6, 30};
  std::array<std::uint8_t, 200> buffer{};
  RtcpWriter w(buffer);
  w.nack(1, 2, messy);
  const auto c = RtcpCompound::parse(w.data());
  ASSERT_TRUE(c);
  auto got = nacked(*c->begin());
  std::sort(got.begin(), got.end());
  got.erase(std::unique(got.begin(), got.end()), got.end());
  EXPECT_EQ(got, (std::vector<std::uint16_t>{5, 6, 10, 30}));
  // Output space limits the items.
  EXPECT_EQ(pack_nack_items(run, std::span(items).first(1)), 1u);
  EXPECT_EQ(pack_nack_items({}, items), 0u);
}

TEST(RtcpWriter, RembRoundsDownAndLimits) {
  std::array<std::uint8_t, 64> buffer{};
  RtcpWriter w(buffer);
  w.remb(1, 262147, {});  // over 18 bits: exponent 1, the low bit is lost
  const auto c = RtcpCompound::parse(w.data());
  ASSERT_TRUE(c);
  EXPECT_EQ((*c->begin()).remb_bitrate(), 262146u);
  RtcpWriter big(buffer);
  big.remb(1, 10'000'000'001ull, {});
  const auto b = RtcpCompound::parse(big.data());
  const auto rate = (*b->begin()).remb_bitrate();
  ASSERT_TRUE(rate);
  EXPECT_LE(*rate, 10'000'000'001ull);
  EXPECT_GT(*rate, 10'000'000'001ull - (10'000'000'001ull >> 17));
}

TEST(RtcpWriter, FailsWhenFullOrBadArguments) {
  std::array<std::uint8_t, 20> small{};
  RtcpWriter w(small);
  w.pli(1, 2);
  EXPECT_TRUE(w.ok());
  w.pli(1, 2);  // 24 > 20
  EXPECT_FALSE(w.ok());
  EXPECT_EQ(w.size(), 12u);
  w.receiver_report(1);  // ignored after a failure
  EXPECT_EQ(w.size(), 12u);

  std::array<std::uint8_t, 2000> buffer{};
  std::array<ReportBlock, 32> too_many{};
  RtcpWriter r(buffer);
  r.receiver_report(1, too_many);
  EXPECT_FALSE(r.ok());
  RtcpWriter f(buffer);
  f.fir(1, {});
  EXPECT_FALSE(f.ok());
  RtcpWriter n(buffer);
  n.nack(1, 2, {});
  EXPECT_TRUE(n.ok());
  EXPECT_EQ(n.size(), 0u);
}

Bytes bytes_of(const RtcpWriter& w) {
  return Bytes(w.data().begin(), w.data().end());
}

bool parses(const Bytes& b) {
  return RtcpCompound::parse(b).has_value();
}

TEST(RtcpCompound, MalformedRejectedWhole) {
  std::array<std::uint8_t, 200> buffer{};
  RtcpWriter w(buffer);
  const std::array<ReportBlock, 1> block{};
  const std::array<std::uint16_t, 1> lost = {7};
  w.receiver_report(1, block).nack(1, 2, lost).pli(1, 2);
  const Bytes good = bytes_of(w);
  ASSERT_TRUE(parses(good));
  EXPECT_FALSE(parses({}));
  for (std::size_t n = 1; n < good.size(); ++n) {
    // Every cut is refused except those at a sub-packet boundary.
    const bool boundary = n == 32 || n == 48;
    EXPECT_EQ(parses(Bytes(good.begin(), good.begin() + n)), boundary) << n;
  }
  Bytes version = good;
  version[32] = 0x41;  // the NACK's version 1
  EXPECT_FALSE(parses(version));
  Bytes longer = good;
  longer[35] = 0x10;  // the NACK's length runs past the end
  EXPECT_FALSE(parses(longer));
  Bytes count = good;
  count[0] = 0x82;  // RR claims 2 report blocks, has 1
  EXPECT_FALSE(parses(count));
  Bytes short_fb = good;
  short_fb[35] = 1;  // NACK of 8 bytes: no media SSRC; then the rest no longer lines up
  EXPECT_FALSE(parses(short_fb));
  Bytes garbage = good;
  garbage.push_back(0x80);  // a trailing byte that is not a packet
  EXPECT_FALSE(parses(garbage));
}

TEST(RtcpCompound, Padding) {
  // An RR with no blocks and 4 bytes of padding, last in the compound: fine.
  const Bytes padded = {0xA0, 201, 0, 2, 0, 0, 0, 1, 0, 0, 0, 4};
  const auto c = RtcpCompound::parse(padded);
  ASSERT_TRUE(c);
  EXPECT_EQ((*c->begin()).ssrc(), 1u);
  EXPECT_FALSE(parses({0xA0, 201, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0}));  // padding count 0
  EXPECT_FALSE(parses({0xA0, 201, 0, 2, 0, 0, 0, 1, 0, 0, 0, 9}));  // more than the packet
  // Padding that eats into the fixed part: an RR of 4 bytes has no SSRC.
  EXPECT_FALSE(parses({0xA0, 201, 0, 1, 0, 0, 0, 4}));
  // Padding in a sub-packet that is not the last.
  Bytes two = padded;
  two.insert(two.end(), {0x80, 201, 0, 1, 0, 0, 0, 2});
  EXPECT_FALSE(parses(two));
  // A NACK whose padding leaves no FCI.
  EXPECT_FALSE(parses({0xA1, 205, 0, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 4}));
}

TEST(RtcpCompound, FeedbackShapes) {
  // A FIR whose FCI is not a multiple of 8.
  EXPECT_FALSE(parses({0x84, 206, 0, 3, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 5}));
  // A REMB claiming 2 SSRCs with room for 1.
  EXPECT_FALSE(parses(
      {0x8F, 206, 0, 5, 0, 0, 0, 1, 0, 0, 0, 0, 'R', 'E', 'M', 'B', 2, 0x04, 0, 1, 0, 0, 0, 9}));
  // Another application-layer feedback (not REMB) is accepted, and not a REMB.
  const Bytes afb = {0x8F, 206, 0, 3, 0, 0, 0, 1, 0, 0, 0, 0, 'X', 'Y', 'Z', 'W'};
  ASSERT_TRUE(parses(afb));
  EXPECT_FALSE((*RtcpCompound::parse(afb)->begin()).is_remb());
  // transport-cc (RTPFB 15) is recognised; too short is refused.
  const Bytes twcc = {0x8F, 205, 0, 4, 0, 0, 0, 1, 0, 0, 0, 2, 0, 1, 0, 1, 0, 0, 0, 0x20};
  ASSERT_TRUE(parses(twcc));
  EXPECT_TRUE((*RtcpCompound::parse(twcc)->begin()).is_transport_cc());
  EXPECT_FALSE(parses({0x8F, 205, 0, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 1, 0, 1}));
  // Unknown types (XR, APP) pass unread.
  EXPECT_TRUE(parses({0x80, 207, 0, 1, 0, 0, 0, 1, 0x80, 204, 0, 0}));
  // A packet type outside RTCP's 192..223.
  EXPECT_FALSE(parses({0x80, 96, 0, 1, 0, 0, 0, 1}));
  EXPECT_FALSE(parses({0x80, 201, 0, 1, 0, 0, 0, 1, 0x80, 224, 0, 0}));
  // A BYE without sources but with a reason: no SSRC.
  const Bytes bye_reason = {0x80, 203, 0, 1, 3, 'b', 'y', 'e'};
  ASSERT_TRUE(parses(bye_reason));
  EXPECT_EQ((*RtcpCompound::parse(bye_reason)->begin()).ssrc(), 0u);
  // A BYE with more sources than bytes.
  EXPECT_FALSE(parses({0x82, 203, 0, 1, 0, 0, 0, 1}));
  // An SR without its sender info.
  EXPECT_FALSE(parses({0x80, 200, 0, 1, 0, 0, 0, 1}));
}

TEST(RtcpCompound, NegativeCumulativeLossSignExtends) {
  std::array<std::uint8_t, 64> buffer{};
  RtcpWriter w(buffer);
  const std::array<ReportBlock, 1> block = {ReportBlock{1, 0, -1, 0, 0, 0, 0}};
  w.receiver_report(9, block);
  const auto c = RtcpCompound::parse(w.data());
  EXPECT_EQ((*c->begin()).report_block(0).cumulative_lost, -1);
  const std::array<ReportBlock, 1> huge = {ReportBlock{1, 0, -20'000'000, 0, 0, 0, 0}};
  RtcpWriter h(buffer);
  h.receiver_report(9, huge);
  EXPECT_EQ((*RtcpCompound::parse(h.data())->begin()).report_block(0).cumulative_lost, -0x800000);
}

}  // namespace
}  // namespace confab::sfu
