#pragma once
// The transport-neutral view of an HTTP request that the Engine.IO server needs;
// the http layer fills it from Beast, unit tests fill it by hand.
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace confab::engineio {

using Query = std::map<std::string, std::string, std::less<>>;

// Parses "a=1&b=x%20y"; malformed percent escapes are kept as they are.
Query parse_query(std::string_view query);
std::string percent_decode(std::string_view text);

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  Query query;
  std::string body;
  std::string origin;          // Origin header, empty when absent
  std::string remote_address;  // peer IP
  std::map<std::string, std::string, std::less<>> headers;  // lower-case names
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=UTF-8";
  std::string body;

  static HttpResponse text(std::string body) { return {200, "text/plain; charset=UTF-8", std::move(body)}; }
  static HttpResponse error(int status, int code, std::string_view message);
};

}  // namespace confab::engineio
