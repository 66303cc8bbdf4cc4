#include "sfu/worker.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

namespace confab::sfu {

namespace asio = boost::asio;
using udp = asio::ip::udp;

TransportAddress to_transport_address(const udp::endpoint& endpoint) {
  TransportAddress address;
  const auto ip = endpoint.address();
  if (ip.is_v4()) {
    const auto bytes = ip.to_v4().to_bytes();
    std::copy(bytes.begin(), bytes.end(), address.ip.begin());
  } else {
    address.v6 = true;
    const auto bytes = ip.to_v6().to_bytes();
    std::copy(bytes.begin(), bytes.end(), address.ip.begin());
  }
  address.port = endpoint.port();
  return address;
}

udp::endpoint to_endpoint(const TransportAddress& address) {
  if (!address.v6) {
    asio::ip::address_v4::bytes_type bytes;
    std::copy_n(address.ip.begin(), bytes.size(), bytes.begin());
    return {asio::ip::address_v4(bytes), address.port};
  }
  asio::ip::address_v6::bytes_type bytes;
  std::copy_n(address.ip.begin(), bytes.size(), bytes.begin());
  return {asio::ip::address_v6(bytes), address.port};
}

Worker::Worker(const DtlsCertificate& certificate, const udp::endpoint& bind,
               Forwarder::ClosedHook closed, Forwarder::LevelsHook levels)
    : socket_(io_, bind),
      timer_(io_),
      port_(socket_.local_endpoint().port()),
      dtls_(certificate),
      sender_(socket_.native_handle(), counters_),
      receiver_(socket_.native_handle()),
      forwarder_(dtls_, sender_, counters_, std::move(closed), std::move(levels)) {
  socket_.non_blocking(true);
  // Bursts of keyframes from many publishers: give the kernel room to queue them.
  socket_.set_option(asio::socket_base::receive_buffer_size(4 << 20));
  socket_.set_option(asio::socket_base::send_buffer_size(4 << 20));
}

Worker::~Worker() {
  io_.stop();
  if (thread_.joinable()) thread_.join();
}

void Worker::start() {
  read();
  arm_timer();
  thread_ = std::thread([this] {
    try {
      io_.run();
    } catch (const std::exception& e) {
      spdlog::critical("media worker stopped: {}", e.what());
    }
  });
}

void Worker::post(std::function<void(Forwarder&, Clock::time_point)> command) {
  asio::post(io_, [this, command = std::move(command)] {
    command(forwarder_, Clock::now());
    sender_.flush();
  });
}

// Whatever is waiting, a batch at a time, each batch's answers sent together; a bounded number
// of batches per wake-up so timers and commands still get their turn under load.
void Worker::read() {
  socket_.async_wait(udp::socket::wait_read, [this](boost::system::error_code ec) {
    if (ec == asio::error::operation_aborted) return;
    const auto handle = [this](std::span<std::uint8_t> datagram, const TransportAddress& from) {
      forwarder_.receive(datagram, from, Clock::now());
    };
    for (int round = 0; round < 8; ++round) {
      const std::size_t got = receiver_.receive(handle);
      sender_.flush();
      if (got < UdpBatchReceiver::kBatch) break;
    }
    read();
  });
}

void Worker::arm_timer() {
  timer_.expires_after(kTick);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    forwarder_.tick(Clock::now());
    sender_.flush();
    arm_timer();
  });
}

}  // namespace confab::sfu
