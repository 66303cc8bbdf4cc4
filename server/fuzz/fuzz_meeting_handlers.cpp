// Fuzzes the meeting handlers' payload validation and room logic: a fresh Meeting (fake
// Outbox, in-memory SQLite store, fixed clock, seeded random source) fed a sequence of
// (participant, event name, JSON payload) derived from the input.
//
// Input format (hand-writable): one call per line, "<who> <event> <payload>".
//  - <who>: a token; its first byte mod 8 picks participant p0..p7; an 'm' anywhere in it
//    makes the call use the moving handle(..., json&&) overload instead of the const& one.
//  - <event>: any bytes up to the next space; "!disconnect" calls Meeting::disconnect.
//  - <payload>: the rest of the line parsed as JSON; empty means null (an emit without
//    arguments); text that is not JSON is passed as a JSON string.
//  - <event> "!transport_closed" with payload <n> reports (MediaEvents) the n-th transport
//    id seen as closed by the data plane (<who> is ignored).
//  - <event> "!audio_levels" with payload [[<n>, <activity>], ...] reports the n-th producer
//    id's speech reading (any number; <who> is ignored); what it delivers must be
//    `active_speaker` (and last-N's `sfu_consumer_forwarding`) to members of a room only.
//  - The meeting has an SFU (a checking fake MediaRouter) and mesh_max 1, so rooms switch;
//    last_n 1, so speakers, pins (sfu_pin) and cameras move last-N forwarding.
//    Ids are the server's, so inside a payload a string "#T<n>", "#P<n>" or "#C<n>" stands
//    for the n-th transport, producer or consumer id seen so far (modulo their count), and
//    "#VP8", "#OPUS", "#CAPS", "#DTLS" for realistic rtp_parameters (Chrome's), device
//    rtp_capabilities and dtls_parameters.
// Example:
//   0 join_room {"room":"r","name":"Ann"}
//   1m join_room {"room":"r"}
//   0 offer {"other_user_id":"p1","offer":{"type":"offer","sdp":"v=0"}}
//   0 sfu_create_transport {"direction":"send"}
//   0 sfu_produce {"transport_id":"#T0","kind":"video","source":"camera","rtp_parameters":"#VP8"}
//
// Invariants, checked against a shadow model of who is in (or waiting to enter) which room,
// kept from the acks and from what the meeting delivers (admitted, denied, kicked, ...):
//  - handle() never throws, and never answers internal_error (a handler let an exception
//    other than RequestError escape: the client's input reached an unchecked access);
//  - every ack is an object with a boolean `ok`; a failure has error {code, message} with
//    string fields; a failed call delivers nothing; unknown events get unknown_event;
//  - nothing is delivered to a participant outside the sender's room (a member of it or a
//    waiter at its door, before or after the call); relayed signals go to the named target
//    alone; what the sender says (signals, chat, media state) is stamped with its own id;
//  - rooms never exceed their capacity; a join ack lists exactly the other members;
//    Meeting::stats() agrees with the model;
//  - the fake router never gets a command about an id it does not hold (or a create with an
//    id it holds), a consumer is only made on a transport of the producer's room, and after
//    every call each live transport's owner is a member of the room it was made for (leaving,
//    kicks, disconnects and ends close them all).
#include <cstddef>
#include <cstdint>
#include <exception>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_check.hpp"
#include "meeting/media_router.hpp"
#include "meeting/meeting.hpp"
#include "store/sqlite_store.hpp"

