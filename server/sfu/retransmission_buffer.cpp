#include "sfu/retransmission_buffer.hpp"

#include <stdexcept>

namespace confab::sfu {

namespace {
constexpr int kRestartDistance = 0x4000;
}  // namespace

RetransmissionBuffer::RetransmissionBuffer(std::size_t slots, std::size_t max_packet,
                                           Clock::duration max_age)
    : slots_(slots), max_packet_(max_packet), max_age_(max_age) {
  if (slots == 0 || slots > 8192 || (slots & (slots - 1)) != 0) {
    throw std::invalid_argument("RetransmissionBuffer: slots must be a power of two <= 8192");
  }
}

bool RetransmissionBuffer::store(std::uint16_t seq, std::span<const std::uint8_t> packet,
                                 Clock::time_point now) {
  if (packet.size() > max_packet_) return false;
  if (any_) {
    const int ahead = seq_diff(seq, newest_);
    if (ahead <= -kRestartDistance) {
      clear();  // far outside any reordering: the source restarted its numbering
      any_ = true;
      newest_ = seq;
    } else if (ahead <= -static_cast<int>(slots_.size())) {
      return false;
    } else if (ahead > 0) {
      newest_ = seq;
    }
  } else {
    any_ = true;
    newest_ = seq;
  }
  Slot& slot = slots_[seq & (slots_.size() - 1)];
  if (slot.bytes.capacity() < max_packet_) slot.bytes.reserve(max_packet_);
  slot.bytes.assign(packet.begin(), packet.end());
  slot.stored_at = now;
  slot.seq = seq;
  slot.used = true;
  return true;
}

std::optional<std::span<const std::uint8_t>> RetransmissionBuffer::get(
    std::uint16_t seq, Clock::time_point now) const {
  if (!any_) return std::nullopt;
  const int behind = seq_diff(newest_, seq);
  if (behind < 0 || behind >= static_cast<int>(slots_.size())) return std::nullopt;
  const Slot& slot = slots_[seq & (slots_.size() - 1)];
  if (!slot.used || slot.seq != seq || now - slot.stored_at > max_age_) return std::nullopt;
  return std::span<const std::uint8_t>(slot.bytes);
}

void RetransmissionBuffer::clear() {
  for (Slot& slot : slots_) slot.used = false;
  any_ = false;
}

}  // namespace confab::sfu
