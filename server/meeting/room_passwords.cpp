#include "meeting/room_passwords.hpp"

#include "common/crypto.hpp"
#include "meeting/error_code.hpp"

namespace confab::meeting {

namespace {
constexpr std::size_t kKeyBytes = 32;
constexpr std::size_t kMaxVerifiedRooms = 10'000;
}  // namespace

RoomPasswords::RoomPasswords(int iterations, common::RateLimit clean_budget,
                             common::RateLimit suspect_budget, std::int64_t now_ms)
    : hasher_(iterations),
      budget_(clean_budget, now_ms),
      suspect_budget_(suspect_budget, now_ms),
      key_(common::crypto::secure_random_bytes(kKeyBytes)) {}

void RoomPasswords::spend_budget(HashBudget budget, std::int64_t now_ms) {
  common::TokenBucket& bucket = budget == HashBudget::clean ? budget_ : suspect_budget_;
  if (!bucket.try_take(now_ms)) {
    throw RequestError(ErrorCode::rate_limited,
                       "too many password checks on this server right now; try again shortly",
                       Limit::password_hashing, bucket.ms_until_available(now_ms));
  }
}

void RoomPasswords::remember(const std::string& room_id, const std::string& stored,
                             std::string_view password) {
  if (verified_.size() >= kMaxVerifiedRooms && !verified_.contains(room_id)) {
    verified_.erase(verified_.begin());  // any victim will do: it only costs one slow check
  }
  verified_.insert_or_assign(room_id,
                             Verified{stored, common::crypto::hmac_sha256(key_, password)});
}

std::string RoomPasswords::hash(const std::string& room_id, std::string_view password,
                                std::int64_t now_ms, HashBudget budget) {
  spend_budget(budget, now_ms);
  std::string stored = hasher_.hash(password);
  remember(room_id, stored, password);
  return stored;
}

bool RoomPasswords::matches(const std::string& room_id, const std::string& stored,
                            std::string_view password, std::int64_t now_ms, HashBudget budget) {
  if (const auto it = verified_.find(room_id);
      it != verified_.end() && it->second.stored == stored) {
    return common::crypto::equal_constant_time(common::crypto::hmac_sha256(key_, password),
                                               it->second.tag);
  }
  spend_budget(budget, now_ms);
  if (!hasher_.verify(stored, password)) return false;
  remember(room_id, stored, password);
  return true;
}

}  // namespace confab::meeting
