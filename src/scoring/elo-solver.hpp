#pragma once
// The TrueSkill rating solvers of EQ-Bench 3 (core/trueskill_solver.py) and
// Creative Writing v3 (core/trueskill_solver_cw.py), and what the references do
// around them: the solver's comparison filters, the rank window, anchor
// normalisation, and the final ratings rounded as they are stored.

#include <cstddef>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "scoring/elo-pairwise.hpp"
#include "scoring/trueskill.hpp"

namespace eqb {

enum class elo_benchmark { EQBENCH3, CREATIVE_WRITING3 };

// One stored pairwise comparison (one judge call), as both references store it.
struct elo_comparison {
    std::string test_model;          // the model being rated when it was judged
    std::string neighbor_model;      // its opponent
    std::string item_id;             // EQ-Bench 3 scenario_id; Creative Writing v3 item_id (prompt id)
    std::string test_iteration;      // EQ-Bench 3 iteration_index; CW3 test_model_iteration_id
    std::string neighbor_iteration;  // CW3 neighbor_model_iteration_id (EQ-Bench 3: unused)
    pairwise_direction direction = pairwise_direction::FORWARD;
    bool error = false;  // an error record: kept, never rated
    double outcome_for_test = 0.5;
    int plus_for_test = 0;
    int plus_for_other = 0;
    double fraction_for_test = 0.5;
};

// The constants of one benchmark's Elo machinery.
struct elo_config {
    elo_benchmark benchmark = elo_benchmark::EQBENCH3;
    trueskill_game game;      // the environment rate_1vs1 runs in
    int bin_size = 0;         // pseudo-match bins of the mu solve
    int bin_size_for_ci = 0;  // ... and of the sigma solve
    double default_elo = 1200.0;
    std::string top_anchor;  // normalised to top_target
    double top_target = 1500.0;
    std::string bottom_anchor;  // normalised to bottom_target
    double bottom_target = 200.0;
    std::size_t rank_window = 16;            // RANK_WINDOW: ladder distance kept in a solve
    double ci_z = 1.96;                      // CI = mu +- ci_z * sigma
    std::vector<std::string> ignored_items;  // IGNORE_SCENARIOS_FOR_ELO / IGNORE_PROMPTS_FOR_ELO
};

// EQ-Bench 3: TrueSkill(1200, 350/3, 350/6, 0, 0), bins 20 / 5, anchors o3 -> 1500 and
// meta-llama/llama-3.2-1b-instruct -> 200, no ignored scenario.
const elo_config& elo_config_eqbench3();

// Creative Writing v3: TrueSkill(1200, 400, 200, 4, 0), bins 4 / 3, anchors
// deepseek/deepseek-r1 -> 1500 and meta-llama/llama-3.2-1b-instruct -> 200,
// prompts 5, 16, 20, 21, 26, 28, 30 ignored.
const elo_config& elo_config_cw3();

const elo_config& elo_config_of(elo_benchmark benchmark);

// Whether the item is left out of Elo (CW3 compares the part before the first '_').
bool elo_item_ignored(const elo_config& config, const std::string& item_id);

// The comparisons the solver may use, in order (get_solver_comparisons): no
// error records, no ignored items, both models named.
std::vector<const elo_comparison*> elo_solver_comparisons(const elo_config& config,
                                                          std::span<const elo_comparison> comparisons);

// A rating snapshot: every model's current rating, in the snapshot's order
// (which breaks ties of the stable sort by rating, lowest first).
struct elo_snapshot_entry {
    std::string model;
    double rating = 0.0;
};

// The ladder: snapshot models sorted by rating, lowest first, ties in snapshot order.
std::vector<std::string> elo_ladder(std::span<const elo_snapshot_entry> snapshot);

// filter_comps_within_rank_window: the comparisons whose two models are both on the
// snapshot's ladder and at most `window` places apart.
std::vector<const elo_comparison*> elo_within_rank_window(const std::vector<const elo_comparison*>& comparisons,
                                                          std::span<const elo_snapshot_entry> snapshot,
                                                          std::size_t window);

// One logical matchup: the comparisons of one model pair on one item (EQ-Bench 3:
// and iteration; CW3: and both iterations), merged by summed plus counts.
struct elo_matchup {
    std::size_t first = 0;   // index into the solver's models: the name (CW3: (name, iteration)) that sorts first
    std::size_t second = 0;  // the other model
    std::string item_id;
    std::string first_iteration;
    std::string second_iteration;
    double fraction = 0.5;    // for `first` (compute_fraction_for_test of the summed counts)
    std::size_t records = 0;  // comparisons merged into it
};

// The solver's matchups in the order their first comparison appears. Comparisons
// naming a model missing from `models`, or a model against itself, are left out.
std::vector<elo_matchup> elo_matchups(const elo_config& config, std::span<const std::string> models,
                                      const std::vector<const elo_comparison*>& comparisons);

// What one solve leaves: every model's rating (in `models` order) and the
// matchups whose pseudo-matches stopped at an error (skipped, as the references do).
struct elo_solve_output {
    std::vector<trueskill_rating> ratings;
    std::vector<std::size_t> failed_matchups;
};

// solve_with_trueskill(_cw): every model starts at config.default_elo if it takes
// part in a matchup, else at initial_mu (same size as the models), sigma from the
// environment; then the matchups in order, each as one draw or as 1..bin_size
// straight wins (first's, then second's). `matchup_limit` stops early (checkpoints).
elo_solve_output elo_solve(const elo_config& config, std::size_t model_count, std::span<const elo_matchup> matchups,
                           std::span<const double> initial_mu, int bin_size,
                           std::size_t matchup_limit = std::numeric_limits<std::size_t>::max());

// normalize_elo_scores: x * scale + shift mapping the two anchors to their
// targets; identity (applied false) unless both anchors have a score; scale 1 when
// their raw scores are within 1e-6.
struct elo_normalization {
    bool applied = false;
    double scale = 1.0;
    double shift = 0.0;
    double apply(double x) const { return applied ? x * scale + shift : x; }
};
elo_normalization elo_normalization_make(const elo_config& config, std::optional<double> top_raw,
                                         std::optional<double> bottom_raw);

// One model's stored Elo entry. Keys the reference did not write are absent.
struct elo_rating {
    std::string model;
    double elo = 0.0;
    double elo_norm = 0.0;
    std::optional<double> sigma;
    std::optional<double> ci_low;
    std::optional<double> ci_high;
    std::optional<double> ci_low_norm;
    std::optional<double> ci_high_norm;
};

// The final block of run_elo_analysis_* (and _recalculate_elo_ratings): round(x, 2)
// of mu, normalised mu, sigma and mu -+ z sigma; ci_*_norm normalise the ROUNDED
// bounds with the ROUNDED anchors' elo. mu and sigma in `models` order.
std::vector<elo_rating> elo_ratings_stored(const elo_config& config, std::span<const std::string> models,
                                           std::span<const double> mu, std::span<const double> sigma);

// Both final solves over the same comparisons (bin_size for mu, bin_size_for_ci
// for sigma), every model starting at the default (CW3: the sigma solve starts
// inactive models at the first solve's mu, as the reference passes it).
struct elo_final_solve {
    std::vector<double> mu;              // in `models` order
    std::vector<double> sigma;           // from the interval solve
    std::vector<double> sigma_mu_solve;  // sigma of the mu solve (diagnostics)
    std::vector<double> mu_ci_solve;     // mu of the interval solve (diagnostics)
    std::size_t matchups = 0;
    std::vector<std::size_t> failed_mu;
    std::vector<std::size_t> failed_ci;
};
elo_final_solve elo_solve_final(const elo_config& config, std::span<const std::string> models,
                                const std::vector<const elo_comparison*>& comparisons);

// merge_results_to_canonical.py _recalculate_elo_ratings: comparisons within the
// rank window of the stored ratings, both solves, then elo_ratings_stored. Models
// in `stored` order; with no comparison left every model gets the defaults.
std::vector<elo_rating> eqbench3_recalculate_elo_ratings(std::span<const elo_snapshot_entry> stored,
                                                         std::span<const elo_comparison> comparisons);

// merge_results_to_canonical.py --action recalc: a rough mu solve of every record,
// the rank window on that ladder, both solves, bounds normalised UNROUNDED by a
// dictionary without anchors, so ci_*_norm stay on the raw scale (a reference bug,
// kept). `models` are the Elo file's; the result is sorted by name.
std::vector<elo_rating> eqbench3_action_recalc(std::span<const std::string> models,
                                               std::span<const elo_comparison> comparisons);

}  // namespace eqb
