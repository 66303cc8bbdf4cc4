#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "common/clock.hpp"
#include "common/random.hpp"
#include "common/rate_limit.hpp"
#include "json/json_writer.hpp"
#include "meeting/dominant_speaker.hpp"
#include "meeting/event.hpp"
#include "meeting/last_n.hpp"
#include "meeting/media_router.hpp"
#include "meeting/meeting_config.hpp"
#include "meeting/outbox.hpp"
#include "meeting/room_directory.hpp"
#include "meeting/rtp_parameters.hpp"

namespace confab::meeting {

// What a producer carries; each member has at most one producer per source.
enum class MediaSource { mic, camera, screen, screen_audio };
inline constexpr std::size_t kMediaSourceCount = 4;
std::string_view to_string(MediaSource source);
std::optional<MediaSource> parse_media_source(std::string_view text);
MediaKind kind_of(MediaSource source);

// The meeting side of the SFU (docs/protocol-sfu.md): a room's mode, the sfu_* events, and
// each member's transports, producers and consumers, driven through the MediaRouter port.
// Ownership is checked on every id: a member can only name its own transports, producers and
// consumers, and only consume producers of its own room; anything else is unknown_*. Every
// sfu_* event needs a joined member of an SFU room (not_in_room, then sfu_unavailable), and a
// refused request changes nothing and sends nothing.
class SfuSignaling final : public MediaEvents {
 public:
  // The tile heights (device pixels) up to which a consumer prefers simulcast layer 0, then 1;
  // above: layer 2. The height that counts is max(height, width * 9 / 16): the tile is filled
  // by a landscape camera picture (object-fit: cover), so a wide tile needs more rows.
  static constexpr double kLayer0MaxHeight = 200;
  static constexpr double kLayer1MaxHeight = 400;
  static std::uint8_t spatial_layer_for(double width, double height, std::size_t layers);

  // `config.media_router` null: no SFU (rooms stay meshes, sfu_* are sfu_unavailable).
  SfuSignaling(RoomDirectory& rooms, Outbox& outbox, common::RandomSource& random,
               common::Clock& clock, const MeetingConfig& config);

  // `event` must be one of the sfu_* events.
  nlohmann::json handle(const ParticipantId& from, Event event, const nlohmann::json& payload);

  // Membership's hooks, around its own notifications.
  // `joined` was just added to `room`: past mesh_max members the room becomes an SFU room and
  // the other members get `room_mode` (the joiner learns the mode from its ack).
  void member_joined(Room& room, const ParticipantId& joined);
  // `id` was just removed from `room`: its transports are closed on the router (with their
  // producers and consumers) and the members left get `sfu_producer_closed` for each producer.
  void member_left(Room& room, const ParticipantId& id);
  // `room` is about to be dropped: every transport left in it is closed, its state freed.
  void room_closed(const Room& room);
  // A join ack's `mode`, and in an SFU room its `producers`: those of the other members.
  void write_join_fields(json::JsonWriter& out, const Room& room, const ParticipantId& self) const;

  // The data plane closed a transport (consent expired, DTLS failed): its producers and
  // consumers are forgotten as if closed, and its owner gets `sfu_transport_closed`.
  void transport_closed(const std::string& transport_id, std::string_view reason) override;
  // Each room's dominant speaker follows its members' mic readings; a change is sent to the
  // room as `active_speaker`.
  // Each speaker change also moves last-N forwarding (sfu_last_n.cpp).
  void audio_levels(const std::vector<AudioLevel>& levels) override;

  std::size_t transport_count() const { return transports_.size(); }

