#pragma once
#include <stdexcept>

namespace confab::store {

// Any failure of the storage backend: cannot open, corrupt data, failed write.
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace confab::store
