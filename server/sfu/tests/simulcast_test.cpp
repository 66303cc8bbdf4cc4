// Simulcast and temporal layers through the whole packet path (in memory): which layer a
// subscriber gets, switches on keyframes with continuous numbering, RID-based SSRC learning,
// and the downlink allocation reacting to a subscriber's bandwidth reports.
#include <gtest/gtest.h>

#include <array>
#include <map>

#include "sfu/rtcp.hpp"
#include "sfu/tests/forwarder_fixture.hpp"
#include "sfu/tests/vp8_payloads.hpp"
#include "sfu/vp8.hpp"

namespace confab::sfu {
namespace {

using namespace std::chrono_literals;
using testing::TestPeer;
using testing::vp8_payload;
using testing::Vp8Picture;

constexpr std::array<std::uint32_t, 3> kLayerSsrcs = {1111, 1121, 1131};
constexpr std::uint8_t kMidId = 1, kRidId = 2, kRepairedRidId = 3;

// A publisher's camera in three layers: each layer numbers its packets, timestamps and pictures
// from its own random-looking base, as browsers do, and answers the SFU's PLIs with a keyframe.
class Camera {
 public:
  Camera(TestPeer& peer, std::array<std::size_t, 3> packets_per_frame = {1, 1, 1})
      : peer_(peer), packets_(packets_per_frame) {}

  // One picture on every layer that is on; `tid` its temporal layer.
  void frame(std::uint8_t tid = 0, bool layer_sync = false) {
    for (std::size_t l = 0; l < 3; ++l) {
      if (!on_[l]) continue;
      const std::size_t plis = peer_.plis_received(kLayerSsrcs[l]);
      const bool keyframe = first_[l] || plis > plis_seen_[l];
      plis_seen_[l] = plis;
      first_[l] = false;
      if (tid == 0) ++tl0_[l];
      for (std::size_t p = 0; p < packets_[l]; ++p) {
        const Vp8Picture picture{.picture_id = static_cast<std::uint16_t>(picture_[l] & 0x7fff),
                                 .tl0picidx = tl0_[l],
                                 .tid = keyframe ? std::uint8_t{0} : tid,
                                 .layer_sync = layer_sync,
                                 .keyframe = keyframe,
                                 .start = p == 0,
                                 .fill = static_cast<std::uint8_t>(l),
                                 .size = 400};
        peer_.send_rtp(kLayerSsrcs[l], 96, seq_[l]++, ts_[l], vp8_payload(picture),
                       p + 1 == packets_[l]);
      }
      ++picture_[l];
      ts_[l] += 3000;
    }
  }
  void set_on(std::size_t layer, bool on) { on_[layer] = on; }

 private:
  TestPeer& peer_;
  std::array<std::size_t, 3> packets_;
  std::array<bool, 3> on_ = {true, true, true};
  std::array<bool, 3> first_ = {true, true, true};
  std::array<std::size_t, 3> plis_seen_{};
  std::array<std::uint16_t, 3> seq_ = {100, 30000, 65000};
  std::array<std::uint32_t, 3> ts_ = {5000, 900000000, 4000000000u};
  std::array<std::uint16_t, 3> picture_ = {10, 9000, 32700};
  std::array<std::uint8_t, 3> tl0_ = {0, 100, 250};
};

class SimulcastTest : public testing::ForwarderFixture {
 protected:
  meeting::ProducerSpec camera_producer(bool by_rid = false) {
    meeting::ProducerSpec p = video_producer("A");
    p.rtx_payload_type = 0;
    p.router_rtx_payload_type = 0;
    p.encodings.clear();
    for (std::size_t l = 0; l < 3; ++l) {
      p.encodings.push_back({.ssrc = by_rid ? 0 : kLayerSsrcs[l],
                             .rtx_ssrc = 0,
                             .temporal_layers = 3,
                             .rid = by_rid ? "r" + std::to_string(l) : ""});
    }
    if (by_rid) {
      p.mid = "0";
      p.mid_extension_id = kMidId;
      p.rid_extension_id = kRidId;
      p.repaired_rid_extension_id = kRepairedRidId;
    }
    return p;
  }

