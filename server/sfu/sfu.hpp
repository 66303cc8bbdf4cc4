#pragma once
// The SFU as the meeting sees it (meeting::MediaRouter): media workers, each with its own
// thread and UDP port (`port`, `port + 1`, ...), rooms placed on the least loaded one. Every
// method is called on the signaling thread and returns at once; the work is posted to the
// room's worker. Events come back through `post_to_signaling`.
#include <boost/asio/ip/address.hpp>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "meeting/media_router.hpp"
#include "sfu/dtls_certificate.hpp"
#include "sfu/sfu_counters.hpp"
#include "sfu/worker.hpp"

namespace confab::sfu {

struct SfuOptions {
  std::string listen_address = "0.0.0.0";
  std::uint16_t port = 0;  // 0: any free port per worker
  std::size_t workers = 1;
  // Addresses put in candidates; empty: see default_announced_addresses().
  std::vector<std::string> announced_addresses;
};

// The host's addresses a client can reach: non-loopback ones, plus loopback when the server
// listens on loopback (or on every address and nothing else is there).
std::vector<std::string> default_announced_addresses(const std::string& listen_address);

class Sfu final : public meeting::MediaRouter {
 public:
  using Post = std::function<void(std::function<void()>)>;

  Sfu(SfuOptions options, Post post_to_signaling);
  ~Sfu() override;

  // Where the data plane's reports go (set once, before the first transport).
  void set_events(meeting::MediaEvents* events) { events_ = events; }

  std::vector<std::uint16_t> ports() const;
  const std::string& fingerprint() const { return certificate_.fingerprint_sha256(); }
  // Counters summed over workers, for /metrics.
  std::uint64_t total(const SfuCounters::Counter SfuCounters::*counter) const;
  std::uint64_t dropped(DropReason reason) const;

  meeting::TransportInfo create_transport(std::string_view room, const std::string& id) override;
  void connect_transport(const std::string& id, std::string_view algorithm,
                         std::string_view fingerprint) override;
  meeting::IceParameters restart_ice(const std::string& id) override;
  void close_transport(const std::string& id) override;
  void create_producer(const meeting::ProducerSpec& spec) override;
  void close_producer(const std::string& id) override;
  void set_producer_paused(const std::string& id, bool paused) override;
  void create_consumer(const meeting::ConsumerSpec& spec) override;
  void close_consumer(const std::string& id) override;
  void set_consumer_paused(const std::string& id, bool paused) override;
  void set_consumer_preferred_layers(const std::string& id, std::uint8_t spatial,
                                     std::uint8_t temporal) override;
  void request_keyframe(const std::string& consumer_id) override;

 private:
  struct Placement {
    std::size_t worker = 0;
    std::size_t transports = 0;
  };
  Worker* worker_of_transport(const std::string& id);
  Worker* worker_of(const std::unordered_map<std::string, std::size_t>& index,
                    const std::string& id);
  void forget_transport(const std::string& id);
  void transport_died(const std::string& id, std::string reason);

  SfuOptions options_;
  Post post_;
  meeting::MediaEvents* events_ = nullptr;
  DtlsCertificate certificate_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::size_t> worker_load_;                         // transports per worker
  std::unordered_map<std::string, Placement> rooms_;             // by room id
  std::unordered_map<std::string, std::string> transport_room_;  // transport id -> room
  std::unordered_map<std::string, std::size_t> transport_worker_;
  std::unordered_map<std::string, std::size_t> producer_worker_;
  std::unordered_map<std::string, std::size_t> consumer_worker_;
  std::unordered_map<std::string, std::vector<std::string>>
      transport_children_;  // producers, consumers
};

}  // namespace confab::sfu
