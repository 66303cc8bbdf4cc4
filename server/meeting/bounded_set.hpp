#pragma once
#include <cstddef>
#include <list>
#include <string>
#include <unordered_set>

namespace confab::meeting {

// A set of strings that forgets its oldest entry beyond `capacity`, so what a room remembers
// about unwelcome visitors cannot grow without bound.
class BoundedSet {
 public:
  explicit BoundedSet(std::size_t capacity) : capacity_(capacity) {}

  bool contains(const std::string& value) const { return members_.contains(value); }
  void insert(const std::string& value) {
    if (capacity_ == 0 || !members_.insert(value).second) return;
    order_.push_back(value);
    if (order_.size() > capacity_) {
      members_.erase(order_.front());
      order_.pop_front();
    }
  }
  std::size_t size() const { return members_.size(); }

 private:
  std::size_t capacity_;
  std::unordered_set<std::string> members_;
  std::list<std::string> order_;  // not a deque: an empty one costs nothing, every room has two
};

}  // namespace confab::meeting
