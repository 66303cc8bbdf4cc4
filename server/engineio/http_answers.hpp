#pragma once
// Engine.IO's own answers over HTTP: text/plain packets and the JSON error body
// {"code", "message"} the reference server sends.
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace confab::engineio {

http::Response text_response(std::string body);
http::Response error_response(int status, int code, std::string_view message);

}  // namespace confab::engineio
