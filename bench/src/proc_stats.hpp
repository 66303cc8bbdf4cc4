#pragma once
// CPU time and memory of a process, read from /proc (Linux).
#include <sys/types.h>

#include <cstdint>
#include <optional>

namespace confab::bench {

struct ProcSample {
  std::int64_t cpu_ns = 0;    // on-CPU time of all threads (schedstat, ns resolution)
  std::int64_t utime_ns = 0;  // user time (/proc/PID/stat, clock-tick resolution)
  std::int64_t stime_ns = 0;  // system time (/proc/PID/stat, clock-tick resolution)
  std::int64_t rss_kb = 0;    // VmRSS
  std::int64_t hwm_kb = 0;    // VmHWM (peak RSS)
  std::int64_t rss_anon_kb = 0;
  int threads = 0;
  std::int64_t voluntary_switches = 0;
  std::int64_t involuntary_switches = 0;
};

// Nothing when the process does not exist or /proc cannot be read.
std::optional<ProcSample> sample_process(pid_t pid);

// Whole-machine CPU time from the first line of /proc/stat, in ns summed over all CPUs.
struct SystemCpu {
  std::int64_t busy_ns = 0;  // everything but idle and iowait
  std::int64_t total_ns = 0;
  int cpus = 0;
  double loadavg1 = 0;
};
SystemCpu sample_system();

// The calling process (the generator itself), via getrusage: user+system CPU in ns.
std::int64_t self_cpu_ns();

}  // namespace confab::bench
