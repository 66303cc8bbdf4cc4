#pragma once
// A participant's signaling with Janus VideoRoom over its WebSocket API ("janus-protocol"): a
// session with two handles, a publisher (our SDP offer: Opus + VP8, sendonly, BUNDLE; Janus's
// answer) and a subscriber (once every other participant publishes: all their audio and at most
// `max_video` videos in one PeerConnection; Janus's offer, our answer), and keepalives. Our SDP is
// written and read here, just enough for these two exchanges.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "confab_client.hpp"
#include "participant.hpp"
#include "ws_client.hpp"

namespace confab::bench::sfu {

// What we need of a remote SDP: ICE credentials, fingerprint, the first IPv4 UDP candidate, and
// per m-section the kind, mid, first payload type and first SSRC.
struct SdpSummary {
  struct Media {
    std::string kind;
    std::string mid;
    int payload_type = -1;
    std::uint32_t ssrc = 0;
    bool inactive = false;
  };
  std::string ufrag, pwd, fingerprint;
  std::string candidate_ip;
  std::uint16_t candidate_port = 0;
  std::vector<Media> media;

  static SdpSummary parse(const std::string& sdp);
};

class JanusClient final : public Signaling, private ConnectionHandler {
 public:
  JanusClient(boost::asio::io_context& io, Participant& participant, const SignalingTarget& target,
              boost::asio::ip::address media_ip);
  void start() override;
  bool ready() const override;
  const std::string& error() const override { return error_; }

 private:
  using Reply = std::function<void(const nlohmann::json&)>;
  void on_open() override {}
  void on_text(std::string_view message) override;
  void on_closed(std::string_view error) override;

  void request(nlohmann::json message, Reply reply);
  void fail(std::string what);
  void keepalive();
  void publish();
  void published(const nlohmann::json& jsep);
  void add_publishers(const nlohmann::json& list);
  void maybe_subscribe();
  void subscribe_offer(const nlohmann::json& jsep);
  void on_plugin_event(std::uint64_t handle, const nlohmann::json& data,
                       const nlohmann::json* jsep);
  std::string offer_sdp() const;
  std::string answer_sdp(const SdpSummary& offer) const;
  void connect_peer(MediaPeer& peer, const SdpSummary& remote);

  boost::asio::io_context& io_;
  Participant& participant_;
  const SignalingTarget& target_;
  boost::asio::ip::address media_ip_;
  WsConnection conn_;
  boost::asio::steady_timer keepalive_timer_;
  std::uint64_t next_transaction_ = 1;
  std::map<std::string, Reply> pending_;
  std::uint64_t session_ = 0;
  std::uint64_t publisher_handle_ = 0;
  std::uint64_t subscriber_handle_ = 0;
  std::uint64_t own_feed_ = 0;
  std::set<std::uint64_t> feeds_;
  bool published_ = false;
  bool subscribed_ = false;
  bool started_ = false;
  std::uint32_t audio_streams_ = 0;
  std::uint32_t video_streams_ = 0;
  std::string error_;
};

}  // namespace confab::bench::sfu
