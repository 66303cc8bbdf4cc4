#include "latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace confab::bench {

namespace {
constexpr unsigned kSubBits = 7;
constexpr std::uint64_t kSub = 1u << kSubBits;  // 128
constexpr std::size_t kBuckets = kSub + (64 - kSubBits) * kSub;
}  // namespace

LatencyHistogram::LatencyHistogram() : buckets_(kBuckets, 0) {}

std::size_t LatencyHistogram::bucket_of(std::uint64_t v) {
  if (v < kSub) return static_cast<std::size_t>(v);
  const unsigned e = static_cast<unsigned>(std::bit_width(v)) - 1;  // >= kSubBits
  const std::uint64_t sub = v >> (e - kSubBits);                    // in [128, 256)
  return static_cast<std::size_t>(kSub + (e - kSubBits) * kSub + (sub - kSub));
}

std::uint64_t LatencyHistogram::upper_bound_of(std::size_t bucket) {
  if (bucket < kSub) return bucket;
  const std::size_t e = (bucket - kSub) / kSub + kSubBits;
  const std::uint64_t sub = (bucket - kSub) % kSub + kSub;
  return ((sub + 1) << (e - kSubBits)) - 1;
}

void LatencyHistogram::record(std::int64_t ns) {
  if (ns < 0) ns = 0;
  ++buckets_[bucket_of(static_cast<std::uint64_t>(ns))];
  if (count_ == 0 || ns < min_) min_ = ns;
  max_ = std::max(max_, ns);
  ++count_;
  sum_ += ns;
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  for (std::size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
  if (other.count_ != 0 && (count_ == 0 || other.min_ < min_)) min_ = other.min_;
  max_ = std::max(max_, other.max_);
  count_ += other.count_;
  sum_ += other.sum_;
}

void LatencyHistogram::clear() {
  std::fill(buckets_.begin(), buckets_.end(), 0);
  count_ = 0;
  min_ = max_ = 0;
  sum_ = 0;
}

std::int64_t LatencyHistogram::percentile(double pct) const {
  if (count_ == 0) return 0;
  const auto rank = static_cast<std::uint64_t>(
      std::max(1.0, std::ceil(pct / 100.0 * static_cast<double>(count_))));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen >= rank)
      return std::min<std::int64_t>(static_cast<std::int64_t>(upper_bound_of(i)), max_);
  }
  return max_;
}

}  // namespace confab::bench
