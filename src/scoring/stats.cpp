#include "scoring/stats.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>

#include <boost/math/distributions/students_t.hpp>

namespace eqb::stats {

namespace {

constexpr std::size_t polyfit2_terms = 3;

double sum_of(std::span<const double> values) {
    double sum = 0.0;
    for (const double v : values) {
        sum += v;
    }
    return sum;
}

double clip_unit(double r) {
    return std::clamp(r, -1.0, 1.0);
}

int sign_of(double d) {
    return (d > 0.0) - (d < 0.0);
}

// Solves the 3x3 system a * c = b by Gaussian elimination with partial pivoting;
// nullopt when it is singular.
std::optional<std::array<double, 3>> solve3(std::array<std::array<double, 3>, 3> a, std::array<double, 3> b) {
    for (std::size_t col = 0; col < polyfit2_terms; ++col) {
        std::size_t pivot = col;
        for (std::size_t row = col + 1; row < polyfit2_terms; ++row) {
            if (std::fabs(a[row][col]) > std::fabs(a[pivot][col])) {
                pivot = row;
            }
        }
        if (a[pivot][col] == 0.0) {
            return std::nullopt;
        }
        std::swap(a[pivot], a[col]);
        std::swap(b[pivot], b[col]);
        for (std::size_t row = col + 1; row < polyfit2_terms; ++row) {
            const double factor = a[row][col] / a[col][col];
            for (std::size_t k = col; k < polyfit2_terms; ++k) {
                a[row][k] -= factor * a[col][k];
            }
            b[row] -= factor * b[col];
        }
    }
    std::array<double, 3> c{};
    for (std::size_t i = polyfit2_terms; i-- > 0;) {
        double s = b[i];
        for (std::size_t k = i + 1; k < polyfit2_terms; ++k) {
            s -= a[i][k] * c[k];
        }
        c[i] = s / a[i][i];
    }
    return c;
}

}  // namespace

std::optional<double> mean(std::span<const double> values) {
    if (values.empty()) {
        return std::nullopt;
    }
    return sum_of(values) / static_cast<double>(values.size());
}

std::optional<double> sample_sd(std::span<const double> values) {
    if (values.size() < 2) {
        return std::nullopt;
    }
    const double m = *mean(values);
    double ss = 0.0;
    for (const double v : values) {
        ss += (v - m) * (v - m);
    }
    return std::sqrt(ss / static_cast<double>(values.size() - 1));
}

std::optional<double> pearson(std::span<const double> x, std::span<const double> y) {
    if (x.size() != y.size() || x.size() < 2) {
        return std::nullopt;
    }
    const double mx = *mean(x);
    const double my = *mean(y);
    double sxy = 0.0;
    double sxx = 0.0;
    double syy = 0.0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double dx = x[i] - mx;
        const double dy = y[i] - my;
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if (sxx == 0.0 || syy == 0.0) {
        return std::nullopt;
    }
    return clip_unit(sxy / (std::sqrt(sxx) * std::sqrt(syy)));
}

std::optional<double> kendall_tau_b(std::span<const double> x, std::span<const double> y) {
    if (x.size() != y.size() || x.size() < 2) {
        return std::nullopt;
    }
    // Pairs tied in both x and y count in neither denominator term (tau-b).
    double concordant = 0.0;
    double discordant = 0.0;
    double tied_x_only = 0.0;
    double tied_y_only = 0.0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        for (std::size_t j = i + 1; j < x.size(); ++j) {
            const int sx = sign_of(x[i] - x[j]);
            const int sy = sign_of(y[i] - y[j]);
            if (sx == 0 && sy == 0) {
                continue;
            }
            if (sx == 0) {
                tied_x_only += 1.0;
            } else if (sy == 0) {
                tied_y_only += 1.0;
            } else if (sx == sy) {
                concordant += 1.0;
            } else {
                discordant += 1.0;
            }
        }
    }
    const double untied_x = concordant + discordant + tied_y_only;
    const double untied_y = concordant + discordant + tied_x_only;
    if (untied_x == 0.0 || untied_y == 0.0) {
        return std::nullopt;
    }
    return clip_unit((concordant - discordant) / (std::sqrt(untied_x) * std::sqrt(untied_y)));
}

