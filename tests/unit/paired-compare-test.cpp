// The paired comparison and the single-run bootstrap (src/scoring/paired-compare.hpp)
// against independent computations: hand-worked cases, the normal approximation on
// large samples, and a separate Python implementation of the same generator and
// resampling loops (its outputs are the literals below).

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "scoring/paired-compare.hpp"

namespace {

using eqb::paired_compare;
using eqb::resampling_options;

TEST(paired_compare, generator_matches_an_independent_implementation) {
    // xoshiro128** seeded through splitmix32, written again in Python.
    eqb::resampling_rng rng(2024);
    const std::vector<std::uint32_t> expected{2419916859U, 2996235947U, 1249288266U, 2362729823U, 2607833832U};
    for (const auto e : expected) {
        EXPECT_EQ(rng.next(), e);
    }
    eqb::resampling_rng zero(0);
    EXPECT_EQ(zero.next(), 3809008728U);
    EXPECT_EQ(zero.next(), 1133695204U);
    eqb::resampling_rng seven(7);
    const std::vector<std::size_t> below{2, 5, 4, 1, 5, 4, 5, 3};
    for (const auto e : below) {
        EXPECT_EQ(seven.below(10), e);
    }
}

TEST(paired_compare, quantiles_interpolate_as_numpy) {
    const std::vector<double> v{1, 2, 3, 4};
    EXPECT_DOUBLE_EQ(*eqb::quantile_sorted(v, 0.25), 1.75);  // numpy.quantile([1,2,3,4], 0.25)
    EXPECT_DOUBLE_EQ(*eqb::quantile_sorted(v, 0.5), 2.5);
    EXPECT_DOUBLE_EQ(*eqb::quantile_sorted(v, 1.0), 4.0);
    EXPECT_DOUBLE_EQ(*eqb::quantile_sorted(v, 0.0), 1.0);
    EXPECT_FALSE(eqb::quantile_sorted(std::vector<double>{}, 0.5).has_value());
}

TEST(paired_compare, mean_difference_is_exact_and_wins_are_counted) {
    const std::vector<double> a{10, 20, 30, 40};
    const std::vector<double> b{8, 20, 33, 35};
    const auto r = paired_compare(a, b);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->n, 4u);
    EXPECT_EQ(r->mean_diff, (2.0 + 0.0 - 3.0 + 5.0) / 4.0);
    EXPECT_EQ(r->mean_a, 25.0);
    EXPECT_EQ(r->mean_b, 24.0);
    EXPECT_EQ(r->wins_a, 2);
    EXPECT_EQ(r->wins_b, 1);
    EXPECT_EQ(r->ties, 1);
    EXPECT_LE(r->ci_low, r->mean_diff);
    EXPECT_GE(r->ci_high, r->mean_diff);
}

TEST(paired_compare, a_run_against_itself_gives_zero_and_p_one) {
    std::vector<double> a;
    for (int i = 0; i < 171; ++i) {
        a.push_back(std::fmod(i * 7.3, 10.0) * 10.0);
    }
    const auto r = paired_compare(a, a);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->mean_diff, 0.0);
    EXPECT_EQ(r->ci_low, 0.0);
    EXPECT_EQ(r->ci_high, 0.0);
    EXPECT_EQ(r->p_value, 1.0);
    EXPECT_EQ(r->ties, 171);
    EXPECT_EQ(r->method, eqb::sign_flip_method::RANDOM);
}

TEST(paired_compare, exact_sign_flips_for_small_samples) {
    // d = 1, 2, 3: of the 8 sign patterns only +++ and --- reach |mean| = 2.
    const std::vector<double> a{1, 2, 3};
    const std::vector<double> b{0, 0, 0};
    const auto r = paired_compare(a, b);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->method, eqb::sign_flip_method::EXACT);
    EXPECT_EQ(r->p_value, 0.25);
    // d = 1, -1: every pattern reaches |mean| >= 0.
    const auto even = paired_compare(std::vector<double>{1, 0}, std::vector<double>{0, 1});
    ASSERT_TRUE(even);
    EXPECT_EQ(even->p_value, 1.0);
}

