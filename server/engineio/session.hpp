#pragma once
// One Engine.IO connection: its transport (polling or WebSocket, with the probe and
// upgrade between them), its outgoing queue and its heartbeat.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engineio/config.hpp"
#include "engineio/packet.hpp"
#include "engineio/transport.hpp"
#include "http/message.hpp"

namespace confab::engineio {

// The layer above (Socket.IO) receives a session's messages through this.
class SessionListener {
 public:
  virtual ~SessionListener() = default;
  virtual void on_message(std::string_view data, bool binary) = 0;
  virtual void on_close(std::string_view reason) = 0;
  // Called for every packet the client sends (pings, pongs and probes too), before it is
  // handled; false drops it. A listener that refuses closes the session itself.
  virtual bool admit_packet() { return true; }
};

enum class TransportKind { polling, websocket };

class Session : public std::enable_shared_from_this<Session> {
 public:
  using ClosedFn = std::function<void(const std::string& sid)>;

  Session(boost::asio::io_context& io, std::string sid, const ServerConfig& config,
          TransportKind transport, http::Request handshake, ClosedFn on_closed,
          SessionCounters* counters = nullptr);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  const std::string& id() const { return sid_; }
  TransportKind transport() const { return transport_; }
  bool upgrading() const { return probe_ != nullptr; }
  bool closed() const { return state_ != State::open; }
  bool owns_ws(const WsChannel* channel) const {
    return channel != nullptr && ws_.get() == channel;
  }
  const http::Request& handshake() const { return handshake_; }
  std::string open_packet_json() const;

  void set_listener(std::unique_ptr<SessionListener> listener) { listener_ = std::move(listener); }
  SessionListener* listener() const { return listener_.get(); }

  // Upper-layer API.
  void send(std::string data, bool binary = false);
  void close(std::string_view reason = "forced server close");

  // Called by the Server: starts the heartbeat and, on WebSocket, sends the handshake.
  void start(std::shared_ptr<WsChannel> ws);

  // Polling transport.
  void on_poll(PollResponder respond);
  http::Response on_post(std::string_view body);
  void on_poll_aborted();

  // WebSocket transport and the probe of an upgrade.
  void on_ws_frame(std::string_view frame, bool binary);
  void on_ws_closed();
  bool begin_probe(std::shared_ptr<WsChannel> probe);
  void on_probe_frame(const WsChannel* probe, std::string_view frame);
  void on_probe_closed(const WsChannel* probe);

 private:
  enum class State { open, closing, closed };

  void enqueue(Packet p);
  // The oldest queued packets, up to what one poll response carries (at least one).
  std::vector<Packet> take_batch();
  void drop_slow_client();
  void schedule_flush();
  void flush();
  void respond_poll(std::vector<Packet> packets);
  void handle_packet(Packet p);
  void schedule_ping();
  void on_timer(bool ping_phase);
  void hold_close(std::string_view reason, PacketType last);
  void finish_close(std::string_view reason, std::optional<Packet> last_poll_packet);
  void release();

  boost::asio::io_context& io_;
  std::string sid_;
  const ServerConfig& config_;
  TransportKind transport_;
  http::Request handshake_;
  ClosedFn on_closed_;
  State state_ = State::open;
  PacketType closing_packet_ = PacketType::close;  // ends the last poll of a held close

  std::unique_ptr<SessionListener> listener_;
  std::vector<Packet> queue_;
  std::size_t queued_bytes_ = 0;  // of queue_'s packets
  SessionCounters* counters_;
  // Only a pong answering a ping the client has received shows that it lives: a polling
  // client must have fetched the ping, so blind pongs in POSTs do not count.
  enum class Ping { none, queued, sent };
  Ping ping_ = Ping::none;
  bool dropped_ = false;  // over the backlog: nothing more is queued, the close is posted
  std::optional<PollResponder> pending_poll_;
  bool flush_scheduled_ = false;
  std::shared_ptr<WsChannel> ws_;
  std::shared_ptr<WsChannel> probe_;
  boost::asio::steady_timer timer_;
};

}  // namespace confab::engineio
