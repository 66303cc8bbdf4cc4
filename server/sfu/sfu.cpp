#include "sfu/sfu.hpp"

#include <ifaddrs.h>
#include <netinet/in.h>

#include <algorithm>
#include <boost/asio/ip/udp.hpp>
#include <stdexcept>

#include "common/random.hpp"

namespace confab::sfu {

namespace {

// ICE credentials: letters and digits (ice-char also allows '+' and '/', which some
// clients mishandle in USERNAME).
std::string ice_credential(std::size_t length) {
  common::SecureRandomSource random;
  return common::random_token(random, length, common::kAlphanumeric);
}

meeting::IceParameters fresh_ice_parameters() {
  return {ice_credential(16), ice_credential(32)};
}

bool is_loopback(const std::string& address) {
  boost::system::error_code ec;
  const auto ip = boost::asio::ip::make_address(address, ec);
  return !ec && ip.is_loopback();
}

}  // namespace

std::vector<std::string> default_announced_addresses(const std::string& listen_address) {
  if (is_loopback(listen_address)) return {listen_address};
  boost::system::error_code ec;
  const auto listen = boost::asio::ip::make_address(listen_address, ec);
  if (!ec && !listen.is_unspecified()) return {listen_address};
  std::vector<std::string> out;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) == 0) {
    for (const ifaddrs* it = list; it; it = it->ifa_next) {
      // IPv4 only: Chrome pairs v6 candidates too, but link-local ones need a scope.
      if (!it->ifa_addr || it->ifa_addr->sa_family != AF_INET) continue;
      const auto* in = reinterpret_cast<const sockaddr_in*>(it->ifa_addr);
      const boost::asio::ip::address_v4 ip(ntohl(in->sin_addr.s_addr));
      if (!ip.is_loopback()) out.push_back(ip.to_string());
    }
    freeifaddrs(list);
  }
  if (out.empty()) out.push_back("127.0.0.1");
  return out;
}

Sfu::Sfu(SfuOptions options, Post post_to_signaling)
    : options_(std::move(options)),
      post_(std::move(post_to_signaling)),
      certificate_(DtlsCertificate::generate()) {
  if (options_.announced_addresses.empty()) {
    options_.announced_addresses = default_announced_addresses(options_.listen_address);
  }
  const auto listen = boost::asio::ip::make_address(options_.listen_address);
  for (std::size_t i = 0; i < std::max<std::size_t>(1, options_.workers); ++i) {
    const auto port = options_.port == 0 ? 0 : static_cast<std::uint16_t>(options_.port + i);
    workers_.push_back(std::make_unique<Worker>(
        certificate_, boost::asio::ip::udp::endpoint(listen, port),
        [this](const std::string& id, std::string_view reason) {
          // On the worker thread: the rest happens where the meeting lives.
          post_([this, id, reason = std::string(reason)] { transport_died(id, reason); });
        },
        [this](std::vector<meeting::AudioLevel> levels) {
          post_([this, levels = std::move(levels)] {
            if (events_) events_->audio_levels(levels);
          });
        }));
    worker_load_.push_back(0);
  }
  for (auto& worker : workers_) worker->start();
}

Sfu::~Sfu() {
  workers_.clear();
}

std::vector<std::uint16_t> Sfu::ports() const {
  std::vector<std::uint16_t> out;
  for (const auto& worker : workers_) out.push_back(worker->port());
  return out;
}

std::uint64_t Sfu::total(const SfuCounters::Counter SfuCounters::*counter) const {
  std::uint64_t sum = 0;
  for (const auto& worker : workers_) sum += SfuCounters::read(worker->counters().*counter);
  return sum;
}

std::uint64_t Sfu::dropped(DropReason reason) const {
  std::uint64_t sum = 0;
  for (const auto& worker : workers_) {
    sum += SfuCounters::read(worker->counters().dropped[static_cast<std::size_t>(reason)]);
  }
  return sum;
}

meeting::TransportInfo Sfu::create_transport(std::string_view room, const std::string& id) {
  auto [placement, fresh] = rooms_.try_emplace(std::string(room));
  if (fresh) {
    placement->second.worker = static_cast<std::size_t>(
        std::min_element(worker_load_.begin(), worker_load_.end()) - worker_load_.begin());
  }
  const std::size_t index = placement->second.worker;
  ++placement->second.transports;
  ++worker_load_[index];
  transport_room_[id] = std::string(room);
  transport_worker_[id] = index;

  meeting::TransportInfo info;
  info.ice = fresh_ice_parameters();
  info.fingerprint_sha256 = certificate_.fingerprint_sha256();
  const std::uint16_t port = workers_[index]->port();
  std::uint32_t local_preference = 65535;
  for (const auto& address : options_.announced_addresses) {
    // RFC 8445 5.1.2.1: host type preference 126.
    info.candidates.push_back({"udp" + std::to_string(info.candidates.size()),
                               (126u << 24) | (local_preference-- << 8) | 255u, address, port});
  }
  workers_[index]->post([id, ice = info.ice](Forwarder& f, Worker::Clock::time_point now) {
    f.add_transport(id, ice.ufrag, ice.pwd, now);
  });
  return info;
}

