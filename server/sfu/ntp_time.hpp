#pragma once
// NTP timestamps as RTCP uses them (RFC 3550 4): 32.32 fixed point seconds since 1900, and the
// "middle 32 bits" (16.16) that LSR, DLSR and round-trip times are measured in.
#include <chrono>
#include <cstdint>
#include <optional>

namespace confab::sfu {

// Seconds from 1900-01-01 to the Unix epoch.
constexpr std::uint64_t kNtpUnixOffset = 2208988800ull;

inline std::uint64_t to_ntp(std::chrono::system_clock::time_point t) {
  const auto since_epoch =
      std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch());
  const auto seconds = static_cast<std::uint64_t>(since_epoch.count() / 1'000'000'000);
  const auto nanos = static_cast<std::uint64_t>(since_epoch.count() % 1'000'000'000);
  return ((seconds + kNtpUnixOffset) << 32) | ((nanos << 32) / 1'000'000'000);
}

inline std::uint32_t ntp_middle32(std::uint64_t ntp) {
  return static_cast<std::uint32_t>(ntp >> 16);
}

// `ntp` moved on by `d` (not negative), in 32.32 fixed point.
inline std::uint64_t ntp_plus(std::uint64_t ntp, std::chrono::nanoseconds d) {
  if (d.count() <= 0) return ntp;
  const auto n = static_cast<std::uint64_t>(d.count());
  const std::uint64_t seconds = n / 1'000'000'000;
  const std::uint64_t fraction = ((n % 1'000'000'000) << 32) / 1'000'000'000;
  return ntp + (seconds << 32) + fraction;
}

// A 1/65536 s count (DLSR) as a duration.
inline std::chrono::microseconds from_ntp_short(std::uint32_t units) {
  return std::chrono::microseconds((std::uint64_t{units} * 1'000'000) >> 16);
}

// A duration in 1/65536 s, the unit of DLSR.
inline std::uint32_t to_ntp_short(std::chrono::nanoseconds d) {
  if (d.count() <= 0) return 0;
  return static_cast<std::uint32_t>((static_cast<std::uint64_t>(d.count()) << 16) /
                                    1'000'000'000ull);
}

// The round-trip time from a report block about our stream (RFC 3550 6.4.1): now - LSR - DLSR,
// with `now` the middle 32 bits of our NTP clock when the report arrived. Nothing if the block
// has no LSR (no SR received yet) or the result would be negative.
inline std::optional<std::chrono::microseconds> rtt_from_report(std::uint32_t last_sr,
                                                                std::uint32_t delay_since_sr,
                                                                std::uint32_t now_middle32) {
  if (last_sr == 0) return std::nullopt;
  const std::uint32_t rtt = now_middle32 - last_sr - delay_since_sr;
  if (rtt >= 0x80000000u) return std::nullopt;  // negative: clocks or a bad report
  return std::chrono::microseconds((std::uint64_t{rtt} * 1'000'000) >> 16);
}

}  // namespace confab::sfu
