#include "sfu/udp_batch.hpp"

#include <netinet/in.h>

#include <cerrno>
#include <cstring>

namespace confab::sfu {

std::optional<TransportAddress> from_sockaddr(const sockaddr_storage& address) {
  TransportAddress out;
  if (address.ss_family == AF_INET) {
    sockaddr_in v4{};
    std::memcpy(&v4, &address, sizeof v4);
    std::memcpy(out.ip.data(), &v4.sin_addr, 4);
    out.port = ntohs(v4.sin_port);
    return out;
  }
  if (address.ss_family == AF_INET6) {
    sockaddr_in6 v6{};
    std::memcpy(&v6, &address, sizeof v6);
    out.v6 = true;
    std::memcpy(out.ip.data(), &v6.sin6_addr, 16);
    out.port = ntohs(v6.sin6_port);
    return out;
  }
  return std::nullopt;
}

socklen_t to_sockaddr(const TransportAddress& address, sockaddr_storage& out) {
  out = {};
  if (!address.v6) {
    sockaddr_in v4{};
    v4.sin_family = AF_INET;
    v4.sin_port = htons(address.port);
    std::memcpy(&v4.sin_addr, address.ip.data(), 4);
    std::memcpy(&out, &v4, sizeof v4);
    return sizeof v4;
  }
  sockaddr_in6 v6{};
  v6.sin6_family = AF_INET6;
  v6.sin6_port = htons(address.port);
  std::memcpy(&v6.sin6_addr, address.ip.data(), 16);
  std::memcpy(&out, &v6, sizeof v6);
  return sizeof v6;
}

bool UdpBatchSender::send(std::span<const std::uint8_t> datagram, const TransportAddress& to) {
  if (datagram.size() > kMaxDatagram) return false;
  if (count_ == kBatch) flush();
  const std::size_t i = count_;
  std::memcpy(data_[i].data(), datagram.data(), datagram.size());
  iov_[i] = {data_[i].data(), datagram.size()};
  headers_[i] = {};
  headers_[i].msg_hdr.msg_name = &addresses_[i];
  headers_[i].msg_hdr.msg_namelen = to_sockaddr(to, addresses_[i]);
  headers_[i].msg_hdr.msg_iov = &iov_[i];
  headers_[i].msg_hdr.msg_iovlen = 1;
  ++count_;
  return true;
}

void UdpBatchSender::flush() {
  std::size_t done = 0;
  while (done < count_) {
    const int sent =
        ::sendmmsg(fd_, headers_.data() + done, static_cast<unsigned>(count_ - done), MSG_DONTWAIT);
    if (sent > 0) {
      done += static_cast<std::size_t>(sent);
      continue;
    }
    if (sent < 0 && errno == EINTR) continue;
    // The buffer is full (EAGAIN) or this datagram is refused (an unreachable address): drop
    // it and go on with the rest.
    counters_.drop(DropReason::send_failed);
    ++done;
  }
  count_ = 0;
}

std::size_t UdpBatchReceiver::receive(const Handler& handle) {
  for (std::size_t i = 0; i < kBatch; ++i) {
    iov_[i] = {data_[i].data(), data_[i].size()};
    headers_[i] = {};
    headers_[i].msg_hdr.msg_name = &addresses_[i];
    headers_[i].msg_hdr.msg_namelen = sizeof addresses_[i];
    headers_[i].msg_hdr.msg_iov = &iov_[i];
    headers_[i].msg_hdr.msg_iovlen = 1;
  }
  int got = -1;
  do {
    got = ::recvmmsg(fd_, headers_.data(), kBatch, MSG_DONTWAIT, nullptr);
  } while (got < 0 && errno == EINTR);
  if (got <= 0) return 0;
  for (std::size_t i = 0; i < static_cast<std::size_t>(got); ++i) {
    // A datagram longer than our buffer is cut: no valid packet of ours is that long.
    if ((headers_[i].msg_hdr.msg_flags & MSG_TRUNC) != 0) continue;
    const auto from = from_sockaddr(addresses_[i]);
    if (!from) continue;
    handle(std::span(data_[i]).first(headers_[i].msg_len), *from);
  }
  return static_cast<std::size_t>(got);
}

}  // namespace confab::sfu
