#include "meeting/room_passwords.hpp"

#include "meeting/crypto.hpp"
#include "meeting/error_code.hpp"

namespace confab::meeting {

namespace {
constexpr std::size_t kKeyBytes = 32;
constexpr std::size_t kMaxVerifiedRooms = 10'000;
}  // namespace

RoomPasswords::RoomPasswords(int iterations, RateLimit slow_hash_budget, std::int64_t now_ms)
    : hasher_(iterations),
      budget_(slow_hash_budget, now_ms),
      key_(crypto::secure_random_bytes(kKeyBytes)) {}

void RoomPasswords::spend_budget(std::int64_t now_ms) {
  if (!budget_.try_take(now_ms)) {
    throw RequestError(ErrorCode::rate_limited,
                       "too many password checks on this server right now; try again shortly");
  }
}

void RoomPasswords::remember(const std::string& room_id, const std::string& stored,
                             std::string_view password) {
  if (verified_.size() >= kMaxVerifiedRooms && !verified_.contains(room_id)) {
    verified_.erase(verified_.begin());  // any victim will do: it only costs one slow check
  }
  verified_.insert_or_assign(room_id, Verified{stored, crypto::hmac_sha256(key_, password)});
}

std::string RoomPasswords::hash(const std::string& room_id, std::string_view password,
                                std::int64_t now_ms) {
  spend_budget(now_ms);
  std::string stored = hasher_.hash(password);
  remember(room_id, stored, password);
  return stored;
}

bool RoomPasswords::matches(const std::string& room_id, const std::string& stored,
                            std::string_view password, std::int64_t now_ms) {
  if (const auto it = verified_.find(room_id);
      it != verified_.end() && it->second.stored == stored) {
    return crypto::equal_constant_time(crypto::hmac_sha256(key_, password), it->second.tag);
  }
  spend_budget(now_ms);
  if (!hasher_.verify(stored, password)) return false;
  remember(room_id, stored, password);
  return true;
}

}  // namespace confab::meeting
