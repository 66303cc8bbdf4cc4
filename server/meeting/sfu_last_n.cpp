// SfuSignaling's last-N side: which camera consumers the router forwards, and sfu_pin.
#include <algorithm>

#include "meeting/error_code.hpp"
#include "meeting/payload_reader.hpp"
#include "meeting/sfu_signaling.hpp"

namespace confab::meeting {

namespace {

using nlohmann::json;

// Members whose camera is on: a camera that is off (paused) or absent takes no last-N slot.
// (A template: SfuSignaling's Producer is private to it.)
template <typename Producers>
std::unordered_set<ParticipantId> camera_publishers(const Producers& producers) {
  std::unordered_set<ParticipantId> publishers;
  for (const auto& [id, producer] : producers) {
    if (producer.source == MediaSource::camera && !producer.paused) {
      publishers.insert(producer.owner);
    }
  }
  return publishers;
}

}  // namespace

SfuSignaling::RoomMedia& SfuSignaling::media_of(const Room& room) {
  auto [media, made] = media_.try_emplace(room.id(), config_.last_n);
  // A room turns into an SFU room with members in it: they start in join order.
  if (made) {
    for (const auto& member : room.members()) media->second.last_n.joined(member.id);
  }
  return media->second;
}

bool SfuSignaling::held_by_last_n(const RoomMedia& media, const ParticipantId& subscriber,
                                  const Producer& producer) const {
  // Screen shares and audio are never cut.
  if (producer.source != MediaSource::camera) return false;
  return !media.last_n.cameras_for(subscriber, camera_publishers(media.producers))
              .contains(producer.owner);
}

void SfuSignaling::refresh_forwarding(RoomMedia& media) {
  const auto publishers = camera_publishers(media.producers);
  std::unordered_set<std::string> changed;  // producers whose forwarded consumers changed
  for (auto& [subscriber, peer] : media.peers) {
    std::optional<std::unordered_set<ParticipantId>> cameras;  // computed on the first camera
    for (auto& [id, consumer] : peer.consumers) {
      const auto found = media.producers.find(consumer.producer_id);
      if (found == media.producers.end() || found->second.source != MediaSource::camera) continue;
      if (!cameras) cameras = media.last_n.cameras_for(subscriber, publishers);
      const bool held = !cameras->contains(found->second.owner);
      if (held == consumer.held) continue;
      consumer.held = held;
      changed.insert(consumer.producer_id);
      // The owner's own pause stands: a consumer it paused stays paused on the router.
      if (!consumer.paused) router_->set_consumer_paused(id, held);
      outbox_.send(subscriber, "sfu_consumer_forwarding",
                   json{{"consumer_id", id},
                        {"producer_id", consumer.producer_id},
                        {"user_id", found->second.owner},
                        {"forwarded", !held}});
    }
  }
  // The layers their publishers encode follow the consumers that remain.
  for (const auto& producer_id : changed) update_publisher_layers(media, producer_id);
}

json SfuSignaling::pin(Caller& caller, const json& payload) {
  if (!payload.is_object()) {
    throw RequestError(ErrorCode::bad_request, "payload must be a JSON object");
  }
  const auto user_ids = payload.find("user_ids");
  if (user_ids == payload.end()) throw_bad_field("user_ids", "is required");
  if (!user_ids->is_array() || user_ids->size() > LastN::kMaxPins) {
    throw_bad_field("user_ids",
                    "must be an array of at most " + std::to_string(LastN::kMaxPins) + " user ids");
  }
  std::vector<ParticipantId> pins;
  for (const auto& user_id : *user_ids) {
    if (!user_id.is_string()) throw_bad_field("user_ids", "must hold strings");
    const auto& id = user_id.get_ref<const std::string&>();
    if (id == caller.id || caller.room.find(id) == nullptr) {
      throw RequestError(ErrorCode::unknown_peer, "user_ids must name other members of your room");
    }
    pins.push_back(id);
  }
  caller.media.last_n.pin(caller.id, pins);
  refresh_forwarding(caller.media);
  return json{{"ok", true}};
}

}  // namespace confab::meeting
