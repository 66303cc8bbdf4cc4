#include "report.hpp"

#include <cmath>

namespace confab::bench {

namespace {

double round_to(double v, int digits) {
  const double f = std::pow(10.0, digits);
  return std::round(v * f) / f;
}

double us(std::int64_t ns) {
  return round_to(static_cast<double>(ns) / 1000.0, 1);
}

nlohmann::ordered_json proc(const std::optional<ProcSample>& s) {
  if (!s) return nullptr;
  return {{"cpu_s", round_to(static_cast<double>(s->cpu_ns) / 1e9, 4)},
          {"user_s", round_to(static_cast<double>(s->utime_ns) / 1e9, 2)},
          {"sys_s", round_to(static_cast<double>(s->stime_ns) / 1e9, 2)},
          {"rss_kb", s->rss_kb},
          {"hwm_kb", s->hwm_kb},
          {"threads", s->threads}};
}

}  // namespace

nlohmann::ordered_json to_json(const Result& r) {
  const Options& o = r.options;
  const Counters& c = r.totals;
  nlohmann::ordered_json j;
  j["scenario"] = o.scenario;
  j["clients"] = o.clients;
  j["room_size"] = o.room_size;
  j["threads"] = o.threads;
  j["mode"] = o.duration_s <= 0 ? "idle" : (o.rate > 0 ? "open" : "closed");
  j["target_rate"] = o.rate;
  if (o.rate <= 0) j["window"] = o.window;
  j["ack"] = o.ack;
  j["candidate_bytes"] = o.candidate_bytes;
  j["ok"] = clean(r);

  j["connect_s"] = round_to(r.connect_s, 4);
  j["join_storm_s"] = round_to(r.join_storm_s, 4);
  // Where the join storm's time goes: CPU of the server and of the generator while it lasted
  // (the generator's includes waiting for the last joins, so it is an upper bound).
  if (r.server_connected && r.server_joined) {
    j["join_server_cpu_s"] = round_to(
        static_cast<double>(r.server_joined->cpu_ns - r.server_connected->cpu_ns) / 1e9, 4);
    j["join_generator_cpu_s"] = round_to(static_cast<double>(r.generator_join_cpu_ns) / 1e9, 4);
  }
  j["new_user"] = {{"expected", r.new_user_expected}, {"received", c.new_user}};

  j["window_s"] = round_to(r.window_s, 3);
  j["delivered"] = r.window_delivered;
  j["delivered_per_s"] =
      r.window_s > 0 ? round_to(static_cast<double>(r.window_delivered) / r.window_s, 0) : 0.0;
  j["latency_us"] = {
      {"p50", us(r.latency.percentile(50))}, {"p95", us(r.latency.percentile(95))},
      {"p99", us(r.latency.percentile(99))}, {"p999", us(r.latency.percentile(99.9))},
      {"max", us(r.latency.max())},          {"mean", round_to(r.latency.mean() / 1000.0, 1)},
      {"samples", r.latency.count()}};

  j["errors"] = {{"connect", r.connect_failed},
                 {"join", r.join_failed},
                 {"ack", c.acked_error},
                 {"protocol", c.protocol_errors},
                 {"unexpected_events", c.unexpected_events},
                 {"disconnects", c.disconnects}};
  j["lost"] = r.lost;
  j["misrouted"] = c.misrouted;
  j["corrupted"] = c.corrupted;
  j["duplicates"] = c.duplicates;
  j["reordered"] = c.reordered;
  j["totals"] = {
      {"sent", c.sent}, {"acked_ok", c.acked_ok}, {"received", c.received}, {"pings", c.pings}};
  j["open_at_end"] = r.open_at_end;

  nlohmann::ordered_json server;
  server["pid"] = o.server_pid;
  server["start"] = proc(r.server_start);
  server["idle"] = proc(r.server_idle);
  server["end"] = proc(r.server_end);
  if (r.server_start && r.server_idle && r.joined > 0) {
    const auto delta_kb = r.server_idle->rss_kb - r.server_start->rss_kb;
    server["rss_per_conn_bytes"] = round_to(static_cast<double>(delta_kb) * 1024.0 / r.joined, 0);
    server["idle_cpu_pct"] =
        r.idle_measure_s > 0
            ? round_to(static_cast<double>(r.server_idle_cpu_ns) / 1e9 / r.idle_measure_s * 100, 2)
            : 0.0;
  }
  if (r.server_window_start && r.server_window_end && r.window_s > 0) {
    const auto& a = *r.server_window_start;
    const auto& b = *r.server_window_end;
    const double cpu_ns = static_cast<double>(b.cpu_ns - a.cpu_ns);
    server["window_cpu_pct"] = round_to(cpu_ns / 1e9 / r.window_s * 100, 1);
    server["window_user_pct"] =
        round_to(static_cast<double>(b.utime_ns - a.utime_ns) / 1e9 / r.window_s * 100, 1);
    server["window_sys_pct"] =
        round_to(static_cast<double>(b.stime_ns - a.stime_ns) / 1e9 / r.window_s * 100, 1);
    const double n = static_cast<double>(r.window_delivered);
    server["cpu_us_per_msg"] = n > 0 ? round_to(cpu_ns / 1000.0 / n, 2) : 0.0;
    // The user/system split comes from clock ticks (10 ms): coarse, but enough over seconds.
    const double user_ns = static_cast<double>(b.utime_ns - a.utime_ns);
    const double sys_ns = static_cast<double>(b.stime_ns - a.stime_ns);
    if (n > 0 && user_ns + sys_ns > 0) {
      server["user_us_per_msg"] = round_to(cpu_ns * user_ns / (user_ns + sys_ns) / 1000.0 / n, 2);
      server["sys_us_per_msg"] = round_to(cpu_ns * sys_ns / (user_ns + sys_ns) / 1000.0 / n, 2);
    }
  }
  j["server"] = server;
  j["generator"] = {
      {"window_cpu_pct",
       r.window_s > 0
           ? round_to(static_cast<double>(r.generator_window_cpu_ns) / 1e9 / r.window_s * 100, 1)
           : 0.0},
      {"cpu_us_per_msg", r.window_delivered
                             ? round_to(static_cast<double>(r.generator_window_cpu_ns) / 1000.0 /
                                            static_cast<double>(r.window_delivered),
                                        2)
                             : 0.0}};
  nlohmann::ordered_json machine;
  machine["loadavg1_start"] = r.loadavg_start;
  const auto& s0 = r.system_window_start;
  const auto& s1 = r.system_window_end;
  if (r.window_s > 0 && s1.total_ns > s0.total_ns) {
    const double busy_pct = static_cast<double>(s1.busy_ns - s0.busy_ns) / 1e9 / r.window_s * 100;
    machine["window_busy_pct"] = round_to(busy_pct, 1);  // of one CPU; 100 * cpus is all of them
    double ours = static_cast<double>(r.generator_window_cpu_ns) / 1e9 / r.window_s * 100;
    if (r.server_window_start && r.server_window_end) {
      ours += static_cast<double>(r.server_window_end->cpu_ns - r.server_window_start->cpu_ns) /
              1e9 / r.window_s * 100;
    }
    machine["window_other_pct"] = round_to(std::max(0.0, busy_pct - ours), 1);
    machine["cpus"] = s1.cpus;
  }
  const auto& u0 = r.system_setup_start;
  const auto& u1 = r.system_setup_end;
  if (r.setup_s > 0 && u1.total_ns > u0.total_ns) {
    const double busy_pct = static_cast<double>(u1.busy_ns - u0.busy_ns) / 1e9 / r.setup_s * 100;
    double ours = static_cast<double>(r.generator_setup_cpu_ns) / 1e9 / r.setup_s * 100;
    if (r.server_start && r.server_joined) {
      ours += static_cast<double>(r.server_joined->cpu_ns - r.server_start->cpu_ns) / 1e9 /
              r.setup_s * 100;
    }
    machine["setup_s"] = round_to(r.setup_s, 3);
    machine["setup_busy_pct"] = round_to(busy_pct, 1);
    machine["setup_other_pct"] = round_to(std::max(0.0, busy_pct - ours), 1);
  }
  j["machine"] = machine;
  return j;
}

}  // namespace confab::bench
