#pragma once
// `eqbench compare A B`: two runs of one benchmark, paired over the items both
// scored (each item's points averaged over its iterations), with the paired
// bootstrap interval, the sign-flip p-value, wins, warnings when the runs are
// not comparable, and one plain sentence. The report's compare view computes
// the same statistics in JavaScript.

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "report/report-model.hpp"
#include "scoring/paired-compare.hpp"

namespace eqb {

constexpr double compare_noise_alpha = 0.05;  // p below this: "unlikely to be noise"

struct compared_item {
    std::string id;
    double a = 0.0;  // points, averaged over iterations
    double b = 0.0;
};

struct run_comparison {
    std::string a;  // run keys
    std::string b;
    std::string benchmark;
    std::optional<double> score_a;  // the runs' own scores
    std::optional<double> score_b;
    paired_comparison stats;
    std::vector<compared_item> items;  // paired, in A's item order
    int only_a = 0;                    // items only A scored
    int only_b = 0;
    std::vector<std::string> warnings;  // why the runs may not be comparable
};

// A run named on the command line: its model and its index in model.runs.
struct report_run_ref {
    report_model model;
    std::size_t index = 0;
};

// Resolves `name`: a results directory holding one run, else a run key or a
// unique key prefix in `results_dir`'s store.
result<report_run_ref> report_run_resolve(const std::string& name, const std::filesystem::path& results_dir,
                                          const report_sources& sources);

// Pairs run `a` with run `b`; an error when they are of different benchmarks or
// share no scored item.
result<run_comparison> report_compare_runs(const report_model& model_a, std::size_t a, const report_model& model_b,
                                           std::size_t b, const resampling_options& options);

// "A is higher than B by 2.31 points (95% CI 0.84 to 3.77); unlikely to be noise (p = 0.002)".
std::string report_compare_sentence(const run_comparison& c, double confidence);

// The console text: warnings first, both scores, the statistics, the sentence.
std::string report_compare_text(const run_comparison& c, double confidence);

// The --json object: a, b, benchmark, n, score_a, score_b, mean_diff, ci_low,
// ci_high, p_value, method, wins_a, wins_b, ties, warnings (and the resampling).
std::string report_compare_json(const run_comparison& c);

// p formatted as the sentence prints it: "0.002", "< 0.001", "1".
std::string report_p_text(double p);

}  // namespace eqb
