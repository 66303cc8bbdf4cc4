#pragma once
// Log-linear latency histogram (HdrHistogram style): exact below 128 ns, then 128 sub-buckets per
// power of two, so every recorded value is kept within 0.8 %. Mergeable across threads.
#include <cstdint>
#include <vector>

namespace confab::bench {

class LatencyHistogram {
 public:
  LatencyHistogram();

  void record(std::int64_t ns);
  void merge(const LatencyHistogram& other);
  void clear();

  std::uint64_t count() const { return count_; }
  std::int64_t min() const { return count_ ? min_ : 0; }
  std::int64_t max() const { return max_; }
  double mean() const {
    return count_ ? static_cast<double>(sum_) / static_cast<double>(count_) : 0.0;
  }
  // The smallest bucket upper bound below which `pct` percent of the values lie (clamped to max).
  std::int64_t percentile(double pct) const;

  static std::size_t bucket_of(std::uint64_t v);
  static std::uint64_t upper_bound_of(std::size_t bucket);

 private:
  std::vector<std::uint64_t> buckets_;
  std::uint64_t count_ = 0;
  std::int64_t min_ = 0;
  std::int64_t max_ = 0;
  std::int64_t sum_ = 0;  // ns; overflows only after ~290 years of latency
};

}  // namespace confab::bench
