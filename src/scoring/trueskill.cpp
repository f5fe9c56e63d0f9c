#include "scoring/trueskill.hpp"

#include <cmath>
#include <initializer_list>
#include <limits>

namespace eqb {

namespace {

constexpr double eqbench3_mu = 1200.0;
constexpr double eqbench3_sigma = 350.0 / 3.0;
constexpr double eqbench3_beta = 350.0 / 6.0;
constexpr double cw3_mu = 1200.0;
constexpr double cw3_sigma = cw3_mu / 3.0;     // TS_SIGMA = DEFAULT_ELO / 3
constexpr double cw3_beta = cw3_sigma / 2.0;   // TS_BETA = TS_SIGMA / 2
constexpr double cw3_tau = cw3_sigma / 100.0;  // TS_TAU = TS_SIGMA / 100
constexpr double schedule_min_delta = 0.0001;  // trueskill.DELTA
constexpr int schedule_max_passes = 10;        // run_schedule's range(10)
constexpr int players_1vs1 = 2;

// erfc (backends.py): Numerical Recipes' erfcc coefficients.
constexpr double erfc_c0 = -1.26551223;
constexpr double erfc_c1 = 1.00002368;
constexpr double erfc_c2 = 0.37409196;
constexpr double erfc_c3 = 0.09678418;
constexpr double erfc_c4 = -0.18628806;
constexpr double erfc_c5 = 0.27886807;
constexpr double erfc_c6 = -1.13520398;
constexpr double erfc_c7 = 1.48851587;
constexpr double erfc_c8 = -0.82215223;
constexpr double erfc_c9 = 0.17087277;
// erfcinv (backends.py _gen_erfcinv).
constexpr double erfcinv_high = 100.0;
constexpr double erfcinv_scale = -0.70711;
constexpr double erfcinv_p0 = 2.30753;
constexpr double erfcinv_p1 = 0.27061;
constexpr double erfcinv_q1 = 0.99229;
constexpr double erfcinv_q2 = 0.04481;
constexpr double erfcinv_two_over_sqrt_pi = 1.12837916709551257;
constexpr int erfcinv_newton_steps = 2;

constexpr double nan_value = std::numeric_limits<double>::quiet_NaN();
constexpr double inf_value = std::numeric_limits<double>::infinity();

// Python float arithmetic that raises: the first exception is kept (sticky) and
// the caller stops at the next check, as Python would have stopped there.
class py_math {
  public:
    python_error error = python_error::NONE;

