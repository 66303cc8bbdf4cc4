#pragma once
// The one-line JSON report of a run.
#include <nlohmann/json.hpp>

#include "scenario.hpp"

namespace confab::bench {

nlohmann::ordered_json to_json(const Result& r);

}  // namespace confab::bench
