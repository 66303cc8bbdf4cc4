#include "meeting/meeting.hpp"

#include <exception>

#include "meeting/ack.hpp"
#include "meeting/media_state_update.hpp"
#include "meeting/payload_reader.hpp"
#include "meeting/room_broadcast.hpp"

namespace confab::meeting {

Meeting::Meeting(Outbox& outbox, store::Store& store, MeetingConfig config, common::Clock& clock,
                 common::RandomSource& random)
    : config_(std::move(config)),
      outbox_(outbox),
      clock_(clock),
      names_(random),
      chat_(store, clock, random, config_),
      ice_servers_(config_.ice_servers, config_.turn, clock),
      admission_(rooms_, store, clock, names_, config_),
      sfu_(rooms_, outbox_, random, clock, config_),
      membership_(rooms_, outbox_, chat_, admission_, addresses_, ice_servers_, sfu_, config_),
      host_controls_(rooms_, outbox_, membership_, admission_, store, clock),
      relay_(rooms_, outbox_),
      chat_rate_(config_.chat_rate) {}

template <typename Handler>
Reply Meeting::run_guarded(std::string_view event, Handler&& handler) {
  try {
    const auto parsed = parse_event(event);
    if (!parsed) throw RequestError(ErrorCode::unknown_event, "unknown event");
    return handler(*parsed);
  } catch (const RequestError& error) {
    return reject(error);
  } catch (const std::exception& error) {
    // Not the client's fault (store down, a bug): keep the details out of the ack.
    if (config_.on_internal_error) config_.on_internal_error(event, error.what());
    return reject(RequestError(ErrorCode::internal_error, "internal server error"));
  }
}

nlohmann::json Meeting::reject(const RequestError& error) {
  ++errors_[static_cast<std::size_t>(error.code())];
  if (error.limit() != Limit::none) ++limits_[static_cast<std::size_t>(error.limit())];
  return error_ack(error.code(), error.what(), error.retry_after_ms());
}

nlohmann::json Meeting::handle(const ParticipantId& from, std::string_view event,
                               const nlohmann::json& payload) {
  return run_guarded(event, [&](Event parsed) { return dispatch(from, parsed, payload); }).json();
}

std::string Meeting::handle_text(const ParticipantId& from, std::string_view event,
                                 const nlohmann::json& payload) {
  return run_guarded(event, [&](Event parsed) { return dispatch(from, parsed, payload); }).text();
}

std::optional<nlohmann::json> Meeting::relay_text(const ParticipantId& from, Signal signal,
                                                  std::string_view payload) {
  Reply reply = run_guarded(event_name(signal), [&](Event) {
    relay_.relay(from, signal, payload);
    ++messages_relayed_;
    return Reply(nlohmann::json());
  });
  nlohmann::json ack = std::move(reply).json();
  if (ack.is_null()) return std::nullopt;
  return ack;
}

Reply Meeting::dispatch(const ParticipantId& from, Event event, const nlohmann::json& payload) {
  switch (event) {
    case Event::join_room:
      return Reply::from_text(membership_.join(from, payload));
    case Event::leave_room:
      return membership_.leave(from, payload);
    case Event::offer:
      return relay(from, Signal::offer, payload);
    case Event::answer:
      return relay(from, Signal::answer, payload);
    case Event::ice_candidate:
      return relay(from, Signal::ice_candidate, payload);
    case Event::message:
      return post_message(from, payload);
    case Event::media_state:
      return update_media_state(from, payload);
    case Event::set_password:
    case Event::lock_room:
    case Event::set_waiting_room:
    case Event::kick:
    case Event::mute_request:
    case Event::end_meeting:
    case Event::admit:
    case Event::deny:
      return host_controls_.handle(from, event, payload);
    case Event::sfu_capabilities:
    case Event::sfu_create_transport:
    case Event::sfu_connect_transport:
    case Event::sfu_restart_ice:
    case Event::sfu_produce:
    case Event::sfu_close_producer:
    case Event::sfu_pause_producer:
    case Event::sfu_resume_producer:
    case Event::sfu_consume:
    case Event::sfu_pause_consumer:
    case Event::sfu_resume_consumer:
    case Event::sfu_request_keyframe:
    case Event::sfu_pin:
    case Event::sfu_consumer_layers:
      return sfu_.handle(from, event, payload);
  }
  throw RequestError(ErrorCode::unknown_event, "unknown event");
}

nlohmann::json Meeting::relay(const ParticipantId& from, Signal signal,
                              const nlohmann::json& payload) {
  relay_.relay(from, signal, to_json_text(payload));
  ++messages_relayed_;
  return ok_ack();
}

nlohmann::json Meeting::post_message(const ParticipantId& from, const nlohmann::json& payload) {
  Room& room = rooms_.joined_room(from);
  // Every attempt counts, valid or not: the limit is on what a client makes the server do.
  if (!chat_rate_.allow(from, clock_.now_ms())) {
    throw RequestError(ErrorCode::rate_limited, "too many chat messages; slow down",
                       Limit::chat_rate, chat_rate_.ms_until_available(from, clock_.now_ms()));
  }
  const PayloadReader reader(payload);
  if (const std::string* to = reader.optional_string("to")) {
    // A private message: to that member and back to its author, never stored or in anyone's
    // history.
    if (*to == from || room.find(*to) == nullptr) {
      throw RequestError(ErrorCode::unknown_peer, "to is not another member of your room");
    }
    const auto message = chat_.compose(*room.find(from), reader.required_string("text"));
    json::JsonWriter out;
    write_chat_message(out, message, *to);
    outbox_.send_text(*to, "message", out.text());
    outbox_.send_text(from, "message", out.text());
    ++chat_messages_;
    return nlohmann::json{{"ok", true}, {"id", message.id}};
  }
  const auto message = chat_.post(room, *room.find(from), reader.required_string("text"));
  json::JsonWriter out;
  write_chat_message(out, message);
  send_text_to_everyone(outbox_, room, "message", out.text());
  ++chat_messages_;
  return nlohmann::json{{"ok", true}, {"id", message.id}};
}

nlohmann::json Meeting::update_media_state(const ParticipantId& from,
                                           const nlohmann::json& payload) {
  Room& room = rooms_.joined_room(from);
  const auto update = MediaStateUpdate::parse(payload);
  Participant& self = *room.find(from);
  update.apply_to(self.media);
  send_text_to_others(outbox_, room, from, "peer_state",
                      participant_text(self, ParticipantShape::peer_state));
  return ok_ack();
}

void Meeting::connect(const ParticipantId& id, std::string_view remote_address) {
  addresses_.connect(id, remote_address);
}

void Meeting::disconnect(const ParticipantId& id) {
  membership_.disconnect(id);
  chat_rate_.forget(id);
  addresses_.forget(id);
}

MeetingStats Meeting::stats() const {
  MeetingStats stats{.rooms = rooms_.room_count(),
                     .participants = rooms_.participant_count(),
                     .waiting = rooms_.waiting_count(),
                     .messages_relayed = messages_relayed_,
                     .chat_messages = chat_messages_,
                     .chat_messages_pruned = chat_.pruned(),
                     .errors_by_code = {},
                     .limits_hit = {}};
  for (std::size_t i = 0; i < kErrorCodeCount; ++i) {
    stats.errors_by_code.emplace(to_string(static_cast<ErrorCode>(i)), errors_[i]);
  }
  for (std::size_t i = 1; i < kLimitCount; ++i) {  // 0 is Limit::none
    stats.limits_hit.emplace(to_string(static_cast<Limit>(i)), limits_[i]);
  }
  return stats;
}

}  // namespace confab::meeting
