#pragma once
// TrueSkill 0.4.5 (the pure-Python backend of github.com/sublee/trueskill) for
// one-against-one games, bit for bit: its own erfc approximation and the
// functions built on it, the draw margin, the V/W truncation functions, and
// rate_1vs1 with the factor-graph schedule exactly as the library runs it.
// Where the library raises, the error comes back as a value.

#include <optional>
#include <string_view>
#include <vector>

namespace eqb {

// The Python exception the library would raise; NONE when it returns.
enum class python_error { NONE, FLOATING_POINT_ERROR, VALUE_ERROR, ZERO_DIVISION_ERROR, OVERFLOW_ERROR };

// The exception's Python class name ("FloatingPointError", ...); "" for NONE.
std::string_view python_error_name(python_error error);

// A double, or the exception that computing it raised.
struct trueskill_value {
    double value = 0.0;
    python_error error = python_error::NONE;
    bool ok() const { return error == python_error::NONE; }
};

// The constants of a trueskill.TrueSkill environment.
struct trueskill_env {
    double mu = 25.0;
    double sigma = 25.0 / 3.0;
    double beta = 25.0 / 6.0;
    double tau = 25.0 / 300.0;
    double draw_probability = 0.1;
};

// EQ-Bench 3 (core/trueskill_solver.py): mu 1200, sigma 350/3, beta 350/6, tau 0, no draws.
trueskill_env trueskill_env_eqbench3();

// Creative Writing v3 (core/trueskill_solver_cw.py): mu 1200, sigma 400, beta 200, tau 4, no draws.
trueskill_env trueskill_env_cw3();

// A trueskill.Rating: stored as the library stores it (precision pi = sigma ** -2
// and tau = pi * mu), so mu() and sigma() read back what the library's
// properties return, last bits included.
class trueskill_rating {
  public:
    trueskill_rating() = default;

    // Rating(mu, sigma); ValueError for sigma 0, OverflowError where sigma ** -2 overflows.
    static std::optional<trueskill_rating> make(double mu, double sigma, python_error* error = nullptr);

    // env.create_rating(): the environment's mu and sigma.
    static trueskill_rating make_default(const trueskill_env& env);

    double mu() const;     // tau / pi (pi itself when pi is 0, as the library returns it)
    double sigma() const;  // sqrt(1 / pi); infinity when pi is 0
    double pi() const { return pi_; }
    double tau() const { return tau_; }

  private:
    double pi_ = 0.0;
    double tau_ = 0.0;
};

// The library's functions of the standard normal (trueskill/backends.py).
double trueskill_erfc(double x);              // the Numerical Recipes erfcc polynomial
trueskill_value trueskill_erfcinv(double y);  // rational guess and two Newton steps; -100 / 100 outside (0, 2)
double trueskill_cdf(double x);               // 0.5 * erfc(-x / sqrt(2))
trueskill_value trueskill_pdf(double x);      // exp(-x ** 2 / 2) / sqrt(2 pi)
trueskill_value trueskill_ppf(double p);      // -sqrt(2) * erfcinv(2 p)

// calc_draw_margin(draw_probability, size, env) = ppf((p + 1) / 2) * sqrt(size) * beta.
// Not 0 for probability 0: the library's erfcinv(1) is about -2.66e-08.
trueskill_value trueskill_draw_margin(double draw_probability, int size, const trueskill_env& env);

// TrueSkill.v_win / w_win / v_draw / w_draw (w_win raises outside (0, 1);
// w_draw raises for a zero denominator): FloatingPointError as a value.
trueskill_value trueskill_v_win(double diff, double draw_margin);
trueskill_value trueskill_w_win(double diff, double draw_margin);
trueskill_value trueskill_v_draw(double diff, double draw_margin);
trueskill_value trueskill_w_draw(double diff, double draw_margin);

// One call of the truncation factor's up() during a rating: its arguments
// t = tau / sqrt(pi) and eps = draw_margin * sqrt(pi) of the cavity, and the
// V and W it computed (absent past the point where it raised).
struct trueskill_trace_entry {
    double t = 0.0;
    double eps = 0.0;
    std::optional<double> v;
    std::optional<double> w;
    python_error error = python_error::NONE;
};

// The two new ratings, or the exception rate_1vs1 raised (the ratings then
// unchanged, as both reference solvers skip a failed update).
struct trueskill_outcome {
    trueskill_rating first;
    trueskill_rating second;
    python_error error = python_error::NONE;
    bool ok() const { return error == python_error::NONE; }
};

// Precomputed per environment: the 1-vs-1 draw margin and beta ** 2.
struct trueskill_game {
    trueskill_env env;
    double draw_margin = 0.0;  // calc_draw_margin(env.draw_probability, 2, env)
    double beta_squared = 0.0;
    python_error error = python_error::NONE;  // where computing the margin raised
};

// The constants rate_1vs1 derives from `env`.
trueskill_game trueskill_game_make(const trueskill_env& env);

// rate_1vs1(first, second, drawn): `first` beat `second`, or they drew (argument
// order still matters to the last bits). `trace`, when given, receives every
// truncation-factor update. Pure; thread-safe.
trueskill_outcome trueskill_rate_1vs1(const trueskill_game& game, const trueskill_rating& first,
                                      const trueskill_rating& second, bool drawn,
                                      std::vector<trueskill_trace_entry>* trace = nullptr);

}  // namespace eqb