  // Which layer each packet B received came from (the payload's fill byte).
  static std::vector<int> layers_of(const std::vector<testing::ReceivedRtp>& got,
                                    std::size_t from = 0) {
    std::vector<int> out;
    for (std::size_t i = from; i < got.size(); ++i) out.push_back(got[i].payload.back());
    return out;
  }

  // Every packet one more than the one before; a new picture (timestamp) later than the one
  // before and numbered one more.
  static void expect_continuous(const std::vector<testing::ReceivedRtp>& got) {
    for (std::size_t i = 1; i < got.size(); ++i) {
      EXPECT_EQ(static_cast<std::uint16_t>(got[i - 1].sequence + 1), got[i].sequence) << i;
      const auto a = Vp8Descriptor::parse(got[i - 1].payload);
      const auto b = Vp8Descriptor::parse(got[i].payload);
      ASSERT_TRUE(a && b);
      if (got[i - 1].timestamp == got[i].timestamp) {
        EXPECT_EQ(*a->picture_id, *b->picture_id) << i;
        continue;
      }
      EXPECT_LT(static_cast<std::int32_t>(got[i - 1].timestamp - got[i].timestamp), 0) << i;
      EXPECT_EQ((*a->picture_id + 1) & 0x7fff, *b->picture_id) << i;
    }
  }