namespace {

using confab::meeting::ParticipantId;
using nlohmann::json;

constexpr std::size_t kParticipants = 8;
constexpr std::size_t kRoomCapacity = 3;  // small, so room_full is reachable
constexpr std::size_t kMaxCalls = 64;

struct Delivery {
  ParticipantId to;
  std::string event;
  json data;
};

class RecordingOutbox final : public confab::meeting::Outbox {
 public:
  void send(const ParticipantId& to, std::string_view event, const json& data) override {
    sent.push_back({to, std::string(event), data});
  }
  std::vector<Delivery> sent;
};

class FixedClock final : public confab::common::Clock {
 public:
  std::int64_t now_ms() override { return 1'700'000'000'000; }
};

// Deterministic but well mixed (splitmix64): a counting source would repeat 16-character
// message ids every 36 draws (random_token takes each character from one draw mod 36).
class SplitMixRandomSource final : public confab::common::RandomSource {
 public:
  std::uint64_t next_u64() override {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

 private:
  std::uint64_t state_ = 0;
};

// The data plane as a set of ids, checking every command the meeting gives it.
class CheckingMediaRouter final : public confab::meeting::MediaRouter {
 public:
  struct Consumer {
    std::string transport;
    std::string producer;
  };
  confab::meeting::TransportInfo create_transport(std::string_view room,
                                                  const std::string& id) override {
    FUZZ_CHECK(!id.empty() && !known(id));
    transports[id] = std::string(room);
    return {.ice = {"ufrag", "password-0123456789abcdef"},
            .candidates = {{"udpcandidate", 1078862079, "203.0.113.7", 40000}},
            .fingerprint_sha256 = "AB:CD"};
  }
  void connect_transport(const std::string& id, std::string_view algorithm,
                         std::string_view fingerprint) override {
    FUZZ_CHECK(transports.contains(id) && algorithm == "sha-256" && fingerprint.size() == 95);
  }
  confab::meeting::IceParameters restart_ice(const std::string& id) override {
    FUZZ_CHECK(transports.contains(id));
    return {"ufrag2", "password-0123456789abcdef2"};
  }
  void close_transport(const std::string& id) override {
    FUZZ_CHECK(transports.contains(id));
    transports.erase(id);
    std::erase_if(producers, [&](const auto& p) {
      if (p.second != id) return false;
      drop_consumers_of(p.first);
      return true;
    });
    std::erase_if(consumers, [&](const auto& c) { return c.second.transport == id; });
  }
  void create_producer(const confab::meeting::ProducerSpec& spec) override {
    FUZZ_CHECK(!known(spec.id) && transports.contains(spec.transport_id));
    FUZZ_CHECK(!spec.encodings.empty() &&
               spec.encodings.size() <= confab::meeting::kMaxSimulcastLayers);
    std::vector<std::uint8_t> temporal;
    std::set<std::string> rids;
    for (const auto& layer : spec.encodings) {
      // Known by SSRC (then its RTX differs) or by rid (both SSRCs learnt: 0).
      FUZZ_CHECK(layer.ssrc != 0 ? layer.ssrc != layer.rtx_ssrc
                                 : !layer.rid.empty() && layer.rtx_ssrc == 0);
      FUZZ_CHECK(layer.rtx_ssrc == 0 || spec.rtx_payload_type != 0);
      FUZZ_CHECK(layer.temporal_layers >= 1 && layer.temporal_layers <= 3);
      // Layers without an SSRC are learnt from the rid extension, which must be negotiated.
      FUZZ_CHECK(layer.ssrc != 0 || spec.rid_extension_id != 0);
      FUZZ_CHECK(layer.rid.empty() || rids.insert(layer.rid).second);
      temporal.push_back(layer.temporal_layers);
    }
    FUZZ_CHECK(spec.kind == confab::meeting::MediaKind::video || spec.encodings.size() == 1);
    layers[spec.id] = std::move(temporal);
    for (std::size_t id = 0; id < spec.extensions.size(); ++id) {
      FUZZ_CHECK(spec.extensions[id] != 0 && spec.extensions[id] <= 14);
    }
    producers[spec.id] = spec.transport_id;
  }
  void close_producer(const std::string& id) override {
    FUZZ_CHECK(producers.contains(id));
    producers.erase(id);
    drop_consumers_of(id);
  }
  void set_producer_paused(const std::string& id, bool) override {
    FUZZ_CHECK(producers.contains(id));
  }
  void create_consumer(const confab::meeting::ConsumerSpec& spec) override {
    FUZZ_CHECK(!known(spec.id) && transports.contains(spec.transport_id));
    FUZZ_CHECK(producers.contains(spec.producer_id));
    // Never across rooms, never to its own transport.
    const std::string& producer_transport = producers[spec.producer_id];
    FUZZ_CHECK(transports[producer_transport] == transports[spec.transport_id]);
    FUZZ_CHECK(producer_transport != spec.transport_id);
    FUZZ_CHECK(spec.paused && spec.ssrc != 0 && spec.ssrc != spec.rtx_ssrc);
    consumers[spec.id] = {spec.transport_id, spec.producer_id};
  }
  void close_consumer(const std::string& id) override {
    FUZZ_CHECK(consumers.contains(id));
    consumers.erase(id);
  }
  void set_consumer_paused(const std::string& id, bool) override {
    FUZZ_CHECK(consumers.contains(id));
  }
  void set_consumer_preferred_layers(const std::string& id, std::uint8_t spatial,
                                     std::uint8_t temporal) override {
    FUZZ_CHECK(consumers.contains(id));
    const auto& temporal_layers = layers[consumers[id].producer];
    FUZZ_CHECK(spatial < temporal_layers.size() && temporal < temporal_layers[spatial]);
  }
  void request_keyframe(const std::string& id) override { FUZZ_CHECK(consumers.contains(id)); }