 private:
  struct Transport {
    std::string id;
    bool connected = false;
  };
  struct Producer {
    std::string id;
    ParticipantId owner;
    MediaSource source = MediaSource::mic;
    ProducerParameters parameters;
    bool paused = false;
    // Simulcast: the highest layer the publisher was last told to send (sfu_producer_layers);
    // it starts sending all of them.
    std::uint8_t max_spatial_layer = 0;
  };
  struct Consumer {
    std::string producer_id;
    MediaKind kind = MediaKind::audio;
    std::uint32_t ssrc = 0;
    std::uint32_t rtx_ssrc = 0;
    bool paused = true;  // by its owner (sfu_pause_consumer); starts paused
    bool held = false;   // by last-N; the router forwards only if neither
    // The preferred spatial layer given to the router; the data plane starts at the highest.
    std::uint8_t spatial_layer = 0;
  };
  // One member's objects. All its producers are on `send`, all its consumers on `recv`.
  struct PeerMedia {
    std::optional<Transport> send;
    std::optional<Transport> recv;
    std::array<std::string, kMediaSourceCount> producers;  // ids by source; empty: none
    std::unordered_map<std::string, Consumer> consumers;   // by id
  };
  struct RoomMedia {
    explicit RoomMedia(std::size_t n) : last_n(n) {}
    std::unordered_map<ParticipantId, PeerMedia> peers;
    std::unordered_map<std::string, Producer> producers;  // by id
    DominantSpeaker speaker;
    LastN last_n;
  };
  struct TransportOwner {
    std::string room;
    ParticipantId owner;
  };
  // The request's context: the sender, its SFU room and its objects.
  struct Caller {
    const ParticipantId& id;
    Room& room;
    RoomMedia& media;
    PeerMedia& peer;
  };

  nlohmann::json capabilities(const nlohmann::json& payload);
  nlohmann::json create_transport(Caller& caller, const nlohmann::json& payload);
  nlohmann::json connect_transport(Caller& caller, const nlohmann::json& payload);
  nlohmann::json restart_ice(Caller& caller, const nlohmann::json& payload);
  nlohmann::json produce(Caller& caller, const nlohmann::json& payload);
  nlohmann::json close_producer(Caller& caller, const nlohmann::json& payload);
  nlohmann::json pause_producer(Caller& caller, const nlohmann::json& payload, bool paused);
  nlohmann::json consume(Caller& caller, const nlohmann::json& payload);
  nlohmann::json pause_consumer(Caller& caller, const nlohmann::json& payload, bool paused);
  nlohmann::json request_keyframe(Caller& caller, const nlohmann::json& payload);
  nlohmann::json pin(Caller& caller, const nlohmann::json& payload);

  // Last-N (sfu_last_n.cpp). The room's media, made on first use with every member in the order.
  RoomMedia& media_of(const Room& room);
  // Whether last-N holds back `subscriber`'s consumer of `producer` now.
  bool held_by_last_n(const RoomMedia& media, const ParticipantId& subscriber,
                      const Producer& producer) const;
  // Brings every consumer's `held` in line with last-N: the router hears only of consumers
  // whose forwarding changes, and their owners get `sfu_consumer_forwarding`.
  void refresh_forwarding(RoomMedia& media);
  nlohmann::json consumer_layers(Caller& caller, const nlohmann::json& payload);
  // Tells a simulcast producer's publisher the highest layer any unpaused consumer prefers,
  // when it changed (sfu_producer_layers). A producer that is gone is ignored.
  void update_publisher_layers(RoomMedia& media, const std::string& producer_id);

  Transport& own_transport(PeerMedia& peer, const std::string& id);
  Producer& own_producer(Caller& caller, const std::string& id);
  Consumer& own_consumer(PeerMedia& peer, const std::string& id);

  // Forget without telling the router (the caller closes what needs closing there).
  void forget_producer(Room& room, RoomMedia& media, const std::string& producer_id);
  void forget_consumer(PeerMedia& peer, const std::string& consumer_id);
  void forget_transport(Room& room, RoomMedia& media, PeerMedia& peer, bool send);
  // Closes the peer's transports on the router and forgets them.
  void close_peer(Room& room, RoomMedia& media, PeerMedia& peer);

  std::string new_id();
  std::uint32_t new_ssrc(const PeerMedia& peer, std::uint32_t other);

  RoomDirectory& rooms_;
  Outbox& outbox_;
  common::RandomSource& random_;
  common::Clock& clock_;
  const MeetingConfig& config_;
  // sfu_create_transport per participant id (the connection: leaving and rejoining does not
  // refill it).
  common::KeyedRateLimiter transport_rate_;
  common::KeyedRateLimiter layers_rate_;  // sfu_consumer_layers per participant id
  MediaRouter* router_;
  std::unordered_map<std::string, RoomMedia> media_;            // by room id, while the room lives
  std::unordered_map<std::string, TransportOwner> transports_;  // every live transport by id
  std::unordered_set<std::string> ids_;  // live transport, producer and consumer ids
};

}  // namespace confab::meeting
