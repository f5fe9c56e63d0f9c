#pragma once
// Judgemark on the engine (SPEC section 8): the judge under test scores the
// 360 stored answers of 19 test models (one task each, one "judge" step), then
// every metric is computed from the store.

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bench/creative-writing/benchmark.hpp"
#include "bench/creative-writing/prompts.hpp"
#include "run/benchmark.hpp"

namespace eqb {

// Judgemark's stored answers: test model -> (prompt id, answer), file order.
struct judgemark_test_set {
    std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>> models;
};
result<judgemark_test_set> judgemark_test_set_load(const std::filesystem::path& path);

struct judgemark_settings {
    std::string run_id = "1";
    judge_settings judge;
    std::filesystem::path results_dir = ".";
    std::filesystem::path reference_table;  // judgemark_reference.json
};

// {run_id}--judgemark--{judge_model}
std::string judgemark_run_key(const std::string& run_id, const std::string& judge_model);

// Errors when an answer of the test set names a prompt the prompt file lacks.
result<std::unique_ptr<benchmark>> judgemark_create(const judgemark_settings& settings,
                                                    const writing_prompt_set& prompts,
                                                    const judgemark_test_set& test_set,
                                                    const creative_writing_templates& templates);

}  // namespace eqb
