#include "scoring/elo-pairwise.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>

#include "core/python-str.hpp"
#include "core/unicode.hpp"

namespace eqb {

namespace {

constexpr std::string_view mark_a = "A0493";
constexpr std::string_view mark_b = "A0488";
constexpr std::string_view eqbench3_skipped_key = "chain_of_thought_reasoning";
constexpr std::array<std::string_view, 3> cw3_skipped_keys = {"improvement_suggestions", "theory_of_mind",
                                                              "_item_order_idx"};
constexpr std::array<std::string_view, 3> cw3_punished_keys = {"avoids_poetic_overload", "coherence",
                                                               "avoids_verbosity"};
constexpr double bin_draw_eps = 1e-9;
constexpr double half = 0.5;

int plus_count(std::string_view text) {
    return static_cast<int>(std::count(text.begin(), text.end(), '+'));
}

bool contains(std::string_view text, std::string_view part) {
    return text.find(part) != std::string_view::npos;
}

template <std::size_t N>
bool is_one_of(std::string_view key, const std::array<std::string_view, N>& keys) {
    return std::find(keys.begin(), keys.end(), key) != keys.end();
}

pairwise_tally tally_result(int a, int b) {
    if (a > b) {
        return {1.0, a, b};
    }
    if (b > a) {
        return {0.0, a, b};
    }
    return {0.5, a, b};
}

// Python's min(a, b) and max(a, b) on floats: the first argument unless the
// second is strictly smaller (larger), so NaN handling follows Python.
double python_min(double a, double b) {
    return b < a ? b : a;
}
double python_max(double a, double b) {
    return b > a ? b : a;
}

double invert_outcome(double outcome) {
    if (outcome == 1.0) {
        return 0.0;
    }
    if (outcome == 0.0) {
        return 1.0;
    }
    return 0.5;
}

double fraction_from_margin(double outcome_for_test, double margin) {
    if (outcome_for_test == half) {
        return half;
    }
    if (outcome_for_test == 1.0) {
        return margin;
    }
    return 1.0 - margin;
}

}  // namespace

std::optional<long long> python_int(std::string_view text) {
    const std::string s = python_strip(text);
    std::size_t pos = 0;
    bool negative = false;
    if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
        negative = s[pos] == '-';
        ++pos;
    }
    constexpr long long saturation = 1000000000000000000LL;
    long long value = 0;
    bool digit_seen = false;
    bool underscore_last = false;
    while (pos < s.size()) {
        if (s[pos] == '_') {
            if (!digit_seen || underscore_last) {
                return std::nullopt;
            }
            underscore_last = true;
            ++pos;
            continue;
        }
        const int d = unicode_digit_value(utf8_decode(s, pos));
        if (d < 0) {
            return std::nullopt;
        }
        value = value >= saturation / 10 ? saturation : value * 10 + d;
        digit_seen = true;
        underscore_last = false;
    }
    if (!digit_seen || underscore_last) {
        return std::nullopt;
    }
    return negative ? -value : value;
}

pairwise_tally eqbench3_pairwise_tally(std::span<const judge_member> members) {
    int a = 0;
    int b = 0;
    for (const auto& member : members) {
        if (member.key == eqbench3_skipped_key || !member.text) {
            continue;
        }
        const std::string_view text = *member.text;
        const int plus = plus_count(text);
        if (contains(text, mark_a)) {
            a += plus;
        } else if (contains(text, mark_b)) {
            b += plus;
        }
    }
    return tally_result(a, b);
}

std::optional<pairwise_tally> cw3_pairwise_tally(std::span<const judge_member> members) {
    int a = 0;
    int b = 0;
    for (const auto& member : members) {
        if (is_one_of(member.key, cw3_skipped_keys)) {
            continue;
        }
        if (!member.text) {
            return std::nullopt;
        }
        const std::string_view text = *member.text;
        const bool punished = is_one_of(member.key, cw3_punished_keys);
        const int plus = plus_count(text);
        if (contains(text, mark_a)) {
            a += plus;
            b -= punished ? plus : 0;
        } else if (contains(text, mark_b)) {
            b += plus;
            a -= punished ? plus : 0;
        }
    }
    return tally_result(a, b);
}

