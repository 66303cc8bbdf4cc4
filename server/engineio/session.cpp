#include "engineio/session.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>

#include "engineio/http_answers.hpp"
#include "json/json_writer.hpp"

namespace confab::engineio {

namespace {
http::Response bad_request() {
  return error_response(400, 3, "Bad request");
}

// Bytes a packet takes in a polling response (binary goes as base64), with its separator.
std::size_t polling_size(const Packet& p) {
  return 2 + (p.binary ? (p.data.size() + 2) / 3 * 4 : p.data.size());
}
}  // namespace

Session::Session(boost::asio::io_context& io, std::string sid, const ServerConfig& config,
                 TransportKind transport, http::Request handshake, ClosedFn on_closed,
                 SessionCounters* counters)
    : io_(io),
      sid_(std::move(sid)),
      config_(config),
      transport_(transport),
      handshake_(std::move(handshake)),
      on_closed_(std::move(on_closed)),
      counters_(counters),
      timer_(io) {
  // Kept for the session's life, per connection: only the peer's address and Origin
  // (the admission check, the only reader of headers, has run already).
  handshake_.body = std::string();
  handshake_.query = http::Query();
  handshake_.headers = {};
}

Session::~Session() = default;

std::string Session::open_packet_json() const {
  json::JsonWriter out;
  out.begin_object().field("sid", sid_).key("upgrades").begin_array();
  if (transport_ == TransportKind::polling && config_.allow_upgrades) out.value("websocket");
  return out.end_array()
      .field("pingInterval", config_.ping_interval.count())
      .field("pingTimeout", config_.ping_timeout.count())
      .field("maxPayload", config_.max_payload)
      .end_object()
      .take();
}

void Session::start(std::shared_ptr<WsChannel> ws) {
  if (ws) {
    ws_ = std::move(ws);
    ws_->send(encode_text(Packet::of(PacketType::open, open_packet_json())), false);
  }
  schedule_ping();
}

void Session::send(std::string data, bool binary) {
  if (state_ != State::open) return;
  enqueue(Packet{PacketType::message, std::move(data), binary});
}

void Session::enqueue(Packet p) {
  if (dropped_) return;
  if (transport_ == TransportKind::websocket && ws_) {
    ws_->send(p.binary ? std::move(p.data) : encode_text(p), p.binary);
    return;
  }
  const std::size_t size = polling_size(p);
  if (config_.max_backlog != 0 && queued_bytes_ + size > config_.max_backlog && !queue_.empty()) {
    drop_slow_client();
    return;
  }
  queued_bytes_ += size;
  queue_.push_back(std::move(p));
  if (pending_poll_) schedule_flush();
}

std::vector<Packet> Session::take_batch() {
  std::size_t bytes = 0;
  std::size_t count = 0;
  while (count < queue_.size() &&
         (count == 0 || bytes + polling_size(queue_[count]) <= config_.max_payload)) {
    bytes += polling_size(queue_[count++]);
  }
  queued_bytes_ -= bytes;
  if (ping_ == Ping::queued &&
      std::any_of(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(count),
                  [](const Packet& p) { return p.type == PacketType::ping; })) {
    ping_ = Ping::sent;
  }
  if (count == queue_.size()) return std::exchange(queue_, {});
  std::vector<Packet> batch(
      std::make_move_iterator(queue_.begin()),
      std::make_move_iterator(queue_.begin() + static_cast<std::ptrdiff_t>(count)));
  queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(count));
  return batch;
}

// A polling client that leaves this much unfetched is gone or hostile: holding more for it
// would let one session take the server's memory (a peer's offers kept coming).
// The close waits for the current handler: it may be walking a room that the close changes.
void Session::drop_slow_client() {
  if (counters_) ++counters_->slow_clients_dropped;
  dropped_ = true;
  queue_ = {};
  queued_bytes_ = 0;
  boost::asio::post(io_, [weak = weak_from_this()] {
    if (auto self = weak.lock()) self->finish_close("slow client", std::nullopt);
  });
}

