#pragma once
#include <optional>
#include <string>

#include "common/clock.hpp"
#include "common/rate_limit.hpp"
#include "meeting/failure_backoff.hpp"
#include "meeting/join_request.hpp"
#include "meeting/join_token.hpp"
#include "meeting/meeting_config.hpp"
#include "meeting/name_generator.hpp"
#include "meeting/room_directory.hpp"
#include "meeting/room_passwords.hpp"
#include "store/store.hpp"

namespace confab::meeting {

// Who may enter a room, as what, and whether they must knock first.
struct AdmissionDecision {
  Role role = Role::guest;
  std::string name;
  std::string token_subject;  // empty without a token
  bool waiting = false;       // knock: the host must admit
  // The persisted settings of a room that is not live yet (nullopt: never configured).
  std::optional<store::RoomRecord> record;
};

// The access rules of join_room, checked cheapest first so that a refused join costs little:
//   token (if any: signature, expiry, room) → server limits → removed → locked → capacity →
//   denied (address or token) → password (unless a valid token) → waiting room (knock limits).
// The first member of an empty room and a host token's bearer are hosts; hosts skip the lock,
// the denial and the waiting room but not the capacity. A valid token of either role replaces
// the password.
class Admission {
 public:
  Admission(RoomDirectory& rooms, store::Store& store, common::Clock& clock, NameGenerator& names,
            const MeetingConfig& config);

  // Throws RequestError naming the rule that refuses entry. `target` is the live room or
  // nullptr; `address` is the joiner's address key.
  AdmissionDecision decide(const std::string& address, const JoinRequest& request, Room* target);

  // Hashes a host's new password (the slow hash is budgeted; see RoomPasswords).
  std::string hash_password(const std::string& address, const std::string& room_id,
                            std::string_view password);

  // What a host's deny remembers about a waiter: its address, and its token's subject.
  static void remember_denied(Room& room, const Participant& waiter);

 private:
  void check_limits(const Room* target) const;
  void check_password(const std::string& address, const JoinRequest& request,
                      const std::optional<std::string>& stored);
  void check_knock(const std::string& address, const Room& room);
  HashBudget budget_for(const std::string& address) const;

  RoomDirectory& rooms_;
  store::Store& store_;
  common::Clock& clock_;
  NameGenerator& names_;
  const MeetingConfig& config_;
  JoinTokenCodec tokens_;
  RoomPasswords passwords_;
  FailureBackoff address_failures_;
  FailureBackoff room_failures_;
  common::KeyedRateLimiter knocks_;
};

}  // namespace confab::meeting
