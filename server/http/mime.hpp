#pragma once
#include <string_view>

namespace confab::http {

// The Content-Type for a file name, by extension (lower case expected).
std::string_view mime_type(std::string_view path);

}  // namespace confab::http
