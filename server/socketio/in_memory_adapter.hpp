#pragma once
#include <unordered_map>
#include <unordered_set>

#include "socketio/adapter.hpp"

namespace confab::socketio {

// Every socket is implicitly in the room named by its own id; that room is not
// stored, which saves two hash nodes per connection.
class InMemoryAdapter final : public Adapter {
 public:
  explicit InMemoryAdapter(AdapterHost host) : host_(std::move(host)) {}

  void add(const SocketId& id, const Room& room) override;
  void remove(const SocketId& id, const Room& room) override;
  void remove_all(const SocketId& id) override;
  void broadcast(const Encoded& packet, const BroadcastOptions& options) override;
  std::vector<SocketId> sockets(const std::vector<Room>& rooms) const override;
  std::vector<Room> rooms_of(const SocketId& id) const override;
  std::size_t room_count() const override { return rooms_.size(); }

 private:
  std::unordered_set<SocketId> recipients(const BroadcastOptions& options) const;

  AdapterHost host_;
  std::unordered_map<Room, std::unordered_set<SocketId>> rooms_;
  std::unordered_map<SocketId, std::unordered_set<Room>> memberships_;
};

}  // namespace confab::socketio
