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

bool Worker::UdpSender::send(std::span<const std::uint8_t> datagram, const TransportAddress& to) {
  boost::system::error_code ec;
  // Non-blocking: a full socket buffer drops the datagram rather than stall every transport.
  socket_.send_to(asio::buffer(datagram.data(), datagram.size()), to_endpoint(to), 0, ec);
  return !ec;
}

Worker::Worker(const DtlsCertificate& certificate, const udp::endpoint& bind,
               Forwarder::ClosedHook closed, Forwarder::LevelsHook levels)
    : socket_(io_, bind),
      timer_(io_),
      port_(socket_.local_endpoint().port()),
      dtls_(certificate),
      sender_(socket_),
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
  asio::post(io_, [this, command = std::move(command)] { command(forwarder_, Clock::now()); });
}

void Worker::read() {
  socket_.async_receive_from(
      asio::buffer(in_), from_, [this](boost::system::error_code ec, std::size_t n) {
        if (ec == asio::error::operation_aborted) return;
        if (!ec) {
          forwarder_.receive(std::span(in_).first(n), to_transport_address(from_), Clock::now());
        }
        read();
      });
}

void Worker::arm_timer() {
  timer_.expires_after(kTick);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    forwarder_.tick(Clock::now());
    arm_timer();
  });
}

}  // namespace confab::sfu
