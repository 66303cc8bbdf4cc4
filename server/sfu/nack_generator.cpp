#include "sfu/nack_generator.hpp"

#include <algorithm>

namespace confab::sfu {

NackGenerator::NackGenerator(const Config& config)
    : config_(config), retry_interval_(config.retry_interval) {
  missing_.reserve(config_.max_missing);
  output_.reserve(config_.max_missing);
}

bool NackGenerator::on_packet(std::uint16_t seq, Clock::time_point now, bool keyframe) {
  if (!seqs_.started()) {
    seqs_.unwrap(seq);
    return false;
  }
  const std::int64_t newest = seqs_.newest();
  const std::int64_t s = seqs_.unwrap(seq);
  if (s <= newest) {
    const auto it = std::lower_bound(missing_.begin(), missing_.end(), s,
                                     [](const Missing& m, std::int64_t v) { return m.seq < v; });
    if (it == missing_.end() || it->seq != s) return false;  // a duplicate or already given up
    missing_.erase(it);
    return true;
  }
  if (keyframe) missing_.clear();  // the keyframe makes everything before it unneeded
  const std::int64_t gap = s - newest - 1;
  if (gap > 0) {
    if (missing_.size() + static_cast<std::size_t>(gap) > config_.max_missing) {
      missing_.clear();
      keyframe_needed_ = !keyframe;
      return false;
    }
    for (std::int64_t m = newest + 1; m < s; ++m) missing_.push_back(Missing{m, now, now, 0});
  }
  return false;
}

bool NackGenerator::due(const Missing& m, Clock::time_point now) const {
  if (m.tries == 0) {
    return seqs_.newest() - m.seq >= config_.reorder_threshold ||
           now - m.detected >= config_.first_delay;
  }
  return now - m.last_sent >= retry_interval_;
}

NackGenerator::Clock::time_point NackGenerator::due_at(const Missing& m) const {
  return m.tries == 0 ? m.detected + config_.first_delay : m.last_sent + retry_interval_;
}

std::span<const std::uint16_t> NackGenerator::collect(Clock::time_point now) {
  output_.clear();
  std::erase_if(missing_, [&](const Missing& m) {
    return m.tries >= config_.max_tries || now - m.detected > config_.max_age;
  });
  for (Missing& m : missing_) {
    if (!due(m, now)) continue;
    ++m.tries;
    m.last_sent = now;
    output_.push_back(static_cast<std::uint16_t>(m.seq));
  }
  return output_;
}

bool NackGenerator::keyframe_needed() {
  const bool needed = keyframe_needed_;
  keyframe_needed_ = false;
  return needed;
}

void NackGenerator::set_rtt(Clock::duration rtt) {
  retry_interval_ = std::max(rtt, config_.min_retry_interval);
}

std::optional<NackGenerator::Clock::time_point> NackGenerator::next_due() const {
  std::optional<Clock::time_point> next;
  for (const Missing& m : missing_) {
    if (m.tries >= config_.max_tries) continue;  // only waits to be dropped
    Clock::time_point at = due_at(m);
    if (m.tries == 0 && seqs_.newest() - m.seq >= config_.reorder_threshold) at = m.detected;
    if (!next || at < *next) next = at;
  }
  return next;
}

void NackGenerator::reset() {
  seqs_.reset();
  missing_.clear();
  output_.clear();
  keyframe_needed_ = false;
}

}  // namespace confab::sfu
