#include <spdlog/spdlog.h>

#include <exception>

#include "app/app.hpp"
#include "app/config.hpp"

int main(int argc, char** argv) {
  confab::app::Config config;
  if (auto exit_code = confab::app::parse_command_line(argc, argv, config)) return *exit_code;
  spdlog::set_level(spdlog::level::from_str(config.log_level));
  try {
    confab::app::App app(config);
    return app.run();
  } catch (const std::exception& e) {
    spdlog::critical("cannot start: {}", e.what());
    return 1;
  }
}
