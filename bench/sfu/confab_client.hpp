#pragma once
// A participant's signaling with confab: Socket.IO, join_room, then the sfu_* events as
// web/src/rtc/sfu.ts sends them (send and recv transports, produce mic and camera, consume every
// producer of the others and resume at most `max_video` videos and every audio).
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <deque>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "participant.hpp"
#include "ws_client.hpp"

namespace confab::bench::sfu {

struct SignalingTarget {
  boost::asio::ip::tcp::endpoint endpoint;
  std::string host_header;
  std::string room;
  std::uint32_t participants = 0;
  std::uint32_t max_video = 9;
};

class Signaling {
 public:
  virtual ~Signaling() = default;
  virtual void start() = 0;
  // Transports up, everything published and the expected streams resumed.
  virtual bool ready() const = 0;
  // Why the participant cannot go on, or "".
  virtual const std::string& error() const = 0;
};

class ConfabClient final : public Signaling, private ConnectionHandler {
 public:
  ConfabClient(boost::asio::io_context& io, Participant& participant,
               const SignalingTarget& target);
  void start() override;
  bool ready() const override;
  const std::string& error() const override { return error_; }

 private:
  using Reply = std::function<void(const nlohmann::json&)>;
  void on_open() override {}
  void on_text(std::string_view message) override;
  void on_closed(std::string_view error) override;

  void emit(std::string_view name, const nlohmann::json& arg, Reply reply);
  void fail(std::string what);
  void joined(const nlohmann::json& ack);
  void create_transport(bool send);
  void transport_created(bool send, const nlohmann::json& transport);
  void produce();
  void consume(const std::string& producer_id);

  boost::asio::io_context& io_;
  Participant& participant_;
  const SignalingTarget& target_;
  WsConnection conn_;
  std::uint64_t next_ack_ = 1;
  std::map<std::uint64_t, Reply> pending_;
  std::string send_transport_;
  std::string recv_transport_;
  std::deque<std::string> waiting_producers_;  // announced before the recv transport exists
  std::set<std::string> consumed_;
  std::uint32_t resumed_audio_ = 0;
  std::uint32_t resumed_video_ = 0;
  std::uint32_t asked_video_ = 0;
  std::uint32_t produced_ = 0;
  std::string error_;
};

}  // namespace confab::bench::sfu