  void send_remb(TestPeer& peer, std::uint32_t bps) {
    std::array<std::uint8_t, 64> buffer{};
    RtcpWriter writer(buffer);
    const std::uint32_t ssrc = 2222;
    writer.remb(0x5eed, bps, std::span(&ssrc, 1));
    peer.send_rtcp(std::span(buffer).first(writer.size()));
    pump();
  }
};

TEST_F(SimulcastTest, ASubscriberGetsOneLayerAndSwitchesOnlyOnTheTargetLayersKeyframe) {
  TestPeer& a = connect("A", 2);
  TestPeer& b = connect("B", 3);
  forwarder_.add_producer(camera_producer());
  forwarder_.add_consumer(video_consumer("C1", "B"));
  Camera camera(a);
  for (int i = 0; i < 5; ++i) {
    camera.frame();
    pump();
    advance(40ms);
  }
  ASSERT_EQ(layers_of(b.received()), std::vector<int>(5, 2)) << "the top layer by default";

  forwarder_.set_consumer_preferred_layers("C1", 0, 2);
  const std::size_t plis_before = a.plis_received(kLayerSsrcs[0]);
  const std::size_t switched_at = b.received().size();
  // The keyframe request for layer 0 goes out on the next tick; until its keyframe comes,
  // B keeps getting layer 2.
  camera.set_on(0, false);
  camera.frame();
  pump();
  advance(40ms);
  EXPECT_EQ(a.plis_received(kLayerSsrcs[0]), plis_before + 1) << "a keyframe asked of layer 0";
  EXPECT_EQ(a.plis_received(kLayerSsrcs[2]), 1u) << "none more of layer 2";
  camera.set_on(0, true);
  for (int i = 0; i < 4; ++i) {
    camera.frame();
    pump();
    advance(40ms);
  }
  EXPECT_EQ(layers_of(b.received(), switched_at), (std::vector<int>{2, 0, 0, 0, 0}));
  expect_continuous(b.received());

  // And back up, once layer 2's keyframe requests are allowed again (two a second).
  forwarder_.set_consumer_preferred_layers("C1", 2, 2);
  for (int i = 0; i < 8; ++i) {
    camera.frame();
    pump();
    advance(40ms);
  }
  EXPECT_EQ(b.received().back().payload.back(), 2);
  expect_continuous(b.received());
  EXPECT_EQ(SfuCounters::read(counters_.layer_switches), 2u);
}

TEST_F(SimulcastTest, RidLayersAreLearntFromTheirFirstPackets) {
  TestPeer& a = connect("A", 2);
  TestPeer& b = connect("B", 3);
  forwarder_.add_producer(camera_producer(true));
  forwarder_.add_consumer(video_consumer("C1", "B"));
  forwarder_.set_consumer_preferred_layers("C1", 1, 2);
  const auto key = vp8_payload({.picture_id = 1, .keyframe = true, .fill = 1});
  const auto delta = vp8_payload({.picture_id = 2, .fill = 1});
  using Ext = TestPeer::RtpExtension;
  // Another transceiver's packet, an unknown rid, and a packet without a rid are not learnt.
  const Ext other_mid[] = {{kMidId, "1"}, {kRidId, "r1"}};
  a.send_rtp_with_extensions(7001, 96, 1, 0, key, other_mid);
  const Ext unknown_rid[] = {{kMidId, "0"}, {kRidId, "zz"}};
  a.send_rtp_with_extensions(7002, 96, 1, 0, key, unknown_rid);
  a.send_rtp(7003, 96, 1, 0, key);
  pump();
  EXPECT_EQ(
      SfuCounters::read(counters_.dropped[static_cast<std::size_t>(DropReason::unknown_ssrc)]), 3u);
  // Layer r1's first packet names it; later ones need not (browsers stop sending the rid).
  const Ext r1[] = {{kMidId, "0"}, {kRidId, "r1"}};
  a.send_rtp_with_extensions(5001, 96, 10, 3000, key, r1);
  a.send_rtp(5001, 96, 11, 6000, delta);
  const Ext r0[] = {{kMidId, "0"}, {kRidId, "r0"}};
  a.send_rtp_with_extensions(5000, 96, 10, 3000, vp8_payload({.keyframe = true, .fill = 0}), r0);
  pump();
  ASSERT_EQ(layers_of(b.received()), (std::vector<int>{1, 1}));
  // A second SSRC claiming a learnt rid is refused.
  a.send_rtp_with_extensions(5009, 96, 1, 0, key, r1);
  pump();
  EXPECT_EQ(b.received().size(), 2u);
}

TEST_F(SimulcastTest, TemporalLayersAboveThePreferenceAreDroppedWithoutGaps) {
  TestPeer& a = connect("A", 2);
  TestPeer& b = connect("B", 3);
  forwarder_.add_producer(camera_producer());
  forwarder_.add_consumer(video_consumer("C1", "B"));
  forwarder_.set_consumer_preferred_layers("C1", 2, 0);
  Camera camera(a, {1, 1, 2});
  // The L1T3 pattern: 0 2 1 2 0 2 1 2 ...
  const std::uint8_t pattern[] = {0, 2, 1, 2};
  for (int i = 0; i < 8; ++i) {
    camera.frame(pattern[i % 4]);
    pump();
  }
  // Pictures 0 and 4 (TL0), two packets each.
  EXPECT_EQ(b.received().size(), 4u);
  expect_continuous(b.received());
  // Up to all three: from the next TL0 picture on, everything.
  forwarder_.set_consumer_preferred_layers("C1", 2, 2);
  camera.frame(2);  // not decodable without its TL1: still dropped
  pump();
  EXPECT_EQ(b.received().size(), 4u);
  for (int i = 0; i < 4; ++i) {
    camera.frame(pattern[i]);
    pump();
  }
  EXPECT_EQ(b.received().size(), 12u);
  expect_continuous(b.received());
}

TEST_F(SimulcastTest, ALowBandwidthReportMovesASubscriberDownAndItComesBackUp) {
  TestPeer& a = connect("A", 2);
  TestPeer& b = connect("B", 3);
  forwarder_.add_producer(camera_producer());
  forwarder_.add_consumer(video_consumer("C1", "B"));
  // ~400-byte packets at 25 fps: layer 0 ~ 80, layer 1 ~ 240, layer 2 ~ 720 kbit/s.
  Camera camera(a, {1, 3, 9});
  const auto run = [&](int frames) {
    for (int i = 0; i < frames; ++i) {
      camera.frame();
      pump();
      advance(40ms);
    }
  };
  run(50);
  EXPECT_EQ(b.received().back().payload.back(), 2);

  // B can take 150 kbit/s: layer 0 fits, layer 1 does not.
  send_remb(b, 150'000);
  run(25);
  EXPECT_EQ(b.received().back().payload.back(), 0) << "moved down";
  EXPECT_GT(SfuCounters::read(counters_.keyframe_requests), 0u);

  // Its link recovers and says so: back to the top layer.
  send_remb(b, 5'000'000);
  run(25);
  EXPECT_EQ(b.received().back().payload.back(), 2) << "back up";
  expect_continuous(b.received());
}

}  // namespace
}  // namespace confab::sfu
