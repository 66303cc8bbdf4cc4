#include "meeting/sfu_signaling.hpp"

#include <algorithm>
#include <cctype>
#include <exception>

#include "common/hex.hpp"
#include "common/random.hpp"
#include "meeting/error_code.hpp"
#include "meeting/payload_reader.hpp"
#include "meeting/room_broadcast.hpp"

namespace confab::meeting {

namespace {

using nlohmann::json;

constexpr std::size_t kIdLength = 20;  // [a-z0-9]: ~103 bits, unique by construction anyway
constexpr std::size_t kMaxFingerprints = 8;
constexpr int kMaxTileDimension = 16384;

constexpr std::array<std::string_view, kMediaSourceCount> kSourceNames = {"mic", "camera", "screen",
                                                                          "screen_audio"};

json ok() {
  return json{{"ok", true}};
}

// socket.emit('sfu_capabilities', ack) sends no argument at all, which reaches us as null.
void check_empty_payload(const json& payload) {
  if (!payload.is_null() && !payload.is_object()) {
    throw RequestError(ErrorCode::bad_request, "payload must be a JSON object");
  }
}

[[noreturn]] void bad_dtls(std::string_view what) {
  throw RequestError(ErrorCode::bad_dtls_parameters, "dtls_parameters." + std::string(what));
}

// "AB:CD:...": 32 bytes of SHA-256, returned in upper case as the data plane compares it.
std::string sha256_fingerprint(const json& value) {
  if (!value.is_string()) bad_dtls("fingerprints[].value must be a string");
  std::string text = value.get<std::string>();
  if (!common::parse_colon_hex(text, 32))
    bad_dtls("fingerprints[].value must be 32 hex bytes separated by ':'");
  std::transform(text.begin(), text.end(), text.begin(), [](char c) {
    return static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  });
  return text;
}

// The client's sha-256 fingerprint. The SFU is ICE-lite and always the DTLS server
// (a=setup:passive), so the client's role must be client (or auto, which resolves to it).
std::string client_fingerprint(const json& dtls) {
  if (const auto role = dtls.find("role"); role != dtls.end() && !role->is_null()) {
    if (!role->is_string() || (*role != "client" && *role != "auto")) {
      bad_dtls("role must be \"client\": the SFU is the DTLS server");
    }
  }
  const auto fingerprints = dtls.find("fingerprints");
  if (fingerprints == dtls.end() || !fingerprints->is_array() || fingerprints->empty() ||
      fingerprints->size() > kMaxFingerprints) {
    bad_dtls("fingerprints must be an array of 1..8 {algorithm, value}");
  }
  std::optional<std::string> sha256;
  for (const auto& entry : *fingerprints) {
    if (!entry.is_object()) bad_dtls("fingerprints[] must be objects");
    const auto algorithm = entry.find("algorithm");
    const auto value = entry.find("value");
    if (algorithm == entry.end() || !algorithm->is_string() || value == entry.end() ||
        !value->is_string()) {
      bad_dtls("fingerprints[] must have string algorithm and value");
    }
    if (*algorithm == "sha-256" && !sha256) sha256 = sha256_fingerprint(*value);
  }
  if (!sha256) bad_dtls("fingerprints must include a sha-256 one");
  return *sha256;
}

json ice_parameters_json(const IceParameters& ice) {
  return json{{"usernameFragment", ice.ufrag}, {"password", ice.pwd}, {"iceLite", true}};
}

json transport_json(const std::string& id, const TransportInfo& info) {
  json candidates = json::array();
  for (const auto& candidate : info.candidates) {
    candidates.push_back({{"foundation", candidate.foundation},
                          {"priority", candidate.priority},
                          {"ip", candidate.ip},
                          {"address", candidate.ip},
                          {"protocol", "udp"},
                          {"port", candidate.port},
                          {"type", "host"}});
  }
  return json{{"id", id},
              {"iceParameters", ice_parameters_json(info.ice)},
              {"iceCandidates", std::move(candidates)},
              {"dtlsParameters",
               {{"role", "auto"},
                {"fingerprints",
                 json::array({{{"algorithm", "sha-256"}, {"value", info.fingerprint_sha256}}})}}}};
}

MediaKind required_kind(const PayloadReader& reader) {
  const auto kind = reader.required_string("kind");
  if (kind == "audio") return MediaKind::audio;
  if (kind == "video") return MediaKind::video;
  throw_bad_field("kind", "must be \"audio\" or \"video\"");
}

}  // namespace

std::string_view to_string(MediaSource source) {
  return kSourceNames[static_cast<std::size_t>(source)];
}

std::optional<MediaSource> parse_media_source(std::string_view text) {
  for (std::size_t i = 0; i < kSourceNames.size(); ++i) {
    if (kSourceNames[i] == text) return static_cast<MediaSource>(i);
  }
  return std::nullopt;
}

MediaKind kind_of(MediaSource source) {
  return source == MediaSource::mic || source == MediaSource::screen_audio ? MediaKind::audio
                                                                           : MediaKind::video;
}

SfuSignaling::SfuSignaling(RoomDirectory& rooms, Outbox& outbox, common::RandomSource& random,
                           common::Clock& clock, const MeetingConfig& config)
    : rooms_(rooms),
      outbox_(outbox),
      random_(random),
      clock_(clock),
      config_(config),
      transport_rate_(config.sfu_transport_rate),
      layers_rate_(config.sfu_layers_rate),
      router_(config.media_router) {}

json SfuSignaling::handle(const ParticipantId& from, Event event, const json& payload) {
  Room& room = rooms_.joined_room(from);
  if (router_ == nullptr) {
    throw RequestError(ErrorCode::sfu_unavailable, "this server has no SFU");
  }
  if (room.mode() != RoomMode::sfu) {
    throw RequestError(ErrorCode::sfu_unavailable, "this room is a mesh: no SFU until it grows");
  }
  if (event == Event::sfu_capabilities) return capabilities(payload);
  RoomMedia& media = media_of(room);
  Caller caller{from, room, media, media.peers[from]};
  switch (event) {
    case Event::sfu_create_transport:
      return create_transport(caller, payload);
    case Event::sfu_connect_transport:
      return connect_transport(caller, payload);
    case Event::sfu_restart_ice:
      return restart_ice(caller, payload);
    case Event::sfu_produce:
      return produce(caller, payload);
    case Event::sfu_close_producer:
      return close_producer(caller, payload);
    case Event::sfu_pause_producer:
      return pause_producer(caller, payload, true);
    case Event::sfu_resume_producer:
      return pause_producer(caller, payload, false);
    case Event::sfu_consume:
      return consume(caller, payload);
    case Event::sfu_pause_consumer:
      return pause_consumer(caller, payload, true);
    case Event::sfu_resume_consumer:
      return pause_consumer(caller, payload, false);
    case Event::sfu_request_keyframe:
      return request_keyframe(caller, payload);
    case Event::sfu_pin:
      return pin(caller, payload);
    case Event::sfu_consumer_layers:
      return consumer_layers(caller, payload);
    default:
      break;
  }
  throw RequestError(ErrorCode::unknown_event, "unknown event");
}

json SfuSignaling::capabilities(const json& payload) {
  check_empty_payload(payload);
  return json{{"ok", true}, {"rtp_capabilities", router_rtp_capabilities()}};
}

json SfuSignaling::create_transport(Caller& caller, const json& payload) {
  const auto& direction = PayloadReader(payload).required_string("direction");
  if (direction != "send" && direction != "recv") {
    throw_bad_field("direction", "must be \"send\" or \"recv\"");
  }
  const bool send = direction == "send";
  const std::int64_t now = clock_.now_ms();
  if (!transport_rate_.allow(caller.id, now)) {
    throw RequestError(ErrorCode::too_many_transports,
                       "transports are created too often: wait before the next one",
                       Limit::sfu_transports, transport_rate_.ms_until_available(caller.id, now));
  }
  std::string id = new_id();
  TransportInfo info;
  try {
    info = router_->create_transport(caller.room.id(), id);
  } catch (...) {
    ids_.erase(id);
    throw;
  }
  // A second transport of a direction replaces the first (a client that starts over).
  if (auto& old = send ? caller.peer.send : caller.peer.recv) {
    router_->close_transport(old->id);
    forget_transport(caller.room, caller.media, caller.peer, send);
    refresh_forwarding(caller.media);
  }
  (send ? caller.peer.send : caller.peer.recv) = Transport{id, false};
  transports_.emplace(id, TransportOwner{caller.room.id(), caller.id});
  return json{{"ok", true}, {"transport", transport_json(id, info)}};
}

json SfuSignaling::connect_transport(Caller& caller, const json& payload) {
  const PayloadReader reader(payload);
  Transport& transport = own_transport(caller.peer, reader.required_string("transport_id"));
  const std::string fingerprint = client_fingerprint(reader.required_object("dtls_parameters"));
  if (transport.connected) {
    throw RequestError(ErrorCode::bad_request, "transport is already connected");
  }
  router_->connect_transport(transport.id, "sha-256", fingerprint);
  transport.connected = true;
  return ok();
}

json SfuSignaling::restart_ice(Caller& caller, const json& payload) {
  const PayloadReader reader(payload);
  const Transport& transport = own_transport(caller.peer, reader.required_string("transport_id"));
  const IceParameters ice = router_->restart_ice(transport.id);
  return json{{"ok", true}, {"ice_parameters", ice_parameters_json(ice)}};
}

json SfuSignaling::produce(Caller& caller, const json& payload) {
  const PayloadReader reader(payload);
  const auto& transport_id = reader.required_string("transport_id");
  const MediaKind kind = required_kind(reader);
  const auto source = parse_media_source(reader.required_string("source"));
  if (!source)
    throw_bad_field("source", "must be \"mic\", \"camera\", \"screen\" or \"screen_audio\"");
  if (kind_of(*source) != kind) {
    throw_bad_field("kind", "must be " + std::string(to_string(kind_of(*source))) +
                                " for source '" + std::string(to_string(*source)) + "'");
  }
  const json& rtp_parameters = reader.required_object("rtp_parameters");
  const bool paused = reader.optional_bool("paused").value_or(false);
  if (!caller.peer.send || caller.peer.send->id != transport_id) {
    throw RequestError(ErrorCode::unknown_transport, "transport_id is not your send transport");
  }
  std::string& slot = caller.peer.producers[static_cast<std::size_t>(*source)];
  if (!slot.empty()) {
    throw RequestError(ErrorCode::source_taken,
                       "you already produce " + std::string(to_string(*source)));
  }
  ProducerParameters parameters = parse_producer_parameters(kind, rtp_parameters);
  // The data plane tells a transport's streams apart by SSRC.
  for (const auto& other_id : caller.peer.producers) {
    if (other_id.empty()) continue;
    const auto& other = caller.media.producers.at(other_id).parameters;
    for (const auto& layer : parameters.encodings) {
      for (const std::uint32_t ssrc : {layer.ssrc, layer.rtx_ssrc}) {
        const bool taken = std::any_of(
            other.encodings.begin(), other.encodings.end(),
            [&](const EncodingSpec& e) { return ssrc == e.ssrc || ssrc == e.rtx_ssrc; });
        if (ssrc != 0 && taken) {
          throw RequestError(ErrorCode::bad_rtp_parameters,
                             "rtp_parameters.encodings ssrc " + std::to_string(ssrc) +
                                 " is already sent by another of your producers");
        }
      }
    }
  }
  // Consumers' streams join the producer's owner by cname (lip sync); a cname-less producer
  // (a simulcast camera: Chrome writes no cname then) takes that of the owner's first other
  // producer (Chrome has one cname per connection), or the owner's id.
  if (parameters.cname.empty()) {
    parameters.cname = caller.id;
    for (const auto& other_id : caller.peer.producers) {
      if (other_id.empty()) continue;
      parameters.cname = caller.media.producers.at(other_id).parameters.cname;
      break;
    }
  }

  std::string id = new_id();
  ProducerSpec spec{.id = id,
                    .transport_id = transport_id,
                    .kind = kind,
                    .encodings = parameters.encodings,
                    .mid = parameters.mid,
                    .mid_extension_id = parameters.mid_extension_id,
                    .rid_extension_id = parameters.rid_extension_id,
                    .repaired_rid_extension_id = parameters.repaired_rid_extension_id,
                    .payload_type = parameters.payload_type,
                    .rtx_payload_type = parameters.rtx_payload_type,
                    .router_payload_type = parameters.router_payload_type,
                    .router_rtx_payload_type = parameters.router_rtx_payload_type,
                    .clock_rate = parameters.clock_rate,
                    .extensions = parameters.extensions,
                    .paused = paused};
  try {
    router_->create_producer(spec);
  } catch (...) {
    ids_.erase(id);
    throw;
  }
  slot = id;
  caller.media.producers.emplace(
      id, Producer{.id = id,
                   .owner = caller.id,
                   .source = *source,
                   .parameters = std::move(parameters),
                   .paused = paused,
                   .max_spatial_layer = static_cast<std::uint8_t>(spec.encodings.size() - 1)});
  send_to_others(outbox_, caller.room, caller.id, "sfu_producer_added",
                 json{{"producer_id", id},
                      {"user_id", caller.id},
                      {"kind", to_string(kind)},
                      {"source", to_string(*source)}});
  refresh_forwarding(caller.media);
  return json{{"ok", true}, {"producer_id", id}};
}

json SfuSignaling::close_producer(Caller& caller, const json& payload) {
  const PayloadReader reader(payload);
  const std::string id = own_producer(caller, reader.required_string("producer_id")).id;
  router_->close_producer(id);
  forget_producer(caller.room, caller.media, id);
  refresh_forwarding(caller.media);
  return ok();
}

json SfuSignaling::pause_producer(Caller& caller, const json& payload, bool paused) {
  const PayloadReader reader(payload);
  Producer& producer = own_producer(caller, reader.required_string("producer_id"));
  if (producer.paused == paused) return ok();
  router_->set_producer_paused(producer.id, paused);
  producer.paused = paused;
  send_to_others(outbox_, caller.room, caller.id,
                 paused ? "sfu_producer_paused" : "sfu_producer_resumed",
                 json{{"producer_id", producer.id}, {"user_id", caller.id}});
  refresh_forwarding(caller.media);
  return ok();
}

json SfuSignaling::consume(Caller& caller, const json& payload) {
  const PayloadReader reader(payload);
  const auto& transport_id = reader.required_string("transport_id");
  const auto& producer_id = reader.required_string("producer_id");
  const json& rtp_capabilities = reader.required_object("rtp_capabilities");
  if (!caller.peer.recv || caller.peer.recv->id != transport_id) {
    throw RequestError(ErrorCode::unknown_transport, "transport_id is not your recv transport");
  }
  // Only the caller's room is searched: another room's producer is as unknown as a made-up id.
  const auto found = caller.media.producers.find(producer_id);
  if (found == caller.media.producers.end() || found->second.owner == caller.id) {
    throw RequestError(ErrorCode::unknown_producer,
                       "producer_id is not another member's producer in your room");
  }
  const Producer& producer = found->second;
  const std::uint32_t ssrc = new_ssrc(caller.peer, 0);
  const std::uint32_t rtx_ssrc = new_ssrc(caller.peer, ssrc);
  ConsumerParameters parameters =
      consumer_parameters(producer.parameters, rtp_capabilities, ssrc, rtx_ssrc);

  // One consumer per producer and member: consuming again (a retry, a fresh receiver)
  // replaces the old one, which its owner is told about.
  const auto old =
      std::find_if(caller.peer.consumers.begin(), caller.peer.consumers.end(),
                   [&](const auto& entry) { return entry.second.producer_id == producer_id; });
  if (old != caller.peer.consumers.end()) {
    const std::string old_id = old->first;
    router_->close_consumer(old_id);
    forget_consumer(caller.peer, old_id);
    outbox_.send(caller.id, "sfu_consumer_closed", json{{"consumer_id", old_id}});
    update_publisher_layers(caller.media, producer_id);
  }

  const bool held = held_by_last_n(caller.media, caller.id, producer);
  const bool rtx = parameters.rtx_payload_type != 0;
  std::string id = new_id();
  const ConsumerSpec spec{.id = id,
                          .transport_id = transport_id,
                          .producer_id = producer_id,
                          .kind = producer.parameters.kind,
                          .ssrc = ssrc,
                          .rtx_ssrc = rtx ? rtx_ssrc : 0,
                          .payload_type = parameters.payload_type,
                          .rtx_payload_type = parameters.rtx_payload_type,
                          .paused = true};
  try {
    router_->create_consumer(spec);
  } catch (...) {
    ids_.erase(id);
    throw;
  }
  caller.peer.consumers.emplace(id, Consumer{.producer_id = producer_id,
                                             .kind = spec.kind,
                                             .ssrc = spec.ssrc,
                                             .rtx_ssrc = spec.rtx_ssrc,
                                             .paused = true,
                                             .held = held,
                                             .spatial_layer = static_cast<std::uint8_t>(
                                                 producer.parameters.encodings.size() - 1)});
  return json{{"ok", true},
              {"consumer",
               {{"id", id},
                {"producer_id", producer_id},
                {"user_id", producer.owner},
                {"kind", to_string(spec.kind)},
                {"source", to_string(producer.source)},
                {"rtp_parameters", std::move(parameters.rtp_parameters)},
                {"producer_paused", producer.paused},
                {"forwarded", !held}}}};
}

json SfuSignaling::pause_consumer(Caller& caller, const json& payload, bool paused) {
  const PayloadReader reader(payload);
  const auto& id = reader.required_string("consumer_id");
  Consumer& consumer = own_consumer(caller.peer, id);
  if (consumer.paused == paused) return ok();
  // Held back by last-N, it stays paused on the router whatever its owner wants.
  if (!consumer.held) router_->set_consumer_paused(id, paused);
  consumer.paused = paused;
  update_publisher_layers(caller.media, consumer.producer_id);
  return ok();
}

std::uint8_t SfuSignaling::spatial_layer_for(double width, double height, std::size_t layers) {
  const double rows = std::max(height, width * 9 / 16);
  const std::size_t wanted = rows <= kLayer0MaxHeight ? 0 : rows <= kLayer1MaxHeight ? 1 : 2;
  return static_cast<std::uint8_t>(std::min(wanted, layers == 0 ? 0 : layers - 1));
}

json SfuSignaling::consumer_layers(Caller& caller, const json& payload) {
  const PayloadReader reader(payload);
  const auto& id = reader.required_string("consumer_id");
  auto dimension = [&](std::string_view field) {
    const auto value = payload.find(field);
    // Device pixels of one tile: fractional is fine, beyond any screen is not.
    if (value == payload.end() || !value->is_number() || value->get<double>() < 0 ||
        value->get<double>() > kMaxTileDimension) {
      throw_bad_field(field, "must be a number 0.." + std::to_string(kMaxTileDimension));
    }
    return value->get<double>();
  };
  const double width = dimension("width");
  const double height = dimension("height");
  Consumer& consumer = own_consumer(caller.peer, id);
  if (consumer.kind != MediaKind::video) {
    throw RequestError(ErrorCode::bad_request, "consumer_id is an audio consumer: no layers");
  }
  const std::int64_t now = clock_.now_ms();
  if (!layers_rate_.allow(caller.id, now)) {
    throw RequestError(ErrorCode::rate_limited, "layer preferences come too often; slow down",
                       Limit::sfu_layers, layers_rate_.ms_until_available(caller.id, now));
  }
  const auto& encodings = caller.media.producers.at(consumer.producer_id).parameters.encodings;
  const std::uint8_t spatial = spatial_layer_for(width, height, encodings.size());
  if (spatial == consumer.spatial_layer) return json{{"ok", true}, {"spatial_layer", spatial}};
  consumer.spatial_layer = spatial;
  router_->set_consumer_preferred_layers(
      id, spatial, static_cast<std::uint8_t>(encodings[spatial].temporal_layers - 1));
  update_publisher_layers(caller.media, consumer.producer_id);
  return json{{"ok", true}, {"spatial_layer", spatial}};
}

void SfuSignaling::update_publisher_layers(RoomMedia& media, const std::string& producer_id) {
  const auto found = media.producers.find(producer_id);
  if (found == media.producers.end()) return;
  Producer& producer = found->second;
  if (producer.parameters.encodings.size() < 2) return;
  // Nobody watching: the lowest layer stays on, so the next viewer sees a picture at once.
  std::uint8_t wanted = 0;
  for (const auto& [member, peer] : media.peers) {
    for (const auto& [id, consumer] : peer.consumers) {
      // A consumer last-N holds back receives nothing: it wants no layer either.
      if (consumer.producer_id == producer_id && !consumer.paused && !consumer.held) {
        wanted = std::max(wanted, consumer.spatial_layer);
      }
    }
  }
  if (wanted == producer.max_spatial_layer) return;
  producer.max_spatial_layer = wanted;
  outbox_.send(producer.owner, "sfu_producer_layers",
               json{{"producer_id", producer_id}, {"max_spatial_layer", wanted}});
}

json SfuSignaling::request_keyframe(Caller& caller, const json& payload) {
  const PayloadReader reader(payload);
  const auto& id = reader.required_string("consumer_id");
  // Audio has no keyframes: nothing to ask for.
  if (own_consumer(caller.peer, id).kind == MediaKind::video) router_->request_keyframe(id);
  return ok();
}

SfuSignaling::Transport& SfuSignaling::own_transport(PeerMedia& peer, const std::string& id) {
  if (peer.send && peer.send->id == id) return *peer.send;
  if (peer.recv && peer.recv->id == id) return *peer.recv;
  throw RequestError(ErrorCode::unknown_transport, "transport_id is not one of your transports");
}

SfuSignaling::Producer& SfuSignaling::own_producer(Caller& caller, const std::string& id) {
  const auto found = caller.media.producers.find(id);
  if (found == caller.media.producers.end() || found->second.owner != caller.id) {
    throw RequestError(ErrorCode::unknown_producer, "producer_id is not one of your producers");
  }
  return found->second;
}

SfuSignaling::Consumer& SfuSignaling::own_consumer(PeerMedia& peer, const std::string& id) {
  const auto found = peer.consumers.find(id);
  if (found == peer.consumers.end()) {
    throw RequestError(ErrorCode::unknown_consumer, "consumer_id is not one of your consumers");
  }
  return found->second;
}

void SfuSignaling::forget_producer(Room& room, RoomMedia& media, const std::string& producer_id) {
  const auto found = media.producers.find(producer_id);
  if (found == media.producers.end()) return;
  const ParticipantId owner = found->second.owner;
  // The router closed the consumers with the producer; their owners learn it from
  // sfu_producer_closed (no sfu_consumer_closed for each).
  for (auto& [member, peer] : media.peers) {
    std::erase_if(peer.consumers, [&](const auto& entry) {
      if (entry.second.producer_id != producer_id) return false;
      ids_.erase(entry.first);
      return true;
    });
    if (member == owner) {
      std::replace(peer.producers.begin(), peer.producers.end(), producer_id, std::string());
    }
  }
  media.producers.erase(found);
  ids_.erase(producer_id);
  send_to_others(outbox_, room, owner, "sfu_producer_closed",
                 json{{"producer_id", producer_id}, {"user_id", owner}});
}

void SfuSignaling::forget_consumer(PeerMedia& peer, const std::string& consumer_id) {
  peer.consumers.erase(consumer_id);
  ids_.erase(consumer_id);
}

void SfuSignaling::forget_transport(Room& room, RoomMedia& media, PeerMedia& peer, bool send) {
  std::optional<Transport>& transport = send ? peer.send : peer.recv;
  if (!transport) return;
  if (send) {
    const auto producers = peer.producers;  // a copy: forgetting clears the slots
    for (const auto& id : producers) {
      if (!id.empty()) forget_producer(room, media, id);
    }
  } else {
    std::vector<std::string> consumed;
    for (const auto& [id, consumer] : peer.consumers) {
      ids_.erase(id);
      consumed.push_back(consumer.producer_id);
    }
    peer.consumers.clear();
    for (const auto& producer_id : consumed) update_publisher_layers(media, producer_id);
  }
  transports_.erase(transport->id);
  ids_.erase(transport->id);
  transport.reset();
}

void SfuSignaling::close_peer(Room& room, RoomMedia& media, PeerMedia& peer) {
  for (const bool send : {true, false}) {
    const std::optional<Transport>& transport = send ? peer.send : peer.recv;
    if (!transport) continue;
    router_->close_transport(transport->id);
    forget_transport(room, media, peer, send);
  }
}

void SfuSignaling::member_joined(Room& room, const ParticipantId& joined) {
  if (const auto media = media_.find(room.id()); media != media_.end()) {
    media->second.last_n.joined(joined);
  }
  if (router_ == nullptr || room.mode() == RoomMode::sfu || room.size() <= config_.mesh_max) {
    return;
  }
  room.set_mode(RoomMode::sfu);
  // Before new_user, so no member starts a mesh connection to the newcomer.
  send_text_to_others(outbox_, room, joined, "room_mode", R"({"mode":"sfu"})");
}

void SfuSignaling::member_left(Room& room, const ParticipantId& id) {
  const auto media = media_.find(room.id());
  if (media == media_.end()) return;
  media->second.speaker.forget(id);
  media->second.last_n.left(id);
  const auto peer = media->second.peers.find(id);
  if (peer != media->second.peers.end()) {
    close_peer(room, media->second, peer->second);
    media->second.peers.erase(peer);
  }
  refresh_forwarding(media->second);
}

void SfuSignaling::room_closed(const Room& room) {
  const auto media = media_.find(room.id());
  if (media == media_.end()) return;
  for (auto& [member, peer] : media->second.peers) {
    for (const auto* transport : {&peer.send, &peer.recv}) {
      if (!*transport) continue;
      router_->close_transport((*transport)->id);
      transports_.erase((*transport)->id);
    }
  }
  for (const auto& [id, producer] : media->second.producers) ids_.erase(id);
  for (const auto& [member, peer] : media->second.peers) {
    for (const auto* transport : {&peer.send, &peer.recv}) {
      if (*transport) ids_.erase((*transport)->id);
    }
    for (const auto& [id, consumer] : peer.consumers) ids_.erase(id);
  }
  media_.erase(media);
}

void SfuSignaling::write_join_fields(confab::json::JsonWriter& out, const Room& room,
                                     const ParticipantId& self) const {
  out.field("mode", to_string(room.mode()));
  if (room.mode() != RoomMode::sfu) return;
  const auto media = media_.find(room.id());
  if (media != media_.end() && media->second.speaker.current()) {
    out.field("active_speaker", *media->second.speaker.current());
  }
  out.key("producers").begin_array();
  if (media != media_.end()) {
    for (const auto& member : room.members()) {  // join order, then source order
      if (member.id == self) continue;
      const auto peer = media->second.peers.find(member.id);
      if (peer == media->second.peers.end()) continue;
      for (const auto& id : peer->second.producers) {
        if (id.empty()) continue;
        const Producer& producer = media->second.producers.at(id);
        out.begin_object()
            .field("producer_id", id)
            .field("user_id", member.id)
            .field("kind", to_string(producer.parameters.kind))
            .field("source", to_string(producer.source))
            .end_object();
      }
    }
  }
  out.end_array();
}

void SfuSignaling::transport_closed(const std::string& transport_id, std::string_view reason) {
  try {
    const auto owner = transports_.find(transport_id);
    if (owner == transports_.end()) return;  // already closed by the meeting
    const TransportOwner where = owner->second;
    Room* room = rooms_.find(where.room);
    if (room == nullptr) return;  // cannot happen: room_closed forgets the room's transports
    RoomMedia& media = media_.at(where.room);
    PeerMedia& peer = media.peers.at(where.owner);
    const bool send = peer.send && peer.send->id == transport_id;
    forget_transport(*room, media, peer, send);
    outbox_.send(where.owner, "sfu_transport_closed",
                 json{{"transport_id", transport_id}, {"reason", reason}});
    refresh_forwarding(media);
  } catch (const std::exception& error) {
    if (config_.on_internal_error) config_.on_internal_error("transport_closed", error.what());
  }
}

void SfuSignaling::audio_levels(const std::vector<AudioLevel>& levels) {
  try {
    std::unordered_map<std::string_view, float> activity;
    for (const auto& level : levels) activity.emplace(level.producer_id, level.activity);
    for (auto& [room_id, media] : media_) {
      // A report covers one worker: rooms with no mic in it live elsewhere, or are silent.
      std::vector<DominantSpeaker::Reading> readings;
      for (const auto& [id, producer] : media.producers) {
        if (producer.source != MediaSource::mic) continue;
        const auto reading = activity.find(id);
        if (reading != activity.end()) readings.push_back({producer.owner, reading->second});
      }
      if (readings.empty()) continue;
      const auto speaker = media.speaker.update(readings);
      Room* room = speaker ? rooms_.find(room_id) : nullptr;
      if (room != nullptr) {
        send_to_everyone(outbox_, *room, "active_speaker", json{{"user_id", *speaker}});
        media.last_n.spoke(*speaker);
        refresh_forwarding(media);
      }
    }
  } catch (const std::exception& error) {
    if (config_.on_internal_error) config_.on_internal_error("audio_levels", error.what());
  }
}

std::string SfuSignaling::new_id() {
  for (;;) {
    std::string id = common::random_token(random_, kIdLength);
    if (ids_.insert(id).second) return id;
  }
}

std::uint32_t SfuSignaling::new_ssrc(const PeerMedia& peer, std::uint32_t other) {
  for (;;) {
    const auto ssrc = static_cast<std::uint32_t>(random_.next_u64() >> 32);
    if (ssrc == 0 || ssrc == other) continue;
    const bool used = std::any_of(peer.consumers.begin(), peer.consumers.end(), [&](const auto& c) {
      return c.second.ssrc == ssrc || c.second.rtx_ssrc == ssrc;
    });
    if (!used) return ssrc;
  }
}

}  // namespace confab::meeting
