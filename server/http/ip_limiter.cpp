#include "http/ip_limiter.hpp"

namespace confab::http {

std::optional<IpLimiter::Slot> IpLimiter::acquire(const std::string& ip) {
  std::size_t& n = counts_[ip];
  if (max_per_ip_ != 0 && n >= max_per_ip_) {
    if (n == 0) counts_.erase(ip);
    ++rejected_;
    return std::nullopt;
  }
  ++n;
  return Slot(this, ip);
}

void IpLimiter::release(const std::string& ip) {
  auto it = counts_.find(ip);
  if (it == counts_.end()) return;
  if (--it->second == 0) counts_.erase(it);
}

std::size_t IpLimiter::count(const std::string& ip) const {
  auto it = counts_.find(ip);
  return it == counts_.end() ? 0 : it->second;
}

}  // namespace confab::http
