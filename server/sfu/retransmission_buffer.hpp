#pragma once
// Per published stream: the last N plain RTP packets by sequence number, to answer a
// subscriber's NACK. Slots are preallocated on first use and reused, so storing allocates
// nothing once every slot has held a packet.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "sfu/seq_math.hpp"

namespace confab::sfu {

class RetransmissionBuffer {
 public:
  using Clock = std::chrono::steady_clock;

  // `slots`: a power of two (at most 8192); `max_packet`: larger packets are not stored;
  // `max_age`: older packets are not returned.
  RetransmissionBuffer(std::size_t slots = 1024, std::size_t max_packet = 1500,
                       Clock::duration max_age = std::chrono::seconds(2));

  // Copies `packet` (sequence `seq`) in. False, storing nothing, if it is too large, or older
  // than the window of `slots` packets behind the newest stored (it would evict a newer one).
  // A packet with the same seq as a stored one replaces it. One 16384 or more behind is taken
  // for a restart of the source's numbering: the buffer is cleared and starts again from it.
  bool store(std::uint16_t seq, std::span<const std::uint8_t> packet, Clock::time_point now);
  // The stored packet `seq` if it is within the window and not older than max_age; the span
  // stays valid until the next store() or clear().
  std::optional<std::span<const std::uint8_t>> get(std::uint16_t seq, Clock::time_point now) const;
  void clear();

  std::size_t capacity() const { return slots_.size(); }
  std::size_t max_packet() const { return max_packet_; }

 private:
  struct Slot {
    std::vector<std::uint8_t> bytes;  // reserved to max_packet on first use
    Clock::time_point stored_at{};
    std::uint16_t seq = 0;
    bool used = false;
  };

  std::vector<Slot> slots_;
  std::size_t max_packet_;
  Clock::duration max_age_;
  bool any_ = false;
  std::uint16_t newest_ = 0;
};

}  // namespace confab::sfu