  std::map<std::string, std::string> transports;            // id -> room
  std::map<std::string, std::string> producers;             // id -> transport
  std::map<std::string, std::vector<std::uint8_t>> layers;  // producer id -> temporal layers
  std::map<std::string, Consumer> consumers;

 private:
  bool known(const std::string& id) const {
    return transports.contains(id) || producers.contains(id) || consumers.contains(id);
  }
  void drop_consumers_of(const std::string& producer) {
    std::erase_if(consumers, [&](const auto& c) { return c.second.producer == producer; });
  }
};

// Ids the server handed out, in order, for the "#T<n>" placeholders.
struct SeenIds {
  std::vector<std::string> transports;
  std::vector<std::string> producers;
  std::vector<std::string> consumers;
  std::map<std::string, ParticipantId> transport_owner;
};

const json& realistic(std::string_view name) {
  static const json vp8 = json::parse(R"({"mid":"0","codecs":[
    {"mimeType":"video/VP8","payloadType":96,"clockRate":90000,"parameters":{},
     "rtcpFeedback":[{"type":"goog-remb"},{"type":"ccm","parameter":"fir"},{"type":"nack"},
                     {"type":"nack","parameter":"pli"}]},
    {"mimeType":"video/rtx","payloadType":97,"clockRate":90000,"parameters":{"apt":96}}],
    "headerExtensions":[{"uri":"urn:ietf:params:rtp-hdrext:sdes:mid","id":4},
      {"uri":"http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time","id":2},
      {"uri":"urn:3gpp:video-orientation","id":13}],
    "encodings":[{"ssrc":1111,"rtx":{"ssrc":2222}}],"rtcp":{"cname":"fuzz","reducedSize":true}})");
  // mediasoup-client's 3-layer simulcast in Chrome: layers by rid, no SSRCs.
  static const json vp8_simulcast = [] {
    json parameters = vp8;
    parameters["headerExtensions"].push_back(
        {{"uri", "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id"}, {"id", 10}});
    parameters["headerExtensions"].push_back(
        {{"uri", "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id"}, {"id", 11}});
    parameters["encodings"] = json::parse(R"([{"rid":"r0","scalabilityMode":"L1T3"},
      {"rid":"r1","scalabilityMode":"L1T3"},{"rid":"r2","scalabilityMode":"L1T3"}])");
    parameters["rtcp"]["cname"] = "";
    return parameters;
  }();
  static const json opus = json::parse(R"({"mid":"1","codecs":[
    {"mimeType":"audio/opus","payloadType":111,"clockRate":48000,"channels":2,
     "parameters":{"minptime":10,"useinbandfec":1}}],
    "headerExtensions":[{"uri":"urn:ietf:params:rtp-hdrext:ssrc-audio-level","id":1},
      {"uri":"http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time","id":2}],
    "encodings":[{"ssrc":3333}],"rtcp":{"cname":"fuzz"}})");
  static const json caps = json::parse(R"({"codecs":[
    {"mimeType":"audio/opus","kind":"audio","preferredPayloadType":100,"clockRate":48000,"channels":2},
    {"mimeType":"video/VP8","kind":"video","preferredPayloadType":101,"clockRate":90000,
     "rtcpFeedback":[{"type":"nack"},{"type":"nack","parameter":"pli"},{"type":"goog-remb"}]},
    {"mimeType":"video/rtx","kind":"video","preferredPayloadType":102,"clockRate":90000,
     "parameters":{"apt":101}}],
    "headerExtensions":[
      {"kind":"video","uri":"http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time","preferredId":4},
      {"kind":"audio","uri":"urn:ietf:params:rtp-hdrext:ssrc-audio-level","preferredId":10}]})");
  static const json dtls = json::parse(R"({"role":"client","fingerprints":[{"algorithm":"sha-256",
    "value":"82:5A:68:3D:36:C3:0A:DE:AF:E7:32:43:D2:88:83:57:AC:2D:65:E5:80:C4:B6:FB:AF:1A:A0:21:9F:6D:0C:AD"}]})");
  static const json none;
  if (name == "#VP8") return vp8;
  if (name == "#VP8S") return vp8_simulcast;
  if (name == "#OPUS") return opus;
  if (name == "#CAPS") return caps;
  if (name == "#DTLS") return dtls;
  return none;
}

