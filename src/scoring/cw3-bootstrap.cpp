#include "scoring/cw3-bootstrap.hpp"

#include <algorithm>
#include <cmath>

#include "core/python-float.hpp"
#include "scoring/python-random.hpp"

namespace eqb {

namespace {

constexpr int stored_digits = 2;
constexpr std::size_t numpy_unroll = 8;        // pairwise_sum's accumulators
constexpr std::size_t numpy_block_size = 128;  // PW_BLOCKSIZE

// numpy/core/src/umath/loops_utils.h.src pairwise_sum_DOUBLE.
double pairwise_sum(const double* a, std::size_t n) {
    if (n < numpy_unroll) {
        double res = 0.0;
        for (std::size_t i = 0; i < n; ++i) {
            res += a[i];
        }
        return res;
    }
    if (n <= numpy_block_size) {
        double r[numpy_unroll];
        for (std::size_t j = 0; j < numpy_unroll; ++j) {
            r[j] = a[j];
        }
        std::size_t i = numpy_unroll;
        for (; i < n - (n % numpy_unroll); i += numpy_unroll) {
            for (std::size_t j = 0; j < numpy_unroll; ++j) {
                r[j] += a[i + j];
            }
        }
        double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; ++i) {
            res += a[i];
        }
        return res;
    }
    std::size_t n2 = n / 2;
    n2 -= n2 % numpy_unroll;
    return pairwise_sum(a, n2) + pairwise_sum(a + n2, n - n2);
}

// compute_single_benchmark_score_creative's overall_score of the tasks picked.
double rounded_score(std::span<const std::vector<double>> tasks, const std::vector<std::size_t>& picks) {
    double sum = 0.0;
    std::size_t count = 0;
    for (const auto i : picks) {
        for (const double piece : tasks[i]) {
            sum += piece;
            ++count;
        }
    }
    return python_round(count == 0 ? 0.0 : sum / static_cast<double>(count), stored_digits);
}

}  // namespace

double numpy_sum(std::span<const double> values) {
    // The reduction starts from the identity 0.0 and adds the pairwise sum.
    return 0.0 + pairwise_sum(values.data(), values.size());
}

std::optional<double> cw3_piece_score(std::span<const double> metric_values) {
    double sum = 0.0;
    std::size_t count = 0;
    for (const double v : metric_values) {
        if (v <= cw3_score_max) {
            sum += v;
            ++count;
        }
    }
    if (count == 0) {
        return std::nullopt;
    }
    return sum / static_cast<double>(count);
}

double cw3_creative_score(std::span<const std::vector<double>> tasks) {
    double sum = 0.0;
    std::size_t count = 0;
    for (const auto& task : tasks) {
        for (const double piece : task) {
            sum += piece;
            ++count;
        }
    }
    return count == 0 ? 0.0 : sum / static_cast<double>(count);
}

std::optional<cw3_bootstrap> cw3_bootstrap_interval(std::span<const std::vector<double>> tasks, std::uint64_t seed,
                                                    std::size_t n_bootstrap, double confidence_level) {
    if (tasks.empty() || n_bootstrap == 0) {
        return std::nullopt;
    }
    cw3_bootstrap out;
    out.original = python_round(cw3_creative_score(tasks), stored_digits);
    out.confidence_level = confidence_level;
    out.n_bootstrap = n_bootstrap;
    python_random rng(seed);
    std::vector<double> scores;
    scores.reserve(n_bootstrap);
    for (std::size_t b = 0; b < n_bootstrap; ++b) {
        scores.push_back(rounded_score(tasks, rng.choices(tasks.size(), tasks.size())));
    }
    std::sort(scores.begin(), scores.end());
    const auto n = static_cast<double>(scores.size());
    auto lower = static_cast<std::size_t>((1.0 - confidence_level) / 2.0 * n);
    const double upper_position = (1.0 + confidence_level) / 2.0 * n;
    const auto upper_int = static_cast<std::size_t>(upper_position);
    std::size_t upper = upper_int == 0 ? 0 : upper_int - 1;
    lower = std::min(lower, scores.size() - 1);
    upper = std::min(upper, scores.size() - 1);
    out.ci_lower = scores[lower];
    out.ci_upper = scores[upper];
    // np.mean and np.std(ddof=1): pairwise sums, (x - mean) ** 2 as x * x.
    const double mean = numpy_sum(scores) / n;
    std::vector<double> squares;
    squares.reserve(scores.size());
    for (const double s : scores) {
        const double d = s - mean;
        squares.push_back(d * d);
    }
    out.bootstrap_mean = mean;
    out.bootstrap_std = std::sqrt(numpy_sum(squares) / (n - 1.0));
    return out;
}

}  // namespace eqb
