#include "meeting/admission.hpp"

#include <algorithm>

#include "meeting/error_code.hpp"

namespace confab::meeting {

namespace {

std::string denied_address(const std::string& address) {
  return "addr:" + address;
}

std::string denied_subject(const std::string& subject) {
  return "sub:" + subject;
}

}  // namespace

Admission::Admission(RoomDirectory& rooms, store::Store& store, common::Clock& clock,
                     NameGenerator& names, const MeetingConfig& config)
    : rooms_(rooms),
      store_(store),
      clock_(clock),
      names_(names),
      config_(config),
      tokens_(config.jwt_secret),
      passwords_(config.password_iterations, config.password_hashing,
                 config.suspect_password_hashing, clock.now_ms()),
      address_failures_(config.password_backoff_address),
      room_failures_(config.password_backoff_room),
      knocks_(config.knock_rate) {}

AdmissionDecision Admission::decide(const std::string& address, const JoinRequest& request,
                                    Room* target) {
  std::optional<JoinTokenClaims> claims;
  if (request.token) {
    claims = tokens_.verify(*request.token, clock_.now_ms() / 1000);
    if (claims->room != request.room) {
      throw RequestError(ErrorCode::invalid_token, "invalid token: it is for another room");
    }
  }
  check_limits(target);

  AdmissionDecision decision;
  decision.role =
      target == nullptr || (claims && claims->role == Role::host) ? Role::host : Role::guest;
  if (target != nullptr) {
    if (claims && target->removed_subjects().contains(claims->name)) {
      throw RequestError(ErrorCode::removed, "a host removed you from this meeting");
    }
    if (decision.role != Role::host && target->settings().locked) {
      throw RequestError(ErrorCode::room_locked, "the room is locked");
    }
    if (target->size() >= config_.room_capacity) {
      throw RequestError(ErrorCode::room_full, "room is full");
    }
    // A deny sticks to the address (and the token's subject), not to the connection: a new
    // socket is free, a new address is not.
    if (decision.role != Role::host &&
        (target->denied().contains(denied_address(address)) ||
         (claims && target->denied().contains(denied_subject(claims->name))))) {
      throw RequestError(ErrorCode::denied, "a host denied your request to join");
    }
  } else {
    decision.record = store_.get_room(request.room);
  }

  if (!claims) {
    check_password(address, request,
                   target != nullptr ? target->password_hash()
                   : decision.record ? decision.record->password_hash
                                     : std::nullopt);
  }

  decision.waiting =
      target != nullptr && decision.role != Role::host && target->settings().waiting_room;
  if (decision.waiting) {
    if (target->waiting().size() >= config_.waiting_room_capacity) {
      throw RequestError(ErrorCode::room_full, "the waiting room is full");
    }
    check_knock(address, *target);
  }
  if (claims) {
    decision.name = claims->name;
    decision.token_subject = claims->name;
  } else {
    decision.name = request.name ? *request.name : names_.guest_name();
  }
  return decision;
}

void Admission::check_limits(const Room* target) const {
  if (target == nullptr && rooms_.room_count() >= config_.max_rooms) {
    throw RequestError(ErrorCode::too_many_rooms,
                       "the server has reached its limit of open rooms; try again later");
  }
  if (rooms_.participant_count() + rooms_.waiting_count() >= config_.max_participants) {
    throw RequestError(ErrorCode::server_full,
                       "the server has reached its limit of participants; try again later");
  }
}

// Backoff before any hash: a guesser waits longer and longer, per address (many connections
// from one place) and per room (many places guessing one room), and learns nothing while it
// waits. Only wrong passwords count; the right one clears its address.
void Admission::check_password(const std::string& address, const JoinRequest& request,
                               const std::optional<std::string>& stored) {
  if (!stored) return;
  if (!request.password) {
    throw RequestError(ErrorCode::password_required, "this room needs a password");
  }
  const std::int64_t now = clock_.now_ms();
  if (const auto wait = address_failures_.wait_ms(address, now); wait > 0) {
    throw RequestError(ErrorCode::too_many_attempts,
                       "too many wrong passwords from your address; try again later",
                       Limit::password_address, wait);
  }
  if (const auto wait = room_failures_.wait_ms(request.room, now); wait > 0) {
    throw RequestError(ErrorCode::too_many_attempts,
                       "too many wrong passwords for this room; try again later",
                       Limit::password_room, wait);
  }
  if (!passwords_.matches(request.room, *stored, *request.password, now, budget_for(address))) {
    address_failures_.record_failure(address, now);
    room_failures_.record_failure(request.room, now);
    // Says how long the next attempt has to wait, once there is a wait.
    const auto wait = std::max(address_failures_.wait_ms(address, now),
                               room_failures_.wait_ms(request.room, now));
    throw RequestError(ErrorCode::wrong_password, "wrong password", Limit::none, wait);
  }
  address_failures_.reset(address);
}

void Admission::check_knock(const std::string& address, const Room& room) {
  const auto same_address = [&](const Participant& waiter) { return waiter.address == address; };
  if (static_cast<std::size_t>(std::count_if(room.waiting().begin(), room.waiting().end(),
                                             same_address)) >= config_.max_knocks_per_address) {
    throw RequestError(ErrorCode::too_many_attempts,
                       "too many people from your address are waiting to enter this room",
                       Limit::knocks_per_address);
  }
  const std::int64_t now = clock_.now_ms();
  const std::string key = room.id() + '|' + address;
  if (!knocks_.allow(key, now)) {
    throw RequestError(ErrorCode::too_many_attempts,
                       "you knocked on this room too often; try again later", Limit::knock_rate,
                       knocks_.ms_until_available(key, now));
  }
}

HashBudget Admission::budget_for(const std::string& address) const {
  return address_failures_.failures(address, clock_.now_ms()) > 0 ? HashBudget::suspect
                                                                  : HashBudget::clean;
}

std::string Admission::hash_password(const std::string& address, const std::string& room_id,
                                     std::string_view password) {
  return passwords_.hash(room_id, password, clock_.now_ms(), budget_for(address));
}

void Admission::remember_denied(Room& room, const Participant& waiter) {
  room.denied().insert(denied_address(waiter.address));
  if (!waiter.token_subject.empty()) room.denied().insert(denied_subject(waiter.token_subject));
}

}  // namespace confab::meeting
