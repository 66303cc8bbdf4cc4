#include "scenario.hpp"

#include <unistd.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <future>
#include <iostream>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "socketio_codec.hpp"
#include "ws_client.hpp"

namespace confab::bench {

Counters& Counters::operator+=(const Counters& o) {
  sent += o.sent;
  acked_ok += o.acked_ok;
  acked_error += o.acked_error;
  received += o.received;
  misrouted += o.misrouted;
  corrupted += o.corrupted;
  duplicates += o.duplicates;
  reordered += o.reordered;
  new_user += o.new_user;
  unexpected_events += o.unexpected_events;
  protocol_errors += o.protocol_errors;
  disconnects += o.disconnects;
  pings += o.pings;
  return *this;
}

bool clean(const Result& r) {
  const Counters& c = r.totals;
  return r.connect_failed == 0 && r.join_failed == 0 && r.connected == r.options.clients &&
         r.joined == r.options.clients && c.acked_error == 0 && c.misrouted == 0 &&
         c.corrupted == 0 && c.duplicates == 0 && c.reordered == 0 && c.unexpected_events == 0 &&
         c.protocol_errors == 0 && c.disconnects == 0 && r.lost == 0 &&
         r.totals.new_user == r.new_user_expected;
}

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
constexpr std::chrono::microseconds kTick{500};  // open-loop pacing period of each worker

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

void atomic_max(std::atomic<std::int64_t>& a, std::int64_t v) {
  std::int64_t cur = a.load(std::memory_order_relaxed);
  while (v > cur && !a.compare_exchange_weak(cur, v, std::memory_order_relaxed)) {
  }
}

// State every worker reads; written by the main thread between phases (asio::post orders it).
struct Shared {
  explicit Shared(const Options& o) : opt(o) {}
  const Options& opt;
  boost::asio::ip::tcp::endpoint endpoint;
  std::string host_header;
  std::string target = "/socket.io/?EIO=4&transport=websocket";
  std::string candidate_json;
  std::string room_prefix;
  // Client index -> socket id; each entry is written by the client's worker before `joined`
  // counts it and read by other workers only during the relay phase.
  std::vector<std::string> ids;

  std::atomic<int> connected{0};
  std::atomic<int> connect_failed{0};
  std::atomic<int> joined{0};
  std::atomic<int> join_failed{0};
  std::atomic<std::int64_t> last_connected_ns{0};
  std::atomic<std::int64_t> last_joined_ns{0};
  std::atomic<std::int64_t> window_start{kNever};
  std::atomic<std::int64_t> window_end{kNever};
  std::atomic<bool> sending{false};
  std::atomic<bool> stopping{false};
};

class Worker;

class Client final : public ConnectionHandler {
 public:
  Client(Worker& worker, Shared& shared, int index);

  void connect();
  void join();
  // Queues one ice_candidate to the next peer in the room; false if the client cannot send.
  bool send_candidate();
  bool is_open() const { return conn_.is_open(); }
  void abort() { conn_.abort(); }

  void on_open() override {}
  void on_text(std::string_view message) override;
  void on_closed(std::string_view error) override;

 private:
  enum class Phase { connecting, connected, joining, joined, closed };

  void on_event(const sio::Frame& f);
  void on_ack(const sio::Frame& f);
  void on_relay(std::string_view body);
  void on_join_ack(std::string_view body);
  void add_peer(const std::string& id);
  void maybe_join_done();
  void connect_done(bool ok);
  void join_done(bool ok);

  Worker& w_;
  Shared& sh_;
  const int index_;
  const int room_;
  const int room_base_;
  const int room_size_;
  const int pos_;  // index in the room
  WsConnection conn_;
  Phase phase_ = Phase::connecting;
  bool connect_counted_ = false;
  bool join_counted_ = false;
  bool join_acked_ = false;
  std::uint64_t next_ack_ = 1;
  std::uint64_t join_ack_ = 0;
  std::vector<std::string> known_peers_;
  std::vector<std::uint64_t> seq_to_;    // next seq to send to each room position
  std::vector<std::uint64_t> seq_from_;  // last seq received from each room position
  int next_peer_ = 0;
};

class Worker {
 public:
  Worker(Shared& shared, int id) : sh_(shared), id_(id), guard_(io_.get_executor()), timer_(io_) {}

