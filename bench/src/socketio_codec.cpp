#include "socketio_codec.hpp"

#include <charconv>
#include <nlohmann/json.hpp>

namespace confab::bench::sio {

namespace {

std::optional<std::uint64_t> leading_number(std::string_view& s) {
  std::size_t n = 0;
  while (n < s.size() && s[n] >= '0' && s[n] <= '9') ++n;
  if (n == 0) return std::nullopt;
  std::uint64_t value = 0;
  std::from_chars(s.data(), s.data() + n, value);
  s.remove_prefix(n);
  return value;
}

template <typename T>
void append_number(std::string& out, T value) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  (void)ec;
  out.append(buf, end);
}

template <typename T>
bool read_number(std::string_view& s, T& value) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc()) return false;
  s.remove_prefix(static_cast<std::size_t>(end - s.data()));
  return true;
}

bool skip(std::string_view& s, char c) {
  if (s.empty() || s.front() != c) return false;
  s.remove_prefix(1);
  return true;
}

}  // namespace

Frame classify(std::string_view m) {
  Frame f;
  if (m.empty()) return f;
  switch (m[0]) {
    case '0':
      f.kind = FrameKind::eio_open;
      f.body = m.substr(1);
      return f;
    case '1':
      f.kind = FrameKind::eio_close;
      return f;
    case '2':
      f.kind = FrameKind::eio_ping;
      return f;
    case '6':
      f.kind = FrameKind::eio_noop;
      return f;
    case '4':
      break;
    default:
      return f;
  }
  if (m.size() < 2) return f;
  std::string_view rest = m.substr(2);
  switch (m[1]) {
    case '0':
      f.kind = FrameKind::connect;
      break;
    case '1':
      f.kind = FrameKind::disconnect;
      break;
    case '2':
      f.kind = FrameKind::event;
      f.id = leading_number(rest);
      break;
    case '3':
      f.kind = FrameKind::ack;
      f.id = leading_number(rest);
      if (!f.id) f.kind = FrameKind::unsupported;
      break;
    case '4':
      f.kind = FrameKind::connect_error;
      break;
    default:
      return f;
  }
  f.body = rest;
  return f;
}

std::string event(std::string_view name, std::string_view arg_json,
                  std::optional<std::uint64_t> ack_id) {
  std::string out;
  out.reserve(name.size() + arg_json.size() + 32);
  out += "42";
  if (ack_id) append_number(out, *ack_id);
  out += "[\"";
  out += name;
  out += "\",";
  out += arg_json;
  out += ']';
  return out;
}

bool is_event(std::string_view body, std::string_view name) {
  return body.size() > name.size() + 4 && body[0] == '[' && body[1] == '"' &&
         body.substr(2, name.size()) == name && body[2 + name.size()] == '"' &&
         body[3 + name.size()] == ',';
}

bool is_plain_ok_ack(std::string_view body) {
  return body == R"([{"ok":true}])";
}

void build_candidate(std::string& out, std::string_view to, std::string_view candidate_json,
                     const Stamp& stamp, std::optional<std::uint64_t> ack_id) {
  out.clear();
  out += "42";
  if (ack_id) append_number(out, *ack_id);
  out += R"(["ice_candidate",{"other_user_id":")";
  out += to;
  out += R"(","candidate":)";
  out += candidate_json;
  out += R"(,"b":[)";
  append_number(out, stamp.src);
  out += ',';
  append_number(out, stamp.dst);
  out += ',';
  append_number(out, stamp.seq);
  out += ',';
  append_number(out, stamp.sent_ns);
  out += "]}]";
}

std::optional<RelayView> scan_relay(std::string_view body) {
  RelayView v;
  constexpr std::string_view kStamp = R"("b":[)";
  constexpr std::string_view kUser = R"("user_id":")";
  const auto b = body.find(kStamp);
  if (b == std::string_view::npos) return std::nullopt;
  std::string_view s = body.substr(b + kStamp.size());
  if (!read_number(s, v.stamp.src) || !skip(s, ',') || !read_number(s, v.stamp.dst) ||
      !skip(s, ',') || !read_number(s, v.stamp.seq) || !skip(s, ',') ||
      !read_number(s, v.stamp.sent_ns) || !skip(s, ']')) {
    return std::nullopt;
  }
  const auto u = body.find(kUser);
  if (u == std::string_view::npos) return std::nullopt;
  const auto start = u + kUser.size();
  const auto end = body.find('"', start);
  if (end == std::string_view::npos) return std::nullopt;
  v.user_id = body.substr(start, end - start);
  return v;
}

std::string make_candidate_json(std::size_t bytes) {
  // A realistic srflx candidate line, then padding in an extension attribute to hit the size.
  nlohmann::json c = {
      {"candidate",
       "candidate:842163049 1 udp 1677729535 198.51.100.7 61234 typ srflx raddr 10.0.0.5 rport "
       "61234 "
       "generation 0 ufrag Ab3d network-id 1 network-cost 10"},
      {"sdpMid", "0"},
      {"sdpMLineIndex", 0},
      {"usernameFragment", "Ab3d"},
  };
  const std::size_t base = c.dump().size();
  if (bytes >= base + 7) {
    std::string line = c["candidate"].get<std::string>() + " x-pad ";
    line.append(bytes - base - 7, 'p');
    c["candidate"] = line;
  }
  return c.dump();
}

}  // namespace confab::bench::sio
