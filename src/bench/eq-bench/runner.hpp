#pragma once
// Running EQ-Bench live against model servers: items (iteration, question) are
// answered concurrently, every exchange is committed to the store before it is
// scored, finished items are never asked again (resume), and the run is scored
// from the store exactly as `eqbench score` would score its export.

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "bench/eq-bench/rescore.hpp"
#include "client/chat-client.hpp"
#include "core/language.hpp"
#include "core/question.hpp"
#include "sched/scheduler.hpp"
#include "store/store.hpp"

namespace eqb {

constexpr int eq_bench_answer_tries = 3;  // SPEC section 3
constexpr double eq_bench_first_temperature = 0.01;
constexpr double eq_bench_temperature_step = 0.15;
constexpr int eq_bench_max_tokens = 60;
constexpr int eq_bench_max_tokens_revise = 600;
constexpr double eq_bench_local_min_p = 0.1;

struct eq_bench_run_settings {
    std::string run_id = "1";
    std::string model;
    std::string engine_name = "openai";  // as the user named it (run key, CSV)
    std::string instruction_template;    // run key "prompt format"
    std::string lora;
    std::string quantization;
    std::string ooba_params;
    std::string download_filters;
    bool local_engine = false;  // sends min_p 0.1, as the reference does for transformers and ooba
    int iterations = 1;
    bool revise = false;
    bool v1 = false;
    parser_kind parser = parser_kind::REFERENCE;
    v2_scorer scorer = v2_scorer::V2_4;
    retry_policy retries;
    bool overwrite = false;
    bool verbose = false;   // a line on stderr per failed attempt and per answer that did not parse
    double grace_s = 10.0;  // after Ctrl-C: how long in-flight requests may finish
    std::filesystem::path results_dir = ".";
    std::vector<std::string> endpoints;  // base URLs, for the metadata (never keys)
    double price_input_per_million = 0.0;
    double price_output_per_million = 0.0;
};

// Live counters for the progress line; read from another thread.
struct run_progress {
    std::atomic<int> total{0};
    std::atomic<int> done{0};
    std::atomic<int> already_done{0};  // found in the store at start (resume)
    std::atomic<int> transport_retries{0};
    std::atomic<int> parse_failures{0};  // tries whose answer did not score
    std::atomic<int> requests{0};
};

struct eq_bench_run_outcome {
    std::string key;
    std::string metadata_json;
    recorded_run recorded;  // the stored answers, in question order
    rescored_run scores;
    bool interrupted = false;
    bool failed = false;
    std::string error;
    int unanswered = 0;          // items without an answer (transport failures)
    int prompts_sent_whole = 0;  // prompts whose revision markers were not found
    usage_totals usage;
    double cost = 0.0;
    double seconds = 0.0;
};

// The reference's run key for these settings and language.
std::string eq_bench_run_key(const eq_bench_run_settings& settings, const std::string& language);

// Writes the reference-compatible exports of a finished (or failed) run into
// the results directory: raw_results.json (merged by run key) and a
// benchmark_results.csv row. The errors name the file.
result<bool> eq_bench_export(const eq_bench_run_settings& settings, const question_set& questions,
                             const eq_bench_run_outcome& outcome);

// Appends the benchmark_results.csv row of a run that could not run at all
// (FAILED, with `error_text`), leaving raw_results.json as it is.
result<bool> eq_bench_export_failure(const eq_bench_run_settings& settings, const std::string& language,
                                     const std::string& error_text);

// Runs (or resumes) one EQ-Bench run. `stop` ends sending (Ctrl-C); in-flight
// requests then get `grace_s` before they are aborted. Fatal store errors come
// back as an error; everything else is in the outcome.
result<eq_bench_run_outcome> eq_bench_run(const eq_bench_run_settings& settings, const question_set& questions,
                                          const language_pack& pack, endpoint_pool& pool, store& db,
                                          run_progress& progress, const cancel_flag& stop);

}  // namespace eqb
