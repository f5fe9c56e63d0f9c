#include "scoring/paired-compare.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace eqb {
namespace {

constexpr std::uint32_t splitmix_increment = 0x9E3779B9U;
constexpr std::uint32_t splitmix_multiplier_1 = 0x85EBCA6BU;
constexpr std::uint32_t splitmix_multiplier_2 = 0xC2B2AE35U;
constexpr std::uint32_t flip_stream = 0x632BE5ABU;  // the sign flips' seed offset from the bootstrap's
constexpr std::size_t max_items = std::size_t{1} << 20;
constexpr double flip_relative_tolerance = 1e-12;  // a flipped mean equal to the observed one counts

std::uint32_t rotl(std::uint32_t x, int k) {
    return (x << k) | (x >> (32 - k));
}

// splitmix32: spreads a small seed over the whole state.
std::uint32_t splitmix_next(std::uint32_t& state) {
    state += splitmix_increment;
    std::uint32_t z = state;
    z = (z ^ (z >> 16)) * splitmix_multiplier_1;
    z = (z ^ (z >> 13)) * splitmix_multiplier_2;
    return z ^ (z >> 16);
}

double mean_of(std::span<const double> v) {
    double sum = 0.0;
    for (const double x : v) {
        sum += x;
    }
    return sum / static_cast<double>(v.size());
}

// Ascending bootstrap means of `values` (each resample: n indices drawn with replacement).
std::vector<double> bootstrap_means(std::span<const double> values, int resamples, std::uint32_t seed) {
    resampling_rng rng(seed);
    std::vector<double> means(static_cast<std::size_t>(resamples));
    const std::size_t n = values.size();
    for (auto& m : means) {
        double sum = 0.0;
        for (std::size_t i = 0; i < n; ++i) {
            sum += values[rng.below(n)];
        }
        m = sum / static_cast<double>(n);
    }
    std::sort(means.begin(), means.end());
    return means;
}

bool at_least(double flipped, double observed) {
    return std::fabs(flipped) >= observed * (1.0 - flip_relative_tolerance);
}

}  // namespace

resampling_rng::resampling_rng(std::uint32_t seed) {
    std::uint32_t state = seed;
    for (auto& s : s_) {
        s = splitmix_next(state);
    }
}

std::uint32_t resampling_rng::next() {
    const std::uint32_t out = rotl(s_[1] * 5U, 7) * 9U;
    const std::uint32_t t = s_[1] << 9;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 11);
    return out;
}

std::size_t resampling_rng::below(std::size_t n) {
    return static_cast<std::size_t>((static_cast<std::uint64_t>(next()) * n) >> 32);
}

std::optional<double> quantile_sorted(std::span<const double> sorted, double q) {
    if (sorted.empty()) {
        return std::nullopt;
    }
    const double h = static_cast<double>(sorted.size() - 1) * std::clamp(q, 0.0, 1.0);
    const auto lo = static_cast<std::size_t>(std::floor(h));
    if (lo + 1 >= sorted.size()) {
        return sorted.back();
    }
    return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[lo + 1] - sorted[lo]);
}

std::string_view sign_flip_method_name(sign_flip_method method) {
    return method == sign_flip_method::EXACT ? "exact sign-flip test" : "random sign-flip test";
}

std::optional<paired_comparison> paired_compare(std::span<const double> a, std::span<const double> b,
                                                const resampling_options& options) {
    if (a.size() != b.size() || a.empty() || a.size() > max_items || options.resamples < 1) {
        return std::nullopt;
    }
    const std::size_t n = a.size();
    std::vector<double> d(n);
    paired_comparison out;
    out.n = n;
    out.resamples = options.resamples;
    out.seed = options.seed;
    for (std::size_t i = 0; i < n; ++i) {
        d[i] = a[i] - b[i];
        if (d[i] > paired_tie_tolerance) {
            ++out.wins_a;
        } else if (d[i] < -paired_tie_tolerance) {
            ++out.wins_b;
        } else {
            ++out.ties;
        }
    }
    out.mean_a = mean_of(a);
    out.mean_b = mean_of(b);
    out.mean_diff = mean_of(d);

    const std::vector<double> means = bootstrap_means(d, options.resamples, options.seed);
    const double tail = (1.0 - options.confidence) / 2.0;
    out.ci_low = *quantile_sorted(means, tail);
    out.ci_high = *quantile_sorted(means, 1.0 - tail);

    const double observed = std::fabs(out.mean_diff);
    long hits = 0;
    if (n <= sign_flip_exact_max_items) {
        out.method = sign_flip_method::EXACT;
        const std::uint32_t patterns = 1U << n;
        for (std::uint32_t mask = 0; mask < patterns; ++mask) {
            double sum = 0.0;
            for (std::size_t i = 0; i < n; ++i) {
                sum += ((mask >> i) & 1U) != 0 ? -d[i] : d[i];
            }
            hits += at_least(sum / static_cast<double>(n), observed) ? 1 : 0;
        }
        out.p_value = static_cast<double>(hits) / static_cast<double>(patterns);
    } else {
        out.method = sign_flip_method::RANDOM;
        resampling_rng rng(options.seed ^ flip_stream);
        for (int r = 0; r < options.resamples; ++r) {
            double sum = 0.0;
            for (std::size_t i = 0; i < n; ++i) {
                sum += (rng.next() >> 31) != 0 ? -d[i] : d[i];
            }
            hits += at_least(sum / static_cast<double>(n), observed) ? 1 : 0;
        }
        out.p_value = static_cast<double>(hits + 1) / static_cast<double>(options.resamples + 1);
    }
    return out;
}

std::optional<bootstrap_interval> bootstrap_mean_interval(std::span<const double> values,
                                                          const resampling_options& options) {
    if (values.empty() || values.size() > max_items || options.resamples < 1) {
        return std::nullopt;
    }
    const std::vector<double> means = bootstrap_means(values, options.resamples, options.seed);
    const double tail = (1.0 - options.confidence) / 2.0;
    return bootstrap_interval{mean_of(values), *quantile_sorted(means, tail), *quantile_sorted(means, 1.0 - tail)};
}

}  // namespace eqb