std::string nth(const std::vector<std::string>& ids, std::string_view index) {
  if (ids.empty()) return "none";
  std::size_t n = 0;
  for (const char c : index) {
    if (c < '0' || c > '9') return "none";
    n = (n * 10 + static_cast<std::size_t>(c - '0')) % 1'000'003;
  }
  return ids[n % ids.size()];
}

// Replaces the placeholders in string values, recursively.
void substitute(json& value, const SeenIds& seen) {
  if (value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    if (text.size() < 2 || text[0] != '#') return;
    if (const json& payload = realistic(text); !payload.is_null()) {
      value = payload;
    } else if (text[1] == 'T') {
      value = nth(seen.transports, std::string_view(text).substr(2));
    } else if (text[1] == 'P') {
      value = nth(seen.producers, std::string_view(text).substr(2));
    } else if (text[1] == 'C') {
      value = nth(seen.consumers, std::string_view(text).substr(2));
    }
  } else if (value.is_structured()) {
    for (auto& element : value) substitute(element, seen);
  }
}

// Remembers the ids in an ack and in deliveries.
void collect_ids(const ParticipantId& from, const std::string& event, const json& ack,
                 const std::vector<Delivery>& sent, SeenIds& seen) {
  auto add = [](std::vector<std::string>& ids, const json& id) {
    if (id.is_string() && ids.size() < 256) ids.push_back(id.get<std::string>());
  };
  if (ack.value("ok", false)) {
    if (event == "sfu_create_transport" && ack.contains("transport")) {
      add(seen.transports, ack["transport"]["id"]);
      seen.transport_owner[ack["transport"]["id"].get<std::string>()] = from;
    } else if (event == "sfu_produce") {
      add(seen.producers, ack["producer_id"]);
    } else if (event == "sfu_consume") {
      add(seen.consumers, ack["consumer"]["id"]);
    }
  }
  for (const Delivery& d : sent) {
    if (d.event == "sfu_producer_added") add(seen.producers, d.data["producer_id"]);
  }
}

// Who is in, or knocking at, which room.
class Model {
 public:
  struct Place {
    std::string room;
    bool waiting = false;
  };
  std::optional<std::string> room_of(const ParticipantId& id) const {
    auto it = place_.find(id);
    if (it == place_.end()) return std::nullopt;
    return it->second.room;
  }
  // Members and waiters of `room`.
  std::set<ParticipantId> people(const std::optional<std::string>& room) const {
    std::set<ParticipantId> result;
    if (!room) return result;
    for (const auto& [id, place] : place_) {
      if (place.room == *room) result.insert(id);
    }
    return result;
  }
  std::set<ParticipantId> members(const std::optional<std::string>& room) const {
    std::set<ParticipantId> result;
    for (const auto& id : people(room)) {
      if (!place_.at(id).waiting) result.insert(id);
    }
    return result;
  }
  void enter(const ParticipantId& id, const std::string& room, bool waiting) {
    place_[id] = Place{room, waiting};
  }
  void leave(const ParticipantId& id) { place_.erase(id); }
  std::size_t members_total() const {
    std::size_t n = 0;
    for (const auto& [id, place] : place_) n += place.waiting ? 0 : 1;
    return n;
  }
  std::size_t rooms() const {
    std::set<std::string> rooms;
    for (const auto& [id, place] : place_) {
      if (!place.waiting) rooms.insert(place.room);
    }
    return rooms.size();
  }

