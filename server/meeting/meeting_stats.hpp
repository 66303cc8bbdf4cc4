#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>

namespace confab::meeting {

// A snapshot for /metrics.
struct MeetingStats {
  std::size_t rooms = 0;
  std::size_t participants = 0;
  std::size_t waiting = 0;             // knocked, not admitted yet
  std::uint64_t messages_relayed = 0;  // offer/answer/ice_candidate delivered
  std::uint64_t chat_messages = 0;
  std::uint64_t chat_messages_pruned = 0;  // deleted by retention (age or per-room cap)
  // Every error code, including those never seen (0), so metric label sets are stable.
  std::map<std::string, std::uint64_t, std::less<>> errors_by_code;
  // Refusals by abuse limit (error.hpp's Limit), every limit listed.
  std::map<std::string, std::uint64_t, std::less<>> limits_hit;
};

}  // namespace confab::meeting
