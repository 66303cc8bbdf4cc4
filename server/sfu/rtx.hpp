#pragma once
// RTP retransmission payload format (RFC 4588): an RTX packet carries the original sequence
// number (OSN) in its first two payload bytes, on its own payload type, SSRC and sequence. Both
// directions work in place on the caller's buffer.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "sfu/rtp_packet.hpp"

namespace confab::sfu {

// The original sequence number of an RTX packet; nothing if its payload is shorter than 2
// bytes (a padding-only probe, which carries no media).
std::optional<std::uint16_t> rtx_original_sequence(const RtpPacket& rtx);

// Turns the RTX packet at the start of `buffer` (of `size` bytes) back into the original:
// payload type, SSRC and the OSN as sequence number, the OSN removed (the payload moves 2 bytes
// towards the header; padding is dropped). Returns the new size, or nothing if it is not a
// valid RTP packet with an OSN.
std::optional<std::size_t> rtx_decode(std::span<std::uint8_t> buffer, std::size_t size,
                                      std::uint8_t original_pt, std::uint32_t original_ssrc);

// Turns the plain RTP packet at the start of `buffer` (of `size` bytes) into an RTX packet:
// inserts its sequence number before the payload (which moves 2 bytes away; padding is
// dropped) and sets the RTX payload type, SSRC and sequence number. `buffer` needs 2 bytes of
// room after the packet. Returns the new size, or nothing if it is not valid RTP or no room.
std::optional<std::size_t> rtx_encode(std::span<std::uint8_t> buffer, std::size_t size,
                                      std::uint8_t rtx_pt, std::uint32_t rtx_ssrc,
                                      std::uint16_t rtx_seq);

}  // namespace confab::sfu
