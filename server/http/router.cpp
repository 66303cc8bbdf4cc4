#include "http/router.hpp"

namespace confab::http {

void Router::mount_engine(std::string path, engineio::Server& engine) {
  if (path.empty() || path.back() != '/') path.push_back('/');
  engines_.emplace_back(std::move(path), &engine);
}

engineio::Server* Router::engine_for(std::string_view path) const {
  for (const auto& [prefix, engine] : engines_) {
    // "/socket.io/" and "/socket.io" both reach the endpoint.
    if (path.starts_with(prefix) || path == std::string_view(prefix).substr(0, prefix.size() - 1)) {
      return engine;
    }
  }
  return nullptr;
}

const Handler* Router::handler_for(std::string_view path) const {
  auto it = routes_.find(path);
  return it == routes_.end() ? nullptr : &it->second;
}

Response Router::static_file(const StaticRequest& request) const {
  if (!static_) return Response::text("Not Found\n", 404);
  return static_->serve(request);
}

}  // namespace confab::http
