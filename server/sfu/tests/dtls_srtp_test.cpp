// DTLS-derived keys drive SrtpSession: what the SFU does once a browser's handshake is done.
#include <gtest/gtest.h>

#include <array>

#include "sfu/srtp_session.hpp"
#include "sfu/tests/dtls_pair.hpp"

namespace confab::sfu {
namespace {

using Direction = SrtpSession::Direction;
using Result = SrtpSession::Result;

struct Media {
  SrtpSession outbound;
  SrtpSession inbound;
};

Media sessions_from(const SrtpKeys& keys) {
  auto out = SrtpSession::create(keys.profile, Direction::Outbound, keys.local_master);
  auto in = SrtpSession::create(keys.profile, Direction::Inbound, keys.remote_master);
  EXPECT_TRUE(out && in);
  return Media{std::move(*out), std::move(*in)};
}

void expect_media_flows(Media& from, Media& to) {
  std::array<std::uint8_t, 1500> buffer{};
  const std::array<std::uint8_t, 16> rtp{0x80, 0x6f, 0x12, 0x34, 0,   0,   0x10, 0,
                                         0xca, 0xfe, 0xba, 0xbe, 'o', 'p', 'u',  's'};
  std::copy(rtp.begin(), rtp.end(), buffer.begin());
  std::size_t len = rtp.size();
  ASSERT_EQ(from.outbound.protect_rtp(buffer.data(), len, buffer.size()), Result::Ok);
  ASSERT_EQ(to.inbound.unprotect_rtp(buffer.data(), len), Result::Ok);
  EXPECT_TRUE(std::equal(rtp.begin(), rtp.end(), buffer.begin()) && len == rtp.size());

  const std::array<std::uint8_t, 8> rtcp{0x80, 201, 0, 1, 0xca, 0xfe, 0xba, 0xbe};
  std::copy(rtcp.begin(), rtcp.end(), buffer.begin());
  len = rtcp.size();
  ASSERT_EQ(from.outbound.protect_rtcp(buffer.data(), len, buffer.size()), Result::Ok);
  ASSERT_EQ(to.inbound.unprotect_rtcp(buffer.data(), len), Result::Ok);
  EXPECT_TRUE(std::equal(rtcp.begin(), rtcp.end(), buffer.begin()) && len == rtcp.size());

  // The receiver's own outbound key is not the sender's: a packet protected with it fails.
  std::copy(rtp.begin(), rtp.end(), buffer.begin());
  len = rtp.size();
  buffer[3] = 0x35;
  ASSERT_EQ(to.outbound.protect_rtp(buffer.data(), len, buffer.size()), Result::Ok);
  EXPECT_EQ(to.inbound.unprotect_rtp(buffer.data(), len), Result::AuthFail);
}

class DtlsSrtpTest : public ::testing::TestWithParam<SrtpProfile> {};

TEST_P(DtlsSrtpTest, HandshakeKeysProtectMediaBothWays) {
  DtlsContext::Options server;
  server.srtp_profiles = {GetParam()};
  test::Pair pair(server, {});
  pair.connect();
  ASSERT_TRUE(pair.server.keys && pair.client.keys);
  ASSERT_EQ(pair.server.keys->profile, GetParam());

  Media sfu = sessions_from(*pair.server.keys);
  Media browser = sessions_from(*pair.client.keys);
  expect_media_flows(browser, sfu);
  expect_media_flows(sfu, browser);
}

INSTANTIATE_TEST_SUITE_P(Profiles, DtlsSrtpTest,
                         ::testing::Values(SrtpProfile::Aes128CmSha1_80,
                                           SrtpProfile::AeadAes128Gcm),
                         [](const auto& info) {
                           return info.param == SrtpProfile::AeadAes128Gcm ? "AeadAes128Gcm"
                                                                           : "Aes128CmSha1_80";
                         });

}  // namespace
}  // namespace confab::sfu
