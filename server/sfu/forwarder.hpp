#pragma once
// Everything one media worker forwards: its transports, producers and consumers, the
// demultiplexing of datagrams (ICE username, then address), the RTP fan-out and the RTCP
// feedback loop (NACK, PLI, REMB). Single-threaded: the worker calls it from its loop only,
// so the packet path takes no lock. Rooms never mix: a consumer exists only if the meeting
// made it for a producer of the subscriber's room.
#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "meeting/media_router.hpp"
#include "sfu/consumer.hpp"
#include "sfu/datagram_sender.hpp"
#include "sfu/downlink_allocation.hpp"
#include "sfu/dtls_context.hpp"
#include "sfu/producer.hpp"
#include "sfu/sfu_counters.hpp"
#include "sfu/srtp_session.hpp"
#include "sfu/vp8.hpp"
#include "sfu/webrtc_transport.hpp"

namespace confab::sfu {

class Forwarder {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr auto kNackInterval = std::chrono::milliseconds(20);
  static constexpr auto kReportInterval = std::chrono::seconds(1);
  static constexpr auto kAudioLevelInterval = std::chrono::milliseconds(250);
  // How often each subscriber's bandwidth is shared out again between its video streams.
  static constexpr auto kAllocationInterval = std::chrono::milliseconds(500);
  // What a publisher may send when its subscribers report nothing (REMB), and the floor.
  static constexpr std::uint32_t kDefaultPublisherBitrate = 1'500'000;
  static constexpr std::uint32_t kMinPublisherBitrate = 100'000;
  // A simulcast publisher is not held to its weakest subscriber (that one gets a small layer).
  static constexpr std::uint32_t kSimulcastPublisherBitrate = 2'500'000;

  // Called when a transport died on its own (consent, DTLS); it is already gone.
  using ClosedHook = std::function<void(const std::string& transport_id, std::string_view reason)>;
  // Every kAudioLevelInterval: each audio producer's speech since the last call.
  using LevelsHook = std::function<void(std::vector<meeting::AudioLevel> levels)>;

  Forwarder(DtlsContext& dtls, DatagramSender& sender, SfuCounters& counters, ClosedHook closed,
            LevelsHook levels = {});
  ~Forwarder();
  Forwarder(const Forwarder&) = delete;
  Forwarder& operator=(const Forwarder&) = delete;

  // Control, in the order the meeting made the calls. Unknown ids are ignored: the meeting
  // may close what the data plane already closed on its own.
  void add_transport(const std::string& id, std::string ufrag, std::string pwd,
                     Clock::time_point now);
  void connect_transport(const std::string& id, std::string_view algorithm,
                         std::string_view fingerprint);
  void restart_ice(const std::string& id, std::string ufrag, std::string pwd,
                   Clock::time_point now);
  void close_transport(const std::string& id);
  void add_producer(const meeting::ProducerSpec& spec);
  void close_producer(const std::string& id);
  void set_producer_paused(const std::string& id, bool paused);
  void add_consumer(const meeting::ConsumerSpec& spec);
  void close_consumer(const std::string& id);
  void set_consumer_paused(const std::string& id, bool paused);
  void set_consumer_preferred_layers(const std::string& id, std::uint8_t spatial,
                                     std::uint8_t temporal);
  void request_keyframe(const std::string& consumer_id);

  // One datagram from the socket; decrypted in place.
  void receive(std::span<std::uint8_t> datagram, const TransportAddress& from,
               Clock::time_point now);
  // Timers: DTLS retransmission, consent, NACK and keyframe requests, receiver reports.
  void tick(Clock::time_point now);

  std::size_t transport_count() const { return transports_.size(); }
  const WebRtcTransport* transport(const std::string& id) const {
    const auto it = transports_.find(id);
    return it == transports_.end() ? nullptr : it->second;
  }

 private:
  struct StreamRef {  // an SSRC a publisher sends: one layer of a producer
    Producer* producer = nullptr;
    std::size_t layer = 0;
  };
  struct Link {  // a transport and what travels on it
    std::unique_ptr<WebRtcTransport> transport;
    std::unordered_map<std::uint32_t, StreamRef> producers_by_ssrc;  // media and RTX ssrc
    std::unordered_map<std::uint32_t, Consumer*> consumers_by_ssrc;
    std::vector<std::string> producer_ids;
    std::vector<std::string> consumer_ids;
    DownlinkEstimate downlink;  // as a subscriber
  };

  Link* link_for(const TransportAddress& from);
  void receive_stun(std::span<const std::uint8_t> datagram, const TransportAddress& from,
                    Clock::time_point now);
  void receive_rtp(Link& link, std::span<std::uint8_t> packet, Clock::time_point now);
  void receive_rtcp(Link& link, std::span<const std::uint8_t> packet, Clock::time_point now);
  // RID-based simulcast: an unknown SSRC whose rid (or repaired rid) names a layer.
  const StreamRef* learn_stream(Link& link, const RtpPacket& packet);
  void forward(Producer& producer, std::size_t layer, std::span<const std::uint8_t> packet,
               bool keyframe, const Vp8Descriptor* vp8, Clock::time_point now);
  // A consumer's target layer may have moved: ask for the keyframe it needs.
  void retarget(Consumer& consumer, Clock::time_point now, bool starting = false);
  void allocate_downlinks(Clock::time_point now);
  void retransmit(Consumer& consumer, std::uint16_t sent_sequence, Clock::time_point now);
  void send_nacks_and_keyframe_requests(Clock::time_point now);
  void send_reports(Clock::time_point now);
  void send_receiver_report(Link& link, Clock::time_point now);
  void send_sender_reports(Link& link, Clock::time_point now);
  void report_audio_levels();
  void forget_addresses(Link& link);
  void reap();  // closes transports that died inside a callback

  DtlsContext& dtls_;
  DatagramSender& sender_;
  SfuCounters& counters_;
  ClosedHook closed_;
  LevelsHook levels_;
  std::unordered_map<std::string, Link> links_;  // by transport id
  std::unordered_map<std::string, WebRtcTransport*> transports_;
  std::unordered_map<std::string, Link*> by_ufrag_;
  std::unordered_map<TransportAddress, Link*, TransportAddressHash> by_address_;
  std::unordered_map<std::string, std::unique_ptr<Producer>> producers_;
  std::unordered_map<std::string, std::unique_ptr<Consumer>> consumers_;
  std::vector<std::pair<std::string, std::string>> dead_;  // id, reason
  Clock::time_point next_nack_{};
  Clock::time_point next_report_{};
  Clock::time_point next_levels_{};
  Clock::time_point next_allocation_{};
  std::vector<DownlinkStream> allocation_streams_;  // reused by every allocation round
  std::vector<Consumer*> allocation_consumers_;
  Clock::time_point last_tick_{};
  std::uint32_t sfu_ssrc_ = 1;  // the sender SSRC of our RTCP
  // One outgoing packet at a time: forwarded RTP, retransmissions, our RTCP.
  std::array<std::uint8_t, 1500 + kSrtpMaxTrailer + 2> out_{};
};

}  // namespace confab::sfu