  void add_client(int index) { clients_.push_back(std::make_unique<Client>(*this, sh_, index)); }
  void run() {
    thread_ = std::thread([this] { io_.run(); });
  }
  void stop() {
    boost::asio::post(io_, [this] {
      for (auto& c : clients_) c->abort();
      timer_.cancel();
    });
    guard_.reset();
    // Pending reads complete with operation_aborted and then the context runs dry; stop() bounds
    // it.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    io_.stop();
    if (thread_.joinable()) thread_.join();
  }

  boost::asio::io_context& io() { return io_; }
  Counters& counters() { return counters_; }
  LatencyHistogram& latency() { return latency_; }
  std::uint64_t& window_delivered() { return window_delivered_; }
  // Counted on the worker's own thread.
  int open_clients() {
    std::promise<int> done;
    boost::asio::post(io_, [this, &done] {
      int n = 0;
      for (const auto& c : clients_) n += c->is_open() ? 1 : 0;
      done.set_value(n);
    });
    return done.get_future().get();
  }

  void start_connects(int concurrency) {
    boost::asio::post(io_, [this, concurrency] {
      for (int i = 0; i < concurrency; ++i) connect_next();
    });
  }
  void connect_slot_done() { connect_next(); }

  void start_joins() {
    boost::asio::post(io_, [this] {
      for (auto& c : clients_) c->join();
    });
  }

  void start_relay(std::int64_t t0_ns) {
    boost::asio::post(io_, [this, t0_ns] {
      relay_t0_ = t0_ns;
      if (sh_.opt.rate > 0) {
        rate_per_ns_ = sh_.opt.rate * static_cast<double>(clients_.size()) /
                       static_cast<double>(sh_.opt.clients) / 1e9;
        tick();
      } else {
        for (int i = 0; i < sh_.opt.window; ++i) {
          for (auto& c : clients_) c->send_candidate();
        }
      }
    });
  }

  // Closed loop: an ack frees a slot of the window.
  void on_relay_acked(Client& c) {
    if (sh_.opt.rate <= 0 && sh_.sending.load(std::memory_order_relaxed)) c.send_candidate();
  }

  // Progress the main thread polls while waiting for the drain.
  void publish() {
    live_sent_.store(counters_.sent, std::memory_order_relaxed);
    live_done_.store(counters_.received, std::memory_order_relaxed);
    live_acked_.store(counters_.acked_ok + counters_.acked_error, std::memory_order_relaxed);
    live_ack_errors_.store(counters_.acked_error, std::memory_order_relaxed);
  }
  std::uint64_t live_sent() const { return live_sent_.load(std::memory_order_relaxed); }
  std::uint64_t live_received() const { return live_done_.load(std::memory_order_relaxed); }
  std::uint64_t live_acked() const { return live_acked_.load(std::memory_order_relaxed); }
  std::uint64_t live_ack_errors() const { return live_ack_errors_.load(std::memory_order_relaxed); }

 private:
  void connect_next() {
    if (next_connect_ < clients_.size()) clients_[next_connect_++]->connect();
  }

