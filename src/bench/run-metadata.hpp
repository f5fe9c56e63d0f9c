#pragma once
// Metadata every benchmark records of its run (internal to src/bench).

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "core/reasoning.hpp"

namespace eqb {

// {"mode", "budget", "effort"}: what was asked of a reasoning model.
inline nlohmann::ordered_json reasoning_metadata(const reasoning_settings& given) {
    const reasoning_settings s = reasoning_settings_resolved(given);
    return {{"mode", reasoning_mode_name(s.mode)}, {"budget", s.budget}, {"effort", s.effort}};
}

}  // namespace eqb
