#pragma once
// Is run A really better than run B? Paired statistics over items both runs
// scored: the mean difference, a percentile bootstrap interval, a two-sided
// sign-flip (paired permutation) test, and wins; plus the bootstrap interval of
// one run's mean. Seeded and deterministic. The generator and every loop are
// written so that the report's JavaScript (src/report/report-template.html)
// reproduces the same numbers bit for bit: 32-bit integer steps only, sums in
// index order.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace eqb {

constexpr int resampling_default_count = 10000;          // bootstrap resamples and random sign flips
constexpr std::uint32_t resampling_default_seed = 2024;  // printed with every result
constexpr double resampling_default_confidence = 0.95;
constexpr std::size_t sign_flip_exact_max_items = 13;  // 2^13 = 8192 flips: enumerate them all
constexpr double paired_tie_tolerance = 1e-9;          // |a - b| at most this is a tie (points)

// xoshiro128** seeded through splitmix32: 32-bit steps only, so JavaScript's
// Math.imul and >>> 0 reproduce it exactly. Not thread-safe; cheap to copy.
class resampling_rng {
  public:
    explicit resampling_rng(std::uint32_t seed);
    // The next 32 random bits.
    std::uint32_t next();
    // An index in [0, n) as floor(next() * n / 2^32); n must be below 2^21 so that
    // the product is exact in a double too.
    std::size_t below(std::size_t n);

  private:
    std::uint32_t s_[4]{};
};

struct resampling_options {
    int resamples = resampling_default_count;
    std::uint32_t seed = resampling_default_seed;
    double confidence = resampling_default_confidence;
};

// The value at quantile q in [0, 1] of ascending `sorted` values, interpolated
// linearly between neighbours (numpy's default); nullopt when empty.
std::optional<double> quantile_sorted(std::span<const double> sorted, double q);

enum class sign_flip_method {
    EXACT,   // every one of the 2^n sign patterns (n <= sign_flip_exact_max_items)
    RANDOM,  // `resamples` random patterns; p = (hits + 1) / (resamples + 1)
};

// "exact sign-flip test" / "random sign-flip test".
std::string_view sign_flip_method_name(sign_flip_method method);

struct paired_comparison {
    std::size_t n = 0;       // pairs
    double mean_a = 0.0;     // mean of a over the pairs
    double mean_b = 0.0;     // mean of b over the pairs
    double mean_diff = 0.0;  // mean of (a - b)
    double ci_low = 0.0;     // percentile bootstrap interval of mean_diff
    double ci_high = 0.0;
    double p_value = 1.0;  // two-sided: flipped |mean| >= observed |mean|
    sign_flip_method method = sign_flip_method::RANDOM;
    int wins_a = 0;  // pairs with a - b > paired_tie_tolerance
    int wins_b = 0;
    int ties = 0;
    int resamples = 0;  // bootstrap resamples (and random flips when RANDOM)
    std::uint32_t seed = 0;
};

// Compares paired values a[i], b[i]; nullopt when the sizes differ, there is no
// pair, more than 2^20 pairs, or options.resamples < 1. The bootstrap and the
// random flips use independent generators seeded from options.seed.
std::optional<paired_comparison> paired_compare(std::span<const double> a, std::span<const double> b,
                                                const resampling_options& options = {});

struct bootstrap_interval {
    double mean = 0.0;
    double low = 0.0;
    double high = 0.0;
};

// The mean of `values` and the percentile bootstrap interval of it (items
// resampled with replacement); nullopt when empty, over 2^20 values or
// options.resamples < 1.
std::optional<bootstrap_interval> bootstrap_mean_interval(std::span<const double> values,
                                                          const resampling_options& options = {});

}  // namespace eqb