// Posting the flush lets everything one handler sends leave in one poll response.
void Session::schedule_flush() {
  if (flush_scheduled_) return;
  flush_scheduled_ = true;
  boost::asio::post(io_, [weak = weak_from_this()] {
    if (auto self = weak.lock()) self->flush();
  });
}

void Session::flush() {
  flush_scheduled_ = false;
  if (pending_poll_ && !queue_.empty()) respond_poll(take_batch());
}

void Session::respond_poll(std::vector<Packet> packets) {
  PollResponder respond = std::move(*pending_poll_);
  pending_poll_.reset();
  respond(text_response(encode_payload(packets)));
}

void Session::on_poll(PollResponder respond) {
  auto self = shared_from_this();
  if (state_ == State::closing) {
    std::vector<Packet> batch = take_batch();
    if (!queue_.empty()) {  // more than one response holds: the close comes with the last
      respond(text_response(encode_payload(batch)));
      return;
    }
    batch.push_back(Packet::of(closing_packet_));
    respond(text_response(encode_payload(batch)));
    release();
    return;
  }
  if (state_ != State::open || transport_ != TransportKind::polling) {
    respond(bad_request());
    return;
  }
  if (pending_poll_) {  // two concurrent GETs: a broken client, as the protocol says
    respond(bad_request());
    finish_close("transport error", Packet::of(PacketType::close));
    return;
  }
  if (!queue_.empty()) {
    respond(text_response(encode_payload(take_batch())));
  } else if (upgrading()) {
    respond(text_response(encode_text(Packet::of(PacketType::noop))));
  } else {
    pending_poll_ = std::move(respond);
  }
}

http::Response Session::on_post(std::string_view body) {
  auto self = shared_from_this();
  if (state_ == State::closing) return text_response("ok");
  if (state_ != State::open || transport_ != TransportKind::polling) return bad_request();
  if (body.size() > config_.max_payload) {
    finish_close("transport error", std::nullopt);
    return error_response(413, 3, "Payload too large");
  }
  auto packets = decode_payload(body);
  if (!packets) {
    finish_close("parse error", std::nullopt);
    return bad_request();
  }
  for (Packet& p : *packets) {
    if (state_ != State::open) break;
    handle_packet(std::move(p));
  }
  return text_response("ok");
}

void Session::on_poll_aborted() {
  pending_poll_.reset();
  finish_close("transport close", std::nullopt);
}

void Session::on_ws_frame(std::string_view frame, bool binary) {
  auto self = shared_from_this();
  if (state_ != State::open) return;
  if (binary) {
    handle_packet(decode_binary(frame));
    return;
  }
  auto packet = decode_text(frame);
  if (!packet) {
    finish_close("parse error", std::nullopt);
    return;
  }
  handle_packet(std::move(*packet));
}

void Session::on_ws_closed() {
  ws_.reset();
  finish_close("transport close", std::nullopt);
}

bool Session::begin_probe(std::shared_ptr<WsChannel> probe) {
  if (state_ != State::open || transport_ != TransportKind::polling || probe_ ||
      !config_.allow_upgrades) {
    return false;
  }
  probe_ = std::move(probe);
  return true;
}

void Session::on_probe_frame(const WsChannel* probe, std::string_view frame) {
  if (probe == nullptr || probe != probe_.get() || state_ != State::open) return;
  auto self = shared_from_this();
  if (listener_ && !listener_->admit_packet()) return;
  if (frame == "2probe") {
    probe_->send("3probe", false);
    // A held GET must end so that the client can pause polling and send the upgrade.
    if (pending_poll_) {
      respond_poll(queue_.empty() ? std::vector{Packet::of(PacketType::noop)} : take_batch());
    }
  } else if (frame == "5") {
    if (pending_poll_) respond_poll({Packet::of(PacketType::noop)});
    transport_ = TransportKind::websocket;
    ws_ = std::move(probe_);
    queued_bytes_ = 0;
    if (ping_ == Ping::queued) ping_ = Ping::sent;
    for (Packet& p : std::exchange(queue_, {})) enqueue(std::move(p));
  }
}

