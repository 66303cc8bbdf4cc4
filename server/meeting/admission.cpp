#include "meeting/admission.hpp"

#include "meeting/error_code.hpp"

namespace confab::meeting {

Admission::Admission(RoomDirectory& rooms, store::Store& store, Clock& clock, NameGenerator& names,
                     const MeetingConfig& config)
    : rooms_(rooms),
      store_(store),
      clock_(clock),
      names_(names),
      config_(config),
      tokens_(config.jwt_secret),
      passwords_(config.password_iterations, config.password_hashing, clock.now_ms()),
      attempts_(config.password_attempts) {}

AdmissionDecision Admission::decide(const ParticipantId& id, const JoinRequest& request,
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
    if (decision.role != Role::host && target->denied().contains(id)) {
      throw RequestError(ErrorCode::denied, "a host denied your request to join");
    }
  } else {
    decision.record = store_.get_room(request.room);
  }

  if (!claims) {
    check_password(id, request,
                   target != nullptr ? target->password_hash()
                   : decision.record ? decision.record->password_hash
                                     : std::nullopt);
  }

  decision.waiting =
      target != nullptr && decision.role != Role::host && target->settings().waiting_room;
  if (decision.waiting && target->waiting().size() >= config_.waiting_room_capacity) {
    throw RequestError(ErrorCode::room_full, "the waiting room is full");
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

void Admission::check_password(const ParticipantId& id, const JoinRequest& request,
                               const std::optional<std::string>& stored) {
  if (!stored) return;
  if (!request.password) {
    throw RequestError(ErrorCode::password_required, "this room needs a password");
  }
  if (!attempts_.allow(id, clock_.now_ms())) {
    throw RequestError(ErrorCode::rate_limited, "too many password attempts; wait a little");
  }
  if (!passwords_.matches(request.room, *stored, *request.password, clock_.now_ms())) {
    throw RequestError(ErrorCode::wrong_password, "wrong password");
  }
}

std::string Admission::hash_password(const std::string& room_id, std::string_view password) {
  return passwords_.hash(room_id, password, clock_.now_ms());
}

}  // namespace confab::meeting