pairwise_fraction eqbench3_fraction_for_test(double outcome_for_test, int plus_for_test, int plus_for_other) {
    pairwise_fraction out;
    out.diff = std::abs(plus_for_test - plus_for_other);
    out.diff_norm = python_min(static_cast<double>(out.diff) / eqbench3_max_possible_diff, 1.0);
    out.diff_blend = out.diff_norm;
    const double margin = out.diff_blend / 2.0 + half;
    out.fraction = python_max(0.0, python_min(1.0, fraction_from_margin(outcome_for_test, margin)));
    return out;
}

pairwise_fraction cw3_fraction_for_test(double outcome_for_test, int plus_for_test, int plus_for_other) {
    pairwise_fraction out;
    out.diff = std::abs(plus_for_test - plus_for_other);
    out.diff_norm = static_cast<double>(out.diff) / cw3_max_possible_diff;
    out.diff_blend = out.diff_norm;
    const double margin = out.diff_blend / 2.0 + half;
    out.fraction = fraction_from_margin(outcome_for_test, margin);
    return out;
}

pairwise_counts eqbench3_downscale_analysis_pair(std::string_view scenario_id, double outcome_for_test,
                                                 int plus_for_test, int plus_for_other) {
    pairwise_counts out{plus_for_test, plus_for_other, {}};
    const auto id = python_int(scenario_id);
    if (id && *id >= eqbench3_analysis_first_id) {
        if (outcome_for_test == 1.0) {
            out.plus_for_test = 1;
            out.plus_for_other = 0;
        } else if (outcome_for_test == 0.0) {
            out.plus_for_test = 0;
            out.plus_for_other = 1;
        } else {
            out.plus_for_test = 0;
            out.plus_for_other = 0;
        }
    }
    out.fraction = eqbench3_fraction_for_test(outcome_for_test, out.plus_for_test, out.plus_for_other);
    return out;
}

comparison_outcome eqbench3_comparison_outcome(std::span<const judge_member> members, pairwise_direction direction,
                                               std::string_view scenario_id) {
    const auto tally = eqbench3_pairwise_tally(members);
    const bool forward = direction == pairwise_direction::FORWARD;
    const double outcome = forward ? tally.outcome_for_a : invert_outcome(tally.outcome_for_a);
    const auto counts =
        eqbench3_downscale_analysis_pair(scenario_id, outcome, forward ? tally.plus_for_a : tally.plus_for_b,
                                         forward ? tally.plus_for_b : tally.plus_for_a);
    return {outcome, counts.plus_for_test, counts.plus_for_other, counts.fraction.fraction};
}

std::optional<comparison_outcome> cw3_comparison_outcome(std::span<const judge_member> members,
                                                         pairwise_direction direction) {
    const auto tally = cw3_pairwise_tally(members);
    if (!tally) {
        return std::nullopt;
    }
    const bool forward = direction == pairwise_direction::FORWARD;
    comparison_outcome out;
    out.outcome_for_test = forward ? tally->outcome_for_a : invert_outcome(tally->outcome_for_a);
    out.plus_for_test = forward ? tally->plus_for_a : tally->plus_for_b;
    out.plus_for_other = forward ? tally->plus_for_b : tally->plus_for_a;
    out.fraction_for_test = cw3_fraction_for_test(out.outcome_for_test, out.plus_for_test, out.plus_for_other).fraction;
    return out;
}

pseudo_matches elo_bin_fraction(double fraction, int bin_size) {
    const double frac = python_max(0.0, python_min(1.0, fraction));
    const double step = half / static_cast<double>(bin_size);
    if (std::fabs(frac - half) < bin_draw_eps) {
        return {1, 1};
    }
    const double margin = frac > half ? frac - half : half - frac;
    const auto wins = std::max(1, std::min(bin_size, static_cast<int>(std::ceil(margin / step))));
    if (frac > half) {
        return {wins, 0};
    }
    return {0, wins};
}

}  // namespace eqb
