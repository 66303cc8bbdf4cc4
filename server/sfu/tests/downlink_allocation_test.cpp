#include "sfu/downlink_allocation.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace confab::sfu {
namespace {

using namespace std::chrono_literals;
using Clock = DownlinkEstimate::Clock;

// A three-layer camera: 100 / 300 / 900 kbit/s with three temporal layers each, the lower
// temporal layers carrying 50 % and 75 % of a layer's rate.
DownlinkStream camera(std::uint8_t preferred_spatial = 2, std::uint8_t preferred_temporal = 2) {
  DownlinkStream s;
  s.spatial_layers = 3;
  s.preferred_spatial = preferred_spatial;
  s.preferred_temporal = preferred_temporal;
  const std::uint32_t rates[] = {100'000, 300'000, 900'000};
  for (std::size_t l = 0; l < 3; ++l) {
    s.bitrate[l] = {rates[l] / 2, rates[l] * 3 / 4, rates[l]};
  }
  return s;
}

std::vector<std::pair<int, int>> layers(const std::vector<DownlinkStream>& streams) {
  std::vector<std::pair<int, int>> out;
  for (const auto& s : streams) out.emplace_back(s.spatial, s.temporal);
  return out;
}

TEST(AllocateDownlink, WithoutABudgetEveryoneGetsTheirPreference) {
  std::vector<DownlinkStream> streams = {camera(2), camera(0, 1)};
  allocate_downlink(streams, std::nullopt);
  EXPECT_EQ(layers(streams), (std::vector<std::pair<int, int>>{{2, 2}, {0, 1}}));
}

TEST(AllocateDownlink, ATightBudgetGivesTheLowestLayersNeverNothing) {
  std::vector<DownlinkStream> streams = {camera(), camera()};
  allocate_downlink(streams, 10'000);
  EXPECT_EQ(layers(streams), (std::vector<std::pair<int, int>>{{0, 0}, {0, 0}}));
}

TEST(AllocateDownlink, StreamsStepUpInTurnWithinTheBudget) {
  std::vector<DownlinkStream> streams = {camera(), camera()};
  // Both climb to layer 1 (150k each at TL0); the first one's TL1 (225k) still fits in 400k,
  // the second one's (450k in all) no longer does.
  allocate_downlink(streams, 400'000);
  std::uint64_t total = 0;
  for (const auto& s : streams) total += s.bitrate[s.spatial][s.temporal];
  EXPECT_LE(total, 400'000u);
  EXPECT_EQ(layers(streams), (std::vector<std::pair<int, int>>{{1, 1}, {1, 0}}));
  allocate_downlink(streams, 5'000'000);
  EXPECT_EQ(layers(streams), (std::vector<std::pair<int, int>>{{2, 2}, {2, 2}}));
}

TEST(AllocateDownlink, LayersNotSentAreSkipped) {
  std::vector<DownlinkStream> streams = {camera()};
  streams[0].bitrate[0] = {};  // the publisher turned its small layer off
  allocate_downlink(streams, 10'000);
  EXPECT_EQ(layers(streams), (std::vector<std::pair<int, int>>{{1, 0}}));
}

TEST(DownlinkEstimate, NoLimitUntilTheReceiverSaysItCannotTakeWhatWeSend) {
  DownlinkEstimate e;
  const auto t0 = Clock::time_point{} + 100s;
  EXPECT_EQ(e.update(1'000'000, t0), std::nullopt);
  e.on_remb(1'500'000, t0);
  EXPECT_EQ(e.update(1'000'000, t0 + 500ms), std::nullopt) << "room to spare";
  e.on_remb(400'000, t0 + 600ms);
  EXPECT_EQ(e.update(1'000'000, t0 + 1s), 400'000u);
  EXPECT_TRUE(e.limited());
}

TEST(DownlinkEstimate, ARisingEstimateBelowWhatWeSendIsARampNotCongestion) {
  DownlinkEstimate e;
  const auto t0 = Clock::time_point{} + 100s;
  e.on_remb(2'000'000, t0);
  EXPECT_EQ(e.update(1'000'000, t0), std::nullopt);
  // A bigger layer went on: the browser's estimate trails what it now receives, but grows.
  e.on_remb(2'100'000, t0 + 1s);
  EXPECT_EQ(e.update(3'000'000, t0 + 1s), std::nullopt);
  e.on_remb(2'400'000, t0 + 2s);
  EXPECT_EQ(e.update(3'000'000, t0 + 2s), std::nullopt);
  // Until it falls: the queues grew.
  e.on_remb(1'500'000, t0 + 3s);
  EXPECT_EQ(e.update(3'000'000, t0 + 3s), 1'500'000u);
}

TEST(DownlinkEstimate, LossIsCongestionToo) {
  DownlinkEstimate e;
  const auto t0 = Clock::time_point{} + 100s;
  e.on_loss(64);  // 25 %
  EXPECT_EQ(e.update(800'000, t0), 600'000u);
  e.on_loss(10);  // ~4 %: not congestion
  EXPECT_EQ(e.update(600'000, t0 + 500ms), 600'000u) << "held";
}

TEST(DownlinkEstimate, AGrowingEstimateRaisesTheLimitAndTheHoldOffEndsIt) {
  DownlinkEstimate e;
  const auto t0 = Clock::time_point{} + 100s;
  e.on_remb(200'000, t0);
  EXPECT_EQ(e.update(1'000'000, t0), 200'000u);
  e.on_remb(350'000, t0 + 1s);
  EXPECT_EQ(e.update(200'000, t0 + 1s), 350'000u);
  e.on_remb(360'000, t0 + 4s);
  EXPECT_EQ(e.update(300'000, t0 + 4s), 360'000u);
  e.on_remb(400'000, t0 + 5s);
  EXPECT_EQ(e.update(300'000, t0 + 5s), std::nullopt) << "5 s without congestion: try again";
}

TEST(DownlinkEstimate, CongestionComingBackDoublesTheHoldOff) {
  DownlinkEstimate e;
  auto now = Clock::time_point{} + 100s;
  e.on_remb(200'000, now);
  ASSERT_TRUE(e.update(1'000'000, now));  // hold-off 5 s
  now += 5s;
  e.on_remb(1'000'000, now);
  ASSERT_FALSE(e.update(200'000, now));
  e.on_remb(200'000, now + 1s);
  ASSERT_TRUE(e.update(1'000'000, now + 1s));  // again within 30 s: 10 s
  now += 1s;
  e.on_remb(1'000'000, now + 9s);
  EXPECT_TRUE(e.update(200'000, now + 9s)) << "still holding after 9 s";
  e.on_remb(1'000'000, now + 10s);
  EXPECT_FALSE(e.update(200'000, now + 10s));
}

}  // namespace
}  // namespace confab::sfu
