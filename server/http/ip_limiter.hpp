#pragma once
// Caps concurrent connections per client address. A Slot is held for a connection's
// whole life, through a WebSocket upgrade.
#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

namespace confab::http {

class IpLimiter {
 public:
  class Slot {
   public:
    Slot() = default;
    Slot(IpLimiter* owner, std::string ip) : owner_(owner), ip_(std::move(ip)) {}
    Slot(Slot&& other) noexcept
        : owner_(std::exchange(other.owner_, nullptr)), ip_(std::move(other.ip_)) {}
    Slot& operator=(Slot&& other) noexcept {
      if (this != &other) {
        release();
        owner_ = std::exchange(other.owner_, nullptr);
        ip_ = std::move(other.ip_);
      }
      return *this;
    }
    ~Slot() { release(); }

   private:
    void release() {
      if (owner_) std::exchange(owner_, nullptr)->release(ip_);
    }
    IpLimiter* owner_ = nullptr;
    std::string ip_;
  };

  explicit IpLimiter(std::size_t max_per_ip) : max_per_ip_(max_per_ip) {}
  std::optional<Slot> acquire(const std::string& ip);
  std::size_t rejected() const { return rejected_; }
  std::size_t count(const std::string& ip) const;

 private:
  void release(const std::string& ip);

  std::size_t max_per_ip_;
  std::size_t rejected_ = 0;
  std::unordered_map<std::string, std::size_t> counts_;
};

}  // namespace confab::http