  void tick() {
    if (!sh_.sending.load(std::memory_order_relaxed) || clients_.empty()) return;
    const auto due =
        static_cast<std::uint64_t>(static_cast<double>(now_ns() - relay_t0_) * rate_per_ns_);
    std::size_t skipped = 0;
    while (paced_ < due && skipped < clients_.size()) {
      Client& c = *clients_[cursor_];
      cursor_ = (cursor_ + 1) % clients_.size();
      if (c.send_candidate()) {
        ++paced_;
        skipped = 0;
      } else {
        ++skipped;
      }
    }
    ++ticks_;
    timer_.expires_at(Clock::time_point(std::chrono::nanoseconds(relay_t0_)) + ticks_ * kTick);
    timer_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) tick();
    });
  }

  Shared& sh_;
  [[maybe_unused]] int id_;
  boost::asio::io_context io_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  boost::asio::steady_timer timer_;
  std::vector<std::unique_ptr<Client>> clients_;
  std::thread thread_;
  std::size_t next_connect_ = 0;

  std::int64_t relay_t0_ = 0;
  double rate_per_ns_ = 0;
  std::uint64_t paced_ = 0;
  std::uint64_t ticks_ = 0;
  std::size_t cursor_ = 0;

  Counters counters_;
  LatencyHistogram latency_;
  std::uint64_t window_delivered_ = 0;
  alignas(64) std::atomic<std::uint64_t> live_sent_{0};
  std::atomic<std::uint64_t> live_done_{0};
  std::atomic<std::uint64_t> live_acked_{0};
  std::atomic<std::uint64_t> live_ack_errors_{0};
};

int room_size_of(const Options& o, int room) {
  return std::min(o.room_size, o.clients - room * o.room_size);
}

Client::Client(Worker& worker, Shared& shared, int index)
    : w_(worker),
      sh_(shared),
      index_(index),
      room_(index / shared.opt.room_size),
      room_base_(room_ * shared.opt.room_size),
      room_size_(room_size_of(shared.opt, room_)),
      pos_(index - room_base_),
      conn_(worker.io(), *this),
      seq_to_(static_cast<std::size_t>(room_size_), 0),
      seq_from_(static_cast<std::size_t>(room_size_), 0),
      next_peer_((pos_ + 1) % room_size_) {}

void Client::connect() {
  conn_.start(sh_.endpoint, sh_.host_header, sh_.target);
}

void Client::connect_done(bool ok) {
  if (connect_counted_) return;
  connect_counted_ = true;
  if (ok) {
    atomic_max(sh_.last_connected_ns, now_ns());
    sh_.connected.fetch_add(1, std::memory_order_release);
  } else {
    sh_.connect_failed.fetch_add(1, std::memory_order_release);
  }
  w_.connect_slot_done();
}

void Client::join() {
  if (phase_ != Phase::connected) return;
  phase_ = Phase::joining;
  join_ack_ = next_ack_++;
  const nlohmann::json arg = {{"room", sh_.room_prefix + std::to_string(room_)},
                              {"name", "b" + std::to_string(index_)}};
  conn_.send(sio::event("join_room", arg.dump(), join_ack_));
}

void Client::join_done(bool ok) {
  if (join_counted_) return;
  join_counted_ = true;
  if (ok) {
    phase_ = Phase::joined;
    atomic_max(sh_.last_joined_ns, now_ns());
    sh_.joined.fetch_add(1, std::memory_order_release);
  } else {
    sh_.join_failed.fetch_add(1, std::memory_order_release);
  }
}

bool Client::send_candidate() {
  if (phase_ != Phase::joined || !conn_.is_open() || room_size_ < 2) return false;
  const int p = next_peer_;
  next_peer_ = (next_peer_ + 1) % room_size_;
  if (next_peer_ == pos_) next_peer_ = (next_peer_ + 1) % room_size_;
  const int dst = room_base_ + p;
  sio::Stamp stamp{static_cast<std::uint32_t>(index_), static_cast<std::uint32_t>(dst),
                   ++seq_to_[static_cast<std::size_t>(p)], now_ns()};
  std::string frame;
  frame.reserve(sh_.candidate_json.size() + 160);
  sio::build_candidate(frame, sh_.ids[static_cast<std::size_t>(dst)], sh_.candidate_json, stamp,
                       sh_.opt.ack ? std::optional<std::uint64_t>(next_ack_++) : std::nullopt);
  conn_.send(std::move(frame));
  ++w_.counters().sent;
  w_.publish();
  return true;
}

