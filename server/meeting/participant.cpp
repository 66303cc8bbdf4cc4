#include "meeting/participant.hpp"

namespace confab::meeting {

namespace {
constexpr std::size_t kCapacity = 192;  // fits ids, a long name and the flags
}  // namespace

std::string_view to_string(Role role) {
  return role == Role::host ? "host" : "guest";
}

void write_participant(json::JsonWriter& out, const Participant& participant,
                       ParticipantShape shape) {
  const MediaState& media = participant.media;
  out.begin_object().field("user_id", participant.id);
  if (shape == ParticipantShape::waiter) {
    out.field("name", participant.name).end_object();
    return;
  }
  if (shape == ParticipantShape::ack_entry) out.field("id", participant.id);
  if (shape != ParticipantShape::peer_state) {
    out.field("name", participant.name).field("role", to_string(participant.role));
  }
  out.field("audio", media.audio)
      .field("video", media.video)
      .field("screen", media.screen)
      .field("hand", media.hand)
      .end_object();
}

std::string participant_text(const Participant& participant, ParticipantShape shape) {
  json::JsonWriter out(kCapacity);
  write_participant(out, participant, shape);
  return out.take();
}

}  // namespace confab::meeting
