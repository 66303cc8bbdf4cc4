#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/rate_limit.hpp"
#include "meeting/password_hasher.hpp"

namespace confab::meeting {

// Which slow-hash budget a request draws from: addresses with recent wrong passwords share a
// budget of their own, so guessing cannot spend what everyone else needs.
enum class HashBudget { clean, suspect };

// Hashes and checks room passwords. The slow hash runs on the meeting's strand and stalls every
// room while it runs (~70 ms at 100k iterations), so slow hashes are budgeted server-wide, in
// two buckets (see HashBudget). Once a room's password has been set or verified since startup,
// later checks of it use a keyed fast hash kept in memory only (HMAC-SHA256 under a random
// per-process key): a stream of wrong guesses then costs microseconds, and nothing fast ever
// reaches the disk (the stored hash stays a salted PBKDF2, as strong as it was).
class RoomPasswords {
 public:
  RoomPasswords(int iterations, common::RateLimit clean_budget, common::RateLimit suspect_budget,
                std::int64_t now_ms);

  // The encoded slow hash of a new password, to be stored. Throws rate_limited over budget.
  std::string hash(const std::string& room_id, std::string_view password, std::int64_t now_ms,
                   HashBudget budget = HashBudget::clean);

  // Whether `password` matches the room's `stored` hash. Throws rate_limited when the slow
  // path is needed and `budget` is spent.
  bool matches(const std::string& room_id, const std::string& stored, std::string_view password,
               std::int64_t now_ms, HashBudget budget = HashBudget::clean);

 private:
  struct Verified {
    std::string stored;  // the slow hash this entry vouches for
    std::string tag;     // HMAC-SHA256(key_, password)
  };
  void spend_budget(HashBudget budget, std::int64_t now_ms);
  void remember(const std::string& room_id, const std::string& stored, std::string_view password);

  PasswordHasher hasher_;
  common::TokenBucket budget_;
  common::TokenBucket suspect_budget_;
  std::string key_;
  std::unordered_map<std::string, Verified> verified_;
};

}  // namespace confab::meeting
