#pragma once
// RFC 7983 demultiplexing: what one UDP datagram on the media port is, from its first bytes.
#include <cstdint>
#include <span>

namespace confab::sfu {

enum class PacketKind { Stun, Dtls, Rtp, Rtcp, Unknown };

// STUN: first byte 0..3, at least a 20-byte header with the magic cookie. DTLS: first byte 20..63
// and a full 13-byte record header. RTP/RTCP: first byte 128..191 (version 2); RTCP when the
// second byte (the packet type with RTP's marker bit) is 192..223 (RFC 5761), RTP otherwise
// with at least a 12-byte header. Anything else (ZRTP, TURN channels, runts) is Unknown.
PacketKind classify(std::span<const std::uint8_t> datagram);

const char* to_string(PacketKind kind);

}  // namespace confab::sfu