void Client::on_text(std::string_view message) {
  // Shutting down: the other workers' clients are leaving, user_left events are expected.
  if (sh_.stopping.load(std::memory_order_relaxed)) return;
  const sio::Frame f = sio::classify(message);
  switch (f.kind) {
    case sio::FrameKind::eio_ping:
      ++w_.counters().pings;
      conn_.send(std::string(sio::kPong));
      return;
    case sio::FrameKind::eio_open:
      conn_.send(std::string(sio::kConnect));
      return;
    case sio::FrameKind::connect:
      if (phase_ == Phase::connecting) {
        phase_ = Phase::connected;
        connect_done(true);
      }
      return;
    case sio::FrameKind::event:
      on_event(f);
      return;
    case sio::FrameKind::ack:
      on_ack(f);
      return;
    case sio::FrameKind::eio_noop:
      return;
    case sio::FrameKind::eio_close:
    case sio::FrameKind::disconnect:
    case sio::FrameKind::connect_error:
    case sio::FrameKind::unsupported:
      ++w_.counters().protocol_errors;
      if (!sh_.stopping.load(std::memory_order_relaxed)) {
        std::cerr << "client " << index_ << ": unexpected frame " << message.substr(0, 200) << "\n";
      }
      return;
  }
}

void Client::on_event(const sio::Frame& f) {
  if (sio::is_event(f.body, "ice_candidate")) return on_relay(f.body);
  if (sio::is_event(f.body, "new_user")) {
    ++w_.counters().new_user;
    const auto j = nlohmann::json::parse(f.body, nullptr, false);
    if (j.is_array() && j.size() >= 2 && j[1].is_object() && j[1].contains("user_id") &&
        j[1]["user_id"].is_string()) {
      add_peer(j[1]["user_id"].get<std::string>());
    } else {
      ++w_.counters().protocol_errors;
    }
    return;
  }
  if (++w_.counters().unexpected_events <= 3) {
    std::cerr << "client " << index_ << ": unexpected event " << f.body.substr(0, 200) << "\n";
  }
}

void Client::add_peer(const std::string& id) {
  for (const auto& k : known_peers_) {
    if (k == id) {
      ++w_.counters().unexpected_events;
      return;
    }
  }
  known_peers_.push_back(id);
  if (static_cast<int>(known_peers_.size()) > room_size_ - 1) ++w_.counters().misrouted;
  maybe_join_done();
}

void Client::maybe_join_done() {
  if (join_acked_ && static_cast<int>(known_peers_.size()) >= room_size_ - 1) join_done(true);
}

void Client::on_ack(const sio::Frame& f) {
  if (*f.id == join_ack_ && phase_ == Phase::joining && !join_acked_) return on_join_ack(f.body);
  if (sio::is_plain_ok_ack(f.body)) {
    ++w_.counters().acked_ok;
  } else {
    const auto j = nlohmann::json::parse(f.body, nullptr, false);
    if (j.is_array() && !j.empty() && j[0].is_object() && j[0].value("ok", false)) {
      ++w_.counters().acked_ok;
    } else {
      ++w_.counters().acked_error;
      if (w_.counters().acked_error <= 5)
        std::cerr << "client " << index_ << ": error ack " << f.body << "\n";
    }
  }
  w_.publish();
  w_.on_relay_acked(*this);
}

void Client::on_join_ack(std::string_view body) {
  const auto j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_array() || j.empty() || !j[0].is_object() || !j[0].value("ok", false) ||
      !j[0].contains("self_id") || !j[0]["self_id"].is_string()) {
    std::cerr << "client " << index_ << ": join failed: " << body.substr(0, 300) << "\n";
    join_done(false);
    return;
  }
  sh_.ids[static_cast<std::size_t>(index_)] = j[0]["self_id"].get<std::string>();
  join_acked_ = true;
  if (j[0].contains("participants") && j[0]["participants"].is_array()) {
    for (const auto& p : j[0]["participants"]) {
      if (p.is_object() && p.contains("id") && p["id"].is_string())
        add_peer(p["id"].get<std::string>());
    }
  }
  maybe_join_done();
}

