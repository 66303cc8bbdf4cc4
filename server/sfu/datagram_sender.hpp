#pragma once
#include <cstdint>
#include <span>

#include "sfu/transport_address.hpp"

namespace confab::sfu {

// Where a transport's datagrams leave: the worker's UDP socket, or a test's capture.
class DatagramSender {
 public:
  virtual ~DatagramSender() = default;
  // False when the datagram could not be handed to the network (counted as a drop).
  virtual bool send(std::span<const std::uint8_t> datagram, const TransportAddress& to) = 0;
};

}  // namespace confab::sfu