 private:
  std::map<ParticipantId, Place> place_;
};

struct Call {
  ParticipantId from;
  bool move = false;  // 'm': signaling events take the text path
  std::string event;
  json payload;
};

std::optional<confab::meeting::Signal> signal_of(std::string_view event) {
  using confab::meeting::Signal;
  if (event == "offer") return Signal::offer;
  if (event == "answer") return Signal::answer;
  if (event == "ice_candidate") return Signal::ice_candidate;
  return std::nullopt;
}

std::vector<Call> calls_from(std::string_view input) {
  std::vector<Call> calls;
  std::size_t start = 0;
  while (start < input.size() && calls.size() < kMaxCalls) {
    const std::size_t end = std::min(input.find('\n', start), input.size());
    std::string_view line = input.substr(start, end - start);
    start = end + 1;
    if (line.empty()) continue;

    Call call;
    const std::size_t who_end = std::min(line.find(' '), line.size());
    const std::string_view who = line.substr(0, who_end);
    call.from = "p" + std::to_string(static_cast<unsigned char>(who[0]) % kParticipants);
    call.move = who.find('m') != std::string_view::npos;
    line.remove_prefix(std::min(who_end + 1, line.size()));

    const std::size_t event_end = std::min(line.find(' '), line.size());
    call.event = std::string(line.substr(0, event_end));
    line.remove_prefix(std::min(event_end + 1, line.size()));

    if (!line.empty()) {
      call.payload = json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (call.payload.is_discarded()) call.payload = std::string(line);
    }
    calls.push_back(std::move(call));
  }
  return calls;
}

void check_ack_shape(const json& ack) {
  FUZZ_CHECK(ack.is_object());
  const auto ok = ack.find("ok");
  FUZZ_CHECK(ok != ack.end() && ok->is_boolean());
  if (ok->get<bool>()) return;
  const auto error = ack.find("error");
  FUZZ_CHECK(error != ack.end() && error->is_object());
  const auto code = error->find("code");
  const auto message = error->find("message");
  FUZZ_CHECK(code != error->end() && code->is_string());
  FUZZ_CHECK(message != error->end() && message->is_string());
  if (*code == "internal_error") {
    std::fprintf(stderr, "internal_error ack: %s\n", ack.dump().c_str());
  }
  FUZZ_CHECK(!code->get_ref<const std::string&>().empty() && *code != "internal_error");
}

bool is_signal(std::string_view event) {
  return event == "offer" || event == "answer" || event == "ice_candidate";
}

// What the sender itself says: each delivery carries the sender's id as user_id.
bool is_stamped(std::string_view event) {
  return is_signal(event) || event == "message" || event == "media_state";
}

// Moves the participants that deliveries say have moved.
void apply_deliveries(Model& model, const std::vector<Delivery>& sent) {
  for (const Delivery& d : sent) {
    if (d.event == "admitted" && d.data.is_object() && d.data.contains("room") &&
        d.data["room"].is_string()) {
      model.enter(d.to, d.data["room"].get<std::string>(), false);
    } else if (d.event == "denied" || d.event == "kicked" || d.event == "meeting_ended") {
      model.leave(d.to);
    }
  }
}

