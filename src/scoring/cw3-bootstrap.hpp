#pragma once
// Creative Writing v3's rubric score and its bootstrap interval
// (core/scoring.py compute_creative_scores, compute_single_benchmark_score_creative,
// bootstrap_benchmark_stability_creative), bit for bit: random.choices over the
// scored tasks with a seeded python_random, numpy's pairwise summation for the
// mean and the standard deviation.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace eqb {

constexpr double cw3_score_max = 20.0;  // SCORE_RANGE_MAX: larger metric values are left out
constexpr std::size_t cw3_bootstrap_resamples = 500;
constexpr double cw3_bootstrap_confidence = 0.95;

// One piece's score: the mean of its metric values (negative criteria already
// inverted as 20 - x) that are <= 20, in the judge answer's order; nullopt when none is.
std::optional<double> cw3_piece_score(std::span<const double> metric_values);

// compute_creative_scores (0-20, unrounded): the mean of every piece score of the
// tasks, in order; 0 when there is none. Each task lists its pieces' scores (one
// per seed modifier that was judged).
double cw3_creative_score(std::span<const std::vector<double>> tasks);

// bootstrap_benchmark_stability_creative's result.
struct cw3_bootstrap {
    double original = 0.0;        // round(compute_creative_scores(tasks), 2)
    double bootstrap_mean = 0.0;  // np.mean of the resampled scores
    double bootstrap_std = 0.0;   // np.std(ddof=1), also the standard error
    double ci_lower = 0.0;        // sorted[int((1 - confidence) / 2 * n)]
    double ci_upper = 0.0;        // sorted[int((1 + confidence) / 2 * n) - 1]
    double confidence_level = cw3_bootstrap_confidence;
    std::size_t n_bootstrap = cw3_bootstrap_resamples;
};

// `n_bootstrap` resamples of len(tasks) tasks with replacement
// (random.choices from python_random(seed): seed 0 is random.seed(0)), each
// scored and rounded to 2 places; nullopt without tasks (the reference's error).
std::optional<cw3_bootstrap> cw3_bootstrap_interval(std::span<const std::vector<double>> tasks, std::uint64_t seed = 0,
                                                    std::size_t n_bootstrap = cw3_bootstrap_resamples,
                                                    double confidence_level = cw3_bootstrap_confidence);

// numpy's sum of float64 values (pairwise summation, blocks of 128 with eight
// accumulators), as np.sum / np.mean / np.std compute it.
double numpy_sum(std::span<const double> values);

}  // namespace eqb
