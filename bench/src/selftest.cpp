// Checks of the codec and the histogram that need no server. Exit status 0 = pass.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "latency_histogram.hpp"
#include "socketio_codec.hpp"

namespace sio = confab::bench::sio;
using confab::bench::LatencyHistogram;

namespace {
int failures = 0;
void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "FAIL: %s\n", what);
    ++failures;
  }
}
}  // namespace

int main() {
  // Frame classification.
  check(sio::classify("2").kind == sio::FrameKind::eio_ping, "ping");
  check(sio::classify(R"(0{"sid":"x"})").kind == sio::FrameKind::eio_open, "open");
  check(sio::classify(R"(40{"sid":"x"})").kind == sio::FrameKind::connect, "connect");
  const auto ack = sio::classify(R"(4317[{"ok":true}])");
  check(ack.kind == sio::FrameKind::ack && ack.id == 17u && sio::is_plain_ok_ack(ack.body), "ack");
  const auto ev = sio::classify(R"(42["new_user",{"user_id":"a"}])");
  check(ev.kind == sio::FrameKind::event && !ev.id && sio::is_event(ev.body, "new_user"), "event");
  check(!sio::is_event(ev.body, "new"), "event prefix");

  // The candidate is exactly the asked size and survives a nlohmann round trip verbatim.
  for (std::size_t n : {250u, 300u, 1000u}) {
    const std::string c = sio::make_candidate_json(n);
    check(c.size() == n, "candidate size");
    check(nlohmann::json::parse(c).dump() == c, "candidate canonical");
  }

  // Build, relay the way the server does (erase other_user_id, stamp user_id), scan.
  const std::string cand = sio::make_candidate_json(300);
  std::string frame;
  sio::build_candidate(frame, "peerID", cand, {3, 5, 42, 123456789012345}, 9);
  const auto f = sio::classify(frame);
  check(f.kind == sio::FrameKind::event && f.id == 9u && sio::is_event(f.body, "ice_candidate"),
        "built frame");
  auto args = nlohmann::json::parse(f.body);
  check(args[1]["other_user_id"] == "peerID", "other_user_id");
  args[1].erase("other_user_id");
  args[1]["user_id"] = "senderID";
  const std::string relayed = args.dump();
  const auto v = sio::scan_relay(relayed);
  check(v && v->stamp.src == 3 && v->stamp.dst == 5 && v->stamp.seq == 42 &&
            v->stamp.sent_ns == 123456789012345 && v->user_id == "senderID",
        "scan relay");
  check(relayed.find(cand) != std::string::npos, "candidate verbatim after relay");

  // Histogram: bucket bounds contain the value within 0.8 %, percentiles are ordered.
  for (std::uint64_t x : {0ull, 1ull, 127ull, 128ull, 129ull, 1000ull, 123456ull, 987654321ull}) {
    const auto b = LatencyHistogram::bucket_of(x);
    const auto hi = LatencyHistogram::upper_bound_of(b);
    check(hi >= x && static_cast<double>(hi - x) <= 0.008 * static_cast<double>(x) + 1,
          "bucket bound");
    check(b == 0 || LatencyHistogram::upper_bound_of(b - 1) < x, "bucket lower bound");
  }
  LatencyHistogram h;
  for (int i = 1; i <= 1000; ++i) h.record(i * 1000);
  check(h.count() == 1000 && h.max() == 1'000'000 && h.min() == 1000, "histogram count/min/max");
  const auto p50 = h.percentile(50), p99 = h.percentile(99);
  check(p50 >= 500'000 && p50 <= 504'000, "p50");
  check(p99 >= 990'000 && p99 <= 998'000, "p99");
  LatencyHistogram g;
  g.record(5);
  g.merge(h);
  check(g.count() == 1001 && g.min() == 5, "merge");

  if (failures == 0) std::puts("selftest: all checks passed");
  return failures == 0 ? 0 : 1;
}
