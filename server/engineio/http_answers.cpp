#include "engineio/http_answers.hpp"

#include <nlohmann/json.hpp>

namespace confab::engineio {

http::Response text_response(std::string body) {
  return {200, "text/plain; charset=UTF-8", std::move(body), {}};
}

http::Response error_response(int status, int code, std::string_view message) {
  return {
      status, "application/json", nlohmann::json{{"code", code}, {"message", message}}.dump(), {}};
}

}  // namespace confab::engineio
