#include "scoring/eq-bench.hpp"

#include <array>
#include <cmath>
#include <numbers>
#include <string>

#include "core/python-float.hpp"
#include "core/unicode.hpp"

namespace eqb {
namespace {

// The reference's name check: 4 pairs, each name equal to a reference emotion
// ignoring case, and 4 distinct keys among those that matched. v1 keys the
// distinct set by the name as written, v2 by its lowercase (both as the
// reference). Allocation-free for ASCII names: this runs for every answer.
bool names_match(const emotion_reference& reference, const emotion_pairs& answer, bool key_lowercase) {
    if (answer.size() != 4) {
        return false;
    }
    std::array<const std::string*, 4> keys{};
    std::size_t distinct = 0;
    for (const auto& pair : answer.items()) {
        bool matched = false;
        for (std::size_t i = 0; i < 4 && !matched; ++i) {
            matched = unicode_equal_lower(pair.name, reference.names[i]);
        }
        if (!matched) {
            continue;
        }
        bool seen = false;
        for (std::size_t k = 0; k < distinct && !seen; ++k) {
            seen = key_lowercase ? unicode_equal_lower(*keys[k], pair.name) : *keys[k] == pair.name;
        }
        if (!seen) {
            keys[distinct++] = &pair.name;
        }
    }
    return distinct == 4;
}

}  // namespace

std::string_view v2_scorer_name(v2_scorer scorer) {
    return scorer == v2_scorer::V2_4 ? "v2.4" : "legacy";
}

std::optional<double> score_eq_bench_v1(const emotion_reference& reference, const emotion_pairs& answer) {
    if (!names_match(reference, answer, false)) {
        return std::nullopt;
    }
    double total = 0.0;
    for (const auto& pair : answer.items()) {
        total += pair.value;
    }
    if (total <= 0.0) {
        return std::nullopt;
    }
    double tally = 0.0;
    for (const auto& pair : answer.items()) {
        // user = {e: float(s) / total * 10} only when the total is not already 10.
        const double value = total != 10.0 ? pair.value / total * 10.0 : pair.value;
        for (std::size_t i = 0; i < 4; ++i) {
            if (pair.name == reference.names[i]) {
                tally += std::fabs(value - reference.scores[i]);
            }
        }
    }
    return 10.0 - tally;
}

std::optional<double> score_eq_bench_v2(const emotion_reference& reference, const emotion_pairs& answer,
                                        v2_scorer scorer) {
    if (!names_match(reference, answer, true)) {
        return std::nullopt;
    }
    double tally = 0.0;
    for (const auto& pair : answer.items()) {
        for (std::size_t i = 0; i < 4; ++i) {
            if (!unicode_equal_lower(pair.name, reference.names[i])) {
                continue;
            }
            const double d = std::fabs(pair.value - reference.scores[i]);
            const bool sigmoid = scorer == v2_scorer::V2_4 ? d <= eq_bench_v2_linear_from : d < eq_bench_v2_linear_from;
            double scaled = 0.0;
            if (d == 0.0) {
                scaled = 0.0;
            } else if (sigmoid) {
                // 6.5 * (1 / (1 + math.e ** (-1.2 * (d - 4)))), in the reference's order.
                scaled = eq_bench_v2_sigmoid_height *
                         (1.0 / (1.0 + std::pow(std::numbers::e,
                                                -eq_bench_v2_sigmoid_slope * (d - eq_bench_v2_sigmoid_centre))));
            } else {
                scaled = d;
            }
            tally += scaled;
        }
    }
    return 10.0 - tally * eq_bench_v2_adjust;
}

bool eq_bench_answer_scores(const parsed_answer& answer, bool revise, const emotion_reference& reference_v1) {
    return score_eq_bench_v1(reference_v1, answer.first_pass).has_value() &&
           (!revise || score_eq_bench_v1(reference_v1, answer.revised).has_value());
}

question_score score_eq_bench_question(const parsed_answer& answer, bool revise, const emotion_reference& reference_v1,
                                       const emotion_reference* reference_v2, v2_scorer scorer) {
    const auto score = [&](const emotion_pairs& pairs) -> std::optional<double> {
        if (reference_v2 != nullptr) {
            return score_eq_bench_v2(*reference_v2, pairs, scorer);
        }
        return score_eq_bench_v1(reference_v1, pairs);
    };
    question_score out;
    // The reference stores a try when its v1 first-pass score exists or, with
    // revision, its v1 revised score does; what it stores are the scores of the
    // run's scale for both parts, each None where that part does not match.
    const bool first_ok = score_eq_bench_v1(reference_v1, answer.first_pass).has_value();
    const bool revised_ok = revise && score_eq_bench_v1(reference_v1, answer.revised).has_value();
    if (!first_ok && !revised_ok) {
        return out;  // the try failed: nothing is stored for the question
    }
    out.first_pass = score(answer.first_pass);
    if (revise) {
        out.revised = score(answer.revised);
    }
    return out;
}

iteration_result eq_bench_iteration_aggregate(const std::vector<question_score>& scores) {
    iteration_result r;
    double sum_first = 0.0;
    double sum_revised = 0.0;
    for (const auto& s : scores) {
        if (s.first_pass) {
            sum_first += *s.first_pass;
            ++r.first_pass_parseable;
        }
        if (s.revised) {
            sum_revised += *s.revised;
            ++r.revised_parseable;
        }
    }
    if (r.first_pass_parseable > 0) {
        r.first_pass_score = 100.0 * (sum_first / r.first_pass_parseable / 10.0);
    }
    if (r.revised_parseable > 0) {
        r.revised_score = 100.0 * (sum_revised / r.revised_parseable / 10.0);
    }
    r.final_score = r.first_pass_score;
    r.final_parseable = r.first_pass_parseable;
    if (r.revised_score >= r.first_pass_score &&
        r.revised_parseable >= eq_bench_revised_parseable_share * r.first_pass_parseable) {
        r.final_score = r.revised_score;
        r.final_parseable = r.revised_parseable;
    }
    return r;
}

run_result eq_bench_run_aggregate(const std::vector<iteration_result>& iterations, int n_iterations, int n_questions) {
    run_result r;
    double score_tally = 0.0;
    double parseable_tally = 0.0;
    for (const auto& it : iterations) {
        score_tally += it.final_score;
        parseable_tally += it.final_parseable;
    }
    const double n = n_iterations > 0 ? n_iterations : 1;
    r.score = python_round(score_tally / n, 2);
    r.parseable = python_round(parseable_tally / n, 2);
    if (n_questions > 0 && r.parseable / n_questions < eq_bench_min_parseable) {
        r.failed = true;
        r.error = python_float_repr(r.parseable) + " questions were parseable (min is 83%)";
    }
    return r;
}

}  // namespace eqb
