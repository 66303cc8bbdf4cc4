#pragma once
// The client side of Engine.IO v4 + Socket.IO v5 over WebSocket, text frames only, namespace "/".
// Cold frames (join acks, new_user) are parsed with nlohmann::json; the hot relay frames are built
// and scanned by hand so that the generator spends its CPU on sockets, not on JSON.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace confab::bench::sio {

enum class FrameKind {
  eio_open,       // "0{...}"
  eio_close,      // "1"
  eio_ping,       // "2" (server heartbeat, answer with "3")
  eio_noop,       // "6"
  connect,        // "40{...}"
  disconnect,     // "41"
  event,          // "42[...]"
  ack,            // "43<id>[...]"
  connect_error,  // "44{...}"
  unsupported,    // anything else: binary packets, other namespaces, garbage
};

struct Frame {
  FrameKind kind = FrameKind::unsupported;
  std::optional<std::uint64_t> id;  // ack id of EVENT/ACK packets
  std::string_view body;            // the JSON after the header (may be empty)
};

// Splits one WebSocket text message into Engine.IO / Socket.IO header and JSON body.
Frame classify(std::string_view message);

inline constexpr std::string_view kPong = "3";
inline constexpr std::string_view kConnect = "40";

// "42<id>[<name>,<json arg>]" with `arg_json` already serialised.
std::string event(std::string_view name, std::string_view arg_json,
                  std::optional<std::uint64_t> ack_id);

// True when an EVENT body names `name` ("[\"name\"," prefix).
bool is_event(std::string_view body, std::string_view name);

// Fast path for the usual relay ack body: [{"ok":true}].
bool is_plain_ok_ack(std::string_view body);

// Fields the generator puts into every relayed message, under the key "b".
struct Stamp {
  std::uint32_t src = 0;     // sender's client index
  std::uint32_t dst = 0;     // intended receiver's client index
  std::uint64_t seq = 0;     // per (src, dst) sequence number, from 1
  std::int64_t sent_ns = 0;  // CLOCK_MONOTONIC when the sender queued the frame
};

// Builds 42<ack>["ice_candidate",{"other_user_id":"<to>","candidate":<candidate_json>,"b":[...]}].
void build_candidate(std::string& out, std::string_view to, std::string_view candidate_json,
                     const Stamp& stamp, std::optional<std::uint64_t> ack_id);

struct RelayView {
  Stamp stamp;
  std::string_view user_id;  // stamped by the server
};

// Scans a relayed ice_candidate EVENT body for "b":[...] and "user_id":"...".
std::optional<RelayView> scan_relay(std::string_view body);

// A candidate object (RTCIceCandidateInit) whose compact, key-sorted JSON is exactly `bytes` long
// (at least 250), as nlohmann::json would print it, so the relayed copy can be compared verbatim.
std::string make_candidate_json(std::size_t bytes);

}  // namespace confab::bench::sio
