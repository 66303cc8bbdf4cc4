#include "sfu/srtp_session.hpp"

#include <gtest/gtest.h>

#include <array>
#include <numeric>
#include <vector>

namespace confab::sfu {
namespace {

using Direction = SrtpSession::Direction;
using Result = SrtpSession::Result;

std::vector<std::uint8_t> master_for(SrtpProfile profile, std::uint8_t seed) {
  std::vector<std::uint8_t> key(srtp_master_length(profile));
  std::iota(key.begin(), key.end(), seed);
  return key;
}

// An RTP packet (V=2, PT 96) in a buffer with room for the trailer.
struct Packet {
  std::array<std::uint8_t, 1500> buffer{};
  std::size_t len = 0;

  static Packet rtp(std::uint16_t seq, std::uint32_t ssrc = 0x11223344, std::size_t payload = 160) {
    Packet p;
    p.buffer[0] = 0x80;
    p.buffer[1] = 96;
    p.buffer[2] = static_cast<std::uint8_t>(seq >> 8);
    p.buffer[3] = static_cast<std::uint8_t>(seq);
    p.buffer[4] = 0x00;
    p.buffer[5] = 0x01;
    p.buffer[6] = 0x02;
    p.buffer[7] = 0x03;
    for (int i = 0; i < 4; ++i) p.buffer[8 + i] = static_cast<std::uint8_t>(ssrc >> (24 - 8 * i));
    for (std::size_t i = 0; i < payload; ++i)
      p.buffer[12 + i] = static_cast<std::uint8_t>(i * 3 + seq);
    p.len = 12 + payload;
    return p;
  }

  // A receiver report with one report block.
  static Packet rtcp(std::uint32_t ssrc = 0x11223344) {
    Packet p;
    p.buffer[0] = 0x81;
    p.buffer[1] = 201;
    p.buffer[2] = 0;
    p.buffer[3] = 7;
    for (int i = 0; i < 4; ++i) p.buffer[4 + i] = static_cast<std::uint8_t>(ssrc >> (24 - 8 * i));
    for (std::size_t i = 8; i < 32; ++i) p.buffer[i] = static_cast<std::uint8_t>(i);
    p.len = 32;
    return p;
  }

