#pragma once
// EQ-Bench v1/v2 on the engine: one task per (iteration, question) with one
// step, "answer": the model rates four emotions, a try whose answer does not
// score is asked again 0.15 warmer (3 tries), and the run is scored from the
// store exactly as `eqbench score` scores its export (SPEC sections 2-6, 9).

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/language.hpp"
#include "core/question.hpp"
#include "core/reasoning.hpp"
#include "parse/eq-bench-answer.hpp"
#include "run/benchmark.hpp"
#include "scoring/eq-bench.hpp"

namespace eqb {

constexpr int eq_bench_answer_tries = 3;  // SPEC section 3
constexpr double eq_bench_first_temperature = 0.01;
constexpr double eq_bench_temperature_step = 0.15;
constexpr int eq_bench_max_tokens = 60;
constexpr int eq_bench_max_tokens_revise = 600;

// The min_p the reference's transformers and text-generation-webui engines sample with.
constexpr double reference_min_p = 0.1;

// A run as config.cfg (or the flags) describes it; the same fields name every
// v2.4 benchmark's run (run key, CSV row).
struct reference_run {
    std::string run_id = "1";
    std::string model;
    std::string engine_name = "openai";  // as the user named it (run key, CSV)
    std::string instruction_template;    // run key "prompt format"
    std::string lora;
    std::string quantization;
    std::string ooba_params;
    std::string download_filters;
    // The engine samples with the reference's min_p (transformers and ooba).
    bool min_p_engine = false;
    int iterations = 1;
    std::filesystem::path results_dir = ".";
    std::vector<std::string> endpoints;  // base URLs, for the metadata (never keys)
    reasoning_settings reasoning;        // what the model under test is asked to think
};

// The rating scale the prompt asks for.
enum class eq_bench_scale {
    REFERENCE,  // the dataset's 0-10 instruction as it is
    ANCHORED,   // plus the language pack's criteria per level: a benchmark version of its own
};

// Whose behaviour a run reproduces, bugs included.
enum class eq_bench_compat {
    NONE,     // the reference v2.4 with SPEC's fixes
    JP_FORK,  // kuroganegames/EQ-Bench-jp (japanized): ja and jahalf prompts sent unchanged,
              // the reference parser only, the fork's CSV labels
};

// Parses "reference" or "anchored"; nullopt otherwise.
std::optional<eq_bench_scale> eq_bench_scale_from_string(std::string_view name);
// Parses "" / "none" or "jp-fork"; nullopt otherwise.
std::optional<eq_bench_compat> eq_bench_compat_from_string(std::string_view name);
// "jp-fork", or "" for NONE.
std::string_view eq_bench_compat_name(eq_bench_compat compat);

struct eq_bench_settings {
    reference_run run;
    bool revise = false;
    bool v1 = false;
    parser_kind parser = parser_kind::REFERENCE;
    v2_scorer scorer = v2_scorer::V2_4;
    eq_bench_scale scale = eq_bench_scale::REFERENCE;
    eq_bench_compat compat = eq_bench_compat::NONE;
    int transport_attempts = 6;  // for the message of a run with unanswered items
    double price_input_per_million = 0.0;
    double price_output_per_million = 0.0;
};

// The version label of run keys and the closing block: "v1", "v2", or
// "v2_anchored" for the anchored scale (never mixed with the reference's).
std::string eq_bench_version_label(const eq_bench_settings& settings);

// The reference's run key for these settings and language.
std::string eq_bench_run_key(const eq_bench_settings& settings, const std::string& language);

// The benchmark for one run; errors on a language pack whose parser cannot be built.
result<std::unique_ptr<benchmark>> eq_bench_create(const eq_bench_settings& settings, const question_set& questions,
                                                   const language_pack& pack);

// Appends the benchmark_results.csv row of a run that could not run at all
// (FAILED, with `error_text`), leaving raw_results.json as it is.
result<bool> eq_bench_export_failure(const eq_bench_settings& settings, const std::string& language,
                                     const std::string& error_text);

}  // namespace eqb
