#pragma once
#include <nlohmann/json.hpp>
#include <optional>

#include "meeting/participant.hpp"

namespace confab::meeting {

// A validated `media_state` payload; absent fields keep their current value.
struct MediaStateUpdate {
  std::optional<bool> audio;
  std::optional<bool> video;
  std::optional<bool> screen;
  std::optional<bool> hand;

  // Throws bad_request naming the first non-boolean field.
  static MediaStateUpdate parse(const nlohmann::json& payload);
  void apply_to(MediaState& state) const;
};

}  // namespace confab::meeting
