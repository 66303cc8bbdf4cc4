#include "engineio/random_id.hpp"

#include <openssl/rand.h>

#include <stdexcept>
#include <vector>

#include "engineio/base64.hpp"

namespace confab::engineio {

std::string random_id(std::size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(raw.size())) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
  std::string id = base64_encode(raw);
  for (char& c : id) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  while (!id.empty() && id.back() == '=') id.pop_back();
  return id;
}

}  // namespace confab::engineio
