#pragma once
// A media worker's UDP socket in batches (Linux recvmmsg / sendmmsg): every datagram that is
// waiting is read with one system call, and what handling them sends leaves with one more. A
// packet fanned out to nine subscribers costs one sendmmsg instead of nine sendto. Sent
// datagrams are copied once into the batch (SRTP already encrypted them in the forwarder's
// buffer, which the next one reuses).
#include <sys/socket.h>
#include <sys/uio.h>

#include <array>
#include <cstdint>
#include <functional>
#include <span>

#include "sfu/datagram_sender.hpp"
#include "sfu/sfu_counters.hpp"
#include "sfu/srtp_session.hpp"
#include "sfu/transport_address.hpp"

namespace confab::sfu {

class UdpBatchSender final : public DatagramSender {
 public:
  static constexpr std::size_t kBatch = 64;
  static constexpr std::size_t kMaxDatagram = 1500 + kSrtpMaxTrailer + 2;

  UdpBatchSender(int fd, SfuCounters& counters) : fd_(fd), counters_(counters) {}

  // Queued (a full batch is sent first); false only for a datagram too big or an address
  // that cannot be written.
  bool send(std::span<const std::uint8_t> datagram, const TransportAddress& to) override;
  // Hands everything queued to the kernel. A socket buffer that is full drops the rest (counted
  // as send_failed): the worker never blocks on one slow path.
  void flush();
  std::size_t queued() const { return count_; }

 private:
  int fd_;
  SfuCounters& counters_;
  std::size_t count_ = 0;
  std::array<std::array<std::uint8_t, kMaxDatagram>, kBatch> data_{};
  std::array<sockaddr_storage, kBatch> addresses_{};
  std::array<iovec, kBatch> iov_{};
  std::array<mmsghdr, kBatch> headers_{};
};

class UdpBatchReceiver {
 public:
  static constexpr std::size_t kBatch = 32;
  static constexpr std::size_t kMaxDatagram = 2048;
  using Handler = std::function<void(std::span<std::uint8_t>, const TransportAddress&)>;

  explicit UdpBatchReceiver(int fd) : fd_(fd) {}
  // Reads what is waiting (at most one batch) and hands each datagram to `handle`. The number
  // read; 0 when nothing was waiting.
  std::size_t receive(const Handler& handle);

 private:
  int fd_;
  std::array<std::array<std::uint8_t, kMaxDatagram>, kBatch> data_{};
  std::array<sockaddr_storage, kBatch> addresses_{};
  std::array<iovec, kBatch> iov_{};
  std::array<mmsghdr, kBatch> headers_{};
};

// Socket addresses from and to our TransportAddress (IPv4 or IPv6); nothing for other families.
std::optional<TransportAddress> from_sockaddr(const sockaddr_storage& address);
socklen_t to_sockaddr(const TransportAddress& address, sockaddr_storage& out);

}  // namespace confab::sfu
