#pragma once
// Where a request goes: an Engine.IO endpoint, a REST handler, or the static app.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engineio/server.hpp"
#include "http/message.hpp"
#include "http/static_files.hpp"

namespace confab::http {

using Handler = std::function<Response(const http::Request&)>;

class Router {
 public:
  void mount_engine(std::string path, engineio::Server& engine);  // e.g. "/socket.io/"
  void route(std::string path, Handler handler) { routes_[std::move(path)] = std::move(handler); }
  void serve_static(std::filesystem::path root) {
    static_ = std::make_unique<StaticFiles>(std::move(root));
  }
  // Sent with every response (security headers).
  void add_default_header(std::string name, std::string value) {
    default_headers_.emplace_back(std::move(name), std::move(value));
  }

  engineio::Server* engine_for(std::string_view path) const;
  const Handler* handler_for(std::string_view path) const;
  Response static_file(const StaticRequest& request) const;
  const std::vector<std::pair<std::string, std::string>>& default_headers() const {
    return default_headers_;
  }

 private:
  std::vector<std::pair<std::string, engineio::Server*>> engines_;
  std::map<std::string, Handler, std::less<>> routes_;
  std::unique_ptr<StaticFiles> static_;
  std::vector<std::pair<std::string, std::string>> default_headers_;
};

}  // namespace confab::http
