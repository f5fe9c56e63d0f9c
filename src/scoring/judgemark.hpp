#pragma once
// Judgemark (SPEC section 8): how well a judge separates and ranks the 19 test
// models, from its prompt scores of their stored answers and the reference
// table (other benchmarks, other judges' scores, model families). Pure: the
// table is loaded by bench/judgemark/reference-table.hpp.

#include <array>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace eqb {

constexpr double judgemark_item_scale = 10.0;           // item score = 10 x prompt score (0-100)
constexpr std::size_t judgemark_top_sd_count = 5;       // sd of the top 5 model scores
constexpr std::size_t judgemark_top_corr_count = 8;     // correlations again over the top 8
constexpr double judgemark_sd_ceiling = 15.0;           // clamp01(sd / 15)
constexpr double judgemark_anova_f_ceiling = 28.0;      // clamp01(F / 28)
constexpr double judgemark_score_scale = 100.0;         // Judgemark = 100 x mean of the four parts
constexpr double judgemark_interval_confidence = 0.95;  // item-score t-intervals

// One row of the other benchmarks' table; the model is matched on the test
// model's name after its last '/'. A missing value is nullopt.
struct judgemark_benchmark_row {
    std::string model;
    std::optional<double> arena_elo;
    std::optional<double> eq_bench;
    std::optional<double> magi;
};

// One other judge's Judgemark model scores (0-100), keyed by full test model name.
struct judgemark_judge_scores {
    std::string judge;
    std::vector<std::pair<std::string, double>> scores;  // table order
};

// The reference table (data/judgemark_reference.json).
struct judgemark_reference_table {
    std::vector<judgemark_benchmark_row> other_benchmarks;
    std::vector<judgemark_judge_scores> other_judges;   // table order; the first gives the test models
    std::map<std::string, std::string> model_families;  // full model name -> family
    std::vector<std::string> ignore_for_self_bias;      // judges and models left out of the bias fits
};

// Pearson and Kendall tau-b of the judge's model scores against one benchmark.
struct judgemark_correlation {
    std::optional<double> pearson;  // nullopt with fewer than 2 points (or a constant side)
    std::optional<double> kendall;
    std::size_t points = 0;  // models with both values
};

struct judgemark_result {
    std::vector<std::pair<std::string, double>> model_scores;  // 0-100, test-set order, scored models only
    std::vector<std::string> unscored;                         // models with 10 prompt scores or fewer
    double mean = 0.0;
    double sd = 0.0;  // sample sd (n - 1) of the model scores
    double range = 0.0;
    std::optional<double> cv;  // sd / mean; nullopt when the mean is 0
    double sd_top5 = 0.0;      // sample sd of the 5 highest model scores
    judgemark_correlation arena_elo;
    judgemark_correlation eq_bench;
    judgemark_correlation top8_arena_elo;
    judgemark_correlation top8_eq_bench;
    std::optional<double> anova_f;        // over item scores, each model's list cut to the shortest
    std::optional<double> mean_ci_width;  // mean over models of the 95% t-interval width of item scores
    std::optional<double> self_bias;      // this judge's score of itself minus the fit's prediction
    std::optional<double> family_bias;    // mean residual of the judge's in-family models
    double judgemark = 0.0;               // 0-100
};

// Every metric of `judge` (its full model name, matched against the table's test
// models, families and judges) from its prompt scores (0-10, prompt order) per test
// model in test-set order. Error when fewer than 2 models have more than 10 scores.
result<judgemark_result> judgemark_compute(
    std::string_view judge, const std::vector<std::pair<std::string, std::vector<double>>>& prompt_scores,
    const judgemark_reference_table& table);

// One printed metric: `name value`; nullopt prints as N/A.
struct judgemark_metric {
    std::string name;
    std::optional<double> value;
};

// The metrics in their fixed printing order: the reference's extended metrics
// (mean_score ... kendall_top_8_eq_bench, Judgemark), then anova_f_statistic,
// avg_ci_range, self_bias and family_bias.
std::vector<judgemark_metric> judgemark_metrics(const judgemark_result& result);

// One test model's score with the 95% t-interval of its item scores (the score
// chart's bar); low = high = score when it has fewer than 2 item scores.
struct judgemark_model_interval {
    std::string model;
    double score = 0.0;
    double low = 0.0;
    double high = 0.0;
};

// Every scored model of `result` with its interval from `prompt_scores` (as given
// to judgemark_compute), highest score first.
std::vector<judgemark_model_interval> judgemark_model_intervals(
    const judgemark_result& result, const std::vector<std::pair<std::string, std::vector<double>>>& prompt_scores);

// One point of the self-bias view: the other judges' mean score of a test model
// against this judge's.
struct judgemark_bias_point {
    std::string model;
    double others_mean = 0.0;
    double score = 0.0;
    bool in_family = false;  // the judge itself or a model of its family
};

struct judgemark_bias_view {
    std::vector<judgemark_bias_point> points;  // result order; models the other judges never scored left out
    std::optional<std::array<double, 3>> fit;  // y ~ c0 + c1 x + c2 x^2 over the points other than the judge
};

// The bias chart's data for `judge` (the other judges of `table`, less the judge
// itself and the ignore list).
judgemark_bias_view judgemark_bias_view_of(std::string_view judge, const judgemark_result& result,
                                           const judgemark_reference_table& table);

}  // namespace eqb
