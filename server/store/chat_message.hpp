#pragma once
#include <cstdint>
#include <string>

namespace confab::store {

// One chat line as persisted; ids and timestamps are assigned by the server.
struct ChatMessage {
  std::string id;
  std::string room;
  std::string user_id;
  std::string name;
  std::string text;
  std::int64_t ts = 0;  // ms since the Unix epoch

  friend bool operator==(const ChatMessage&, const ChatMessage&) = default;
};

}  // namespace confab::store
