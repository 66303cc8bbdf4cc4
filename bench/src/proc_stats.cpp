#include "proc_stats.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace confab::bench {

namespace {

std::int64_t ticks_to_ns(long long ticks) {
  static const long hz = sysconf(_SC_CLK_TCK);
  return static_cast<std::int64_t>(ticks) * (1'000'000'000 / hz);
}

// Fields 14 and 15 of /proc/PID/stat, after the parenthesised command name.
bool read_stat(const std::string& dir, ProcSample& s) {
  std::ifstream in(dir + "/stat");
  std::string line;
  if (!std::getline(in, line)) return false;
  const auto close = line.rfind(')');
  if (close == std::string::npos) return false;
  std::istringstream rest(line.substr(close + 2));
  std::string field;
  long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stoll(field);
    if (i == 15) stime = std::stoll(field);
  }
  s.utime_ns = ticks_to_ns(utime);
  s.stime_ns = ticks_to_ns(stime);
  return true;
}

void read_status(const std::string& dir, ProcSample& s) {
  std::ifstream in(dir + "/status");
  std::string key;
  while (in >> key) {
    std::int64_t* target = nullptr;
    if (key == "VmRSS:") target = &s.rss_kb;
    if (key == "VmHWM:") target = &s.hwm_kb;
    if (key == "RssAnon:") target = &s.rss_anon_kb;
    if (key == "voluntary_ctxt_switches:") target = &s.voluntary_switches;
    if (key == "nonvoluntary_ctxt_switches:") target = &s.involuntary_switches;
    if (key == "Threads:") {
      in >> s.threads;
    } else if (target) {
      in >> *target;
    }
    in.ignore(1 << 20, '\n');
  }
}

std::int64_t read_schedstat_sum(const std::string& dir) {
  std::int64_t sum = 0;
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator(dir + "/task", ec)) {
    std::ifstream in(task.path() / "schedstat");
    std::int64_t on_cpu = 0;
    if (in >> on_cpu) sum += on_cpu;
  }
  return sum;
}

}  // namespace

std::optional<ProcSample> sample_process(pid_t pid) {
  const std::string dir = "/proc/" + std::to_string(pid);
  ProcSample s;
  if (!read_stat(dir, s)) return std::nullopt;
  read_status(dir, s);
  s.cpu_ns = read_schedstat_sum(dir);
  if (s.cpu_ns == 0) s.cpu_ns = s.utime_ns + s.stime_ns;  // kernel without schedstats
  return s;
}

SystemCpu sample_system() {
  SystemCpu s;
  std::ifstream in("/proc/stat");
  std::string label;
  in >> label;  // "cpu"
  long long v[10] = {};
  for (auto& x : v) in >> x;
  // user nice system idle iowait irq softirq steal guest guest_nice; guest time is inside user.
  const long long idle = v[3] + v[4];
  const long long total = v[0] + v[1] + v[2] + v[3] + v[4] + v[5] + v[6] + v[7];
  s.busy_ns = ticks_to_ns(total - idle);
  s.total_ns = ticks_to_ns(total);
  s.cpus = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
  std::ifstream load("/proc/loadavg");
  load >> s.loadavg1;
  return s;
}

std::int64_t self_cpu_ns() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto ns = [](const timeval& tv) {
    return static_cast<std::int64_t>(tv.tv_sec) * 1'000'000'000 +
           static_cast<std::int64_t>(tv.tv_usec) * 1000;
  };
  return ns(ru.ru_utime) + ns(ru.ru_stime);
}

}  // namespace confab::bench