    bool failed() const { return error != python_error::NONE; }
    void fail(python_error e) {
        if (error == python_error::NONE) {
            error = e;
        }
    }
    double div(double a, double b) {
        if (b == 0.0) {
            fail(python_error::ZERO_DIVISION_ERROR);
            return nan_value;
        }
        return a / b;
    }
    double sqrt(double x) {
        if (x < 0.0) {
            fail(python_error::VALUE_ERROR);
            return nan_value;
        }
        return std::sqrt(x);
    }
    double log(double x) {
        if (x <= 0.0) {
            fail(python_error::VALUE_ERROR);
            return nan_value;
        }
        return std::log(x);
    }
    double exp(double x) {
        const double r = std::exp(x);
        if (std::isinf(r) && std::isfinite(x)) {
            fail(python_error::OVERFLOW_ERROR);
        }
        return r;
    }
    // x ** y for floats (CPython float_pow): libm's pow, never folded to x * x
    // (glibc's pow(x, 2) differs from x * x in the last bit now and then).
    double pow(double x, double y) {
        if (y == 0.0) {
            return 1.0;
        }
        if (x == 0.0 && y < 0.0 && std::isfinite(y)) {
            fail(python_error::ZERO_DIVISION_ERROR);
            return nan_value;
        }
        volatile double exponent = y;
        const double r = std::pow(x, exponent);
        if (std::isinf(r) && std::isfinite(x) && std::isfinite(y)) {
            fail(python_error::OVERFLOW_ERROR);
        }
        return r;
    }
};

struct gaussian {
    double pi = 0.0;
    double tau = 0.0;
};

gaussian operator*(gaussian a, gaussian b) {
    return {a.pi + b.pi, a.tau + b.tau};
}
gaussian operator/(gaussian a, gaussian b) {
    return {a.pi - b.pi, a.tau - b.tau};
}

// Gaussian.mu: `pi and tau / pi` (pi itself when it is zero).
double gaussian_mu(gaussian g) {
    return g.pi != 0.0 ? g.tau / g.pi : g.pi;
}

// Gaussian.sigma: sqrt(1 / pi), infinity for pi 0; ValueError for pi < 0.
double gaussian_sigma(py_math& m, gaussian g) {
    return g.pi != 0.0 ? m.sqrt(1.0 / g.pi) : inf_value;
}

// Gaussian(mu, sigma).
gaussian gaussian_from_mu_sigma(py_math& m, double mu, double sigma) {
    if (sigma == 0.0) {
        m.fail(python_error::VALUE_ERROR);
        return {};
    }
    const double pi = m.pow(sigma, -2.0);
    return {pi, pi * mu};
}

double erfc_impl(double x) {
    const double z = std::fabs(x);
    const double t = 1.0 / (1.0 + z / 2.0);
    const double poly =
        erfc_c1 +
        t * (erfc_c2 +
             t * (erfc_c3 +
                  t * (erfc_c4 + t * (erfc_c5 + t * (erfc_c6 + t * (erfc_c7 + t * (erfc_c8 + t * erfc_c9)))))));
    // exp of a non-positive argument never overflows.
    const double r = t * std::exp(-z * z + erfc_c0 + t * poly);
    return x < 0.0 ? 2.0 - r : r;
}

double erfcinv_impl(py_math& m, double y) {
    if (y >= 2.0) {
        return -erfcinv_high;
    }
    if (y <= 0.0) {
        return erfcinv_high;
    }
    const bool zero_point = y < 1.0;
    if (!zero_point) {
        y = 2.0 - y;
    }
    const double t = m.sqrt(-2.0 * m.log(y / 2.0));
    double x = erfcinv_scale * ((erfcinv_p0 + t * erfcinv_p1) / (1.0 + t * (erfcinv_q1 + t * erfcinv_q2)) - t);
    for (int i = 0; i < erfcinv_newton_steps && !m.failed(); ++i) {
        const double err = erfc_impl(x) - y;
        x += m.div(err, erfcinv_two_over_sqrt_pi * m.exp(-m.pow(x, 2.0)) - x * err);
    }
    return zero_point ? x : -x;
}

double cdf_impl(double x) {
    return 0.5 * erfc_impl(-x / std::sqrt(2.0));
}

double pdf_impl(py_math& m, double x) {
    return 1.0 / std::sqrt(2.0 * M_PI) * m.exp(-(m.pow(x, 2.0) / 2.0));
}

double ppf_impl(py_math& m, double p) {
    return 0.0 - std::sqrt(2.0) * erfcinv_impl(m, 2.0 * p);
}

double v_win_impl(py_math& m, double diff, double draw_margin) {
    const double x = diff - draw_margin;
    const double denom = cdf_impl(x);
    return denom != 0.0 ? pdf_impl(m, x) / denom : -x;
}

double w_win_impl(py_math& m, double diff, double draw_margin) {
    const double x = diff - draw_margin;
    const double v = v_win_impl(m, diff, draw_margin);
    const double w = v * (v + x);
    if (w > 0.0 && w < 1.0) {
        return w;
    }
    m.fail(python_error::FLOATING_POINT_ERROR);
    return nan_value;
}

double v_draw_impl(py_math& m, double diff, double draw_margin) {
    const double abs_diff = std::fabs(diff);
    const double a = draw_margin - abs_diff;
    const double b = -draw_margin - abs_diff;
    const double denom = cdf_impl(a) - cdf_impl(b);
    const double numer = pdf_impl(m, b) - pdf_impl(m, a);
    const double v = denom != 0.0 ? numer / denom : a;
    return diff < 0.0 ? -v : v;
}

double w_draw_impl(py_math& m, double diff, double draw_margin) {
    const double abs_diff = std::fabs(diff);
    const double a = draw_margin - abs_diff;
    const double b = -draw_margin - abs_diff;
    const double denom = cdf_impl(a) - cdf_impl(b);
    if (denom == 0.0) {
        m.fail(python_error::FLOATING_POINT_ERROR);
        return nan_value;
    }
    const double v = v_draw_impl(m, abs_diff, draw_margin);
    const double pa = pdf_impl(m, a);
    const double pb = pdf_impl(m, b);
    return m.pow(v, 2.0) + (a * pa - b * pb) / denom;
}

trueskill_value value_of(py_math& m, double x) {
    if (m.failed()) {
        return {nan_value, m.error};
    }
    return {x, python_error::NONE};
}

// A variable of the factor graph: its marginal and the message each
// connected factor last sent it (trueskill/factorgraph.py Variable).
struct variable {
    gaussian value;
};

// Variable.delta: how far the marginal moved.
double variable_delta(const gaussian& now, const gaussian& next) {
    const double pi_delta = std::fabs(now.pi - next.pi);
    if (pi_delta == inf_value) {
        return 0.0;
    }
    const double tau_delta = std::fabs(now.tau - next.tau);
    const double root = std::sqrt(pi_delta);
    return root > tau_delta ? root : tau_delta;  // Python max() keeps the first on ties
}

double variable_set(gaussian& var, gaussian next) {
    const double delta = variable_delta(var, next);
    var = next;
    return delta;
}

// Variable.update_message: the factor's message replaced, the marginal rescaled.
double update_message(gaussian& var, gaussian& message, gaussian next) {
    const gaussian old = message;
    message = next;
    return variable_set(var, var / old * next);
}

// Variable.update_value: the marginal replaced, the factor's message rescaled.
double update_value(gaussian& var, gaussian& message, gaussian next) {
    const gaussian old = message;
    message = next * old / var;
    return variable_set(var, next);
}

// SumFactor.update over (marginal, message, coefficient) terms; only 1 and -1
// occur in a 1-vs-1 game, so coeff ** 2 is 1 exactly.
struct sum_term {
    const gaussian* value;
    const gaussian* message;
    double coeff;
};

double sum_update(py_math& m, gaussian& var, gaussian& message, std::initializer_list<sum_term> terms) {
    double pi_inv = 0.0;
    double mu = 0.0;
    for (const auto& term : terms) {
        const gaussian div = *term.value / *term.message;
        mu += term.coeff * gaussian_mu(div);
        if (pi_inv == inf_value) {
            continue;
        }
        // The library turns this ZeroDivisionError into an infinite variance.
        pi_inv = div.pi == 0.0 ? inf_value : pi_inv + 1.0 / div.pi;
    }
    const double pi = m.div(1.0, pi_inv);
    return update_message(var, message, {pi, pi * mu});
}

// LikelihoodFactor.calc_a.
double likelihood_a(py_math& m, double variance, const gaussian& g) {
    return m.div(1.0, 1.0 + variance * g.pi);
}

}  // namespace

std::string_view python_error_name(python_error error) {
    switch (error) {
        case python_error::NONE:
            return "";
        case python_error::FLOATING_POINT_ERROR:
            return "FloatingPointError";
        case python_error::VALUE_ERROR:
            return "ValueError";
        case python_error::ZERO_DIVISION_ERROR:
            return "ZeroDivisionError";
        case python_error::OVERFLOW_ERROR:
            return "OverflowError";
    }
    return "";
}

trueskill_env trueskill_env_eqbench3() {
    return {eqbench3_mu, eqbench3_sigma, eqbench3_beta, 0.0, 0.0};
}

trueskill_env trueskill_env_cw3() {
    return {cw3_mu, cw3_sigma, cw3_beta, cw3_tau, 0.0};
}

std::optional<trueskill_rating> trueskill_rating::make(double mu, double sigma, python_error* error) {
    py_math m;
    const gaussian g = gaussian_from_mu_sigma(m, mu, sigma);
    if (error != nullptr) {
        *error = m.error;
    }
    if (m.failed()) {
        return std::nullopt;
    }
    trueskill_rating r;
    r.pi_ = g.pi;
    r.tau_ = g.tau;
    return r;
}

trueskill_rating trueskill_rating::make_default(const trueskill_env& env) {
    return make(env.mu, env.sigma).value_or(trueskill_rating{});
}

double trueskill_rating::mu() const {
    return gaussian_mu({pi_, tau_});
}

double trueskill_rating::sigma() const {
    return pi_ != 0.0 ? std::sqrt(1.0 / pi_) : inf_value;
}

double trueskill_erfc(double x) {
    return erfc_impl(x);
}

trueskill_value trueskill_erfcinv(double y) {
    py_math m;
    const double x = erfcinv_impl(m, y);
    return value_of(m, x);
}

double trueskill_cdf(double x) {
    return cdf_impl(x);
}

trueskill_value trueskill_pdf(double x) {
    py_math m;
    const double p = pdf_impl(m, x);
    return value_of(m, p);
}

trueskill_value trueskill_ppf(double p) {
    py_math m;
    const double x = ppf_impl(m, p);
    return value_of(m, x);
}

trueskill_value trueskill_draw_margin(double draw_probability, int size, const trueskill_env& env) {
    py_math m;
    const double margin = ppf_impl(m, (draw_probability + 1.0) / 2.0) * std::sqrt(static_cast<double>(size)) * env.beta;
    return value_of(m, margin);
}

trueskill_value trueskill_v_win(double diff, double draw_margin) {
    py_math m;
    const double v = v_win_impl(m, diff, draw_margin);
    return value_of(m, v);
}

trueskill_value trueskill_w_win(double diff, double draw_margin) {
    py_math m;
    const double w = w_win_impl(m, diff, draw_margin);
    return value_of(m, w);
}

trueskill_value trueskill_v_draw(double diff, double draw_margin) {
    py_math m;
    const double v = v_draw_impl(m, diff, draw_margin);
    return value_of(m, v);
}

trueskill_value trueskill_w_draw(double diff, double draw_margin) {
    py_math m;
    const double w = w_draw_impl(m, diff, draw_margin);
    return value_of(m, w);
}

trueskill_game trueskill_game_make(const trueskill_env& env) {
    trueskill_game game;
    game.env = env;
    const auto margin = trueskill_draw_margin(env.draw_probability, players_1vs1, env);
    game.draw_margin = margin.value;
    game.error = margin.error;
    py_math m;
    game.beta_squared = m.pow(env.beta, 2.0);
    if (game.error == python_error::NONE) {
        game.error = m.error;
    }
    return game;
}

trueskill_outcome trueskill_rate_1vs1(const trueskill_game& game, const trueskill_rating& first,
                                      const trueskill_rating& second, bool drawn,
                                      std::vector<trueskill_trace_entry>* trace) {
    trueskill_outcome out{first, second, game.error};
    if (game.error != python_error::NONE) {
        return out;
    }
    py_math m;
    const auto failed = [&]() {
        if (!m.failed()) {
            return false;
        }
        out.first = first;
        out.second = second;
        out.error = m.error;
        return true;
    };

    // Variables (rating, performance, team performance, team difference) and
    // the messages their factors sent, named variable_factor.
    gaussian rating[2];
    gaussian perf[2];
    gaussian team[2];
    gaussian diff;
    gaussian rating_prior[2];
    gaussian rating_likelihood[2];
    gaussian perf_likelihood[2];
    gaussian perf_sum[2];
    gaussian team_sum[2];
    gaussian team_diff[2];
    gaussian diff_sum;
    gaussian diff_truncate;
    const trueskill_rating* players[2] = {&first, &second};

    // run_schedule, the gray arrows: priors, performances, team performances.
    for (int i = 0; i < 2; ++i) {
        const gaussian prior{players[i]->pi(), players[i]->tau()};
        const double sigma = m.sqrt(m.pow(gaussian_sigma(m, prior), 2.0) + m.pow(game.env.tau, 2.0));
        const gaussian value = gaussian_from_mu_sigma(m, gaussian_mu(prior), sigma);
        if (failed()) {
            return out;
        }
        update_value(rating[i], rating_prior[i], value);
    }
    for (int i = 0; i < 2; ++i) {
        const gaussian msg = rating[i] / rating_likelihood[i];
        const double a = likelihood_a(m, game.beta_squared, msg);
        update_message(perf[i], perf_likelihood[i], {a * msg.pi, a * msg.tau});
    }
    for (int i = 0; i < 2; ++i) {
        sum_update(m, team[i], team_sum[i], {{&perf[i], &perf_sum[i], 1.0}});
    }
    if (failed()) {
        return out;
    }

    // Arrows 1-3, repeated until the truncation moves the difference little.
    for (int pass = 0; pass < schedule_max_passes; ++pass) {
        sum_update(m, diff, diff_sum, {{&team[0], &team_diff[0], 1.0}, {&team[1], &team_diff[1], -1.0}});
        if (failed()) {
            return out;
        }
        const gaussian div = diff / diff_truncate;
        const double sqrt_pi = m.sqrt(div.pi);
        const double t = m.div(div.tau, sqrt_pi);
        const double eps = game.draw_margin * sqrt_pi;
        if (failed()) {
            return out;
        }
        trueskill_trace_entry entry{t, eps, std::nullopt, std::nullopt, python_error::NONE};
        const double v = drawn ? v_draw_impl(m, t, eps) : v_win_impl(m, t, eps);
        if (!m.failed()) {
            entry.v = v;
        }
        const double w = m.failed() ? nan_value : (drawn ? w_draw_impl(m, t, eps) : w_win_impl(m, t, eps));
        if (!m.failed()) {
            entry.w = w;
        }
        entry.error = m.error;
        if (trace != nullptr) {
            trace->push_back(entry);
        }
        if (failed()) {
            return out;
        }
        const double denom = 1.0 - w;
        const double pi = m.div(div.pi, denom);
        const double tau = m.div(div.tau + sqrt_pi * v, denom);
        if (failed()) {
            return out;
        }
        const double delta = update_value(diff, diff_truncate, {pi, tau});
        if (delta <= schedule_min_delta) {
            break;
        }
    }

    // Up both ends of the difference, then the rest of the black arrows.
    sum_update(m, team[0], team_diff[0], {{&diff, &diff_sum, 1.0}, {&team[1], &team_diff[1], 1.0}});
    sum_update(m, team[1], team_diff[1], {{&team[0], &team_diff[0], 1.0}, {&diff, &diff_sum, -1.0}});
    for (int i = 0; i < 2; ++i) {
        sum_update(m, perf[i], perf_sum[i], {{&team[i], &team_sum[i], 1.0}});
    }
    for (int i = 0; i < 2; ++i) {
        const gaussian msg = perf[i] / perf_likelihood[i];
        const double a = likelihood_a(m, game.beta_squared, msg);
        update_message(rating[i], rating_likelihood[i], {a * msg.pi, a * msg.tau});
    }
    if (failed()) {
        return out;
    }

    // Rating(float(var.mu), float(var.sigma)) for each player.
    trueskill_rating result[2];
    for (int i = 0; i < 2; ++i) {
        const double sigma = gaussian_sigma(m, rating[i]);
        python_error error = python_error::NONE;
        const auto made = m.failed() ? std::nullopt : trueskill_rating::make(gaussian_mu(rating[i]), sigma, &error);
        m.fail(error);
        if (failed()) {
            return out;
        }
        result[i] = *made;
    }
    out.first = result[0];
    out.second = result[1];
    return out;
}

}  // namespace eqb
