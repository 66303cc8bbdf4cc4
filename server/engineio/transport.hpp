#pragma once
// Seams between the Engine.IO state machine and the socket code of the http layer.
#include <functional>
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace confab::engineio {

// One accepted WebSocket, implemented by the http layer. Frames are queued and
// written in order; close() sends a close frame after the queued ones.
class WsChannel {
 public:
  virtual ~WsChannel() = default;
  virtual void send(std::string frame, bool binary) = 0;
  virtual void close() = 0;
};

// What the http layer tells Engine.IO about an open WebSocket.
class WsHandler {
 public:
  virtual ~WsHandler() = default;
  virtual void on_frame(std::string_view frame, bool binary) = 0;
  virtual void on_close() = 0;
};

// Answers one (possibly long-held) polling request; called exactly once.
using PollResponder = std::function<void(http::Response)>;
// Called by the http layer when the client drops a request that is still held.
using PollAbort = std::function<void()>;

}  // namespace confab::engineio