std::optional<double> anova_f(const std::vector<std::vector<double>>& groups) {
    if (groups.size() < 2) {
        return std::nullopt;
    }
    std::size_t total = 0;
    double grand_sum = 0.0;
    for (const auto& g : groups) {
        if (g.empty()) {
            return std::nullopt;
        }
        total += g.size();
        grand_sum += sum_of(g);
    }
    if (total <= groups.size()) {
        return std::nullopt;
    }
    const double grand_mean = grand_sum / static_cast<double>(total);
    double between = 0.0;
    double within = 0.0;
    for (const auto& g : groups) {
        const double m = *mean(g);
        between += static_cast<double>(g.size()) * (m - grand_mean) * (m - grand_mean);
        for (const double v : g) {
            within += (v - m) * (v - m);
        }
    }
    if (within == 0.0) {
        if (between == 0.0) {
            return std::nullopt;
        }
        return std::numeric_limits<double>::infinity();
    }
    const double df_between = static_cast<double>(groups.size() - 1);
    const double df_within = static_cast<double>(total - groups.size());
    return (between / df_between) / (within / df_within);
}

std::optional<std::array<double, 3>> polyfit2(std::span<const double> x, std::span<const double> y) {
    if (x.size() != y.size()) {
        return std::nullopt;
    }
    std::vector<double> distinct(x.begin(), x.end());
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    if (distinct.size() < polyfit2_terms) {
        return std::nullopt;
    }
    // Fit in t = (x - centre) / scale so the normal equations stay well conditioned,
    // then expand the coefficients back to powers of x.
    const double centre = *mean(x);
    const double scale = *sample_sd(x);
    std::array<std::array<double, 3>, 3> normal{};
    std::array<double, 3> rhs{};
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double t = (x[i] - centre) / scale;
        const std::array<double, 3> basis{1.0, t, t * t};
        for (std::size_t r = 0; r < polyfit2_terms; ++r) {
            for (std::size_t c = 0; c < polyfit2_terms; ++c) {
                normal[r][c] += basis[r] * basis[c];
            }
            rhs[r] += basis[r] * y[i];
        }
    }
    const auto a = solve3(normal, rhs);
    if (!a) {
        return std::nullopt;
    }
    const double s2 = scale * scale;
    return std::array<double, 3>{
        (*a)[0] - (*a)[1] * centre / scale + (*a)[2] * centre * centre / s2,
        (*a)[1] / scale - 2.0 * (*a)[2] * centre / s2,
        (*a)[2] / s2,
    };
}

double poly_eval(const std::array<double, 3>& coefficients, double x) {
    return coefficients[0] + coefficients[1] * x + coefficients[2] * x * x;
}

std::optional<double> t_quantile(double p, double degrees_of_freedom) {
    if (!(p > 0.0 && p < 1.0) || !(degrees_of_freedom > 0.0) || !std::isfinite(degrees_of_freedom)) {
        return std::nullopt;
    }
    const boost::math::students_t_distribution<double> dist(degrees_of_freedom);
    return boost::math::quantile(dist, p);
}

std::optional<double> t_interval_width(std::span<const double> values, double confidence) {
    const auto sd = sample_sd(values);
    if (!sd || !(confidence > 0.0 && confidence < 1.0)) {
        return std::nullopt;
    }
    const double n = static_cast<double>(values.size());
    const auto t = t_quantile((1.0 + confidence) / 2.0, n - 1.0);
    if (!t) {
        return std::nullopt;
    }
    return 2.0 * *t * *sd / std::sqrt(n);
}

std::optional<double> mean_t_interval_width(const std::vector<std::vector<double>>& groups, double confidence) {
    std::vector<double> widths;
    for (const auto& g : groups) {
        if (const auto w = t_interval_width(g, confidence)) {
            widths.push_back(*w);
        }
    }
    return mean(widths);
}

}  // namespace eqb::stats