// The deliveries of one call, against the people of the sender's room before and after it.
void check_deliveries(const Call& call, bool ok, const std::vector<Delivery>& sent,
                      const std::set<ParticipantId>& before, const std::set<ParticipantId>& after) {
  if (!ok) {
    FUZZ_CHECK(sent.empty());
    return;
  }
  for (const Delivery& d : sent) {
    if (!before.contains(d.to) && !after.contains(d.to)) {
      std::fprintf(stderr, "%s from %s delivered %s to %s outside the sender's room\n",
                   call.event.c_str(), call.from.c_str(), d.event.c_str(), d.to.c_str());
      FUZZ_CHECK(!"delivery outside the sender's room");
    }
    FUZZ_CHECK(d.data.is_object());
    if (is_stamped(call.event)) {
      FUZZ_CHECK(d.data.contains("user_id") && d.data["user_id"] == call.from);
    }
  }
  if (is_signal(call.event)) {
    FUZZ_CHECK(sent.size() == 1);
    FUZZ_CHECK(sent[0].event == call.event);
    FUZZ_CHECK(call.payload.is_object());
    FUZZ_CHECK(sent[0].to == call.payload["other_user_id"]);
    FUZZ_CHECK(sent[0].to != call.from && after.contains(sent[0].to));
    FUZZ_CHECK(!sent[0].data.contains("other_user_id"));
  } else if (call.event == "message") {
    for (const Delivery& d : sent) FUZZ_CHECK(d.event == "message");
  } else if (call.event == "media_state") {
    for (const Delivery& d : sent) FUZZ_CHECK(d.event == "peer_state" && d.to != call.from);
  }
}

// Every transport the data plane holds belongs to a member of the room it was made for.
void check_transports(const CheckingMediaRouter& router, const SeenIds& seen, const Model& model) {
  for (const auto& [id, room] : router.transports) {
    const auto owner = seen.transport_owner.find(id);
    FUZZ_CHECK(owner != seen.transport_owner.end());
    if (!model.members(room).contains(owner->second)) {
      std::fprintf(stderr, "transport %s of %s outlived its place in room %s\n", id.c_str(),
                   owner->second.c_str(), room.c_str());
      FUZZ_CHECK(!"a transport outlived its owner's membership");
    }
  }
}

