// confab-sfu-bench: N synthetic participants in one room of an SFU, all publishing Opus and VP8
// at real rates and receiving every audio and at most `--max-video` videos; one process, one
// thread, one clock. Prints one JSON line: forwarded packets/s, loss, the time packets spend
// between our send and our receive (through the SFU), and the server's CPU and RSS.
#include <dirent.h>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "confab_client.hpp"
#include "janus_client.hpp"
#include "participant.hpp"
#include "proc_stats.hpp"
#include "sfu/dtls_certificate.hpp"
#include "sfu/dtls_context.hpp"

namespace asio = boost::asio;
using namespace confab::bench;
using namespace confab::bench::sfu;
using json = nlohmann::json;

namespace {

struct Options {
  std::string server = "confab";
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string room = "sfu-bench";
  std::uint32_t participants = 10;
  std::uint32_t max_video = 9;
  std::uint32_t speakers = 3;
  double warmup_s = 3;
  double duration_s = 20;
  double setup_timeout_s = 90;
  double join_interval_ms = 30;
  int server_pid = 0;
  std::string media_ip = "127.0.0.1";
};

// CPU time of every thread of a process (ns, schedstat): the SFU worker is the busiest.
std::map<int, std::int64_t> thread_cpu_by_tid(int pid) {
  std::map<int, std::int64_t> out;
  const std::string dir = "/proc/" + std::to_string(pid) + "/task";
  DIR* d = ::opendir(dir.c_str());
  if (!d) return out;
  while (const dirent* e = ::readdir(d)) {
    if (e->d_name[0] == '.') continue;
    std::ifstream f(dir + "/" + e->d_name + "/schedstat");
    std::int64_t ns = 0;
    if (f >> ns) out[std::atoi(e->d_name)] = ns;
  }
  ::closedir(d);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app("Synthetic participants against an SFU (confab or Janus VideoRoom)");
  app.add_option("--server", o.server, "confab or janus")
      ->check(CLI::IsMember({"confab", "janus"}));
  app.add_option("--host", o.host);
  app.add_option("--port", o.port, "confab's HTTP port or Janus's WebSocket port")->required();
  app.add_option("--room", o.room, "Room name (confab) or number (Janus)");
  app.add_option("-n,--participants", o.participants)->check(CLI::Range(2, 500));
  app.add_option("--max-video", o.max_video, "Videos each participant receives (last-N)");
  app.add_option("--speakers", o.speakers,
                 "Participants talking (50 audio packets/s); the others send DTX silence");
  app.add_option("--warmup", o.warmup_s, "Seconds between all connected and the window");
  app.add_option("-d,--duration", o.duration_s, "Seconds of measurement");
  app.add_option("--setup-timeout", o.setup_timeout_s);
  app.add_option("--join-interval-ms", o.join_interval_ms, "Between two participants' joins");
  app.add_option("--media-ip", o.media_ip, "Janus: the address our media sockets bind to");
  app.add_option("--server-pid", o.server_pid, "Process whose CPU and RSS are reported");
  CLI11_PARSE(app, argc, argv);

  asio::io_context io;
  const auto certificate = confab::sfu::DtlsCertificate::generate();
  confab::sfu::DtlsContext dtls(certificate);
  SignalingTarget target;
  target.endpoint = {asio::ip::make_address(o.host), o.port};
  target.host_header = o.host + ":" + std::to_string(o.port);
  target.room = o.room;
  target.participants = o.participants;
  target.max_video = o.max_video;

  std::vector<std::unique_ptr<Participant>> participants;
  std::vector<std::unique_ptr<Signaling>> clients;
  for (std::uint32_t i = 0; i < o.participants; ++i) {
    participants.push_back(std::make_unique<Participant>(io, dtls, i, i < o.speakers));
    if (o.server == "janus") {
      clients.push_back(std::make_unique<JanusClient>(io, *participants.back(), target,
                                                      asio::ip::make_address(o.media_ip)));
    } else {
      clients.push_back(std::make_unique<ConfabClient>(io, *participants.back(), target));
    }
  }

  // Joins one after the other, as people do (and the server's per-connection limits expect).
  asio::steady_timer join_timer(io);
  std::size_t joined = 0;
  std::function<void()> join_next = [&] {
    if (joined == clients.size()) return;
    clients[joined++]->start();
    join_timer.expires_after(
        std::chrono::microseconds(static_cast<int>(o.join_interval_ms * 1000)));
    join_timer.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) join_next();
    });
  };
  join_next();

  // The media clock: every millisecond each participant sends what is due.
  asio::steady_timer pump_timer(io);
  std::function<void()> pump = [&] {
    const std::int64_t now = steady_ns();
    for (auto& p : participants) p->pump(now);
    pump_timer.expires_after(std::chrono::milliseconds(1));
    pump_timer.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) pump();
    });
  };
  pump();

  enum class Phase { setup, warmup, measuring, done };
  Phase phase = Phase::setup;
  const std::int64_t t0 = steady_ns();
  std::int64_t phase_start = t0;
  double setup_s = 0;
  std::string failure;
  std::optional<ProcSample> server_before, server_after;
  std::map<int, std::int64_t> threads_before, threads_after;
  std::int64_t self_before = 0, self_after = 0;
  std::int64_t window_ns = 0;
  asio::steady_timer phase_timer(io);
  std::function<void()> step = [&] {
    const std::int64_t now = steady_ns();
    switch (phase) {
      case Phase::setup: {
        bool all = true;
        for (std::size_t i = 0; i < clients.size(); ++i) {
          if (!clients[i]->error().empty()) failure = clients[i]->error();
          if (participants[i]->failed()) failure = "transport failed";
          all = all && clients[i]->ready();
        }
        if (!failure.empty() || now - t0 > static_cast<std::int64_t>(o.setup_timeout_s * 1e9)) {
          if (failure.empty()) {
            std::size_t ready = 0;
            for (auto& c : clients) ready += c->ready() ? 1 : 0;
            failure = "setup timeout: " + std::to_string(ready) + " of " +
                      std::to_string(clients.size()) + " participants ready";
          }
          phase = Phase::done;
          io.stop();
          return;
        }
        if (all) {
          setup_s = static_cast<double>(now - t0) / 1e9;
          std::cerr << "all " << clients.size() << " participants ready after " << setup_s
                    << " s\n";
          phase = Phase::warmup;
          phase_start = now;
        }
        break;
      }
      case Phase::warmup:
        if (now - phase_start >= static_cast<std::int64_t>(o.warmup_s * 1e9)) {
          phase = Phase::measuring;
          phase_start = now;
          for (auto& p : participants) p->set_counting(true);
          if (o.server_pid) {
            server_before = sample_process(o.server_pid);
            threads_before = thread_cpu_by_tid(o.server_pid);
          }
          self_before = self_cpu_ns();
        }
        break;
      case Phase::measuring:
        if (now - phase_start >= static_cast<std::int64_t>(o.duration_s * 1e9)) {
          window_ns = now - phase_start;
          for (auto& p : participants) p->set_counting(false);
          if (o.server_pid) {
            server_after = sample_process(o.server_pid);
            threads_after = thread_cpu_by_tid(o.server_pid);
          }
          self_after = self_cpu_ns();
          phase = Phase::done;
          io.stop();
          return;
        }
        break;
      case Phase::done:
        return;
    }
    phase_timer.expires_after(std::chrono::milliseconds(50));
    phase_timer.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) step();
    });
  };
  step();
  io.run();

  json out = {{"server", o.server},
              {"participants", o.participants},
              {"max_video", o.max_video},
              {"speakers", std::min(o.speakers, o.participants)}};
  if (!failure.empty()) {
    out["error"] = failure;
    std::cout << out.dump() << std::endl;
    return 1;
  }
  Totals t;
  std::uint64_t nacks = 0, plis = 0, keyframes = 0, retransmissions = 0, unknown = 0;
  for (auto& p : participants) {
    p->add_totals(t);
    nacks += p->nacks();
    plis += p->keyframe_requests();
    keyframes += p->source().keyframes();
    retransmissions += p->source().retransmissions();
    unknown += p->unknown_ssrc_packets();
  }
  const double seconds = static_cast<double>(window_ns) / 1e9;
  const double packets = static_cast<double>(t.audio_packets + t.video_packets);
  out["setup_s"] = setup_s;
  out["window_s"] = seconds;
  out["video_streams"] = t.video_streams;
  out["audio_streams"] = t.audio_streams;
  out["video_pps"] = static_cast<double>(t.video_packets) / seconds;
  out["audio_pps"] = static_cast<double>(t.audio_packets) / seconds;
  out["forwarded_pps"] = packets / seconds;
  out["loss_pct"] = t.expected ? 100.0 * static_cast<double>(t.expected - t.received) /
                                     static_cast<double>(t.expected)
                               : 0.0;
  out["latency_p50_us"] = static_cast<double>(t.latency.percentile(50)) / 1e3;
  out["latency_p99_us"] = static_cast<double>(t.latency.percentile(99)) / 1e3;
  out["latency_max_us"] = static_cast<double>(t.latency.max()) / 1e3;
  out["nacks_received"] = nacks;
  out["keyframe_requests"] = plis;
  out["keyframes_sent"] = keyframes;
  out["retransmissions"] = retransmissions;
  out["unknown_ssrc_packets"] = unknown;
  out["generator_cpu_pct"] =
      100.0 * static_cast<double>(self_after - self_before) / static_cast<double>(window_ns);
  if (server_before && server_after) {
    const double cpu_ns = static_cast<double>(server_after->cpu_ns - server_before->cpu_ns);
    std::int64_t busiest = 0;
    for (const auto& [tid, ns] : threads_after) {
      const auto it = threads_before.find(tid);
      busiest = std::max(busiest, ns - (it == threads_before.end() ? 0 : it->second));
    }
    const double streams = static_cast<double>(t.video_streams + t.audio_streams);
    out["server_cpu_pct"] = 100.0 * cpu_ns / static_cast<double>(window_ns);
    out["server_busiest_thread_pct"] =
        100.0 * static_cast<double>(busiest) / static_cast<double>(window_ns);
    out["cpu_us_per_packet"] = packets > 0 ? cpu_ns / 1e3 / packets : 0.0;
    // CPU per forwarded stream: percent of one core per stream (audio and video alike).
    out["cpu_pct_per_stream"] =
        streams > 0 ? 100.0 * cpu_ns / static_cast<double>(window_ns) / streams : 0.0;
    out["server_rss_kb"] = server_after->rss_kb;
    out["server_hwm_kb"] = server_after->hwm_kb;
  }
  std::cout << out.dump() << std::endl;
  return 0;
}
