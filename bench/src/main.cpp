// confab-bench: Socket.IO signaling load generator for confab-server. Prints one JSON line.
#include <CLI/CLI.hpp>
#include <iostream>

#include "report.hpp"
#include "scenario.hpp"

int main(int argc, char** argv) {
  confab::bench::Options o;
  CLI::App cli{"confab-bench: C clients in rooms of K relaying ice_candidate messages"};
  cli.add_option("--scenario", o.scenario, "Label for the report")->capture_default_str();
  cli.add_option("--host", o.host, "Server address (IPv4/IPv6 literal)")->capture_default_str();
  cli.add_option("--port", o.port, "Server port")->required();
  cli.add_option("--server-pid", o.server_pid, "Read CPU and RSS of this pid from /proc");
  cli.add_option("--clients,-c", o.clients, "Clients (C)")
      ->check(CLI::Range(1, 1'000'000))
      ->capture_default_str();
  cli.add_option("--room-size,-k", o.room_size, "Clients per room (K)")
      ->check(CLI::Range(2, 1000))
      ->capture_default_str();
  cli.add_option("--threads,-t", o.threads, "Generator threads")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  cli.add_option("--rate,-r", o.rate, "Relayed messages per second in total; 0 = closed loop")
      ->check(CLI::Range(0.0, 1e9))
      ->capture_default_str();
  cli.add_option("--window", o.window, "Closed loop: messages in flight per client")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cli.add_flag("--ack", o.ack, "Ask for an ack on every ice_candidate (the web client does not)");
  cli.add_option("--idle", o.idle_s, "Idle hold after the join storm (s)")->capture_default_str();
  cli.add_option("--warmup", o.warmup_s, "Relay before measuring (s)")->capture_default_str();
  cli.add_option("--duration,-d", o.duration_s, "Measured relay window (s); 0 = no relay")
      ->capture_default_str();
  cli.add_option("--drain-timeout", o.drain_timeout_s, "Wait for in-flight messages (s)")
      ->capture_default_str();
  cli.add_option("--phase-timeout", o.phase_timeout_s, "Connect / join phase limit (s)")
      ->capture_default_str();
  cli.add_option("--connect-concurrency", o.connect_concurrency, "Connection attempts in flight")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  cli.add_option("--candidate-bytes", o.candidate_bytes, "Size of the candidate object JSON")
      ->check(CLI::Range(250, 60000))
      ->capture_default_str();
  cli.add_option("--room-prefix", o.room_prefix, "Room name prefix (default b<pid>-)");
  cli.add_option("--hook-window-start", o.hook_window_start,
                 "Shell command run as the measured window opens");
  cli.add_option("--hook-window-end", o.hook_window_end,
                 "Shell command run as the measured window closes");
  CLI11_PARSE(cli, argc, argv);
  if (o.rate <= 0 && !o.ack) {
    std::cerr << "closed loop (--rate 0) needs --ack\n";
    return 2;
  }

  const auto result = confab::bench::run_scenario(o);
  std::cout << confab::bench::to_json(result).dump() << std::endl;
  return confab::bench::clean(result) ? 0 : 3;
}
