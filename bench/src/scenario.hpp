#pragma once
// One benchmark run: connect C clients, join them into rooms of K (the join storm), hold them
// idle, then relay ice_candidate messages at a fixed total rate (open loop) or as fast as the
// server acknowledges them (closed loop), and drain. Clients are spread over worker threads, each
// with its own io_context.
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

#include "latency_histogram.hpp"
#include "proc_stats.hpp"

namespace confab::bench {

struct Options {
  std::string scenario = "custom";  // label copied into the report
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  pid_t server_pid = 0;  // 0: do not read server stats
  int clients = 1000;
  int room_size = 4;
  int threads = 2;
  double rate = 20000;       // relayed messages per second in total; 0 = closed loop
  int window = 1;            // closed loop: messages in flight per client
  bool ack = false;          // ask for an ack on every ice_candidate (the web client does not)
  double idle_s = 1.0;       // idle hold after the join storm, before the RSS sample
  double warmup_s = 2.0;     // relay before the measured window
  double duration_s = 10.0;  // measured relay window; 0 = no relay phase
  double drain_timeout_s = 5.0;
  double phase_timeout_s = 30.0;  // connect and join phases each
  int connect_concurrency = 256;  // connection attempts in flight (all threads together)
  std::size_t candidate_bytes = 300;
  std::string room_prefix;  // default: "b<pid>-"
  // Shell commands run (blocking) just before the measured window opens and just after it
  // closes, e.g. to start a profiler or to zero and dump callgrind counters.
  std::string hook_window_start;
  std::string hook_window_end;
};

struct Counters {
  std::uint64_t sent = 0;  // ice_candidate frames queued
  std::uint64_t acked_ok = 0;
  std::uint64_t acked_error = 0;
  std::uint64_t received = 0;    // relayed ice_candidate frames received
  std::uint64_t misrouted = 0;   // wrong receiver, or user_id not the real sender
  std::uint64_t corrupted = 0;   // candidate not carried verbatim, or other_user_id left in
  std::uint64_t duplicates = 0;  // seq not above the last one from that sender
  std::uint64_t reordered = 0;   // seq skipped ahead (lost or reordered in between)
  std::uint64_t new_user = 0;    // new_user events received
  std::uint64_t unexpected_events = 0;
  std::uint64_t protocol_errors = 0;  // unparsable frames, CONNECT_ERROR, unknown acks
  std::uint64_t disconnects = 0;      // connections lost after they were open
  std::uint64_t pings = 0;            // Engine.IO heartbeats answered

  Counters& operator+=(const Counters& o);
};

struct Result {
  Options options;
  int connected = 0;
  int connect_failed = 0;
  int joined = 0;           // clients that got their ack and every peer
  int join_failed = 0;      // error acks or phase timeout
  double connect_s = 0;     // first connect attempt until every client had its Socket.IO CONNECT
  double join_storm_s = 0;  // first join_room sent until every client knew all its peers
  std::uint64_t new_user_expected = 0;
  int open_at_end = 0;

  Counters totals;
  double window_s = 0;
  std::uint64_t window_delivered = 0;  // relayed messages received inside the measured window
  LatencyHistogram latency;            // one-way, for messages received inside the window
  std::uint64_t lost = 0;              // sent - error acks - received, after the drain

  std::optional<ProcSample> server_start, server_idle, server_window_start, server_window_end,
      server_end;
  std::int64_t generator_window_cpu_ns = 0;
  SystemCpu system_window_start, system_window_end;  // whole machine, to expose other load
  SystemCpu system_setup_start, system_setup_end;    // the same over connect + join storm
  std::optional<ProcSample> server_connected;        // just before the join storm
  std::optional<ProcSample> server_joined;
  std::int64_t generator_join_cpu_ns = 0;
  std::int64_t generator_setup_cpu_ns = 0;
  double setup_s = 0;
  double loadavg_start = 0;
  double idle_measure_s = 0;
  std::int64_t server_idle_cpu_ns = 0;  // server CPU during the idle hold (heartbeats only)
};

Result run_scenario(const Options& options);

// 0 when the run had no errors, no losses and no misrouted messages.
bool clean(const Result& r);

}  // namespace confab::bench
