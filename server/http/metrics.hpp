#pragma once
// Counters and gauges rendered in the Prometheus text format. Single-threaded, like
// the rest of the server: updated and read on the io_context's thread.
#include <cstdint>
#include <functional>
#include <map>
#include <string>

namespace confab::http {

class Metrics {
 public:
  void counter(const std::string& name, const std::string& help);
  void gauge(const std::string& name, const std::string& help, std::function<double()> read);

  void inc(const std::string& name, std::uint64_t by = 1) { inc(name, {}, by); }
  // A labelled series, e.g. inc("confab_errors_total", "kind=\"protocol\"").
  void inc(const std::string& name, const std::string& labels, std::uint64_t by = 1);
  // For values counted elsewhere (e.g. by the meeting), copied in before rendering.
  void set(const std::string& name, const std::string& labels, std::uint64_t value) {
    families_[name].series[labels] = value;
  }
  std::uint64_t value(const std::string& name, const std::string& labels = {}) const;

  std::string render() const;

 private:
  struct Family {
    std::string help;
    bool is_counter = true;
    std::map<std::string, std::uint64_t> series;  // labels -> value
    std::function<double()> read;
  };
  std::map<std::string, Family> families_;
};

}  // namespace confab::http
