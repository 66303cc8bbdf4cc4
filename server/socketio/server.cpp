#include "socketio/server.hpp"

#include "socketio/client.hpp"

namespace confab::socketio {

Server::Server(boost::asio::io_context& io, engineio::Server& engine, ServerOptions options)
    : io_(io), engine_(engine), options_(std::move(options)) {
  of("/");
  engine_.on_connection([this](engineio::Session& session) {
    auto client = std::make_unique<Client>(*this, session);
    clients_.insert(client.get());
    session.set_listener(std::move(client));
  });
}

Server::~Server() {
  engine_.on_connection(nullptr);
  for (auto& [name, nsp] : namespaces_) nsp->clear_handlers();
  const std::vector<Client*> clients(clients_.begin(), clients_.end());
  for (Client* client : clients) client->session().set_listener(nullptr);
}

Namespace& Server::of(const std::string& name) {
  auto it = namespaces_.find(name);
  if (it == namespaces_.end()) {
    it = namespaces_.emplace(name, std::make_unique<Namespace>(name)).first;
  }
  return *it->second;
}

Namespace* Server::find(std::string_view name) const {
  auto it = namespaces_.find(name);
  return it == namespaces_.end() ? nullptr : it->second.get();
}

std::optional<std::string_view> Server::first_argument(std::string_view data) {
  if (!json_text_.valid(data) || !json_text_.elements(data, elements_) || elements_.empty()) {
    return std::nullopt;
  }
  return elements_.size() > 1 ? elements_[1] : std::string_view("null");
}

void Server::report(std::string_view kind, std::string_view detail) const {
  if (options_.on_error) options_.on_error(kind, detail);
}

}  // namespace confab::socketio
