#include "socketio/packet.hpp"

#include <algorithm>
#include <array>
#include <charconv>

namespace confab::socketio {

namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 6> kReservedEvents = {
    "connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"};

bool is_placeholder(const json& j) {
  if (!j.is_object() || j.size() != 2) return false;
  auto flag = j.find("_placeholder");
  auto num = j.find("num");
  return flag != j.end() && flag->is_boolean() && flag->get<bool>() && num != j.end() &&
         num->is_number_unsigned();
}

// Replaces placeholders by the attachments they name; false if one is out of range.
bool fill_placeholders(json& j, std::vector<std::string>& attachments) {
  if (is_placeholder(j)) {
    const auto num = j["num"].get<std::size_t>();
    if (num >= attachments.size()) return false;
    const std::string& bytes = attachments[num];
    j = json::binary(json::binary_t::container_type(bytes.begin(), bytes.end()));
    return true;
  }
  if (j.is_array() || j.is_object()) {
    for (auto& child : j) {
      if (!fill_placeholders(child, attachments)) return false;
    }
  }
  return true;
}

bool has_binary(const json& j) {
  if (j.is_binary()) return true;
  if (j.is_array() || j.is_object()) {
    for (const auto& child : j) {
      if (has_binary(child)) return true;
    }
  }
  return false;
}

json extract_binary(const json& j, std::vector<std::string>& attachments) {
  if (j.is_binary()) {
    const auto& bytes = j.get_binary();
    attachments.emplace_back(bytes.begin(), bytes.end());
    return json{{"_placeholder", true}, {"num", attachments.size() - 1}};
  }
  if (j.is_array()) {
    json out = json::array();
    for (const auto& child : j) out.push_back(extract_binary(child, attachments));
    return out;
  }
  if (j.is_object()) {
    json out = json::object();
    for (auto it = j.begin(); it != j.end(); ++it)
      out[it.key()] = extract_binary(it.value(), attachments);
    return out;
  }
  return j;
}

bool valid_payload(PacketType type, const std::optional<json>& data) {
  switch (type) {
    case PacketType::connect:
      return !data || data->is_object();
    case PacketType::disconnect:
      return !data;
    case PacketType::connect_error:
      return data && (data->is_object() || data->is_string());
    case PacketType::event:
    case PacketType::binary_event: {
      if (!data || !data->is_array() || data->empty()) return false;
      const json& name = (*data)[0];
      if (name.is_number()) return true;
      if (!name.is_string()) return false;
      const auto& s = name.get_ref<const std::string&>();
      for (auto reserved : kReservedEvents) {
        if (s == reserved) return false;
      }
      return true;
    }
    case PacketType::ack:
    case PacketType::binary_ack:
      return data && data->is_array();
  }
  return false;
}

std::string dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

std::size_t json_depth(std::string_view text) {
  std::size_t depth = 0;
  std::size_t deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

std::string packet_prefix(PacketType type, std::string_view nsp) {
  std::string text(1, static_cast<char>('0' + static_cast<int>(type)));
  if (nsp != "/") {
    text += nsp;
    text.push_back(',');
  }
  return text;
}

Encoded encode(const Packet& packet) {
  Encoded out;
  PacketType type = packet.type;
  std::string body;
  if (packet.data) {
    if (has_binary(*packet.data)) {
      body = dump(extract_binary(*packet.data, out.attachments));
      if (type == PacketType::event) type = PacketType::binary_event;
      if (type == PacketType::ack) type = PacketType::binary_ack;
    } else {
      body = dump(*packet.data);
    }
  }
  out.text.reserve(body.size() + packet.nsp.size() + 24);
  out.text += std::to_string(static_cast<int>(type));
  if (type == PacketType::binary_event || type == PacketType::binary_ack) {
    out.text += std::to_string(out.attachments.size());
    out.text.push_back('-');
  }
  if (packet.nsp != "/") {
    out.text += packet.nsp;
    out.text.push_back(',');
  }
  if (packet.id) out.text += std::to_string(*packet.id);
  out.text += body;
  return out;
}

std::optional<Packet> parse(std::string_view msg, std::size_t& attachments, std::string& error) {
  attachments = 0;
  if (msg.empty() || msg[0] < '0' || msg[0] > '6') {
    error = "unknown packet type";
    return std::nullopt;
  }
  Packet p;
  p.type = static_cast<PacketType>(msg[0] - '0');
  std::size_t i = 1;
  auto read_number = [&](std::uint64_t& value) {
    const char* begin = msg.data() + i;
    auto [end, ec] = std::from_chars(begin, msg.data() + msg.size(), value);
    if (ec != std::errc{}) return false;
    i += static_cast<std::size_t>(end - begin);
    return true;
  };
  if (p.type == PacketType::binary_event || p.type == PacketType::binary_ack) {
    std::uint64_t count = 0;
    if (!read_number(count) || i >= msg.size() || msg[i] != '-') {
      error = "illegal attachments";
      return std::nullopt;
    }
    ++i;
    attachments = static_cast<std::size_t>(count);
  }
  if (i < msg.size() && msg[i] == '/') {
    const std::size_t comma = msg.find(',', i);
    const std::size_t end = comma == std::string_view::npos ? msg.size() : comma;
    p.nsp = std::string(msg.substr(i, end - i));
    i = comma == std::string_view::npos ? msg.size() : comma + 1;
  }
  if (i < msg.size() && msg[i] >= '0' && msg[i] <= '9') {
    std::uint64_t id = 0;
    if (!read_number(id)) {
      error = "invalid ack id";
      return std::nullopt;
    }
    p.id = id;
  }
  if (i < msg.size()) {
    // nlohmann stops at a NUL byte as at the end of input; JSON never has a raw one.
    if (msg.find('\0', i) != std::string_view::npos) {
      error = "invalid payload";
      return std::nullopt;
    }
    // Deep nesting would overflow the stack in the recursive walks below and in json's
    // copy and dump; our protocols nest a few levels, so anything deep is refused before
    // parsing. (nlohmann's callback parser is not used for this: it rescans the parent
    // array at each object's end, quadratic in the array's length.)
    const std::string_view text = msg.substr(i);
    if (json_depth(text) > kMaxJsonDepth) {
      error = "payload nested too deeply";
      return std::nullopt;
    }
    json data = json::parse(text, nullptr, false);
    if (data.is_discarded()) {
      error = "invalid payload";
      return std::nullopt;
    }
    p.data = std::move(data);
  }
  if (!valid_payload(p.type, p.data)) {
    error = "invalid payload";
    return std::nullopt;
  }
  return p;
}

std::optional<EventHeader> peek_event(std::string_view message) {
  if (message.empty() || message[0] != '2') return std::nullopt;
  EventHeader header{.nsp = "/", .id = std::nullopt, .name = {}, .data = {}};
  std::size_t i = 1;
  if (i < message.size() && message[i] == '/') {
    const std::size_t comma = message.find(',', i);
    if (comma == std::string_view::npos) return std::nullopt;
    header.nsp = message.substr(i, comma - i);
    i = comma + 1;
  }
  if (i < message.size() && message[i] >= '0' && message[i] <= '9') {
    std::uint64_t id = 0;
    const char* end = message.data() + message.size();
    auto [next, ec] = std::from_chars(message.data() + i, end, id);
    if (ec != std::errc{}) return std::nullopt;
    header.id = id;
    i = static_cast<std::size_t>(next - message.data());
  }
  header.data = message.substr(i);
  if (!header.data.starts_with("[\"")) return std::nullopt;
  const std::size_t quote = header.data.find('"', 2);
  if (quote == std::string_view::npos) return std::nullopt;
  header.name = header.data.substr(2, quote - 2);
  if (header.name.find('\\') != std::string_view::npos) return std::nullopt;
  return header;
}

Decoder::Result Decoder::on_text(std::string_view message) {
  if (pending_) return {std::nullopt, "text message while waiting for binary attachments"};
  std::size_t count = 0;
  std::string error;
  auto packet = parse(message, count, error);
  if (!packet) return {std::nullopt, error};
  if (count > max_attachments_) return {std::nullopt, "too many attachments"};
  pending_ = std::move(packet);
  expected_ = count;
  attachments_.clear();
  return complete();
}

Decoder::Result Decoder::on_binary(std::string_view message) {
  if (!pending_) return {std::nullopt, "unexpected binary message"};
  attachments_.emplace_back(message);
  return complete();
}

Decoder::Result Decoder::complete() {
  if (attachments_.size() < expected_) return {};
  Packet packet = std::move(*pending_);
  pending_.reset();
  if (packet.type == PacketType::binary_event || packet.type == PacketType::binary_ack) {
    if (packet.data && !fill_placeholders(*packet.data, attachments_)) {
      return {std::nullopt, "attachment placeholder out of range"};
    }
    // Upper layers see binary values in the data, not the wire variant.
    packet.type = packet.type == PacketType::binary_event ? PacketType::event : PacketType::ack;
  }
  attachments_.clear();
  return {std::move(packet), {}};
}

}  // namespace confab::socketio
