#pragma once
// A batch: every run of a run plan (config.cfg's [Benchmarks to run], or one
// run from flags) with every benchmark asked for, in order, on the engine:
// local model servers started and supervised (restarted when they die or
// hang), failed runs retried (-r) unless nothing could change the outcome, a
// failure recorded as a CSV row while the batch goes on, -d's cleanup, and
// everything the console shows told to a listener.

#include <atomic>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "bench/registry.hpp"
#include "config/config.hpp"
#include "config/plan.hpp"
#include "core/language.hpp"
#include "parse/eq-bench-answer.hpp"
#include "report/pricing.hpp"
#include "report/progress.hpp"
#include "run/benchmark.hpp"
#include "scoring/eq-bench.hpp"
#include "store/store.hpp"

namespace eqb {

// Where the batch's console output goes (the CLI prints; tests record).
class batch_listener {
  public:
    virtual ~batch_listener() = default;
    // A line for standard output (no newline).
    virtual void line(const std::string& text) = 0;
    // A line for standard error (no newline).
    virtual void problem(const std::string& text) = 0;
    // The progress of the run in flight, about five times a second; `final` once at its end.
    virtual void progress(const progress_snapshot& snapshot, bool final) = 0;
};

// What the batch needs beyond the plan.
struct batch_settings {
    std::vector<std::string> base_urls;  // a flags run: every endpoint to balance over
    int retries = 5;                     // transport retries per request
    double timeout_s = 120.0;            // per request
    bool verbose = false;
    parser_kind parser = parser_kind::REFERENCE;
    v2_scorer scorer = v2_scorer::V2_4;
    eq_bench_scale scale = eq_bench_scale::REFERENCE;
    eq_bench_compat compat = eq_bench_compat::NONE;
    std::filesystem::path creative_prompts;  // --creative-prompts; empty: by language in the data directory
    price_table prices;
    double price_input = -1.0;  // USD per million input tokens; < 0: from `prices`
    double price_output = -1.0;
};

enum class batch_end { COMPLETED, FAILED, INTERRUPTED };

struct batch_outcome {
    batch_end end = batch_end::COMPLETED;
    int failed_runs = 0;
    bool export_errors = false;  // an export file could not be written (told to the listener)
};

// The price of `model` (--price-input/--price-output over the table), or
// nullopt when neither the table nor the flags know it.
std::optional<model_price> batch_price(const batch_settings& settings, const std::string& model);

// The cost of these tokens for `model`, or nullopt when its price is unknown.
std::optional<double> batch_cost(const batch_settings& settings, const std::string& model, long input_tokens,
                                 long output_tokens);

// The base URLs of a run: a flags run's every --base-url, else its endpoint.
std::vector<std::string> batch_endpoint_urls(const run_plan_entry& e, const batch_settings& settings);

// What a benchmark needs to make one run of `e`.
benchmark_request batch_benchmark_request(const run_plan& plan, const run_plan_entry& e, const language_pack& pack,
                                          const batch_settings& settings);

// Runs the batch. `stop` is Ctrl-C: the run in flight stops, keeps what it
// has, and the batch ends. Errors are setup errors found before the first run
// starts (a benchmark's data file, a language pack).
result<batch_outcome> batch_run(const run_plan& plan, const reference_config& config, const language_pack& pack,
                                const batch_settings& settings, store& db, batch_listener& listener,
                                const std::atomic<bool>& stop);

}  // namespace eqb
