#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <exception>
#include <iostream>

#include "app/app.hpp"
#include "app/config.hpp"
#include "app/join_tokens.hpp"

int main(int argc, char** argv) {
  // Everything the server writes (the database and its -wal/-shm, jwt.secret, the TLS key) is
  // the owner's alone, whatever the shell's umask.
  ::umask(077);
  confab::app::Config config;
  if (auto exit_code = confab::app::parse_command_line(argc, argv, config)) return *exit_code;
  if (config.token.requested) {
    try {
      std::cout << confab::app::mint_join_token(config) << '\n';
      return 0;
    } catch (const std::exception& e) {
      std::cerr << "cannot make a token: " << e.what() << '\n';
      return 1;
    }
  }
  spdlog::set_level(spdlog::level::from_str(config.log_level));
  try {
    confab::app::App app(config);
    return app.run();
  } catch (const std::exception& e) {
    spdlog::critical("cannot start: {}", e.what());
    return 1;
  }
}
