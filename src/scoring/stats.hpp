#pragma once
// The statistics Judgemark needs (SPEC section 8), with the conventions of the
// reference's numpy/scipy/sklearn calls: sample standard deviation (n - 1),
// Pearson r, Kendall tau-b with ties (scipy's default), one-way ANOVA F
// (scipy's f_oneway), ordinary least squares of degree 2, Student t quantiles.
// Pure functions; an undefined statistic is nullopt, never NaN.

#include <array>
#include <optional>
#include <span>
#include <vector>

namespace eqb::stats {

// The arithmetic mean; nullopt when `values` is empty.
std::optional<double> mean(std::span<const double> values);

// The sample standard deviation (divisor n - 1); nullopt with fewer than 2 values.
std::optional<double> sample_sd(std::span<const double> values);

// Pearson's r of paired values, clipped to [-1, 1]; nullopt when the sizes differ,
// there are fewer than 2 pairs, or either side is constant.
std::optional<double> pearson(std::span<const double> x, std::span<const double> y);

// Kendall's tau-b (ties counted as scipy.stats.kendalltau does); nullopt when the
// sizes differ, there are fewer than 2 pairs, or either side is constant.
std::optional<double> kendall_tau_b(std::span<const double> x, std::span<const double> y);

// The one-way ANOVA F statistic over `groups` (equal or unequal sizes);
// +infinity when every group is constant but the means differ; nullopt with
// fewer than 2 groups, an empty group, no degree of freedom within groups, or
// all values equal.
std::optional<double> anova_f(const std::vector<std::vector<double>>& groups);

// Least-squares coefficients {c0, c1, c2} of y ~ c0 + c1 x + c2 x^2; nullopt when
// the sizes differ or x has fewer than 3 distinct values.
std::optional<std::array<double, 3>> polyfit2(std::span<const double> x, std::span<const double> y);

// c0 + c1 x + c2 x^2.
double poly_eval(const std::array<double, 3>& coefficients, double x);

// The p-quantile of Student's t with `degrees_of_freedom` (Boost.Math); nullopt
// unless 0 < p < 1 and degrees_of_freedom > 0.
std::optional<double> t_quantile(double p, double degrees_of_freedom);

// The width of a two-sided t-interval of the mean: 2 x t_{(1 + confidence) / 2, n - 1}
// x sample sd / sqrt(n); nullopt with fewer than 2 values or confidence outside (0, 1).
std::optional<double> t_interval_width(std::span<const double> values, double confidence);

// The mean of t_interval_width over the groups that have one (2 values or more);
// nullopt when none has.
std::optional<double> mean_t_interval_width(const std::vector<std::vector<double>>& groups, double confidence);

}  // namespace eqb::stats
