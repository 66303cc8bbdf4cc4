#pragma once
// Socket.IO v5 packets: <type>[<attachments>-][<nsp>,][<id>][<json>], with binary
// attachments carried as json::binary values in `data` and as placeholders on the wire.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace confab::socketio {

enum class PacketType : int {
  connect = 0,
  disconnect = 1,
  event = 2,
  ack = 3,
  connect_error = 4,
  binary_event = 5,
  binary_ack = 6,
};

struct Packet {
  PacketType type = PacketType::event;
  std::string nsp = "/";
  std::optional<std::uint64_t> id;
  std::optional<nlohmann::json> data;  // absent when the packet has no payload
};

// One packet ready for Engine.IO: a text message followed by binary attachments.
struct Encoded {
  std::string text;
  std::vector<std::string> attachments;
};

// `<type>[<nsp>,]`: how a packet without attachments starts.
std::string packet_prefix(PacketType type, std::string_view nsp);

// Binary values inside `data` become attachments; EVENT/ACK become BINARY_EVENT/BINARY_ACK.
Encoded encode(const Packet& packet);

// Reassembles packets from Engine.IO messages. Any protocol violation is an error:
// the caller closes the connection.
class Decoder {
 public:
  struct Result {
    std::optional<Packet> packet;  // set when a whole packet is ready
    std::string error;             // set on a malformed message
  };
  explicit Decoder(std::size_t max_attachments = 10) : max_attachments_(max_attachments) {}
  Result on_text(std::string_view message);
  Result on_binary(std::string_view message);
  bool waiting_for_attachments() const { return pending_.has_value(); }

 private:
  Result complete();

  std::size_t max_attachments_;
  std::optional<Packet> pending_;
  std::size_t expected_ = 0;
  std::vector<std::string> attachments_;
};

// JSON in a packet may nest this deep; deeper would overflow recursive walks over it.
constexpr std::size_t kMaxJsonDepth = 32;

// How deep the arrays and objects of JSON text nest (1 for `[1]`), in one linear pass: exact
// for valid JSON, and the parser refuses any other text anyway.
std::size_t json_depth(std::string_view text);

// The parts of a text EVENT packet whose name is a plain string (no escapes), found without
// parsing its JSON.
struct EventHeader {
  std::string_view nsp;
  std::optional<std::uint64_t> id;
  std::string_view name;
  std::string_view data;  // the whole `["name", ...]`, not yet validated
};
// nullopt for any other message; the Decoder then takes it and reports what is wrong.
std::optional<EventHeader> peek_event(std::string_view message);

// Parses one text message (no attachment reassembly); attachment count in `attachments`.
std::optional<Packet> parse(std::string_view message, std::size_t& attachments, std::string& error);

}  // namespace confab::socketio
