// The statistics behind Judgemark (src/scoring/stats.hpp) against known values:
// hand-computed small cases, scipy's documented examples, published t quantiles,
// and values from Python's standard library (statistics, fractions).

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "scoring/stats.hpp"

namespace {

namespace st = eqb::stats;

constexpr double tight = 1e-12;

TEST(judgemark_stats, mean_and_sample_sd) {
    const std::vector<double> v{2, 4, 4, 4, 5, 5, 7, 9};
    EXPECT_DOUBLE_EQ(*st::mean(v), 5.0);
    EXPECT_NEAR(*st::sample_sd(v), std::sqrt(32.0 / 7.0), tight);  // n - 1, not n
    EXPECT_FALSE(st::mean(std::vector<double>{}).has_value());
    EXPECT_FALSE(st::sample_sd(std::vector<double>{3.0}).has_value());
    EXPECT_DOUBLE_EQ(*st::sample_sd(std::vector<double>{3.0, 3.0}), 0.0);
}

TEST(judgemark_stats, pearson_known_values) {
    // statistics.correlation([1, 2, 3, 4, 5], [2, 4, 5, 4, 5]) = sqrt(0.6)
    EXPECT_NEAR(*st::pearson(std::vector<double>{1, 2, 3, 4, 5}, std::vector<double>{2, 4, 5, 4, 5}),
                0.7745966692414834, tight);
    EXPECT_DOUBLE_EQ(*st::pearson(std::vector<double>{1, 2, 3}, std::vector<double>{10, 20, 30}), 1.0);
    EXPECT_DOUBLE_EQ(*st::pearson(std::vector<double>{1, 2, 3}, std::vector<double>{3, 2, 1}), -1.0);
    EXPECT_DOUBLE_EQ(*st::pearson(std::vector<double>{1, 2}, std::vector<double>{5, 7}), 1.0);
}

TEST(judgemark_stats, pearson_undefined_cases) {
    EXPECT_FALSE(st::pearson(std::vector<double>{1}, std::vector<double>{2}).has_value());
    EXPECT_FALSE(st::pearson(std::vector<double>{1, 2, 3}, std::vector<double>{4, 4, 4}).has_value());
    EXPECT_FALSE(st::pearson(std::vector<double>{1, 2, 3}, std::vector<double>{1, 2}).has_value());
}

TEST(judgemark_stats, kendall_without_ties) {
    EXPECT_DOUBLE_EQ(*st::kendall_tau_b(std::vector<double>{1, 2, 3, 4}, std::vector<double>{1, 2, 3, 4}), 1.0);
    EXPECT_DOUBLE_EQ(*st::kendall_tau_b(std::vector<double>{1, 2, 3, 4}, std::vector<double>{4, 3, 2, 1}), -1.0);
    // 5 concordant, 1 discordant of 6 pairs: (5 - 1) / 6
    EXPECT_NEAR(*st::kendall_tau_b(std::vector<double>{1, 2, 3, 4}, std::vector<double>{1, 3, 2, 4}), 4.0 / 6.0, tight);
}

TEST(judgemark_stats, kendall_tau_b_with_ties) {
    // scipy.stats.kendalltau documentation example: -0.47140452079103173
    EXPECT_NEAR(*st::kendall_tau_b(std::vector<double>{12, 2, 1, 12, 2}, std::vector<double>{1, 4, 7, 1, 0}),
                -0.47140452079103173, tight);
    // By hand: 7 concordant, 1 discordant, 1 pair tied in x only, 1 in y only:
    // (7 - 1) / sqrt((7 + 1 + 1) * (7 + 1 + 1)) = 2 / 3
    EXPECT_NEAR(*st::kendall_tau_b(std::vector<double>{1, 2, 2, 3, 4}, std::vector<double>{1, 3, 2, 2, 4}), 2.0 / 3.0,
                tight);
    // A pair tied on both sides counts in neither term: C = 2, D = 0, tied-both = 1
    EXPECT_DOUBLE_EQ(*st::kendall_tau_b(std::vector<double>{1, 1, 2}, std::vector<double>{5, 5, 6}), 1.0);
}

TEST(judgemark_stats, kendall_undefined_cases) {
    EXPECT_FALSE(st::kendall_tau_b(std::vector<double>{1}, std::vector<double>{1}).has_value());
    EXPECT_FALSE(st::kendall_tau_b(std::vector<double>{2, 2, 2}, std::vector<double>{1, 2, 3}).has_value());
    EXPECT_FALSE(st::kendall_tau_b(std::vector<double>{1, 2}, std::vector<double>{1}).has_value());
}

TEST(judgemark_stats, anova_f_unequal_groups) {
    // scipy.stats.f_oneway documentation example (mussel shell measurements):
    // F = 7.121019471642447 over groups of 10, 8, 7, 8 and 6 values.
    const std::vector<std::vector<double>> groups{
        {0.0571, 0.0813, 0.0831, 0.0976, 0.0817, 0.0859, 0.0735, 0.0659, 0.0923, 0.0836},
        {0.0873, 0.0662, 0.0672, 0.0819, 0.0749, 0.0649, 0.0835, 0.0725},
        {0.0974, 0.1352, 0.0817, 0.1016, 0.0968, 0.1064, 0.105},
        {0.1033, 0.0915, 0.0781, 0.0685, 0.0677, 0.0697, 0.0764, 0.0689},
        {0.0703, 0.1026, 0.0956, 0.0973, 0.1039, 0.1045},
    };
    EXPECT_NEAR(*st::anova_f(groups), 7.121019471642447, 1e-10);
    // By hand: grand mean 32/9, between 245/9 over 2 df, within 7 over 6 df: F = 35 / 3
    EXPECT_NEAR(*st::anova_f({{1, 2, 3}, {4, 5, 6, 7}, {2, 2}}), 35.0 / 3.0, tight);
}

TEST(judgemark_stats, anova_f_equal_groups_and_edges) {
    // means 2 and 5, within sum of squares 4, F = (13.5 / 1) / (4 / 4) = 13.5
    EXPECT_NEAR(*st::anova_f({{1, 2, 3}, {4, 5, 6}}), 13.5, tight);
    EXPECT_EQ(*st::anova_f({{1, 1}, {2, 2}}), std::numeric_limits<double>::infinity());
    EXPECT_FALSE(st::anova_f({{1, 1}, {1, 1}}).has_value());
    EXPECT_FALSE(st::anova_f({{1, 2, 3}}).has_value());
    EXPECT_FALSE(st::anova_f({{1}, {2}}).has_value());
    EXPECT_FALSE(st::anova_f({{1, 2}, {}}).has_value());
}

TEST(judgemark_stats, polyfit2_recovers_an_exact_quadratic) {
    std::vector<double> x;
    std::vector<double> y;
    for (const double v : {-2.0, -1.0, 0.5, 3.0, 4.0}) {
        x.push_back(v);
        y.push_back(1.0 + 2.0 * v + 3.0 * v * v);
    }
    const auto c = st::polyfit2(x, y);
    ASSERT_TRUE(c.has_value());
    EXPECT_NEAR((*c)[0], 1.0, 1e-10);
    EXPECT_NEAR((*c)[1], 2.0, 1e-10);
    EXPECT_NEAR((*c)[2], 3.0, 1e-10);
    EXPECT_NEAR(st::poly_eval(*c, 10.0), 321.0, 1e-8);
}

TEST(judgemark_stats, polyfit2_least_squares_matches_exact_rationals) {
    // Solved exactly with Python's fractions (normal equations over the given floats).
    const std::vector<double> x{60.5, 62.25, 70.0, 71.5, 55.0, 48.75, 66.0};
    const std::vector<double> y{61.0, 64.5, 72.25, 70.0, 52.5, 50.0, 69.0};
    const auto c = st::polyfit2(x, y);
    ASSERT_TRUE(c.has_value());
    EXPECT_NEAR((*c)[0], -18.84109932885986, 1e-8);
    EXPECT_NEAR((*c)[1], 1.6138606019816824, 1e-9);
    EXPECT_NEAR((*c)[2], -0.004734561953407324, 1e-11);
    EXPECT_NEAR(st::poly_eval(*c, 65.0), 66.05631554680356, 1e-9);
}

TEST(judgemark_stats, polyfit2_needs_three_distinct_x) {
    EXPECT_FALSE(st::polyfit2(std::vector<double>{1, 1, 2, 2}, std::vector<double>{1, 2, 3, 4}).has_value());
    EXPECT_FALSE(st::polyfit2(std::vector<double>{1, 2, 3}, std::vector<double>{1, 2}).has_value());
    EXPECT_TRUE(st::polyfit2(std::vector<double>{1, 2, 3}, std::vector<double>{1, 5, 2}).has_value());
}

TEST(judgemark_stats, t_quantiles) {
    EXPECT_NEAR(*st::t_quantile(0.975, 9), 2.2621571627982, 1e-12);
    EXPECT_NEAR(*st::t_quantile(0.975, 1), 12.706204736174707, 1e-9);
    EXPECT_NEAR(*st::t_quantile(0.975, 4), 2.7764451051977987, 1e-12);
    EXPECT_NEAR(*st::t_quantile(0.975, 18), 2.10092204024096, 1e-12);
    EXPECT_NEAR(*st::t_quantile(0.025, 9), -2.2621571627982, 1e-12);
    EXPECT_NEAR(*st::t_quantile(0.5, 7), 0.0, 1e-15);
    EXPECT_FALSE(st::t_quantile(1.0, 9).has_value());
    EXPECT_FALSE(st::t_quantile(0.0, 9).has_value());
    EXPECT_FALSE(st::t_quantile(0.975, 0).has_value());
}

TEST(judgemark_stats, t_interval_widths) {
    // 2 x t(0.975, 4) x sqrt(2.5) / sqrt(5)
    const std::vector<double> a{1, 2, 3, 4, 5};
    const std::vector<double> b{2, 4, 4, 4, 5, 5, 7, 9};
    EXPECT_NEAR(*st::t_interval_width(a, 0.95), 3.9264863229551104, 1e-11);
    EXPECT_NEAR(*st::t_interval_width(b, 0.95), 3.5749758364724182, 1e-11);
    EXPECT_NEAR(*st::mean_t_interval_width({a, b}, 0.95), 3.7507310797137645, 1e-11);
    // a group of one value has no interval and is left out of the mean
    EXPECT_NEAR(*st::mean_t_interval_width({a, {7.0}}, 0.95), 3.9264863229551104, 1e-11);
    EXPECT_FALSE(st::mean_t_interval_width({{7.0}}, 0.95).has_value());
    EXPECT_FALSE(st::t_interval_width(a, 1.0).has_value());
}

}  // namespace
