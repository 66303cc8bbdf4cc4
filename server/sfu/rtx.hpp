#pragma once
// RTX (RFC 4588): a retransmission travels on its own SSRC and payload type with the original
// sequence number in front of the payload.
#include <cstddef>
#include <cstdint>
#include <span>

namespace confab::sfu {

// The RTX packet in data[0, len) becomes the original (ssrc, payload type, sequence number
// from the OSN); len shrinks by 2. False if it carries no OSN.
bool unwrap_rtx(std::span<std::uint8_t> data, std::size_t& len, std::uint32_t ssrc,
                std::uint8_t payload_type);
// The packet in buffer[0, len) becomes its RTX form; len grows by 2, so the buffer needs
// the room. False if it has none or the packet is malformed.
bool wrap_rtx(std::span<std::uint8_t> buffer, std::size_t& len, std::uint32_t rtx_ssrc,
              std::uint8_t rtx_payload_type, std::uint16_t rtx_sequence);

}  // namespace confab::sfu
