// confab-deflate-cost: what permessage-deflate (RFC 7692) would cost and save on confab's
// signaling traffic, measured with Beast's own zlib port driven exactly as Beast's websocket
// stream drives it (deflate: Flush::none, Flush::block, Flush::full, minus the 4-byte tail;
// inflate: message + 00 00 ff ff with Flush::sync). The server does not offer the extension yet,
// so this models the server side of one connection: one deflate stream for what it sends and one
// inflate stream for what it receives. Prints one JSON line per configuration.
#include <time.h>
#include <zlib.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <boost/beast/zlib/deflate_stream.hpp>
#include <boost/beast/zlib/inflate_stream.hpp>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <new>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "socketio_codec.hpp"

// Live heap bytes of this process, to size one stream's state.
namespace {
std::atomic<std::int64_t> g_live{0};
}

void* operator new(std::size_t n) {
  void* p = std::malloc(n + 16);
  if (!p) throw std::bad_alloc();
  *static_cast<std::size_t*>(p) = n;
  g_live += static_cast<std::int64_t>(n);
  return static_cast<char*>(p) + 16;
}
void operator delete(void* p) noexcept {
  if (!p) return;
  char* base = static_cast<char*>(p) - 16;
  g_live -= static_cast<std::int64_t>(*reinterpret_cast<std::size_t*>(base));
  std::free(base);
}
void operator delete(void* p, std::size_t) noexcept {
  operator delete(p);
}
void* operator new[](std::size_t n) {
  return operator new(n);
}
void operator delete[](void* p) noexcept {
  operator delete(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  operator delete(p);
}

namespace {

namespace zlib = boost::beast::zlib;
bool g_varied = true;
// CPU time of this thread: robust against other load on the machine.
std::int64_t cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

struct Config {
  std::string name;
  bool system_zlib;  // libz with Z_SYNC_FLUSH (as ws and browsers do) instead of Beast's port
  int window_bits;
  int mem_level;
  int level;
  bool context_takeover;
};

std::string id_of(std::mt19937_64& rng) {
  static const char* abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string s(20, 'x');
  for (auto& c : s) c = abc[rng() % 64];
  return s;
}

// A candidate object of `bytes` bytes whose fields differ per message like real ones do: random
// foundation, priority, addresses, ports and ufrag, padded with random base64 (incompressible).
nlohmann::json varied_candidate(std::mt19937_64& rng, std::size_t bytes) {
  static const char* abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  auto num = [&](std::uint64_t mod) { return std::to_string(rng() % mod); };
  auto ip = [&] { return num(223) + "." + num(256) + "." + num(256) + "." + num(256); };
  std::string ufrag(4, 'x');
  for (auto& c : ufrag) c = abc[rng() % 64];
  const std::string port = num(65536);
  std::string line = "candidate:" + num(4294967296) + " 1 udp " + num(2130706431) + " " + ip() +
                     " " + port + " typ srflx raddr " + ip() + " rport " + num(65536) +
                     " generation 0 ufrag " + ufrag + " network-id " + num(4) + " network-cost 10";
  nlohmann::json c = {{"candidate", line},
                      {"sdpMid", num(3)},
                      {"sdpMLineIndex", rng() % 3},
                      {"usernameFragment", ufrag}};
  const std::size_t base = c.dump().size();
  if (bytes >= base + 7) {
    line += " x-pad ";
    for (std::size_t i = 0; i < bytes - base - 7; ++i) line += abc[rng() % 64];
    c["candidate"] = line;
  }
  return c;
}

// What one receiver gets from its K-1 peers, as the server serialises it (keys sorted).
std::vector<std::string> relay_out(std::size_t n, std::size_t candidate_bytes, int peers,
                                   bool varied) {
  std::mt19937_64 rng(7);
  std::vector<std::string> ids;
  for (int i = 0; i < peers; ++i) ids.push_back(id_of(rng));
  const auto fixed =
      nlohmann::json::parse(confab::bench::sio::make_candidate_json(candidate_bytes));
  std::vector<std::string> out;
  std::int64_t t = 1'000'000'000'000;
  for (std::size_t i = 0; i < n; ++i) {
    t += static_cast<std::int64_t>(rng() % 2'000'000);
    const int from = static_cast<int>(i % static_cast<std::size_t>(peers));
    const auto cand = varied ? varied_candidate(rng, candidate_bytes) : fixed;
    nlohmann::json body = {{"candidate", cand},
                           {"b", {from, peers, i / static_cast<std::size_t>(peers) + 1, t}},
                           {"user_id", ids[static_cast<std::size_t>(from)]}};
    out.push_back("42" + nlohmann::json::array({"ice_candidate", body}).dump());
  }
  return out;
}

// What one client sends (with ack ids), as the generator builds it.
std::vector<std::string> relay_in(std::size_t n, std::size_t candidate_bytes, int peers,
                                  bool varied) {
  std::mt19937_64 rng(11);
  std::vector<std::string> ids;
  for (int i = 0; i < peers; ++i) ids.push_back(id_of(rng));
  const std::string fixed = confab::bench::sio::make_candidate_json(candidate_bytes);
  std::vector<std::string> out;
  std::int64_t t = 1'000'000'000'000;
  std::string frame;
  for (std::size_t i = 0; i < n; ++i) {
    t += static_cast<std::int64_t>(rng() % 2'000'000);
    const auto to = static_cast<std::uint32_t>(i % static_cast<std::size_t>(peers));
    const std::string cand = varied ? varied_candidate(rng, candidate_bytes).dump() : fixed;
    confab::bench::sio::build_candidate(frame, ids[to], cand, {0, to + 1, i / 3 + 1, t}, i + 2);
    out.push_back(frame);
  }
  return out;
}

// libz, as permessage-deflate is usually done: Z_SYNC_FLUSH keeps the window across messages.
void* z_alloc(void*, uInt items, uInt size) {
  return operator new(static_cast<std::size_t>(items) * size);
}
void z_free(void*, void* p) {
  operator delete(p);
}

class ZDeflate {
 public:
  ZDeflate(int level, int bits, int mem) {
    zs_ = {};
    zs_.zalloc = z_alloc;
    zs_.zfree = z_free;
    deflateInit2(&zs_, level, Z_DEFLATED, -bits, mem, Z_DEFAULT_STRATEGY);
  }
  ~ZDeflate() { deflateEnd(&zs_); }
  void reset() { deflateReset(&zs_); }
  std::string compress(const std::string& in) {
    std::string out(in.size() + 64, '\0');
    zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs_.avail_in = static_cast<uInt>(in.size());
    zs_.next_out = reinterpret_cast<Bytef*>(out.data());
    zs_.avail_out = static_cast<uInt>(out.size());
    deflate(&zs_, Z_SYNC_FLUSH);
    out.resize(out.size() - zs_.avail_out - 4);
    return out;
  }

 private:
  z_stream zs_;
};

class ZInflate {
 public:
  explicit ZInflate(int bits) {
    zs_ = {};
    zs_.zalloc = z_alloc;
    zs_.zfree = z_free;
    inflateInit2(&zs_, -bits);
  }
  ~ZInflate() { inflateEnd(&zs_); }
  void reset() { inflateReset(&zs_); }
  std::size_t decompress(std::string in, std::string& out) {
    in.append("\x00\x00\xff\xff", 4);
    out.resize(65536);
    zs_.next_in = reinterpret_cast<Bytef*>(in.data());
    zs_.avail_in = static_cast<uInt>(in.size());
    zs_.next_out = reinterpret_cast<Bytef*>(out.data());
    zs_.avail_out = static_cast<uInt>(out.size());
    inflate(&zs_, Z_SYNC_FLUSH);
    return out.size() - zs_.avail_out;
  }

 private:
  z_stream zs_;
};

std::string beast_compress(zlib::deflate_stream& zo, const std::string& in) {
  std::string out(in.size() + 64, '\0');
  zlib::z_params zs;
  zs.next_in = in.data();
  zs.avail_in = in.size();
  zs.next_out = out.data();
  zs.avail_out = out.size();
  boost::system::error_code ec;
  zo.write(zs, zlib::Flush::none, ec);
  zo.write(zs, zlib::Flush::block, ec);
  if (ec == zlib::error::need_buffers) ec = {};
  zo.write(zs, zlib::Flush::full, ec);
  out.resize(zs.total_out - 4);  // remove the 00 00 ff ff flush marker, as RFC 7692 says
  return out;
}

std::size_t beast_decompress(zlib::inflate_stream& zi, std::string in, std::string& out) {
  in.append("\x00\x00\xff\xff", 4);
  out.resize(65536);
  zlib::z_params zs;
  zs.next_in = in.data();
  zs.avail_in = in.size();
  zs.next_out = out.data();
  zs.avail_out = out.size();
  boost::system::error_code ec;
  zi.write(zs, zlib::Flush::sync, ec);
  return zs.total_out;
}

// Beast's port, driven the way websocket::stream drives it.
class BeastDeflate {
 public:
  BeastDeflate(int level, int bits, int mem) {
    zo_.reset(level, bits, mem, zlib::Strategy::normal);
  }
  void reset() { zo_.reset(); }
  std::string compress(const std::string& in) { return beast_compress(zo_, in); }

 private:
  zlib::deflate_stream zo_;
};

class BeastInflate {
 public:
  explicit BeastInflate(int bits) { zi_.reset(bits); }
  void reset() { zi_.clear(); }
  std::size_t decompress(std::string in, std::string& out) {
    return beast_decompress(zi_, std::move(in), out);
  }

 private:
  zlib::inflate_stream zi_;
};

template <typename Deflate, typename Inflate>
nlohmann::ordered_json measure(const Config& c, const std::vector<std::string>& out_msgs,
                               const std::vector<std::string>& in_msgs) {
  nlohmann::ordered_json j;
  j["config"] = c.name;
  j["candidates"] = g_varied ? "varied" : "identical";
  j["implementation"] =
      c.system_zlib ? "libz Z_SYNC_FLUSH" : "beast::zlib Flush::full (websocket::stream)";
  j["window_bits"] = c.window_bits;
  j["mem_level"] = c.mem_level;
  j["level"] = c.level;
  j["context_takeover"] = c.context_takeover;

  // State of one connection's server side after one message each way.
  std::string scratch(65536, '\0');
  std::vector<std::string> packed_in;
  {
    Deflate client(c.level, c.window_bits, c.mem_level);
    for (const auto& m : in_msgs) {
      if (!c.context_takeover) client.reset();
      packed_in.push_back(client.compress(m));
    }
  }
  const auto live0 = g_live.load();
  auto zo = std::make_unique<Deflate>(c.level, c.window_bits, c.mem_level);
  zo->compress(out_msgs[0]);
  const auto live1 = g_live.load();
  auto zi = std::make_unique<Inflate>(c.window_bits);
  zi->decompress(packed_in[0], scratch);
  const auto live2 = g_live.load();
  j["deflate_state_bytes"] = live1 - live0;
  j["inflate_state_bytes"] = live2 - live1;
  zo = std::make_unique<Deflate>(c.level, c.window_bits, c.mem_level);
  zi = std::make_unique<Inflate>(c.window_bits);

  // Server -> client: compress every relayed message.
  std::size_t raw = 0, packed = 0;
  auto t0 = cpu_ns();
  for (const auto& m : out_msgs) {
    if (!c.context_takeover) zo->reset();
    packed += zo->compress(m).size();
  }
  auto t1 = cpu_ns();
  for (const auto& m : out_msgs) raw += m.size();
  const double n_out = static_cast<double>(out_msgs.size());
  j["out_raw_bytes_per_msg"] = std::round(static_cast<double>(raw) / n_out);
  j["out_deflated_bytes_per_msg"] = std::round(static_cast<double>(packed) / n_out);
  j["deflate_cpu_ns_per_msg"] = std::round(static_cast<double>(t1 - t0) / n_out);

  // Client -> server: the server inflates what the clients compressed.
  std::size_t in_raw = 0, in_packed = 0, restored = 0;
  t0 = cpu_ns();
  for (const auto& z : packed_in) {
    if (!c.context_takeover) zi->reset();
    restored += zi->decompress(z, scratch);
  }
  t1 = cpu_ns();
  for (const auto& z : packed_in) in_packed += z.size();
  for (const auto& m : in_msgs) in_raw += m.size();
  const double n_in = static_cast<double>(in_msgs.size());
  j["in_raw_bytes_per_msg"] = std::round(static_cast<double>(in_raw) / n_in);
  j["in_deflated_bytes_per_msg"] = std::round(static_cast<double>(in_packed) / n_in);
  j["inflate_cpu_ns_per_msg"] = std::round(static_cast<double>(t1 - t0) / n_in);
  j["roundtrip_ok"] = restored == in_raw;
  return j;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t messages = 20000;
  std::size_t candidate_bytes = 300;
  int peers = 3;
  CLI::App cli{"confab-deflate-cost: permessage-deflate cost model for the relay traffic"};
  cli.add_option("--messages", messages, "Messages per direction")->capture_default_str();
  cli.add_option("--candidate-bytes", candidate_bytes, "Candidate JSON size")
      ->capture_default_str();
  cli.add_option("--peers", peers, "Peers per receiver (K-1)")->capture_default_str();
  bool identical = false;
  cli.add_flag("--identical", identical,
               "Send the same candidate every time (best case for compression)");
  CLI11_PARSE(cli, argc, argv);
  g_varied = !identical;

  const auto out_msgs = relay_out(messages, candidate_bytes, peers, g_varied);
  const auto in_msgs = relay_in(messages, candidate_bytes, peers, g_varied);
  const std::vector<Config> configs = {
      {"beast-default", false, 15, 4, 8, true},
      {"beast-no-context-takeover", false, 15, 4, 8, false},
      {"beast-small-window", false, 9, 1, 6, true},
      {"libz-takeover", true, 15, 8, 6, true},
      {"libz-no-context-takeover", true, 15, 8, 6, false},
      {"libz-small-window", true, 9, 1, 6, true},
  };
  for (const auto& c : configs) {
    const auto j = c.system_zlib ? measure<ZDeflate, ZInflate>(c, out_msgs, in_msgs)
                                 : measure<BeastDeflate, BeastInflate>(c, out_msgs, in_msgs);
    std::cout << j.dump() << std::endl;
  }
}
