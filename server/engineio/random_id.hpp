#pragma once
#include <string>

namespace confab::engineio {

// An unguessable URL-safe id (CSPRNG): sids double as capabilities on the polling transport.
std::string random_id(std::size_t bytes = 15);

}  // namespace confab::engineio
