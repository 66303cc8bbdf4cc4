#pragma once
// engineio::WsChannel over a plain TCP socket with confab's own framing (websocket_frames.hpp).
// Idle connections are the many, so an idle channel holds the socket, one readiness wait and
// no buffer: bytes are read into the stack when they arrive, and only a partial frame is kept.
// A frame is written at once when nothing is queued (one writev of header and payload, no
// copy); frames that find the socket busy are framed into one buffer and leave in one write.
// Beast still answers the upgrade request; TLS connections use WebSocketChannel (Beast).
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "engineio/transport.hpp"
#include "http/backlog_limit.hpp"
#include "http/connection_context.hpp"
#include "http/http_connection.hpp"
#include "http/ip_limiter.hpp"
#include "http/websocket_frames.hpp"

namespace confab::http {

class TcpWebSocketChannel final : public engineio::WsChannel,
                                  private WsFrameSink,
                                  public std::enable_shared_from_this<TcpWebSocketChannel> {
 public:
  using OpenFn =
      std::function<std::shared_ptr<engineio::WsHandler>(std::shared_ptr<engineio::WsChannel>)>;

  TcpWebSocketChannel(boost::asio::ip::tcp::socket socket, std::size_t max_message,
                      std::shared_ptr<ListenerState> state, IpLimiter::Slot slot,
                      std::size_t max_backlog);
  ~TcpWebSocketChannel() override;

  // Answers the upgrade request, then asks `on_open` for the frame handler.
  void accept(BeastRequest request, OpenFn on_open);

  void send(std::string frame, bool binary) override;
  void close() override;

 private:
  bool on_message(std::string_view payload, bool binary) override;
  void on_ping(std::string_view payload) override;
  void on_close(std::uint16_t code) override;

  void wait_readable();
  void on_readable(boost::system::error_code ec);
  // Frames `payload`; written now if the socket is free, else queued behind what is in flight.
  void write_frame(WsOpcode opcode, std::string_view payload);
  void write_pending();
  void after_writes();
  // Sends a close frame with `code` after the queued frames; the connection ends when the
  // peer's close frame has arrived too, or after a linger time.
  void begin_close(std::uint16_t code);
  void drop_slow_client();
  void finish();
  void finish_later();

  boost::asio::ip::tcp::socket socket_;
  WsFrameReader reader_;
  BacklogLimit backlog_;   // on pending_ and in_flight_
  std::string pending_;    // framed bytes waiting for the write in flight
  std::string in_flight_;  // framed bytes being written
  std::shared_ptr<engineio::WsHandler> handler_;
  std::shared_ptr<ListenerState> state_;
  IpLimiter::Slot slot_;
  // Bounds the closing handshake; exists only while closing.
  std::unique_ptr<boost::asio::steady_timer> linger_;
  bool open_ = false;
  bool writing_ = false;
  bool closing_ = false;      // a close frame is queued: nothing more is sent
  bool peer_closed_ = false;  // the peer's close frame arrived: no need to wait for it
  bool close_sent_ = false;
  bool finished_ = false;
};

}  // namespace confab::http
