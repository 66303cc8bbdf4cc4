#include "sfu/packet_kind.hpp"

#include "sfu/byte_io.hpp"

namespace confab::sfu {

namespace {
constexpr std::uint32_t kStunMagicCookie = 0x2112A442;
constexpr std::size_t kStunHeaderSize = 20;
constexpr std::size_t kDtlsRecordHeaderSize = 13;
constexpr std::size_t kRtpHeaderSize = 12;
constexpr std::size_t kRtcpMinSize = 8;  // header + sender SSRC
}  // namespace

PacketKind classify(std::span<const std::uint8_t> datagram) {
  if (datagram.empty()) return PacketKind::Unknown;
  const std::uint8_t first = datagram[0];
  if (first <= 3) {
    if (datagram.size() >= kStunHeaderSize && load_u32(datagram.data() + 4) == kStunMagicCookie) {
      return PacketKind::Stun;
    }
    return PacketKind::Unknown;
  }
  if (first >= 20 && first <= 63) {
    return datagram.size() >= kDtlsRecordHeaderSize ? PacketKind::Dtls : PacketKind::Unknown;
  }
  if (first >= 128 && first <= 191) {
    if (datagram.size() < 2) return PacketKind::Unknown;
    const std::uint8_t second = datagram[1];
    if (second >= 192 && second <= 223) {
      return datagram.size() >= kRtcpMinSize ? PacketKind::Rtcp : PacketKind::Unknown;
    }
    return datagram.size() >= kRtpHeaderSize ? PacketKind::Rtp : PacketKind::Unknown;
  }
  return PacketKind::Unknown;
}

const char* to_string(PacketKind kind) {
  switch (kind) {
    case PacketKind::Stun:
      return "stun";
    case PacketKind::Dtls:
      return "dtls";
    case PacketKind::Rtp:
      return "rtp";
    case PacketKind::Rtcp:
      return "rtcp";
    case PacketKind::Unknown:
      break;
  }
  return "unknown";
}

}  // namespace confab::sfu
