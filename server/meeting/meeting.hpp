#pragma once
// The meeting domain of docs/protocol.md over the Outbox port. Not thread-safe: the app calls
// every method from one strand.
#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "common/clock.hpp"
#include "common/random.hpp"
#include "common/rate_limit.hpp"
#include "meeting/admission.hpp"
#include "meeting/chat_service.hpp"
#include "meeting/client_addresses.hpp"
#include "meeting/error_code.hpp"
#include "meeting/event.hpp"
#include "meeting/host_controls.hpp"
#include "meeting/ice_servers.hpp"
#include "meeting/meeting_config.hpp"
#include "meeting/meeting_stats.hpp"
#include "meeting/membership.hpp"
#include "meeting/name_generator.hpp"
#include "meeting/outbox.hpp"
#include "meeting/reply.hpp"
#include "meeting/room_directory.hpp"
#include "meeting/sfu_signaling.hpp"
#include "meeting/signaling_relay.hpp"
#include "store/store.hpp"

namespace confab::meeting {

class Meeting {
 public:
  // All references must outlive the Meeting.
  Meeting(Outbox& outbox, store::Store& store, MeetingConfig config, common::Clock& clock,
          common::RandomSource& random);
  Meeting(const Meeting&) = delete;
  Meeting& operator=(const Meeting&) = delete;

  // Handles one client event and returns its ack ({ok:true,...} or {ok:false,error:{...}}).
  // Never throws for bad input; unexpected failures become an internal_error ack.
  nlohmann::json handle(const ParticipantId& from, std::string_view event,
                        const nlohmann::json& payload);
  // The same with the ack as JSON text: the socket path (the join ack is never a DOM).
  std::string handle_text(const ParticipantId& from, std::string_view event,
                          const nlohmann::json& payload);
  // offer, answer or ice_candidate with the payload as JSON text (valid JSON), forwarded
  // without a DOM: the socket path. Returns the error ack, nothing when it went out.
  std::optional<nlohmann::json> relay_text(const ParticipantId& from, Signal signal,
                                           std::string_view payload);

  // A participant connected from `remote_address` (the peer IP): per-address limits count it
  // there. A participant never connected is counted alone.
  void connect(const ParticipantId& id, std::string_view remote_address);
  // The participant's connection is gone: leave its room (user_left to the rest).
  void disconnect(const ParticipantId& id);

  // Chat retention: deletes stored messages older than the retention period. The app calls
  // it at start and periodically. Returns how many were deleted.
  std::size_t prune_chat() { return chat_.prune(rooms_); }

  MeetingStats stats() const;

  // Where the SFU's data plane reports (config.media_router's events), on the same strand.
  MediaEvents& media_events() { return sfu_; }

  // The STUN servers, for a client that asks before joining (GET /api/ice-servers). TURN
  // credentials are only handed out with a join.
  const nlohmann::json& stun_servers() const { return config_.ice_servers; }

 private:
  template <typename Handler>
  Reply run_guarded(std::string_view event, Handler&& handler);
  nlohmann::json reject(const RequestError& error);
  Reply dispatch(const ParticipantId& from, Event event, const nlohmann::json& payload);
  nlohmann::json relay(const ParticipantId& from, Signal signal, const nlohmann::json& payload);
  nlohmann::json post_message(const ParticipantId& from, const nlohmann::json& payload);
  nlohmann::json update_media_state(const ParticipantId& from, const nlohmann::json& payload);

  MeetingConfig config_;
  Outbox& outbox_;
  common::Clock& clock_;
  RoomDirectory rooms_;
  NameGenerator names_;
  ChatService chat_;
  ClientAddresses addresses_;
  IceServers ice_servers_;
  Admission admission_;
  SfuSignaling sfu_;
  Membership membership_;
  HostControls host_controls_;
  SignalingRelay relay_;
  common::KeyedRateLimiter chat_rate_;
  std::uint64_t messages_relayed_ = 0;
  std::uint64_t chat_messages_ = 0;
  std::array<std::uint64_t, kErrorCodeCount> errors_{};
  std::array<std::uint64_t, kLimitCount> limits_{};
};

}  // namespace confab::meeting
