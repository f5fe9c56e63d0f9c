#pragma once
// What Creative Writing v3's Elo stage compares: each model's pieces by
// iteration with their rubric scores (the reference's elo_results.json
// "iterations"), each side's top iterations, and the item pairs judged against
// one opponent.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "bench/creative-writing-3/data.hpp"
#include "bench/creative-writing-3/rubric.hpp"

namespace eqb {

// Prompts the reference leaves out of the Elo (IGNORE_PROMPTS_FOR_ELO).
constexpr const char* cw3_elo_ignored_prompts[] = {"5", "16", "20", "21", "26", "28", "30"};

// How many iterations of each side are paired (MAX_ITERS_PER_MODEL_FOR_PAIRING).
constexpr std::size_t cw3_pairing_iterations = 2;

// Whether an item is left out of the Elo: its id up to the first '_' is one of
// cw3_elo_ignored_prompts.
bool cw3_elo_prompt_ignored(std::string_view item_id);

struct cw3_elo_item {
    std::string item_id;
    std::string text;                  // the stored piece, stripped; "": not among the reference's items (never paired)
    std::optional<double> item_score;  // round(mean of its values, 2), negatives as 20 - x, none left out
};

struct cw3_elo_iteration {
    std::string iteration_id;   // "1", "2", ...
    double rubric_score = 0.0;  // round(sum / count, 2) over every value of its items (0 when none)
    double scores_sum = 0.0;    // the values summed piece by piece, in run order
    std::size_t scores_count = 0;
    std::vector<cw3_elo_item> items;  // run order; items with a text or a score
};

struct cw3_elo_model {
    std::vector<cw3_elo_iteration> iterations;  // stored order (run order for a new model)
    std::optional<double> rubric_score_agg;     // round(all sums / all counts, 2); nullopt: no values
    std::string best_iteration;                 // the first with the highest rubric_score; "" when none
};

// A model's Elo entry from its run's pieces, as the reference aggregates them
// (iteration by iteration, prompts in file order; judged pieces only; ignored
// prompts left out). Unlike the rubric score, no value is dropped here: a
// negative criterion scored below 0 counts as more than 20.
cw3_elo_model cw3_elo_model_build(const std::vector<cw3_piece>& pieces, const std::vector<cw3_prompt>& prompts,
                                  const std::vector<std::string>& negative_criteria);

// The reference's "items" of an iteration: how many have a text.
std::size_t cw3_elo_text_count(const cw3_elo_iteration& iteration);

// The iteration and item of that id, or nullptr.
const cw3_elo_iteration* cw3_elo_iteration_find(const cw3_elo_model& model, std::string_view iteration_id);
const cw3_elo_item* cw3_elo_item_find(const cw3_elo_iteration& iteration, std::string_view item_id);

// The `n` iterations with the highest rubric_score (a stable sort: ties keep the
// stored order), returned in ascending id order (numeric for digit ids), as
// the reference pairs them.
std::vector<std::string> cw3_top_iterations(const cw3_elo_model& model, std::size_t n);

// The reference's matchup signature: the two (model, iteration) pairs sorted,
// then the item: "M1|I1|M2|I2|ITEM". The same for both directions.
std::string cw3_matchup_signature(std::string_view test_model, std::string_view neighbor_model,
                                  std::string_view item_id, std::string_view test_iteration,
                                  std::string_view neighbor_iteration);

struct cw3_matchup {
    std::string item_id;
    std::string test_iteration;
    std::string opponent_iteration;
};

// Up to `budget` new matchups of the test model against one opponent, in the
// reference's order: the test model's top iterations in id order, its items in
// id order (ignored prompts skipped), each against the opponent's first top
// iteration holding the item (with a text); a matchup whose signature is in `judged` is
// skipped. Empty when either side has no iteration.
std::vector<cw3_matchup> cw3_matchups_for_opponent(std::string_view test_model, const cw3_elo_model& test,
                                                   std::string_view opponent_model, const cw3_elo_model& opponent,
                                                   std::size_t budget, const std::unordered_set<std::string>& judged);

}  // namespace eqb
