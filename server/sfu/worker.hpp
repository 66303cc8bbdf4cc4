#pragma once
// A media worker: one thread with its own event loop and one UDP socket that carries every
// transport placed on it, read and written in batches (udp_batch.hpp). The signaling thread posts
// commands; nothing is shared but the counters, so the packet path takes no lock.
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <thread>

#include "sfu/dtls_certificate.hpp"
#include "sfu/dtls_context.hpp"
#include "sfu/forwarder.hpp"
#include "sfu/sfu_counters.hpp"
#include "sfu/udp_batch.hpp"

namespace confab::sfu {

class Worker {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr auto kTick = std::chrono::milliseconds(10);

  // Binds the socket at once (throws if the port is taken); the thread starts with start().
  Worker(const DtlsCertificate& certificate, const boost::asio::ip::udp::endpoint& bind,
         Forwarder::ClosedHook closed, Forwarder::LevelsHook levels = {});
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  void start();
  std::uint16_t port() const { return port_; }
  const SfuCounters& counters() const { return counters_; }

  // Runs `command` on the worker thread, after every command posted before it.
  void post(std::function<void(Forwarder&, Clock::time_point)> command);

 private:
  void read();
  void arm_timer();

  boost::asio::io_context io_{1};
  boost::asio::ip::udp::socket socket_;
  boost::asio::steady_timer timer_;
  std::uint16_t port_ = 0;
  DtlsContext dtls_;
  SfuCounters counters_;
  UdpBatchSender sender_;
  UdpBatchReceiver receiver_;
  Forwarder forwarder_;
  std::thread thread_;
};

TransportAddress to_transport_address(const boost::asio::ip::udp::endpoint& endpoint);
boost::asio::ip::udp::endpoint to_endpoint(const TransportAddress& address);

}  // namespace confab::sfu