TEST(paired_compare, matches_an_independent_implementation_of_the_resampling) {
    const std::vector<double> a{71.2, 64.0,  80.5, 55.25, 90.0, 62.5, 70.0, 48.75, 85.0, 77.5,
                                60.0, 66.25, 73.0, 58.5,  81.0, 69.0, 74.5, 52.0,  88.0, 63.75};
    const std::vector<double> b{68.0, 65.5, 75.0, 50.0, 86.25, 60.0, 71.0, 45.0, 80.0, 75.0,
                                61.0, 60.0, 70.5, 59.0, 76.0,  66.0, 70.0, 50.5, 84.0, 62.0};
    resampling_options options;
    options.resamples = 1000;
    const auto r = paired_compare(a, b, options);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->ci_low, 1.7795625000000008);  // at the quantile (1 - 0.95) / 2, as computed in doubles
    EXPECT_EQ(r->ci_high, 3.6975625);
    EXPECT_EQ(r->p_value, 1.0 / 1001.0);  // no flip reaches the observed mean

    // A weak effect: 4511 of 10,000 random flips reach it (exact over all 2^15: 0.4473).
    const std::vector<double> d{3, -2, 1.5, -1, 0.5, 2, -2.5, 1, -0.5, 1.5, -1, 2, 0.25, -0.75, 1};
    const std::vector<double> zeros(d.size(), 0.0);
    resampling_options weak;
    weak.seed = 99;
    const auto w = paired_compare(d, zeros, weak);
    ASSERT_TRUE(w);
    EXPECT_EQ(w->method, eqb::sign_flip_method::RANDOM);
    EXPECT_EQ(w->p_value, 4512.0 / 10001.0);
    EXPECT_NEAR(w->p_value, 0.44732666015625, 0.01);
}

TEST(paired_compare, interval_is_close_to_the_normal_approximation_on_large_samples) {
    std::mt19937_64 gen(5);
    std::normal_distribution<double> noise(1.5, 8.0);
    std::vector<double> a;
    std::vector<double> b;
    for (int i = 0; i < 4000; ++i) {
        const double base = 50.0 + static_cast<double>(i % 37);
        a.push_back(base + noise(gen));
        b.push_back(base);
    }
    const auto r = paired_compare(a, b);
    ASSERT_TRUE(r);
    double mean = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        mean += a[i] - b[i];
    }
    mean /= static_cast<double>(a.size());
    double ss = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        ss += (a[i] - b[i] - mean) * (a[i] - b[i] - mean);
    }
    const double sem = std::sqrt(ss / static_cast<double>(a.size() - 1)) / std::sqrt(static_cast<double>(a.size()));
    const double half = 1.959963984540054 * sem;
    EXPECT_NEAR(r->mean_diff, mean, 1e-9);
    EXPECT_NEAR(r->ci_low, mean - half, 0.05 * half);
    EXPECT_NEAR(r->ci_high, mean + half, 0.05 * half);
    EXPECT_NEAR((r->ci_high - r->ci_low) / (2.0 * half), 1.0, 0.04);
    EXPECT_LT(r->p_value, 0.01);

    const auto single = eqb::bootstrap_mean_interval(a);
    ASSERT_TRUE(single);
    double ma = 0.0;
    for (const double v : a) {
        ma += v;
    }
    ma /= static_cast<double>(a.size());
    double sa = 0.0;
    for (const double v : a) {
        sa += (v - ma) * (v - ma);
    }
    const double half_a = 1.959963984540054 * std::sqrt(sa / static_cast<double>(a.size() - 1)) /
                          std::sqrt(static_cast<double>(a.size()));
    EXPECT_NEAR(single->mean, ma, 1e-9);
    EXPECT_NEAR(single->high - single->low, 2.0 * half_a, 0.05 * 2.0 * half_a);
}

TEST(paired_compare, seeded_and_deterministic) {
    std::vector<double> a;
    std::vector<double> b;
    for (int i = 0; i < 60; ++i) {
        a.push_back(std::fmod(i * 3.7, 10.0));
        b.push_back(std::fmod(i * 2.9, 10.0));
    }
    const auto r1 = paired_compare(a, b);
    const auto r2 = paired_compare(a, b);
    ASSERT_TRUE(r1 && r2);
    EXPECT_EQ(r1->ci_low, r2->ci_low);
    EXPECT_EQ(r1->ci_high, r2->ci_high);
    EXPECT_EQ(r1->p_value, r2->p_value);
    resampling_options other;
    other.seed = 1;
    const auto r3 = paired_compare(a, b, other);
    ASSERT_TRUE(r3);
    EXPECT_NE(r1->ci_low, r3->ci_low);
    EXPECT_EQ(r1->seed, eqb::resampling_default_seed);
    EXPECT_EQ(r3->seed, 1u);
}

TEST(paired_compare, rejects_what_cannot_be_compared) {
    EXPECT_FALSE(paired_compare(std::vector<double>{}, std::vector<double>{}));
    EXPECT_FALSE(paired_compare(std::vector<double>{1}, std::vector<double>{1, 2}));
    resampling_options none;
    none.resamples = 0;
    EXPECT_FALSE(paired_compare(std::vector<double>{1}, std::vector<double>{2}, none));
    EXPECT_FALSE(eqb::bootstrap_mean_interval(std::vector<double>{}));
    const auto one = eqb::bootstrap_mean_interval(std::vector<double>{42.0});
    ASSERT_TRUE(one);
    EXPECT_EQ(one->low, 42.0);
    EXPECT_EQ(one->high, 42.0);
}

}  // namespace