void Client::on_relay(std::string_view body) {
  Counters& c = w_.counters();
  const auto v = sio::scan_relay(body);
  if (!v) {
    ++c.protocol_errors;
    return;
  }
  const std::int64_t t = now_ns();
  ++c.received;
  w_.publish();
  if (t >= sh_.window_start.load(std::memory_order_relaxed) &&
      t < sh_.window_end.load(std::memory_order_relaxed)) {
    ++w_.window_delivered();
    w_.latency().record(t - v->stamp.sent_ns);
  }
  const auto src = static_cast<int>(v->stamp.src);
  const bool routed = static_cast<int>(v->stamp.dst) == index_ && src >= room_base_ &&
                      src < room_base_ + room_size_ && src != index_ &&
                      v->user_id == sh_.ids[static_cast<std::size_t>(src)];
  if (!routed) {
    ++c.misrouted;
    return;
  }
  std::uint64_t& last = seq_from_[static_cast<std::size_t>(src - room_base_)];
  if (v->stamp.seq <= last) {
    ++c.duplicates;
  } else {
    if (v->stamp.seq != last + 1) ++c.reordered;
    last = v->stamp.seq;
  }
  if (body.find(sh_.candidate_json) == std::string_view::npos ||
      body.find(R"("other_user_id")") != std::string_view::npos) {
    ++c.corrupted;
  }
}

void Client::on_closed(std::string_view error) {
  const Phase was = phase_;
  phase_ = Phase::closed;
  if (was == Phase::connecting) {
    if (sh_.connect_failed.load() < 5) std::cerr << "client " << index_ << ": " << error << "\n";
    connect_done(false);
    return;
  }
  if (!sh_.stopping.load(std::memory_order_relaxed)) {
    if (w_.counters().disconnects < 5)
      std::cerr << "client " << index_ << ": closed: " << error << "\n";
    ++w_.counters().disconnects;
  }
  if (was == Phase::joining) join_done(false);
}

template <typename Pred>
bool wait_until(Pred pred, double timeout_s) {
  const auto deadline = Clock::now() + std::chrono::duration<double>(timeout_s);
  while (!pred()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  return true;
}

void run_hook(const std::string& command) {
  if (command.empty()) return;
  if (std::system(command.c_str()) != 0) std::cerr << "hook failed: " << command << "\n";
}

void sleep_s(double s) {
  std::this_thread::sleep_for(std::chrono::duration<double>(s));
}

std::optional<ProcSample> sample(const Options& o) {
  return o.server_pid > 0 ? sample_process(o.server_pid) : std::nullopt;
}

}  // namespace

