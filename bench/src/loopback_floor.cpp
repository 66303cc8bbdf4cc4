// confab-loopback-floor: the kernel's share of a relayed message on this machine. Two threads
// play ping-pong over a loopback TCP connection with TCP_NODELAY (one 450-byte message each way
// per round, as a relay frame is about that big); each thread's CPU time per round is the cost of
// one write() plus one blocking read() with a wake-up, which is the floor under any user-space
// work. It runs twice: with the threads where the scheduler puts them (on two CPUs, so every
// wake-up crosses CPUs, as between the server and the load generator), and with both pinned to
// one CPU; the difference is what a cross-CPU wake-up costs on this machine.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <thread>

namespace {

long long thread_cpu_ns() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec * 1'000'000'000LL + t.tv_nsec;
}

long long wall_ns() {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1'000'000'000LL + t.tv_nsec;
}

bool read_full(int fd, char* p, std::size_t n) {
  while (n > 0) {
    const ssize_t r = read(fd, p, n);
    if (r <= 0) return false;
    p += r;
    n -= static_cast<std::size_t>(r);
  }
  return true;
}

void pong(int fd, int rounds, std::size_t size, long long& cpu) {
  char buf[4096];
  const long long c0 = thread_cpu_ns();
  for (int i = 0; i < rounds; ++i) {
    if (!read_full(fd, buf, size)) break;
    if (write(fd, buf, size) != static_cast<ssize_t>(size)) break;
  }
  cpu = thread_cpu_ns() - c0;
}

void pin_to_cpu0() {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(0, &set);
  sched_setaffinity(0, sizeof set, &set);  // the calling thread only
}

// One connected pair per run, so that the runs share no socket state.
bool connected_pair(int& c, int& s) {
  const int ls = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (bind(ls, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(ls, 1) != 0 ||
      getsockname(ls, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    std::perror("listen");
    return false;
  }
  c = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    std::perror("connect");
    return false;
  }
  s = accept(ls, nullptr, nullptr);
  close(ls);
  int one = 1;
  setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return s >= 0;
}

struct PingPong {
  double write_plus_read_ns = 0;
  double round_trip_us = 0;
};

PingPong ping_pong(int rounds, std::size_t size, bool one_cpu) {
  int c = -1;
  int s = -1;
  if (!connected_pair(c, s)) std::exit(1);
  long long pong_cpu = 0;
  long long ping_cpu = 0;
  long long wall = 0;
  std::thread pong_thread([&] {
    if (one_cpu) pin_to_cpu0();
    pong(s, rounds, size, pong_cpu);
  });
  std::thread ping_thread([&] {
    if (one_cpu) pin_to_cpu0();
    char buf[4096];
    std::memset(buf, 'x', sizeof buf);
    const long long w0 = wall_ns();
    const long long c0 = thread_cpu_ns();
    for (int i = 0; i < rounds; ++i) {
      if (write(c, buf, size) != static_cast<ssize_t>(size) || !read_full(c, buf, size)) break;
    }
    ping_cpu = thread_cpu_ns() - c0;
    wall = wall_ns() - w0;
  });
  ping_thread.join();
  pong_thread.join();
  close(c);
  close(s);
  return {static_cast<double>(ping_cpu + pong_cpu) / 2.0 / rounds,
          static_cast<double>(wall) / rounds / 1000.0};
}

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 50000;
  const std::size_t size = 450;

  long long getppid_cpu = thread_cpu_ns();
  for (int i = 0; i < 200000; ++i) getppid();
  getppid_cpu = thread_cpu_ns() - getppid_cpu;

  const PingPong cross = ping_pong(rounds, size, false);
  const PingPong same = ping_pong(rounds, size, true);
  std::printf(
      "{\"syscall_ns\":%.0f,\"write_plus_read_ns\":%.0f,\"round_trip_us\":%.1f,"
      "\"floor_1w1r_us\":%.2f,\"floor_2w1r_us\":%.2f,"
      "\"one_cpu_write_plus_read_ns\":%.0f,\"one_cpu_round_trip_us\":%.1f,"
      "\"cross_cpu_wakeup_share\":%.2f,\"rounds\":%d,\"message_bytes\":%zu}\n",
      static_cast<double>(getppid_cpu) / 200000.0, cross.write_plus_read_ns, cross.round_trip_us,
      cross.write_plus_read_ns / 1000.0, cross.write_plus_read_ns * 1.5 / 1000.0,
      same.write_plus_read_ns, same.round_trip_us,
      1.0 - same.write_plus_read_ns / cross.write_plus_read_ns, rounds, size);
}
