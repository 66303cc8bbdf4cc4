// The whole packet path in memory: test peers (our client role) and a Forwarder exchange real
// STUN, DTLS and SRTP datagrams through a simulated network.
#include "sfu/forwarder.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <unordered_map>

#include "sfu/ntp_time.hpp"
#include "sfu/rtcp.hpp"
#include "sfu/testing/test_peer.hpp"
#include "sfu/tests/forwarder_fixture.hpp"

namespace confab::sfu {
namespace {

using testing::TestPeer;
using Clock = std::chrono::steady_clock;

using ForwarderTest = testing::ForwarderFixture;
using testing::address;
using testing::vp8_payload;

TEST_F(ForwarderTest, IceDtlsAndSrtpConnectBothSides) {
  TestPeer& a = connect("A", 2);
  EXPECT_TRUE(a.ice_done());
  EXPECT_EQ(SfuCounters::read(counters_.transports), 1u);
  EXPECT_EQ(SfuCounters::read(counters_.dtls_failures), 0u);
}

TEST_F(ForwarderTest, ForwardsExactlyThePublishedPayloadsWithTheConsumersSsrcAndPayloadType) {
  TestPeer& a = connect("A", 2);
  TestPeer& b = connect("B", 3);
  forwarder_.add_producer(video_producer("A"));
  forwarder_.add_consumer(video_consumer("C1", "B"));
  std::vector<std::vector<std::uint8_t>> sent;
  for (std::uint16_t i = 0; i < 50; ++i) {
    // Sequence numbers cross the 16-bit wrap on the way.
    const auto seq = static_cast<std::uint16_t>(65510 + i);
    sent.push_back(vp8_payload(i == 0, static_cast<std::uint8_t>(i)));
    a.send_rtp(1111, 96, seq, 1000u + i * 3000u, sent.back(), true);
  }
  pump();
  ASSERT_EQ(b.received().size(), sent.size());
  for (std::size_t i = 0; i < sent.size(); ++i) {
    const auto& got = b.received()[i];
    EXPECT_EQ(got.ssrc, 2222u);
    EXPECT_EQ(got.payload_type, 101);
    EXPECT_EQ(got.payload, sent[i]);
    if (i > 0) {
      EXPECT_EQ(static_cast<std::uint16_t>(got.sequence - b.received()[i - 1].sequence), 1);
      EXPECT_EQ(got.timestamp - b.received()[i - 1].timestamp, 3000u);
    }
  }
  EXPECT_EQ(SfuCounters::read(counters_.rtp_packets_in), 50u);
}

TEST_F(ForwarderTest, VideoStartsOnAKeyframeAndAResumeAsksThepublisherForOne) {
  TestPeer& a = connect("A", 2);
  TestPeer& b = connect("B", 3);
  forwarder_.add_producer(video_producer("A"));
  auto spec = video_consumer("C1", "B");
  spec.paused = true;
  forwarder_.add_consumer(spec);
  a.send_rtp(1111, 96, 1, 0, vp8_payload(true, 1));
  pump();
  EXPECT_TRUE(b.received().empty()) << "a paused consumer sends nothing";
  forwarder_.set_consumer_paused("C1", false);
  advance(std::chrono::milliseconds(30));
  EXPECT_GE(a.plis_received(), 1u);
  a.send_rtp(1111, 96, 2, 3000, vp8_payload(false, 2));
  pump();
  EXPECT_TRUE(b.received().empty()) << "a delta frame cannot start the stream";
  a.send_rtp(1111, 96, 3, 6000, vp8_payload(true, 3));
  a.send_rtp(1111, 96, 4, 9000, vp8_payload(false, 4));
  pump();
  ASSERT_EQ(b.received().size(), 2u);
  EXPECT_EQ(b.received()[0].payload, vp8_payload(true, 3));
}

TEST_F(ForwarderTest, AKeyframeIsAskedForAgainUntilOneComes) {
  TestPeer& a = connect("A", 2);
  TestPeer& b = connect("B", 3);
  forwarder_.add_producer(video_producer("A"));
  forwarder_.add_consumer(video_consumer("C1", "B"));
  advance(std::chrono::milliseconds(30));
  const auto first = a.plis_received();
  EXPECT_GE(first, 1u);
  // The publisher ignores it and sends delta frames only.
  a.send_rtp(1111, 96, 1, 0, vp8_payload(false, 1));
  pump();
  advance(std::chrono::milliseconds(600));
  EXPECT_GT(a.plis_received(), first) << "asked again";
  a.send_rtp(1111, 96, 2, 3000, vp8_payload(true, 2));
  pump();
  ASSERT_EQ(b.received().size(), 1u);
  const auto after_keyframe = a.plis_received();
  advance(std::chrono::milliseconds(1200));
  EXPECT_EQ(a.plis_received(), after_keyframe) << "no more requests once the stream started";
}

TEST_F(ForwarderTest, ALossFromThePublisherIsNackedAndRecovered) {
  TestPeer& a = connect("A", 2);
  TestPeer& b = connect("B", 3);
  forwarder_.add_producer(video_producer("A"));
  forwarder_.add_consumer(video_consumer("C1", "B"));
  for (std::uint16_t seq = 100; seq < 110; ++seq) {
    a.send_rtp(1111, 96, seq, seq * 3000u, vp8_payload(seq == 100, static_cast<std::uint8_t>(seq)),
               false, /*skip=*/seq == 104);
    pump();
  }
  ASSERT_EQ(b.received().size(), 9u);
  advance(std::chrono::milliseconds(30));
  EXPECT_GE(a.nacked_received(), 1u);
  EXPECT_GE(SfuCounters::read(counters_.nacks_sent), 1u);
  ASSERT_EQ(b.received().size(), 10u);
  EXPECT_EQ(b.received().back().payload, vp8_payload(false, 104));
}

TEST_F(ForwarderTest, ASubscribersNackIsAnsweredFromTheBufferOverRtx) {
  TestPeer& a = connect("A", 2);
  TestPeer& b = connect("B", 3);
  forwarder_.add_producer(video_producer("A"));
  forwarder_.add_consumer(video_consumer("C1", "B", /*rtx=*/true));
  for (std::uint16_t seq = 1; seq <= 5; ++seq) {
    a.send_rtp(1111, 96, seq, seq * 3000u, vp8_payload(seq == 1, static_cast<std::uint8_t>(seq)));
  }
  pump();
  ASSERT_EQ(b.received().size(), 5u);
  const std::uint16_t lost = b.received()[2].sequence;
  const std::uint16_t nack[] = {lost};
  b.send_nack(2222, nack);
  pump();
  ASSERT_EQ(b.received().size(), 6u);
  const auto& rtx = b.received().back();
  EXPECT_EQ(rtx.ssrc, 2223u);
  EXPECT_EQ(rtx.payload_type, 102);
  ASSERT_GE(rtx.payload.size(), 2u);
  EXPECT_EQ((rtx.payload[0] << 8) | rtx.payload[1], lost);
  EXPECT_EQ(std::vector<std::uint8_t>(rtx.payload.begin() + 2, rtx.payload.end()),
            b.received()[2].payload);
  EXPECT_EQ(SfuCounters::read(counters_.retransmissions), 1u);
}

TEST_F(ForwarderTest, ANackAfterAResumeIsAnsweredAsThePacketWasSent) {
  TestPeer& a = connect("A", 2);
  TestPeer& b = connect("B", 3);
  forwarder_.add_producer(video_producer("A"));
  forwarder_.add_consumer(video_consumer("C1", "B", /*rtx=*/true));
  a.send_rtp(1111, 96, 1, 3000, vp8_payload(true, 1));
  pump();
  forwarder_.set_consumer_paused("C1", true);
  advance(std::chrono::milliseconds(700));
  forwarder_.set_consumer_paused("C1", false);
  for (std::uint16_t seq = 30; seq < 33; ++seq) {
    a.send_rtp(1111, 96, seq, seq * 3000u, vp8_payload(seq == 30, static_cast<std::uint8_t>(seq)));
  }
  pump();
  ASSERT_EQ(b.received().size(), 4u);
  const auto original = b.received()[2];  // source 31, renumbered and re-timed
  EXPECT_NE(original.timestamp, 31u * 3000u);
  const std::uint16_t nack[] = {original.sequence};
  b.send_nack(2222, nack);
  pump();
  ASSERT_EQ(b.received().size(), 5u);
  const auto& resent = b.received().back();
  EXPECT_EQ(resent.ssrc, 2223u);
  EXPECT_EQ(resent.timestamp, original.timestamp);
  ASSERT_GE(resent.payload.size(), 2u);
  EXPECT_EQ((resent.payload[0] << 8) | resent.payload[1], original.sequence);
  EXPECT_EQ(std::vector<std::uint8_t>(resent.payload.begin() + 2, resent.payload.end()),
            original.payload);
  // Before the resume: another segment, not answered (nothing a receiver still waits for).
  const std::uint16_t old[] = {b.received()[0].sequence};
  b.send_nack(2222, old);
  pump();
  EXPECT_EQ(b.received().size(), 5u);
}

TEST_F(ForwarderTest, ASubscribersPliReachesThePublisherAtMostTwiceASecond) {
  TestPeer& a = connect("A", 2);
  TestPeer& b = connect("B", 3);
  forwarder_.add_producer(video_producer("A"));
  forwarder_.add_consumer(video_consumer("C1", "B"));
  advance(std::chrono::milliseconds(600));           // the consumer's start asked for one
  a.send_rtp(1111, 96, 1, 0, vp8_payload(true, 1));  // and got it
  pump();
  ASSERT_EQ(b.received().size(), 1u);
  advance(std::chrono::milliseconds(600));
  const auto before = a.plis_received();
  EXPECT_GE(before, 1u);
  for (int i = 0; i < 5; ++i) b.send_pli(2222);
  pump();
  advance(std::chrono::milliseconds(30));
  EXPECT_EQ(a.plis_received(), before + 1);
  for (int i = 0; i < 5; ++i) b.send_pli(2222);
  pump();
  advance(std::chrono::milliseconds(30));
  EXPECT_EQ(a.plis_received(), before + 1) << "inside the interval";
  advance(std::chrono::milliseconds(500));
  EXPECT_EQ(a.plis_received(), before + 2) << "sent when the interval ends";
}

// The publisher's SR: its wall clock against its RTP clock.
std::vector<std::uint8_t> sender_report(std::uint32_t ssrc, const SenderInfo& info) {
  std::vector<std::uint8_t> buffer(64);
  RtcpWriter writer(buffer);
  writer.sender_report(ssrc, info);
  buffer.resize(writer.size());
  return buffer;
}

TEST_F(ForwarderTest, SenderReportsCarryThePublishersClockInTheConsumersTimestamps) {
  TestPeer& a = connect("A", 2);
  TestPeer& b = connect("B", 3);
  forwarder_.add_producer(video_producer("A"));
  forwarder_.add_consumer(video_consumer("C1", "B"));
  a.send_rtp(1111, 96, 1, 1000, vp8_payload(true, 1));
  a.send_rtp(1111, 96, 2, 4000, vp8_payload(false, 2));
  pump();
  advance(std::chrono::milliseconds(1100));
  EXPECT_TRUE(b.sender_reports().empty()) << "no SR before the publisher's first";
  // A pause and resume moves the consumer's timestamps away from the publisher's.
  forwarder_.set_consumer_paused("C1", true);
  advance(std::chrono::milliseconds(500));
  forwarder_.set_consumer_paused("C1", false);
  a.send_rtp(1111, 96, 3, 7000, vp8_payload(true, 3));
  pump();
  ASSERT_EQ(b.received().size(), 3u);
  const std::uint32_t offset = b.received()[2].timestamp - 7000;
  EXPECT_NE(offset, 0u);

  const SenderInfo published{(std::uint64_t{3'900'000'000} << 32) | 0x4000'0000u, 6000, 3, 180};
  a.send_rtcp(sender_report(1111, published));
  pump();
  const auto arrival = now_;
  while (b.sender_reports().empty() && now_ - arrival < std::chrono::seconds(3)) {
    advance(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(b.sender_reports().size(), 1u);
  const auto elapsed = now_ - arrival;
  const auto& sr = b.sender_reports()[0];
  EXPECT_EQ(sr.ssrc, 2222u);
  const auto elapsed_us = std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
  EXPECT_EQ(sr.info.rtp_timestamp,
            6000 + offset + static_cast<std::uint32_t>(elapsed_us * 90000 / 1'000'000));
  EXPECT_EQ(sr.info.ntp, ntp_plus(published.ntp, elapsed));
  EXPECT_EQ(sr.info.packet_count, 3u);
  EXPECT_EQ(sr.info.octet_count, 3 * vp8_payload(false, 0).size());

  // The publisher hears back about its stream: highest sequence and the SR's LSR.
  advance(std::chrono::milliseconds(1000));
  ASSERT_FALSE(a.report_blocks().empty());
  const ReportBlock& about_a = a.report_blocks().back();
  EXPECT_EQ(about_a.ssrc, 1111u);
  EXPECT_EQ(about_a.highest_sequence, 3u);
  EXPECT_EQ(about_a.last_sr, ntp_middle32(published.ntp));
  EXPECT_GT(about_a.delay_since_sr, 0u);
}

TEST_F(ForwarderTest, ASubscribersReceiverReportGivesTheRoundTripTime) {
  TestPeer& a = connect("A", 2);
  TestPeer& b = connect("B", 3);
  forwarder_.add_producer(video_producer("A"));
  forwarder_.add_consumer(video_consumer("C1", "B"));
  a.send_rtp(1111, 96, 1, 1000, vp8_payload(true, 1));
  a.send_rtcp(sender_report(1111, {std::uint64_t{3'900'000'000} << 32, 1000, 1, 60}));
  pump();
  while (b.sender_reports().empty()) advance(std::chrono::milliseconds(100));
  const SenderInfo ours = b.sender_reports().back().info;
  EXPECT_FALSE(forwarder_.transport("B")->rtt().has_value());

  advance(std::chrono::milliseconds(100));
  ReportBlock block;
  block.ssrc = 2222;
  block.last_sr = 0x12345678;  // no SR of ours
  std::vector<std::uint8_t> rr(64);
  RtcpWriter(rr).receiver_report(0xbeef, std::span(&block, 1));
  b.send_rtcp(std::span(rr).first(32));
  pump();
  EXPECT_FALSE(forwarder_.transport("B")->rtt().has_value());

  block.last_sr = ntp_middle32(ours.ntp);
  block.delay_since_sr = to_ntp_short(std::chrono::milliseconds(40));  // held by the receiver
  RtcpWriter(rr).receiver_report(0xbeef, std::span(&block, 1));
  b.send_rtcp(std::span(rr).first(32));
  pump();
  const auto rtt = forwarder_.transport("B")->rtt();
  ASSERT_TRUE(rtt.has_value());
  EXPECT_NEAR(static_cast<double>(rtt->count()), 60'000.0, 100.0);
}

TEST_F(ForwarderTest, RtxFromThePublisherIsUnwrapped) {
  TestPeer& a = connect("A", 2);
  TestPeer& b = connect("B", 3);
  forwarder_.add_producer(video_producer("A"));
  forwarder_.add_consumer(video_consumer("C1", "B"));
  a.send_rtp(1111, 96, 10, 0, vp8_payload(true, 10));
  auto inner = vp8_payload(false, 11);
  std::vector<std::uint8_t> rtx = {0, 11};
  rtx.insert(rtx.end(), inner.begin(), inner.end());
  a.send_rtp(1112, 97, 500, 3000, rtx);
  pump();
  ASSERT_EQ(b.received().size(), 2u);
  EXPECT_EQ(b.received()[1].payload, inner);
  EXPECT_EQ(b.received()[1].ssrc, 2222u);
}

TEST_F(ForwarderTest, BadInputIsDroppedAndCounted) {
  TestPeer& a = connect("A", 2);
  forwarder_.add_producer(video_producer("A"));
  const TransportAddress stranger = address(9, 9999);
  // RTP-looking bytes from an address no ICE check validated.
  std::vector<std::uint8_t> junk(40, 0);
  junk[0] = 0x80;
  junk[1] = 96;
  forwarder_.receive(junk, stranger, now_);
  EXPECT_EQ(
      SfuCounters::read(counters_.dropped[static_cast<std::size_t>(DropReason::unknown_address)]),
      1u);
  // A validated address, but not valid SRTP.
  forwarder_.receive(junk, a.address(), now_);
  EXPECT_EQ(SfuCounters::read(counters_.dropped[static_cast<std::size_t>(DropReason::srtp_auth)]),
            1u);
  // STUN for an unknown ufrag, and noise.
  std::vector<std::uint8_t> noise = {0xff, 0x00, 0x01};
  forwarder_.receive(noise, stranger, now_);
  EXPECT_EQ(SfuCounters::read(counters_.dropped[static_cast<std::size_t>(DropReason::malformed)]),
            1u);
  EXPECT_TRUE(wire_.empty()) << "nothing answered";
}

TEST_F(ForwarderTest, AWrongPasswordBindsNothing) {
  forwarder_.add_transport("A", "ufAAAA", "pwdAAAAAAAAAAAAAAAAAAAAAAA", now_);
  TestPeer liar(address(5, 5555), kSfu, {"ufAAAA", "not-the-password-at-all"},
                certificate_.fingerprint_sha256(),
                [this](std::span<const std::uint8_t> d, const TransportAddress& to) {
                  wire_.push_back({address(5, 5555), to, {d.begin(), d.end()}});
                });
  liar.check(now_);
  pump();
  EXPECT_FALSE(liar.ice_done());
  EXPECT_EQ(SfuCounters::read(counters_.dropped[static_cast<std::size_t>(DropReason::bad_stun)]),
            1u);
}

TEST_F(ForwarderTest, ConsentExpiresAfterThirtySilentSeconds) {
  connect("A", 2);
  advance(std::chrono::seconds(29));
  EXPECT_TRUE(closed_.empty());
  advance(std::chrono::seconds(2));
  ASSERT_EQ(closed_.size(), 1u);
  EXPECT_EQ(closed_[0].first, "A");
  EXPECT_EQ(forwarder_.transport_count(), 0u);
  EXPECT_EQ(SfuCounters::read(counters_.transports), 0u);
}

TEST_F(ForwarderTest, ClosingATransportClosesItsProducersAndTheirConsumers) {
  connect("A", 2);
  connect("B", 3);
  forwarder_.add_producer(video_producer("A"));
  forwarder_.add_consumer(video_consumer("C1", "B"));
  EXPECT_EQ(SfuCounters::read(counters_.consumers), 1u);
  forwarder_.close_transport("A");
  EXPECT_EQ(SfuCounters::read(counters_.producers), 0u);
  EXPECT_EQ(SfuCounters::read(counters_.consumers), 0u);
  forwarder_.close_consumer("C1");  // already gone: ignored
}

TEST_F(ForwarderTest, AudioIsNeverAskedForKeyframes) {
  TestPeer& a = connect("A", 2);
  connect("B", 3);
  meeting::ProducerSpec mic = mic_producer("A");
  mic.paused = true;  // a muted microphone: nothing comes
  forwarder_.add_producer(mic);
  meeting::ConsumerSpec c = video_consumer("C1", "B");
  c.producer_id = "M1";
  c.kind = meeting::MediaKind::audio;
  c.payload_type = 100;
  forwarder_.add_consumer(c);
  for (int i = 0; i < 10; ++i) advance(std::chrono::milliseconds(300));
  EXPECT_EQ(a.plis_received(), 0u);
}

TEST_F(ForwarderTest, SpeechIsMeasuredPerMicrophoneAndAPausedOneReadsSilent) {
  TestPeer& a = connect("A", 2);
  meeting::ProducerSpec mic = mic_producer("A");
  mic.extensions[1] = meeting::kAudioLevelExtensionId;  // the publisher's id 1
  forwarder_.add_producer(mic);
  advance(Forwarder::kAudioLevelInterval);
  levels_.clear();

  const std::vector<std::uint8_t> opus(40, 0xAB);
  std::uint16_t seq = 1;
  auto speak = [&](std::uint8_t level, int packets) {
    for (int i = 0; i < packets; ++i, ++seq)
      a.send_audio(3333, 111, seq, seq * 960u, opus, 1, level);
    pump();
  };
  speak(30, 6);  // speech
  speak(90, 2);  // background noise
  advance(Forwarder::kAudioLevelInterval);
  ASSERT_EQ(levels_.size(), 1u);
  ASSERT_EQ(levels_[0].size(), 1u);
  EXPECT_EQ(levels_[0][0].producer_id, "M1");
  EXPECT_FLOAT_EQ(levels_[0][0].activity, 0.75f);

  // Nothing in the next interval: silence.
  advance(Forwarder::kAudioLevelInterval);
  ASSERT_EQ(levels_.size(), 2u);
  EXPECT_FLOAT_EQ(levels_[1][0].activity, 0.0f);

  // A muted (paused) producer's speech does not count.
  forwarder_.set_producer_paused("M1", true);
  speak(20, 8);
  advance(Forwarder::kAudioLevelInterval);
  ASSERT_EQ(levels_.size(), 3u);
  EXPECT_FLOAT_EQ(levels_[2][0].activity, 0.0f);
}

}  // namespace
}  // namespace confab::sfu
