#pragma once
// The arithmetic of one pairwise judgement in EQ-Bench 3 and Creative Writing v3:
// the '+' tallies of the judge's verdicts, the win fraction of the model under
// test, analysis downscaling (EQ-Bench 3), and the fraction's expansion into
// pseudo-matches for TrueSkill. No JSON here: the caller parses the judge's
// answer and passes its top-level members.

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace eqb {

// Pseudo-match bin sizes: the mu solve and the sigma (interval) solve.
constexpr int eqbench3_bin_size = 20;            // WIN_MARGIN_BIN_SIZE
constexpr int eqbench3_bin_size_for_ci = 5;      // WIN_MARGIN_BIN_SIZE_FOR_CI
constexpr int cw3_bin_size = 4;                  // TRUESKILL_BIN_SIZE_FOR_WIN_EXPANSION
constexpr int cw3_bin_size_for_ci = 3;           // TRUESKILL_BIN_SIZE_FOR_CI_CALCULATION
constexpr int eqbench3_max_possible_diff = 30;   // MAX_POSSIBLE_DIFF: plus difference of a full-margin win
constexpr double cw3_max_possible_diff = 45.0;   // compute_fraction_for_test_cw's divisor (not a cap)
constexpr int eqbench3_analysis_first_id = 400;  // numeric scenario ids from 400 are analysis tasks

// Python's int(text) for a str: surrounding whitespace, one sign, decimal digits
// of any script with single underscores between them; nullopt where int()
// raises ValueError. Magnitudes beyond 1e18 saturate.
std::optional<long long> python_int(std::string_view text);

// One top-level member of the judge's JSON object, in the object's order, with
// duplicate keys collapsed as Python's json does (first position, last value).
// `text` is the value when it is a JSON string, nullopt for any other type.
struct judge_member {
    std::string key;
    std::optional<std::string> text;
};

// interpret_pairwise_result's (outcome_for_A, plus_for_A, plus_for_B): outcome
// 1.0 when A0493's tally is higher, 0.0 when lower, 0.5 on a tie.
struct pairwise_tally {
    double outcome_for_a = 0.5;
    int plus_for_a = 0;
    int plus_for_b = 0;
};

// EQ-Bench 3 (core/pairwise_judging.py): every '+' of a string value counts for
// A0493 if the value contains "A0493", else for A0488 if it contains "A0488";
// chain_of_thought_reasoning and non-strings are skipped.
pairwise_tally eqbench3_pairwise_tally(std::span<const judge_member> members);

// Creative Writing v3 (core/elo_helpers_cw.py): as EQ-Bench 3 but skipping
// improvement_suggestions, theory_of_mind and _item_order_idx, and for coherence,
// avoids_verbosity and avoids_poetic_overload the other side also loses the
// count (tallies can go negative). nullopt when a checked value is not a string
// (the reference raises TypeError there and stores an error record).
std::optional<pairwise_tally> cw3_pairwise_tally(std::span<const judge_member> members);

// compute_fraction_for_test's (fraction, diff, diff_norm, diff_blend).
struct pairwise_fraction {
    double fraction = 0.5;  // for the model under test
    int diff = 0;           // |plus_for_test - plus_for_other|
    double diff_norm = 0.0;
    double diff_blend = 0.0;  // custom_blend: the identity in both references
};

// EQ-Bench 3: diff / 30 capped at 1; fraction 0.5 +- diff_norm / 2 by outcome,
// clamped to [0, 1].
pairwise_fraction eqbench3_fraction_for_test(double outcome_for_test, int plus_for_test, int plus_for_other);

// Creative Writing v3: diff / 45, not capped, the fraction not clamped.
pairwise_fraction cw3_fraction_for_test(double outcome_for_test, int plus_for_test, int plus_for_other);

// downscale_analysis_pair's result: the plus counts kept and their fraction.
struct pairwise_counts {
    int plus_for_test = 0;
    int plus_for_other = 0;
    pairwise_fraction fraction;
};

// EQ-Bench 3 (core/elo_helpers.py): for a scenario id that Python's int() reads
// as >= 400 the plus counts become 1-0, 0-1 or 0-0 by outcome; other ids keep
// them. Then the fraction.
pairwise_counts eqbench3_downscale_analysis_pair(std::string_view scenario_id, double outcome_for_test,
                                                 int plus_for_test, int plus_for_other);

// Which model the judge saw as A0493.
enum class pairwise_direction { FORWARD, REVERSED };  // FORWARD: the model under test is A0493

// What one judgement contributes, from the model under test's side.
struct comparison_outcome {
    double outcome_for_test = 0.5;
    int plus_for_test = 0;
    int plus_for_other = 0;
    double fraction_for_test = 0.5;
};

// EQ-Bench 3's stored numbers for a judgement (_recompute_comparison_stats): tally,
// sides swapped for REVERSED, downscaled for analysis scenarios.
comparison_outcome eqbench3_comparison_outcome(std::span<const judge_member> members, pairwise_direction direction,
                                               std::string_view scenario_id);

// Creative Writing v3's stored numbers for a judgement; nullopt where the
// reference stores an error record (a non-string verdict value).
std::optional<comparison_outcome> cw3_comparison_outcome(std::span<const judge_member> members,
                                                         pairwise_direction direction);

// bin_fraction / bin_fraction_trueskill (the same function in both references):
// a fraction within 1e-9 of 0.5 is one draw (1, 1); otherwise 1..bin_size wins
// for the side ahead, ceil(margin / (0.5 / bin_size)) in floating point.
struct pseudo_matches {
    int wins_test = 1;
    int wins_other = 1;
    bool draw() const { return wins_test == 1 && wins_other == 1; }
};
pseudo_matches elo_bin_fraction(double fraction, int bin_size);

}  // namespace eqb
