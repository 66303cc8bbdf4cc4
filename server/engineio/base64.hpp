#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace confab::engineio {

std::string base64_encode(std::string_view bytes);
// Strict: nullopt unless the input is canonical padded base64.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace confab::engineio
