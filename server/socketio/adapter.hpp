#pragma once
// Rooms and broadcast, behind the same seam socket.io has: in-process now, a Redis
// adapter can later fan a broadcast out to other server processes.
#include <functional>
#include <string>
#include <vector>

#include "socketio/packet.hpp"

namespace confab::socketio {

using SocketId = std::string;
using Room = std::string;

struct BroadcastOptions {
  std::vector<Room> rooms;       // empty: every socket of the namespace
  std::vector<SocketId> except;  // sockets (or rooms) left out
};

class Adapter {
 public:
  virtual ~Adapter() = default;
  virtual void add(const SocketId& id, const Room& room) = 0;
  virtual void remove(const SocketId& id, const Room& room) = 0;
  virtual void remove_all(const SocketId& id) = 0;
  virtual void broadcast(const Encoded& packet, const BroadcastOptions& options) = 0;
  virtual std::vector<SocketId> sockets(const std::vector<Room>& rooms) const = 0;
  virtual std::vector<Room> rooms_of(const SocketId& id) const = 0;
  virtual std::size_t room_count() const = 0;
};

// What an adapter needs from its namespace.
struct AdapterHost {
  std::function<bool(const SocketId&, const Encoded&)> deliver;  // false: no such local socket
  std::function<std::vector<SocketId>()> all_sockets;
};

}  // namespace confab::socketio
