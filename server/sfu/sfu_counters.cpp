#include "sfu/sfu_counters.hpp"

namespace confab::sfu {

std::string_view to_string(DropReason reason) {
  switch (reason) {
    case DropReason::unknown_address:
      return "unknown_address";
    case DropReason::bad_stun:
      return "bad_stun";
    case DropReason::malformed:
      return "malformed";
    case DropReason::not_connected:
      return "not_connected";
    case DropReason::srtp_auth:
      return "srtp_auth";
    case DropReason::srtp_replay:
      return "srtp_replay";
    case DropReason::unknown_ssrc:
      return "unknown_ssrc";
    case DropReason::send_failed:
      return "send_failed";
    case DropReason::count_:
      break;
  }
  return "unknown";
}

}  // namespace confab::sfu
