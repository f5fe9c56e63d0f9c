#pragma once
// Creative Writing v3 on the engine: one task per (iteration, prompt) with a
// "write" step (the model under test, up to 3 tries for 500 characters) and a
// "rubric" step (the judge); then, unless --no-elo, the pairwise Elo as rounds
// built from the store: a "pool" step that keeps the Elo pool the run is rated
// against, then each selection loop's comparisons ("pairwise" steps, forward
// and reversed) until elo_run_next is done. Pieces live in the run of the
// reference's run key, judgements and comparisons in its judge run.

#include <memory>
#include <string>
#include <vector>

#include "bench/creative-writing-3/data.hpp"
#include "bench/creative-writing/benchmark.hpp"
#include "core/benchmark-traits.hpp"
#include "run/benchmark.hpp"

namespace eqb {

struct creative_writing_3_settings {
    reference_run run;
    judge_settings judge;
    pairwise_options pairwise;
    std::string data_source;  // the data folder, for the metadata
};

// The reference's run key: "{run_id}__{model with [^a-zA-Z0-9_-]+ replaced by _}".
std::string creative_writing_3_run_key(const reference_run& run);

// Whether the reference's API client sends min_p to this role (utils/api.py):
// not to OpenAI's own API (an endpoint under https://api.openai.com/v1), not to o3.
bool creative_writing_3_sends_min_p(const std::vector<std::string>& endpoints, const std::string& model);

result<std::unique_ptr<benchmark>> creative_writing_3_create(const creative_writing_3_settings& settings,
                                                             const cw3_data& data);

// The benchmark_results.csv row of a run that could not run at all.
result<bool> creative_writing_3_export_failure(const creative_writing_3_settings& settings, const std::string& why);

}  // namespace eqb
