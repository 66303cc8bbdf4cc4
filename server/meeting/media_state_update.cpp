#include "meeting/media_state_update.hpp"

#include "meeting/payload_reader.hpp"

namespace confab::meeting {

MediaStateUpdate MediaStateUpdate::parse(const nlohmann::json& payload) {
  const PayloadReader reader(payload);
  return MediaStateUpdate{.audio = reader.optional_bool("audio"),
                          .video = reader.optional_bool("video"),
                          .screen = reader.optional_bool("screen"),
                          .hand = reader.optional_bool("hand")};
}

void MediaStateUpdate::apply_to(MediaState& state) const {
  state.audio = audio.value_or(state.audio);
  state.video = video.value_or(state.video);
  state.screen = screen.value_or(state.screen);
  state.hand = hand.value_or(state.hand);
}

}  // namespace confab::meeting