void run(std::string_view input) {
  RecordingOutbox outbox;
  auto store = confab::store::SqliteStore::open_in_memory();
  FixedClock clock;
  SplitMixRandomSource random;
  CheckingMediaRouter router;
  SeenIds seen;
  confab::meeting::MeetingConfig config;
  config.room_capacity = kRoomCapacity;
  config.media_router = &router;
  config.mesh_max = 1;
  config.last_n = 1;  // rooms hold 3: with 1, cameras are held back and let through
  config.chat_history_length = 5;
  config.max_chat_length = 40;
  config.ice_servers = json::array({{{"urls", "stun:stun.example.org:3478"}}});
#if __has_include("meeting/password_hasher.hpp")
  config.password_iterations = 1;  // the slow hash is not what is under test
  config.jwt_secret = "fuzz-secret";
#endif
  config.on_internal_error = [](std::string_view event, std::string_view what) {
    std::fprintf(stderr, "internal error in %.*s: %.*s\n", static_cast<int>(event.size()),
                 event.data(), static_cast<int>(what.size()), what.data());
  };
  confab::meeting::Meeting meeting(outbox, store, config, clock, random);
  Model model;

  for (Call& call : calls_from(input)) {
    const auto room_before = model.room_of(call.from);
    const auto before = model.people(room_before);
    outbox.sent.clear();

    if (call.event == "!transport_closed") {
      const std::string id =
          nth(seen.transports, call.payload.is_number_unsigned()
                                   ? std::to_string(call.payload.get<std::uint64_t>())
                                   : "0");
      const bool live = router.transports.contains(id);
      const std::string room = live ? router.transports[id] : "";
      try {
        meeting.media_events().transport_closed(id, "consent_timeout");
      } catch (...) {
        FUZZ_CHECK(!"transport_closed threw");
      }
      if (live) router.close_transport(id);  // what the data plane had done before it said so
      for (const Delivery& d : outbox.sent) {
        FUZZ_CHECK(model.members(room).contains(d.to));
      }
      FUZZ_CHECK(live || outbox.sent.empty());
      continue;
    }

    if (call.event == "!audio_levels") {
      std::vector<confab::meeting::AudioLevel> levels;
      if (call.payload.is_array()) {
        for (const auto& entry : call.payload) {
          if (!entry.is_array() || entry.size() != 2 || !entry[1].is_number()) continue;
          const std::string n =
              entry[0].is_number_unsigned() ? std::to_string(entry[0].get<std::uint64_t>()) : "0";
          levels.push_back({nth(seen.producers, n), entry[1].get<float>()});
        }
      }
      try {
        meeting.media_events().audio_levels(levels);
      } catch (...) {
        FUZZ_CHECK(!"audio_levels threw");
      }
      for (const Delivery& d : outbox.sent) {
        // The speaker, and with it last-N forwarding, moved.
        FUZZ_CHECK(d.event == "active_speaker" || d.event == "sfu_consumer_forwarding");
        const auto room = model.room_of(d.to);
        FUZZ_CHECK(room.has_value());
        // The speaker (or the camera's owner) is a member of the recipient's room.
        FUZZ_CHECK(room && d.data.is_object() && d.data["user_id"].is_string() &&
                   model.members(*room).contains(d.data["user_id"].get<std::string>()));
        if (d.event == "sfu_consumer_forwarding") {
          FUZZ_CHECK(d.data["user_id"] != d.to && d.data["forwarded"].is_boolean() &&
                     d.data["consumer_id"].is_string());
        }
      }
      continue;
    }

    if (call.event == "!disconnect") {
      try {
        meeting.disconnect(call.from);
      } catch (...) {
        FUZZ_CHECK(!"disconnect threw");
      }
      for (const Delivery& d : outbox.sent) FUZZ_CHECK(d.to != call.from && before.contains(d.to));
      apply_deliveries(model, outbox.sent);
      model.leave(call.from);
      check_transports(router, seen, model);
      continue;
    }

    substitute(call.payload, seen);
    const Call original = call;
    json ack;
    try {
      const auto signal = signal_of(call.event);
      if (call.move && signal) {  // the socket's text path, as the gateway takes it
        // The socket layer only passes valid JSON text, so invalid UTF-8 is replaced as the
        // json path does.
        auto error = meeting.relay_text(
            call.from, *signal, call.payload.dump(-1, ' ', false, json::error_handler_t::replace));
        ack = error ? std::move(*error) : json{{"ok", true}};
      } else {
        ack = meeting.handle(call.from, call.event, call.payload);
      }
    } catch (const std::exception& e) {
      std::fprintf(stderr, "handle(%s) threw: %s\n", original.event.c_str(), e.what());
      FUZZ_CHECK(!"handle threw");
    } catch (...) {
      FUZZ_CHECK(!"handle threw a non-exception");
    }
    check_ack_shape(ack);
    const bool ok = ack["ok"].get<bool>();

    apply_deliveries(model, outbox.sent);
    if (ok && original.event == "join_room") {
      FUZZ_CHECK(ack["room"].is_string() && ack["self_id"] == original.from);
      const bool waiting = ack.contains("waiting") && ack["waiting"] == true;
      model.enter(original.from, ack["room"].get<std::string>(), waiting);
      if (!waiting) {
        const auto members = model.members(model.room_of(original.from));
        FUZZ_CHECK(ack["participants"].is_array());
        std::set<ParticipantId> listed;
        for (const auto& p : ack["participants"]) listed.insert(p.at("id").get<std::string>());
        FUZZ_CHECK(listed.size() == ack["participants"].size());
        listed.insert(original.from);
        FUZZ_CHECK(listed == members);
        FUZZ_CHECK(ack["chat"].is_array() && ack["chat"].size() <= config.chat_history_length);
      }
    } else if (ok && original.event == "leave_room") {
      model.leave(original.from);
    }
    if (ok && original.event != "join_room") {
      FUZZ_CHECK(room_before.has_value());  // everything else needs a room
    }
    const auto after = model.people(model.room_of(original.from));
    check_deliveries(original, ok, outbox.sent, before, after);

    for (const auto& room : {room_before, model.room_of(original.from)}) {
      FUZZ_CHECK(model.members(room).size() <= kRoomCapacity);
    }
    const auto stats = meeting.stats();
    FUZZ_CHECK(stats.participants == model.members_total());
    FUZZ_CHECK(stats.rooms == model.rooms());
    collect_ids(original.from, original.event, ack, outbox.sent, seen);
    check_transports(router, seen, model);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  run(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