Worker* Sfu::worker_of(const std::unordered_map<std::string, std::size_t>& index,
                       const std::string& id) {
  const auto it = index.find(id);
  return it == index.end() ? nullptr : workers_[it->second].get();
}

Worker* Sfu::worker_of_transport(const std::string& id) {
  return worker_of(transport_worker_, id);
}

void Sfu::connect_transport(const std::string& id, std::string_view algorithm,
                            std::string_view fingerprint) {
  if (Worker* w = worker_of_transport(id)) {
    w->post([id, algorithm = std::string(algorithm), fingerprint = std::string(fingerprint)](
                Forwarder& f, Worker::Clock::time_point) {
      f.connect_transport(id, algorithm, fingerprint);
    });
  }
}

meeting::IceParameters Sfu::restart_ice(const std::string& id) {
  auto ice = fresh_ice_parameters();
  if (Worker* w = worker_of_transport(id)) {
    w->post([id, ice](Forwarder& f, Worker::Clock::time_point now) {
      f.restart_ice(id, ice.ufrag, ice.pwd, now);
    });
  }
  return ice;
}

void Sfu::forget_transport(const std::string& id) {
  const auto worker = transport_worker_.find(id);
  if (worker == transport_worker_.end()) return;
  --worker_load_[worker->second];
  transport_worker_.erase(worker);
  for (const auto& child : transport_children_[id]) {
    producer_worker_.erase(child);
    consumer_worker_.erase(child);
  }
  transport_children_.erase(id);
  const auto room = transport_room_.find(id);
  if (room != transport_room_.end()) {
    const auto placement = rooms_.find(room->second);
    if (placement != rooms_.end() && --placement->second.transports == 0) rooms_.erase(placement);
    transport_room_.erase(room);
  }
}

void Sfu::close_transport(const std::string& id) {
  if (Worker* w = worker_of_transport(id)) {
    w->post([id](Forwarder& f, Worker::Clock::time_point) { f.close_transport(id); });
  }
  forget_transport(id);
}

void Sfu::transport_died(const std::string& id, std::string reason) {
  if (!transport_worker_.contains(id)) return;  // the meeting closed it meanwhile
  forget_transport(id);
  if (events_) events_->transport_closed(id, reason);
}

void Sfu::create_producer(const meeting::ProducerSpec& spec) {
  const auto it = transport_worker_.find(spec.transport_id);
  if (it == transport_worker_.end()) return;
  producer_worker_[spec.id] = it->second;
  transport_children_[spec.transport_id].push_back(spec.id);
  workers_[it->second]->post(
      [spec](Forwarder& f, Worker::Clock::time_point) { f.add_producer(spec); });
}

void Sfu::close_producer(const std::string& id) {
  if (Worker* w = worker_of(producer_worker_, id)) {
    w->post([id](Forwarder& f, Worker::Clock::time_point) { f.close_producer(id); });
    producer_worker_.erase(id);
  }
}

void Sfu::set_producer_paused(const std::string& id, bool paused) {
  if (Worker* w = worker_of(producer_worker_, id)) {
    w->post([id, paused](Forwarder& f, Worker::Clock::time_point) {
      f.set_producer_paused(id, paused);
    });
  }
}

void Sfu::create_consumer(const meeting::ConsumerSpec& spec) {
  const auto it = transport_worker_.find(spec.transport_id);
  // A room lives on one worker, so the producer is there too.
  if (it == transport_worker_.end()) return;
  consumer_worker_[spec.id] = it->second;
  transport_children_[spec.transport_id].push_back(spec.id);
  workers_[it->second]->post(
      [spec](Forwarder& f, Worker::Clock::time_point) { f.add_consumer(spec); });
}

void Sfu::close_consumer(const std::string& id) {
  if (Worker* w = worker_of(consumer_worker_, id)) {
    w->post([id](Forwarder& f, Worker::Clock::time_point) { f.close_consumer(id); });
    consumer_worker_.erase(id);
  }
}

void Sfu::set_consumer_paused(const std::string& id, bool paused) {
  if (Worker* w = worker_of(consumer_worker_, id)) {
    w->post([id, paused](Forwarder& f, Worker::Clock::time_point) {
      f.set_consumer_paused(id, paused);
    });
  }
}

void Sfu::set_consumer_preferred_layers(const std::string& id, std::uint8_t spatial,
                                        std::uint8_t temporal) {
  if (Worker* w = worker_of(consumer_worker_, id)) {
    w->post([id, spatial, temporal](Forwarder& f, Worker::Clock::time_point) {
      f.set_consumer_preferred_layers(id, spatial, temporal);
    });
  }
}

void Sfu::request_keyframe(const std::string& consumer_id) {
  if (Worker* w = worker_of(consumer_worker_, consumer_id)) {
    w->post([consumer_id](Forwarder& f, Worker::Clock::time_point) {
      f.request_keyframe(consumer_id);
    });
  }
}

}  // namespace confab::sfu