Result run_scenario(const Options& options) {
  Result r;
  r.options = options;
  const Options& o = r.options;
  Shared sh(o);
  sh.endpoint = {boost::asio::ip::make_address(o.host), o.port};
  sh.host_header = o.host + ":" + std::to_string(o.port);
  sh.candidate_json = sio::make_candidate_json(o.candidate_bytes);
  sh.room_prefix = o.room_prefix.empty() ? "b" + std::to_string(getpid()) + "-" : o.room_prefix;
  sh.ids.resize(static_cast<std::size_t>(o.clients));
  for (int room = 0; room * o.room_size < o.clients; ++room) {
    const auto k = static_cast<std::uint64_t>(room_size_of(o, room));
    r.new_user_expected += k * (k - 1) / 2;
  }

  std::vector<std::unique_ptr<Worker>> workers;
  for (int t = 0; t < o.threads; ++t) workers.push_back(std::make_unique<Worker>(sh, t));
  for (int i = 0; i < o.clients; ++i)
    workers[static_cast<std::size_t>(i % o.threads)]->add_client(i);
  for (auto& w : workers) w->run();

  r.server_start = sample(o);
  r.loadavg_start = sample_system().loadavg1;
  auto log = [&](const std::string& what) {
    std::cerr << "[" << o.scenario << "] " << what << std::endl;
  };

  // Phase 1: connect everyone (bounded attempts in flight).
  r.system_setup_start = sample_system();
  const std::int64_t gen_setup0 = self_cpu_ns();
  const std::int64_t t_connect = now_ns();
  const int per_worker = std::max(1, o.connect_concurrency / o.threads);
  for (auto& w : workers) w->start_connects(per_worker);
  wait_until([&] { return sh.connected.load() + sh.connect_failed.load() >= o.clients; },
             o.phase_timeout_s);
  r.connected = sh.connected.load(std::memory_order_acquire);
  r.connect_failed = o.clients - r.connected;
  r.connect_s = static_cast<double>(sh.last_connected_ns.load() - t_connect) / 1e9;
  log("connected " + std::to_string(r.connected) + "/" + std::to_string(o.clients) + " in " +
      std::to_string(r.connect_s) + " s");

  // Phase 2: the join storm, everyone at once.
  if (r.connect_failed == 0) {
    r.server_connected = sample(o);
    const std::int64_t gen_join0 = self_cpu_ns();
    const std::int64_t t_join = now_ns();
    for (auto& w : workers) w->start_joins();
    wait_until([&] { return sh.joined.load() + sh.join_failed.load() >= o.clients; },
               o.phase_timeout_s);
    r.joined = sh.joined.load(std::memory_order_acquire);
    r.join_failed = o.clients - r.joined;
    r.join_storm_s = static_cast<double>(sh.last_joined_ns.load() - t_join) / 1e9;
    r.generator_join_cpu_ns = self_cpu_ns() - gen_join0;
    log("joined " + std::to_string(r.joined) + " in " + std::to_string(r.join_storm_s) + " s");
  }

  r.system_setup_end = sample_system();
  r.server_joined = sample(o);
  r.generator_setup_cpu_ns = self_cpu_ns() - gen_setup0;
  r.setup_s = static_cast<double>(now_ns() - t_connect) / 1e9;

  // Phase 3: idle hold, then the memory sample.
  if (r.joined == o.clients) {
    const auto before = sample(o);
    const std::int64_t t_idle = now_ns();
    sleep_s(o.idle_s);
    r.server_idle = sample(o);
    r.idle_measure_s = static_cast<double>(now_ns() - t_idle) / 1e9;
    if (before && r.server_idle) r.server_idle_cpu_ns = r.server_idle->cpu_ns - before->cpu_ns;
  }

  // Phase 4: relay, warmup + measured window, then drain.
  if (r.joined == o.clients && o.duration_s > 0) {
    sh.sending = true;
    const std::int64_t t0 = now_ns();
    for (auto& w : workers) w->start_relay(t0);
    sleep_s(o.warmup_s);
    run_hook(o.hook_window_start);
    const std::int64_t ws = now_ns();
    sh.window_start.store(ws);
    r.server_window_start = sample(o);
    const std::int64_t gen0 = self_cpu_ns();
    r.system_window_start = sample_system();
    log("measuring");
    sleep_s(o.duration_s);
    const std::int64_t we = now_ns();
    sh.window_end.store(we);
    r.server_window_end = sample(o);
    r.generator_window_cpu_ns = self_cpu_ns() - gen0;
    r.system_window_end = sample_system();
    run_hook(o.hook_window_end);
    r.window_s = static_cast<double>(we - ws) / 1e9;
    sh.sending = false;
    wait_until(
        [&] {
          std::uint64_t sent = 0, received = 0, acked = 0, errors = 0;
          for (auto& w : workers) {
            sent += w->live_sent();
            received += w->live_received();
            acked += w->live_acked();
            errors += w->live_ack_errors();
          }
          return received + errors >= sent && (!o.ack || acked >= sent);
        },
        o.drain_timeout_s);
  }

  r.server_end = sample(o);
  for (auto& w : workers) r.open_at_end += w->open_clients();
  sh.stopping = true;
  for (auto& w : workers) w->stop();
  for (auto& w : workers) {
    r.totals += w->counters();
    r.latency.merge(w->latency());
    r.window_delivered += w->window_delivered();
  }
  const Counters& c = r.totals;
  r.lost = c.sent > c.acked_error + c.received ? c.sent - c.acked_error - c.received : 0;
  return r;
}

}  // namespace confab::bench
