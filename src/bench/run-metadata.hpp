#pragma once
// Metadata every benchmark records of its run (internal to src/bench).

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "core/reasoning.hpp"
#include "data/sha256.hpp"

namespace eqb {

// {"mode", "budget", "effort"}: what was asked of a reasoning model.
inline nlohmann::ordered_json reasoning_metadata(const reasoning_settings& given) {
    const reasoning_settings s = reasoning_settings_resolved(given);
    return {{"mode", reasoning_mode_name(s.mode)}, {"budget", s.budget}, {"effort", s.effort}};
}

// {"eqbench_version", "data_sha256": {file name: SHA-256 of the file as read}}:
// which program and which data made a number. A file that cannot be read is
// left out (the benchmark has read it already, or uses its built-in text).
inline nlohmann::ordered_json provenance_metadata(const std::vector<std::string>& files) {
    nlohmann::ordered_json sums = nlohmann::ordered_json::object();
    for (const auto& file : files) {
        if (auto sum = sha256_file(file); sum.ok()) {
            sums[std::filesystem::path(file).filename().string()] = *sum;
        }
    }
    return {{"eqbench_version", EQB_VERSION}, {"data_sha256", sums}};
}

}  // namespace eqb
