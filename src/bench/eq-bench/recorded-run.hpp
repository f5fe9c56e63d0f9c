#pragma once
// Recorded EQ-Bench runs read back for re-scoring: the reference's
// raw_results.json (SPEC section 9) or a conformance-corpus file.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/question.hpp"
#include "core/result.hpp"

namespace eqb {

// One iteration's raw answers, in the file's order: (question id, answer text).
struct recorded_iteration {
    std::string id;  // "1", "2", ...
    std::vector<std::pair<std::string, std::string>> answers;
};

struct recorded_run {
    std::string key;              // the reference's run key, or the model name
    std::string language = "en";  // en, de, ja, jahalf
    eq_bench_version version = eq_bench_version::V2;
    bool revise = false;
    bool anchored = false;       // `--scale anchored` (key v2_anchored, metadata scale): its own label
    int n_iterations = 1;        // configured count: the run score divides by it
    std::string questions_file;  // file name in the data directory, if the record names one
    std::vector<recorded_iteration> iterations;
};

// Reads every EQ-Bench run in `bytes` (either format); `display_name` names the
// source in errors. Runs of other benchmarks in a raw_results.json (Creative
// Writing, Judgemark) are passed over, their keys added to `skipped`. Never
// throws on malformed input.
result<std::vector<recorded_run>> recorded_runs_parse(std::string_view bytes, std::string_view display_name,
                                                      std::vector<std::string>* skipped = nullptr);

// Reads `path` and parses it as above; the error names the file.
result<std::vector<recorded_run>> recorded_runs_load(const std::filesystem::path& path,
                                                     std::vector<std::string>* skipped = nullptr);

}  // namespace eqb
