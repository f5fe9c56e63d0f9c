#pragma once
// EQ-Bench scoring per SPEC sections 5-6: one answer against the reference
// ratings, an iteration's aggregate, and a run's score. Pure arithmetic that
// follows the reference's operation order, so results match bit for bit.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/answer.hpp"
#include "core/question.hpp"

namespace eqb {

// Constants of the method (reference pipeline v2.4).
constexpr double eq_bench_v2_adjust = 0.7477;       // scales the difference tally
constexpr double eq_bench_v2_sigmoid_height = 6.5;  // S-curve maximum
constexpr double eq_bench_v2_sigmoid_slope = 1.2;   // S-curve steepness
constexpr double eq_bench_v2_sigmoid_centre = 4.0;  // S-curve midpoint
constexpr double eq_bench_v2_linear_from = 5.0;     // d beyond this counts as d
constexpr double eq_bench_min_parseable = 0.8333;   // share of questions a run needs
constexpr double eq_bench_revised_parseable_share = 0.95;

enum class v2_scorer {
    V2_4,    // pipeline v2.4: sigmoid for 0 < d <= 5 (default)
    LEGACY,  // the 2024 leaderboard's scorer: sigmoid for 0 < d < 5
};

std::string_view v2_scorer_name(v2_scorer scorer);

// v1 "normalised" score against `reference_answer`; nullopt unless the answer
// has exactly 4 pairs naming the 4 reference emotions (case-insensitively) and
// its values sum > 0. Differences count only for exact-case names (reference BUG kept).
std::optional<double> score_eq_bench_v1(const emotion_reference& reference, const emotion_pairs& answer);

// v2 "fullscale" score against `reference_answer_fullscale`; nullopt unless the
// answer has exactly 4 pairs naming the 4 reference emotions (case-insensitively).
std::optional<double> score_eq_bench_v2(const emotion_reference& reference, const emotion_pairs& answer,
                                        v2_scorer scorer);

// The scores stored for one question, as the live reference stores them.
struct question_score {
    std::optional<double> first_pass;
    std::optional<double> revised;
};

// Scores one parsed answer as the reference stores a try: only when its v1
// first-pass score exists or (revision on) its v1 revised score does; the stored
// values are then the run scale's scores of both parts (v2, or v1 for a v1 run),
// each nullopt where that part does not match. Checked on the conformance corpus.
// `reference_v1` is reference_answer; `reference_v2` is reference_answer_fullscale
// (null for a v1 question set).
question_score score_eq_bench_question(const parsed_answer& answer, bool revise, const emotion_reference& reference_v1,
                                       const emotion_reference* reference_v2, v2_scorer scorer);

// True when a live try is a full success and is not retried (SPEC section 3):
// the v1 first-pass score exists and, with revision, the v1 revised one too.
bool eq_bench_answer_scores(const parsed_answer& answer, bool revise, const emotion_reference& reference_v1);

// One iteration's aggregate (SPEC section 6).
struct iteration_result {
    double first_pass_score = 0.0;
    int first_pass_parseable = 0;
    double revised_score = 0.0;
    int revised_parseable = 0;
    double final_score = 0.0;
    int final_parseable = 0;
};

// Aggregates question scores given in the reference's summation order.
iteration_result eq_bench_iteration_aggregate(const std::vector<question_score>& scores);

struct run_result {
    double score = 0.0;      // rounded to 2 places as Python's round()
    double parseable = 0.0;  // rounded to 2 places
    bool failed = false;     // fewer than 83.33% of questions parseable
    std::string error;       // the reference's failure message when failed
};

// The run score: the sum of iteration finals / `n_iterations` (the configured
// count, which may exceed the iterations present), rounded as the reference does.
run_result eq_bench_run_aggregate(const std::vector<iteration_result>& iterations, int n_iterations, int n_questions);

}  // namespace eqb
