#pragma once
// What a media worker counts, for /metrics. Written by the worker thread only, read by the
// metrics page from the signaling thread: relaxed atomics, no locks on the packet path.
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace confab::sfu {

enum class DropReason : std::size_t {
  unknown_address,  // DTLS/RTP/RTCP from an address no ICE check validated
  bad_stun,         // malformed, unknown ufrag, wrong integrity or fingerprint
  malformed,        // neither STUN, DTLS, RTP nor RTCP, or a broken RTP/RTCP packet
  not_connected,    // media before DTLS finished
  srtp_auth,        // SRTP/SRTCP authentication failed
  srtp_replay,      // replayed SRTP/SRTCP
  unknown_ssrc,     // RTP of no producer on that transport
  send_failed,      // the socket refused an outgoing datagram
  count_,
};
std::string_view to_string(DropReason reason);

struct SfuCounters {
  using Counter = std::atomic<std::uint64_t>;
  Counter rtp_packets_in{0}, rtp_bytes_in{0};
  Counter rtp_packets_out{0}, rtp_bytes_out{0};
  Counter rtcp_packets_in{0}, rtcp_packets_out{0};
  Counter nacks_received{0};     // NACKed sequence numbers from subscribers
  Counter nacks_sent{0};         // sequence numbers the SFU asked publishers for
  Counter retransmissions{0};    // packets resent to subscribers from the buffer
  Counter keyframe_requests{0};  // PLIs sent to publishers
  Counter layer_switches{0};     // a consumer moved to another simulcast layer
  Counter dtls_failures{0};
  Counter transports{0}, producers{0}, consumers{0};  // open now
  std::array<Counter, static_cast<std::size_t>(DropReason::count_)> dropped{};

  void add(Counter& c, std::uint64_t n = 1) { c.fetch_add(n, std::memory_order_relaxed); }
  void sub(Counter& c, std::uint64_t n = 1) { c.fetch_sub(n, std::memory_order_relaxed); }
  void drop(DropReason reason) { add(dropped[static_cast<std::size_t>(reason)]); }
  static std::uint64_t read(const Counter& c) { return c.load(std::memory_order_relaxed); }
};

}  // namespace confab::sfu
