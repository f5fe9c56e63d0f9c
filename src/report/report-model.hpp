#pragma once
// What the report, `eqbench runs` and `eqbench compare` know about each run:
// one summary per run (the leaderboard's row) built from a loaded store by the
// benchmark's renderer (src/report/report-benchmarks.hpp), with the items'
// scores in the run's score points for pairing. Unknown benchmarks get a
// generic summary; missing fields stay empty, never an error.

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "report/report-data.hpp"
#include "scoring/paired-compare.hpp"

namespace eqb {

// Where the report finds what the store does not hold.
struct report_sources {
    // The data directory: EQ-Bench reference ratings (question files) and the
    // Judgemark reference table. Empty or missing files: those columns stay empty.
    std::filesystem::path data_dir;
    resampling_options resampling;  // the single-run bootstrap interval
};

struct report_usage {
    long requests = 0;
    long input_tokens = 0;
    long output_tokens = 0;
};

// How a run's interval was computed.
enum class interval_method {
    NONE,        // no interval (one item, or a score that is not a mean)
    ITERATIONS,  // mean +- 1.96 x SEM of the iteration scores (2 iterations or more)
    BOOTSTRAP,   // percentile bootstrap of the item scores' mean (one iteration)
};

// "none", "iterations", "bootstrap".
const char* interval_method_name(interval_method method);

// One run as the leaderboard shows it.
struct report_run_view {
    std::size_t run = 0;                   // index into report_store::runs
    std::optional<std::size_t> judge_run;  // Creative Writing: its judgements' run
    std::string title;                     // "EQ-Bench", "Creative Writing", ... (the benchmark name if unknown)
    std::string version;                   // "v2", "v1", "" when unknown
    std::string language;
    std::string model;
    std::string engine;
    std::string judge;            // judge model, "" when the benchmark has none
    std::string reasoning;        // reasoning settings as "key=value, ..."; "" when none
    std::optional<double> score;  // the run's score (its own scale, 0-100 for the shipped benchmarks)
    std::optional<double> ci_low;
    std::optional<double> ci_high;
    interval_method ci_method = interval_method::NONE;
    std::vector<std::optional<double>> iteration_scores;  // run scale; nullopt: not scored
    std::optional<double> parseable;                      // answers that scored (mean over iterations for EQ-Bench)
    std::optional<int> parseable_of;                      // items per iteration
    std::optional<double> parseable_gate;                 // minimum parseable for a valid run
    bool gate_failed = false;                             // parseable below the gate
    int iterations = 0;
    report_usage usage;          // every exchange of the run and its judge run
    report_usage judge_usage;    // the judge's share
    std::optional<double> cost;  // USD; nullopt when a price is unknown
    std::string cost_note;       // why there is no cost
    std::string eqbench_version;
    std::string data_checksums;  // file -> SHA-256 as "file sha, ..."; "" when the run recorded none
    // Item id -> score points (the run's scale) averaged over the iterations that
    // scored it, in the run's item order (numeric ids numerically). Compare pairs these.
    std::vector<std::pair<std::string, double>> points;
    std::vector<std::string> notes;  // what could not be computed, and why
};

struct report_context;

// A loaded store and its runs' summaries. Movable, not copyable.
struct report_model {
    report_model();
    ~report_model();
    report_model(report_model&&) noexcept;
    report_model& operator=(report_model&&) noexcept;

    report_store store;
    std::vector<report_run_view> runs;        // top-level runs, oldest first (judge runs folded in)
    std::unique_ptr<report_context> context;  // caches (language packs, parsers, question sets)
};

// Summarises every run of `store`.
report_model report_model_build(report_store store, const report_sources& sources);

// The run named `name`: an exact key, else the one key starting with it. The
// error lists the candidates when several match, or says none does.
result<std::size_t> report_model_find(const report_model& model, const std::string& name);

// "YYYY-MM-DD HH:MM" (UTC) of unix seconds; "" for 0.
std::string report_date(double unix_s);

}  // namespace eqb
