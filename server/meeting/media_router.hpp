#pragma once
// The SFU's data plane as the meeting drives it (the port, like Outbox): the app implements it
// over server/sfu, unit tests with a recording fake. Every call returns at once; the SFU applies
// commands on its media worker in the order they were made. Ids are the meeting's (random,
// unique server-wide); the data plane never sees Socket.IO or participants.
#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace confab::meeting {

enum class MediaKind { audio, video };

struct IceParameters {
  std::string ufrag;  // >= 4 characters
  std::string pwd;    // >= 22 characters
};

struct IceCandidate {
  std::string foundation;
  std::uint32_t priority = 0;
  std::string ip;
  std::uint16_t port = 0;  // UDP, type host
};

struct TransportInfo {
  IceParameters ice;
  std::vector<IceCandidate> candidates;
  std::string fingerprint_sha256;  // the SFU's DTLS certificate, "AB:CD:..."
};

// Header-extension ids: index = the id on the publisher's packets (one-byte form, 1..14), value =
// the router's id. An id the producer did not negotiate maps to kUnusedExtensionId, which the
// router never offers, so subscribers ignore it (an element cannot be cut out in place).
using ExtensionMap = std::array<std::uint8_t, 16>;
inline constexpr std::uint8_t kUnusedExtensionId = 14;

// The router's header-extension ids (one-byte form), the same on every transport.
inline constexpr std::uint8_t kMidExtensionId = 1;
inline constexpr std::uint8_t kAbsSendTimeExtensionId = 4;
inline constexpr std::uint8_t kAudioLevelExtensionId = 10;
inline constexpr std::uint8_t kVideoOrientationExtensionId = 11;

// One simulcast layer of a producer (its only one without simulcast). A layer is known by its
// SSRC, or by its RID (RFC 8852) when the SSRCs are left to the browser: the data plane learns
// them from the first packets carrying the rid (repaired-rid for RTX) header extension.
struct EncodingSpec {
  std::uint32_t ssrc = 0;      // 0: learnt from `rid`
  std::uint32_t rtx_ssrc = 0;  // 0: none, or learnt from repaired-rid when the producer has RTX
  std::uint8_t temporal_layers = 1;  // 1..3 (scalabilityMode L1T<n>)
  std::string rid;                   // empty: identified by ssrc
};
inline constexpr std::size_t kMaxSimulcastLayers = 3;

struct ProducerSpec {
  std::string id;
  std::string transport_id;
  MediaKind kind = MediaKind::audio;
  // Lowest resolution first; 1..kMaxSimulcastLayers entries. A consumer receives one of them.
  std::vector<EncodingSpec> encodings;
  // The publisher's header-extension ids (0: not negotiated) the data plane reads before it
  // knows a packet's producer: which transceiver (mid) and which layer (rid / repaired rid).
  std::string mid;
  std::uint8_t mid_extension_id = 0;
  std::uint8_t rid_extension_id = 0;
  std::uint8_t repaired_rid_extension_id = 0;
  std::uint8_t payload_type = 0;         // as the publisher sends it
  std::uint8_t rtx_payload_type = 0;     // 0: no RTX
  std::uint8_t router_payload_type = 0;  // what consumers receive
  std::uint8_t router_rtx_payload_type = 0;
  std::uint32_t clock_rate = 0;
  ExtensionMap extensions{};
  bool paused = false;
};

struct ConsumerSpec {
  std::string id;
  std::string transport_id;  // the subscriber's receive transport
  std::string producer_id;
  MediaKind kind = MediaKind::audio;
  std::uint32_t ssrc = 0;      // what the subscriber receives
  std::uint32_t rtx_ssrc = 0;  // 0: retransmissions go out on `ssrc` (no RTX)
  std::uint8_t payload_type = 0;
  std::uint8_t rtx_payload_type = 0;
  bool paused = true;
};

class MediaRouter {
 public:
  virtual ~MediaRouter() = default;

  // A transport in the media worker that carries `room` (rooms are placed on a worker when
  // their first transport is made). The answer's ICE credentials are fresh.
  virtual TransportInfo create_transport(std::string_view room, const std::string& id) = 0;
  // The client's DTLS fingerprint (algorithm "sha-256", ...): the handshake may complete.
  virtual void connect_transport(const std::string& id, std::string_view algorithm,
                                 std::string_view fingerprint) = 0;
  virtual IceParameters restart_ice(const std::string& id) = 0;
  // Closes its producers and consumers too.
  virtual void close_transport(const std::string& id) = 0;

  virtual void create_producer(const ProducerSpec& spec) = 0;
  virtual void close_producer(const std::string& id) = 0;  // closes its consumers too
  virtual void set_producer_paused(const std::string& id, bool paused) = 0;

  virtual void create_consumer(const ConsumerSpec& spec) = 0;
  virtual void close_consumer(const std::string& id) = 0;
  // Resuming a video consumer asks its publisher for a keyframe.
  virtual void set_consumer_paused(const std::string& id, bool paused) = 0;
  // Simulcast: the highest spatial layer (index into the producer's encodings) and temporal
  // layer the consumer should get, e.g. from the size of the tile it is shown in. The data plane
  // may forward less when the subscriber's bandwidth is short; it never forwards more. A consumer
  // starts at the highest of both.
  virtual void set_consumer_preferred_layers(const std::string& id, std::uint8_t spatial,
                                             std::uint8_t temporal) = 0;
  virtual void request_keyframe(const std::string& consumer_id) = 0;
};

// How much speech a published audio stream carried over the last report interval.
struct AudioLevel {
  std::string producer_id;
  float activity = 0;  // share of its packets louder than speech level, 0..1; 0 when paused
};

// What the data plane reports back, delivered on the signaling thread.
class MediaEvents {
 public:
  virtual ~MediaEvents() = default;
  // ICE consent expired (30 s without a valid request), DTLS failed or closed by the peer.
  virtual void transport_closed(const std::string& transport_id, std::string_view reason) = 0;
  // Every audio producer of one media worker, each report interval (a few times a second).
  virtual void audio_levels(const std::vector<AudioLevel>& levels) = 0;
};

}  // namespace confab::meeting
