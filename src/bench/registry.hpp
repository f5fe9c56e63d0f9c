#pragma once
// Every benchmark eqbench runs, by name: what it needs (a judge, a model
// under test) and how to make one for a run. Adding a benchmark is one folder
// under src/bench/ and one entry here.

#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bench/creative-writing/benchmark.hpp"
#include "bench/eq-bench/benchmark.hpp"
#include "core/benchmark-traits.hpp"
#include "core/language.hpp"
#include "run/benchmark.hpp"

namespace eqb {

// Everything a benchmark may need to make one run.
struct benchmark_request {
    reference_run run;     // the run line (or the flags)
    judge_settings judge;  // model empty when no judge is configured
    language_pack pack;
    bool revise = false;
    bool v1 = false;
    parser_kind parser = parser_kind::REFERENCE;
    v2_scorer scorer = v2_scorer::V2_4;
    eq_bench_scale scale = eq_bench_scale::REFERENCE;
    eq_bench_compat compat = eq_bench_compat::NONE;
    std::filesystem::path creative_prompts;  // --creative-prompts; empty: by language in data_dir
    int transport_attempts = 6;
    std::filesystem::path data_dir;
    std::string judge_prompt_file;  // --judge-prompt
    double price_input_per_million = 0.0;
    double price_output_per_million = 0.0;
    pairwise_options pairwise;  // EQ-Bench 3 and Creative Writing v3
};

struct benchmark_entry {
    std::string_view name;
    bool needs_judge = false;
    bool needs_test_model = true;  // false: only the judge answers (Judgemark)
    // Loads the benchmark's data from request.data_dir and makes the benchmark;
    // the error names the missing or malformed file.
    std::function<result<std::unique_ptr<benchmark>>(const benchmark_request&)> create;
    // Appends the CSV row of a run that could not run at all.
    std::function<result<bool>(const benchmark_request&, const std::string& why)> export_failure;
};

// Every entry, in the order `--benchmarks` lists them in help texts.
std::span<const benchmark_entry> benchmark_registry();

// The entry named `name`, or nullptr.
const benchmark_entry* benchmark_find(std::string_view name);

// "eq-bench, creative-writing or judgemark": the names for messages.
std::string benchmark_names_text();

// Every entry's traits, for a run plan.
std::vector<benchmark_traits> benchmark_registry_traits();

}  // namespace eqb