  std::vector<std::uint8_t> bytes() const { return {buffer.begin(), buffer.begin() + len}; }
  Result protect_rtp(SrtpSession& s) { return s.protect_rtp(buffer.data(), len, buffer.size()); }
  Result unprotect_rtp(SrtpSession& s) { return s.unprotect_rtp(buffer.data(), len); }
  Result protect_rtcp(SrtpSession& s) { return s.protect_rtcp(buffer.data(), len, buffer.size()); }
  Result unprotect_rtcp(SrtpSession& s) { return s.unprotect_rtcp(buffer.data(), len); }
};

class SrtpSessionTest : public ::testing::TestWithParam<SrtpProfile> {
 protected:
  SrtpProfile profile() const { return GetParam(); }
  SrtpSession make(Direction direction, std::uint8_t seed = 1) {
    auto key = master_for(profile(), seed);
    auto session = SrtpSession::create(profile(), direction, key);
    EXPECT_TRUE(session.has_value());
    return std::move(*session);
  }
};

TEST_P(SrtpSessionTest, ProfileIsAvailable) {
  EXPECT_TRUE(srtp_profile_available(profile()));
}

TEST_P(SrtpSessionTest, RtpRoundTrip) {
  SrtpSession out = make(Direction::Outbound);
  SrtpSession in = make(Direction::Inbound);
  for (std::uint16_t seq = 100; seq < 110; ++seq) {
    Packet p = Packet::rtp(seq);
    const auto plain = p.bytes();
    ASSERT_EQ(p.protect_rtp(out), Result::Ok);
    EXPECT_EQ(p.len, plain.size() + out.rtp_trailer());
    // Header in clear, payload encrypted.
    EXPECT_TRUE(std::equal(plain.begin(), plain.begin() + 12, p.buffer.begin()));
    EXPECT_FALSE(std::equal(plain.begin() + 12, plain.end(), p.buffer.begin() + 12));
    ASSERT_EQ(p.unprotect_rtp(in), Result::Ok);
    EXPECT_EQ(p.bytes(), plain);
  }
}

TEST_P(SrtpSessionTest, RtcpRoundTrip) {
  SrtpSession out = make(Direction::Outbound);
  SrtpSession in = make(Direction::Inbound);
  for (int i = 0; i < 5; ++i) {
    Packet p = Packet::rtcp();
    const auto plain = p.bytes();
    ASSERT_EQ(p.protect_rtcp(out), Result::Ok);
    EXPECT_EQ(p.len, plain.size() + out.rtcp_trailer());
    ASSERT_EQ(p.unprotect_rtcp(in), Result::Ok);
    EXPECT_EQ(p.bytes(), plain);
  }
}

TEST_P(SrtpSessionTest, EverySsrcOfTheTransportIsServed) {
  SrtpSession out = make(Direction::Outbound);
  SrtpSession in = make(Direction::Inbound);
  for (std::uint32_t ssrc : {1u, 0xdeadbeefu, 42u}) {
    Packet p = Packet::rtp(7, ssrc);
    const auto plain = p.bytes();
    ASSERT_EQ(p.protect_rtp(out), Result::Ok);
    ASSERT_EQ(p.unprotect_rtp(in), Result::Ok);
    EXPECT_EQ(p.bytes(), plain);
  }
}

TEST_P(SrtpSessionTest, TamperedPacketsFailAuthentication) {
  SrtpSession out = make(Direction::Outbound);
  SrtpSession in = make(Direction::Inbound);
  for (std::size_t flip : {std::size_t{1}, std::size_t{20}, std::size_t{12 + 160 + 2}}) {
    Packet p = Packet::rtp(static_cast<std::uint16_t>(200 + flip));
    ASSERT_EQ(p.protect_rtp(out), Result::Ok);
    p.buffer[flip] ^= 0x01;
    EXPECT_EQ(p.unprotect_rtp(in), Result::AuthFail) << "flipped byte " << flip;
  }
  Packet r = Packet::rtcp();
  ASSERT_EQ(r.protect_rtcp(out), Result::Ok);
  r.buffer[10] ^= 0x80;
  EXPECT_EQ(r.unprotect_rtcp(in), Result::AuthFail);
}

TEST_P(SrtpSessionTest, ReplayedPacketsAreRefused) {
  SrtpSession out = make(Direction::Outbound);
  SrtpSession in = make(Direction::Inbound);
  Packet p = Packet::rtp(500);
  ASSERT_EQ(p.protect_rtp(out), Result::Ok);
  const Packet copy = p;
  ASSERT_EQ(p.unprotect_rtp(in), Result::Ok);
  Packet replay = copy;
  EXPECT_EQ(replay.unprotect_rtp(in), Result::ReplayFail);

  Packet r = Packet::rtcp();
  ASSERT_EQ(r.protect_rtcp(out), Result::Ok);
  const Packet rtcp_copy = r;
  ASSERT_EQ(r.unprotect_rtcp(in), Result::Ok);
  Packet rtcp_replay = rtcp_copy;
  EXPECT_EQ(rtcp_replay.unprotect_rtcp(in), Result::ReplayFail);
}

TEST_P(SrtpSessionTest, PacketsOlderThanTheReplayWindowAreRefused) {
  SrtpSession out = make(Direction::Outbound);
  SrtpSession in = make(Direction::Inbound);
  Packet old = Packet::rtp(1000);
  ASSERT_EQ(old.protect_rtp(out), Result::Ok);
  Packet recent = Packet::rtp(1000 + 1100);
  ASSERT_EQ(recent.protect_rtp(out), Result::Ok);
  ASSERT_EQ(recent.unprotect_rtp(in), Result::Ok);
  EXPECT_EQ(old.unprotect_rtp(in), Result::ReplayFail);
  // Within the 1024 window, late but new packets still pass.
  Packet late = Packet::rtp(1000 + 1100 - 1000);
  ASSERT_EQ(late.protect_rtp(out), Result::Ok);
  EXPECT_EQ(late.unprotect_rtp(in), Result::Ok);
}

TEST_P(SrtpSessionTest, ARetransmissionOfTheSameSequenceCanBeProtectedAgain) {
  SrtpSession out = make(Direction::Outbound);
  SrtpSession in = make(Direction::Inbound);
  Packet first = Packet::rtp(300);
  Packet again = Packet::rtp(300);
  ASSERT_EQ(first.protect_rtp(out), Result::Ok);
  ASSERT_EQ(again.protect_rtp(out), Result::Ok);
  EXPECT_EQ(first.bytes(), again.bytes());
  ASSERT_EQ(first.unprotect_rtp(in), Result::Ok);
}

TEST_P(SrtpSessionTest, AWrongKeyFailsAuthentication) {
  SrtpSession out = make(Direction::Outbound, 1);
  SrtpSession in = make(Direction::Inbound, 2);
  Packet p = Packet::rtp(1);
  ASSERT_EQ(p.protect_rtp(out), Result::Ok);
  EXPECT_EQ(p.unprotect_rtp(in), Result::AuthFail);
  Packet r = Packet::rtcp();
  ASSERT_EQ(r.protect_rtcp(out), Result::Ok);
  EXPECT_EQ(r.unprotect_rtcp(in), Result::AuthFail);
}

TEST_P(SrtpSessionTest, BadArgumentsAreRefusedNotCrashed) {
  SrtpSession out = make(Direction::Outbound);
  SrtpSession in = make(Direction::Inbound);

  Packet p = Packet::rtp(1);
  const std::size_t len = p.len;
  // No room for the tag.
  EXPECT_EQ(out.protect_rtp(p.buffer.data(), p.len, p.len + out.rtp_trailer() - 1),
            Result::BadPacket);
  EXPECT_EQ(p.len, len);
  EXPECT_EQ(out.protect_rtcp(p.buffer.data(), p.len, p.len + out.rtcp_trailer() - 1),
            Result::BadPacket);
  // Too short to be RTP / RTCP.
  std::size_t tiny = 11;
  EXPECT_EQ(out.protect_rtp(p.buffer.data(), tiny, p.buffer.size()), Result::BadPacket);
  tiny = 7;
  EXPECT_EQ(out.protect_rtcp(p.buffer.data(), tiny, p.buffer.size()), Result::BadPacket);
  tiny = 12;
  EXPECT_EQ(in.unprotect_rtp(p.buffer.data(), tiny), Result::BadPacket);
  EXPECT_EQ(in.unprotect_rtcp(p.buffer.data(), tiny), Result::BadPacket);
  // Wrong direction.
  EXPECT_EQ(in.protect_rtp(p.buffer.data(), p.len, p.buffer.size()), Result::Error);
  EXPECT_EQ(out.unprotect_rtp(p.buffer.data(), p.len), Result::Error);

  // Garbage of every length is refused one way or another, never crashes.
  std::array<std::uint8_t, 400> junk{};
  for (std::size_t n = 0; n <= 300; ++n) {
    for (std::size_t i = 0; i < n; ++i) junk[i] = static_cast<std::uint8_t>(i * 31 + n);
    std::size_t l = n;
    EXPECT_NE(in.unprotect_rtp(junk.data(), l), Result::Ok);
    l = n;
    EXPECT_NE(in.unprotect_rtcp(junk.data(), l), Result::Ok);
  }
}

TEST_P(SrtpSessionTest, WrongKeyLengthIsRefused) {
  std::vector<std::uint8_t> key(srtp_master_length(profile()) - 1, 7);
  EXPECT_FALSE(SrtpSession::create(profile(), Direction::Inbound, key).has_value());
  key.resize(srtp_master_length(profile()) + 1, 7);
  EXPECT_FALSE(SrtpSession::create(profile(), Direction::Inbound, key).has_value());
  EXPECT_FALSE(SrtpSession::create(profile(), Direction::Inbound, {}).has_value());
}

TEST_P(SrtpSessionTest, SessionsMove) {
  SrtpSession out = make(Direction::Outbound);
  SrtpSession in = make(Direction::Inbound);
  SrtpSession moved_out = std::move(out);
  std::optional<SrtpSession> holder;
  holder.emplace(std::move(in));
  Packet p = Packet::rtp(9);
  const auto plain = p.bytes();
  ASSERT_EQ(p.protect_rtp(moved_out), Result::Ok);
  ASSERT_EQ(p.unprotect_rtp(*holder), Result::Ok);
  EXPECT_EQ(p.bytes(), plain);
}

INSTANTIATE_TEST_SUITE_P(Profiles, SrtpSessionTest,
                         ::testing::Values(SrtpProfile::Aes128CmSha1_80,
                                           SrtpProfile::AeadAes128Gcm),
                         [](const auto& info) {
                           return info.param == SrtpProfile::AeadAes128Gcm ? "AeadAes128Gcm"
                                                                           : "Aes128CmSha1_80";
                         });

TEST(SrtpSession, ProfilesUseTheirOwnTagLength) {
  auto cm = SrtpSession::create(SrtpProfile::Aes128CmSha1_80, Direction::Outbound,
                                master_for(SrtpProfile::Aes128CmSha1_80, 1));
  auto gcm = SrtpSession::create(SrtpProfile::AeadAes128Gcm, Direction::Outbound,
                                 master_for(SrtpProfile::AeadAes128Gcm, 1));
  ASSERT_TRUE(cm && gcm);
  EXPECT_EQ(cm->rtp_trailer(), 10u);
  EXPECT_EQ(gcm->rtp_trailer(), 16u);
  EXPECT_LE(gcm->rtcp_trailer(), kSrtpMaxTrailer);
}

}  // namespace
}  // namespace confab::sfu
