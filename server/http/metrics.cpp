#include "http/metrics.hpp"

#include <sstream>

namespace confab::http {

void Metrics::counter(const std::string& name, const std::string& help) {
  families_[name].help = help;
}

void Metrics::gauge(const std::string& name, const std::string& help,
                    std::function<double()> read) {
  Family& f = families_[name];
  f.help = help;
  f.is_counter = false;
  f.read = std::move(read);
}

void Metrics::inc(const std::string& name, const std::string& labels, std::uint64_t by) {
  families_[name].series[labels] += by;
}

std::uint64_t Metrics::value(const std::string& name, const std::string& labels) const {
  auto f = families_.find(name);
  if (f == families_.end()) return 0;
  auto s = f->second.series.find(labels);
  return s == f->second.series.end() ? 0 : s->second;
}

std::string Metrics::render() const {
  std::ostringstream out;
  for (const auto& [name, f] : families_) {
    out << "# HELP " << name << ' ' << f.help << '\n';
    out << "# TYPE " << name << ' ' << (f.is_counter ? "counter" : "gauge") << '\n';
    if (f.read) {
      out << name << ' ' << f.read() << '\n';
      continue;
    }
    if (f.series.empty()) out << name << " 0\n";
    for (const auto& [labels, value] : f.series) {
      out << name;
      if (!labels.empty()) out << '{' << labels << '}';
      out << ' ' << value << '\n';
    }
  }
  return out.str();
}

}  // namespace confab::http
