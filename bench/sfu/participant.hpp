#pragma once
// One synthetic participant's media: a send transport publishing a MediaSource and a receive
// transport counting what the SFU forwards to it. How the transports are negotiated (confab's
// Socket.IO events or Janus's WebSocket API) is the signaling's business; it tells the
// participant about servers' transports and consumers through the calls below.
#include <boost/asio/io_context.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "latency_histogram.hpp"
#include "media_peer.hpp"
#include "synthetic_media.hpp"

namespace confab::bench::sfu {

struct Totals {
  std::uint64_t audio_packets = 0;
  std::uint64_t video_packets = 0;
  std::uint64_t expected = 0;
  std::uint64_t received = 0;
  std::uint64_t audio_streams = 0;  // streams that delivered in the window
  std::uint64_t video_streams = 0;
  LatencyHistogram latency;
};

class Participant {
 public:
  Participant(boost::asio::io_context& io, confab::sfu::DtlsContext& dtls, std::uint32_t index,
              bool speaking);
  ~Participant();

  // A transport on `local`: `send` for publishing, else for receiving (set_remote() later).
  MediaPeer& add_transport(bool send, const boost::asio::ip::address& local);
  MediaPeer* send_peer() { return send_.get(); }
  MediaPeer* recv_peer() { return recv_.get(); }
  // A stream the server will forward to us under `ssrc` (on the receive transport).
  void expect_stream(std::uint32_t ssrc, bool video);
  // Count streams we were not told about, telling video by this payload type (Janus's offer
  // may name no SSRC).
  void learn_streams(std::uint8_t video_payload_type) { learn_video_pt_ = video_payload_type; }

  const MediaSource& source() const { return source_; }
  // Our DTLS certificate's (one for all participants).
  const std::string& fingerprint() const { return dtls_.fingerprint_sha256(); }
  std::uint32_t index() const { return index_; }
  bool media_connected() const {
    return send_ && recv_ && send_->connected() && recv_->connected();
  }
  bool failed() const { return (send_ && send_->failed()) || (recv_ && recv_->failed()); }

  // Every millisecond or so: sends what is due; every few seconds a consent check.
  void pump(std::int64_t now_ns);
  void set_counting(bool counting);
  void add_totals(Totals& totals) const;
  std::uint64_t nacks() const { return nacks_; }
  std::uint64_t keyframe_requests() const { return keyframe_requests_; }
  std::uint64_t unknown_ssrc_packets() const { return unknown_; }

 private:
  class SendHandler;
  class RecvHandler;

  std::uint32_t index_;
  boost::asio::io_context& io_;
  confab::sfu::DtlsContext& dtls_;
  MediaSource source_;
  std::unique_ptr<SendHandler> send_handler_;
  std::unique_ptr<RecvHandler> recv_handler_;
  std::unique_ptr<MediaPeer> send_;
  std::unique_ptr<MediaPeer> recv_;
  std::unordered_map<std::uint32_t, ReceivedStream> streams_;
  LatencyHistogram latency_;
  bool counting_ = false;
  std::optional<std::uint8_t> learn_video_pt_;
  std::int64_t next_check_ns_ = 0;
  std::uint64_t nacks_ = 0;
  std::uint64_t keyframe_requests_ = 0;
  std::uint64_t unknown_ = 0;
};

}  // namespace confab::bench::sfu