void Session::on_probe_closed(const WsChannel* probe) {
  if (probe != nullptr && probe == probe_.get()) probe_.reset();
}

void Session::handle_packet(Packet p) {
  if (listener_ && !listener_->admit_packet()) return;
  switch (p.type) {
    case PacketType::pong:
      // An unsolicited pong would keep a dead or hostile client alive for ever.
      if (ping_ != Ping::sent) break;
      ping_ = Ping::none;
      schedule_ping();
      break;
    case PacketType::ping:  // only old clients ping; answering costs nothing
      enqueue(Packet::of(PacketType::pong, std::move(p.data)));
      break;
    case PacketType::message:
      if (listener_) listener_->on_message(p.data, p.binary);
      break;
    case PacketType::close:
      queue_.clear();  // the client is going: only a noop ends its last poll
      // A GET sent with this POST may not have arrived yet: like the reference server,
      // answer it with a noop rather than a 400 for a session it just saw open.
      if (transport_ == TransportKind::polling && !pending_poll_) {
        hold_close("transport close", PacketType::noop);
      } else {
        finish_close("transport close", Packet::of(PacketType::noop));
      }
      break;
    case PacketType::open:
    case PacketType::upgrade:
    case PacketType::noop:
      break;
  }
}

void Session::schedule_ping() {
  timer_.expires_after(config_.ping_interval);
  timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    if (auto self = weak.lock(); self && !ec) self->on_timer(true);
  });
}

void Session::on_timer(bool ping_phase) {
  if (state_ == State::closing) {
    release();
    return;
  }
  if (state_ != State::open) return;
  if (!ping_phase) {
    finish_close("ping timeout", std::nullopt);
    return;
  }
  ping_ = transport_ == TransportKind::websocket && ws_ ? Ping::sent : Ping::queued;
  enqueue(Packet::of(PacketType::ping));
  timer_.expires_after(config_.ping_timeout);
  timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    if (auto self = weak.lock(); self && !ec) self->on_timer(false);
  });
}

void Session::close(std::string_view reason) {
  if (state_ != State::open) return;
  auto self = shared_from_this();
  const bool polling = transport_ == TransportKind::polling;
  if (polling && !pending_poll_ && !queue_.empty()) {
    // Keep the session a little so that the next GET still carries what is queued.
    hold_close(reason, PacketType::close);
    return;
  }
  if (!polling && ws_) ws_->send(encode_text(Packet::of(PacketType::close)), false);
  finish_close(reason, Packet::of(PacketType::close));
}

// Closed for the layer above; the next GET gets what is queued and `last`, then the session
// goes (or after pingTimeout without one).
void Session::hold_close(std::string_view reason, PacketType last) {
  state_ = State::closing;
  closing_packet_ = last;
  if (probe_) probe_->close();
  probe_.reset();
  timer_.expires_after(config_.ping_timeout);
  timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    if (auto s = weak.lock(); s && !ec) s->on_timer(false);
  });
  if (auto listener = std::move(listener_)) listener->on_close(reason);
}

void Session::finish_close(std::string_view reason, std::optional<Packet> last_poll_packet) {
  if (state_ == State::closed) return;
  auto self = shared_from_this();
  const bool notify = state_ == State::open;
  state_ = State::closed;
  timer_.cancel();
  if (pending_poll_) {
    std::vector<Packet> packets = take_batch();
    packets.push_back(last_poll_packet.value_or(Packet::of(PacketType::close)));
    respond_poll(std::move(packets));
  }
  if (ws_) ws_->close();
  if (probe_) probe_->close();
  ws_.reset();
  probe_.reset();
  if (auto listener = std::move(listener_); listener && notify) listener->on_close(reason);
  release();
}

void Session::release() {
  state_ = State::closed;
  timer_.cancel();
  if (on_closed_) std::exchange(on_closed_, nullptr)(sid_);
}

}  // namespace confab::engineio
