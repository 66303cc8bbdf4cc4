#pragma once
// Wrap-safe arithmetic on RTP sequence numbers (16 bits) and timestamps (32 bits): the one home
// for "is this newer", so that no file compares counters with a bare `<`.
#include <concepts>
#include <cstdint>
#include <type_traits>

namespace confab::sfu {

// The signed distance from `b` forward to `a` (a - b). Exactly half the counter space comes out as
// the most negative value.
template <std::unsigned_integral T>
constexpr std::make_signed_t<T> seq_diff(T a, T b) {
  return static_cast<std::make_signed_t<T>>(static_cast<T>(a - b));
}

// True if `a` comes after `b`: less than half the counter space ahead. Exactly half-way is
// neither newer nor older, so is_newer(a, b) and is_newer(b, a) are never both true.
template <std::unsigned_integral T>
constexpr bool is_newer(T a, T b) {
  return seq_diff(a, b) > 0;
}
template <std::unsigned_integral T>
constexpr bool is_older(T a, T b) {
  return is_newer(b, a);
}
template <std::unsigned_integral T>
constexpr bool is_newer_or_equal(T a, T b) {
  return a == b || is_newer(a, b);
}

// Extends a wrapping 16-bit sequence into a 64-bit one that never wraps, relative to the newest
// value seen: a value up to 2^15 - 1 ahead is newer, up to 2^15 behind is older.
class SeqUnwrapper {
 public:
  std::int64_t unwrap(std::uint16_t seq) {
    if (!started_) {
      started_ = true;
      last_ = seq;
      return last_;
    }
    std::int64_t value = last_ + seq_diff(seq, static_cast<std::uint16_t>(last_));
    if (value > last_) last_ = value;
    return value;
  }
  // What unwrap(seq) would return, without moving the reference.
  std::int64_t peek(std::uint16_t seq) const {
    if (!started_) return seq;
    return last_ + seq_diff(seq, static_cast<std::uint16_t>(last_));
  }
  bool started() const { return started_; }
  std::int64_t newest() const { return last_; }
  void reset() { *this = SeqUnwrapper{}; }

 private:
  bool started_ = false;
  std::int64_t last_ = 0;
};

}  // namespace confab::sfu
