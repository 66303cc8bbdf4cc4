#include "socketio/in_memory_adapter.hpp"

namespace confab::socketio {

void InMemoryAdapter::add(const SocketId& id, const Room& room) {
  if (room == id) return;
  rooms_[room].insert(id);
  memberships_[id].insert(room);
}

void InMemoryAdapter::remove(const SocketId& id, const Room& room) {
  if (auto it = rooms_.find(room); it != rooms_.end()) {
    it->second.erase(id);
    if (it->second.empty()) rooms_.erase(it);
  }
  if (auto it = memberships_.find(id); it != memberships_.end()) {
    it->second.erase(room);
    if (it->second.empty()) memberships_.erase(it);
  }
}

void InMemoryAdapter::remove_all(const SocketId& id) {
  auto it = memberships_.find(id);
  if (it == memberships_.end()) return;
  for (const Room& room : it->second) {
    auto r = rooms_.find(room);
    if (r == rooms_.end()) continue;
    r->second.erase(id);
    if (r->second.empty()) rooms_.erase(r);
  }
  memberships_.erase(it);
}

std::unordered_set<SocketId> InMemoryAdapter::recipients(const BroadcastOptions& options) const {
  std::unordered_set<SocketId> out;
  if (options.rooms.empty()) {
    for (auto& id : host_.all_sockets()) out.insert(id);
  } else {
    for (const Room& room : options.rooms) {
      if (auto it = rooms_.find(room); it != rooms_.end()) {
        out.insert(it->second.begin(), it->second.end());
      } else {
        out.insert(room);  // maybe a socket's own room; delivery skips unknown ids
      }
    }
  }
  for (const SocketId& excluded : options.except) {
    if (auto it = rooms_.find(excluded); it != rooms_.end()) {
      for (const SocketId& id : it->second) out.erase(id);
    }
    out.erase(excluded);
  }
  return out;
}

void InMemoryAdapter::broadcast(const Encoded& packet, const BroadcastOptions& options) {
  for (const SocketId& id : recipients(options)) host_.deliver(id, packet);
}

std::vector<SocketId> InMemoryAdapter::sockets(const std::vector<Room>& rooms) const {
  std::vector<SocketId> out;
  const auto all = host_.all_sockets();
  const std::unordered_set<SocketId> known(all.begin(), all.end());
  for (const SocketId& id : recipients({rooms, {}})) {
    if (known.contains(id)) out.push_back(id);
  }
  return out;
}

std::vector<Room> InMemoryAdapter::rooms_of(const SocketId& id) const {
  std::vector<Room> out{id};
  if (auto it = memberships_.find(id); it != memberships_.end()) {
    out.insert(out.end(), it->second.begin(), it->second.end());
  }
  return out;
}

}  // namespace confab::socketio
