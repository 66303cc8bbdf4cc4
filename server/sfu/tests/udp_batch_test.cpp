#include "sfu/udp_batch.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <unistd.h>

#include <vector>

namespace confab::sfu {
namespace {

// A bound loopback UDP socket, closed at the end.
class Socket {
 public:
  Socket() : fd_(::socket(AF_INET, SOCK_DGRAM, 0)) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  ~Socket() { ::close(fd_); }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }
  TransportAddress address() const { return TransportAddress::v4_from({127, 0, 0, 1}, port_); }
  bool readable() const {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, 5000) == 1;
  }

 private:
  int fd_;
  std::uint16_t port_ = 0;
};

TEST(UdpBatch, MoreThanABatchArrivesIntactWithTheSendersAddress) {
  Socket a, b;
  SfuCounters counters;
  UdpBatchSender sender(a.fd(), counters);
  constexpr std::size_t kCount = UdpBatchSender::kBatch + 36;  // one flush on the way
  for (std::size_t i = 0; i < kCount; ++i) {
    std::vector<std::uint8_t> datagram(100 + i, static_cast<std::uint8_t>(i));
    ASSERT_TRUE(sender.send(datagram, b.address()));
  }
  EXPECT_EQ(sender.queued(), kCount - UdpBatchSender::kBatch);
  sender.flush();
  EXPECT_EQ(sender.queued(), 0u);

  UdpBatchReceiver receiver(b.fd());
  std::vector<std::vector<std::uint8_t>> got;
  while (got.size() < kCount && b.readable()) {
    receiver.receive([&](std::span<std::uint8_t> d, const TransportAddress& from) {
      EXPECT_EQ(from, a.address());
      got.emplace_back(d.begin(), d.end());
    });
  }
  ASSERT_EQ(got.size(), kCount);
  for (std::size_t i = 0; i < kCount; ++i) {
    EXPECT_EQ(got[i], std::vector<std::uint8_t>(100 + i, static_cast<std::uint8_t>(i))) << i;
  }
  EXPECT_EQ(SfuCounters::read(counters.dropped[static_cast<std::size_t>(DropReason::send_failed)]),
            0u);
}

TEST(UdpBatch, NothingWaitingReadsNothingAndATooBigDatagramIsRefused) {
  Socket a;
  SfuCounters counters;
  UdpBatchReceiver receiver(a.fd());
  EXPECT_EQ(receiver.receive([](auto, const auto&) { ADD_FAILURE(); }), 0u);
  UdpBatchSender sender(a.fd(), counters);
  const std::vector<std::uint8_t> big(UdpBatchSender::kMaxDatagram + 1);
  EXPECT_FALSE(sender.send(big, a.address()));
  EXPECT_EQ(sender.queued(), 0u);
}

TEST(UdpBatch, SocketAddressesConvertBothWays) {
  for (const auto* text : {"192.0.2.7:3478", "[2001:db8::1]:40000"}) {
    const auto address = TransportAddress::parse(text);
    ASSERT_TRUE(address);
    sockaddr_storage storage{};
    EXPECT_GT(to_sockaddr(*address, storage), 0u);
    EXPECT_EQ(from_sockaddr(storage), address) << text;
  }
  sockaddr_storage unix_family{};
  unix_family.ss_family = AF_UNIX;
  EXPECT_FALSE(from_sockaddr(unix_family));
}

}  // namespace
}  // namespace confab::sfu
