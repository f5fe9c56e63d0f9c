#pragma once
// Rating one model into an EQ-Bench 3 or Creative Writing v3 Elo pool
// (run_elo_analysis_eqbench3 / run_elo_analysis_creative) as a resumable,
// thread-free state machine.
//
// elo_run_next() is pure: it replays the reference's stage schedule from the
// start over what is stored, and returns either the next comparisons to judge
// or the finished ratings. The caller judges a batch at any concurrency, stores
// each result (an elo_comparison naming the request it answers; a failed
// judgement as an error record), and calls again. Results are matched to
// requests by their fields, so they may be stored in any order; the solves
// always see them in the order a one-thread reference run stores them, so a
// killed run resumes exactly and nothing is asked twice.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "scoring/elo-solver.hpp"

namespace eqb {

// The items one iteration of a model can be compared on.
struct elo_iteration {
    std::string id;             // the iteration id ("1", "2", ...)
    double rubric_score = 0.0;  // CW3: creative_writing_rubric_score_iter (picks the top 2 iterations)
    // EQ-Bench 3: scenario ids whose task is ready for pairwise judging (status
    // rubric_scored, or completed for non-analysis scenarios; debrief present for
    // non-analysis; an assistant message of >= 100 characters). CW3: prompt ids
    // with a stored piece (status completed or judged, text not empty).
    std::vector<std::string> items;
};

// One model of the Elo pool.
struct elo_pool_model {
    std::string name;
    std::optional<double> elo;              // the stored 'elo'; none: not rated yet
    std::optional<double> rubric_score;     // CW3: creative_writing_rubric_score_agg
    std::vector<elo_iteration> iterations;  // in stored order
};

// Everything a rating run depends on.
struct elo_run_input {
    elo_benchmark benchmark = elo_benchmark::EQBENCH3;
    // The pool in stored order (the Elo file's order; ties of the rating sort
    // keep it), including the model being rated with its iterations (a model
    // new to the pool last, without elo; one missing from `models` has no items).
    std::vector<elo_pool_model> models;
    std::string test_model;  // the model being rated
    // The comparisons stored before this run, in stored order (CW3: each model's
    // stored list, models in pool order).
    std::vector<elo_comparison> existing;
    // This run's results so far, in any order; each answers the request with the
    // same neighbor_model, item_id, iterations and direction (test_model = the
    // model being rated).
    std::vector<elo_comparison> judged;
    // Opponent-pick randomness. EQ-Bench 3: one python_random(seed) per rated
    // model for the stage-1 jitter (the reference keeps one Random(42) per
    // process). CW3: a fresh python_random(seed) in every _pick_matchups call
    // (the reference calls the unseeded global random.sample).
    std::uint64_t seed = 42;
};

// One judge call to make: the model being rated against `neighbor_model`.
struct elo_request {
    std::string neighbor_model;
    std::string item_id;
    std::string test_iteration;
    std::string neighbor_iteration;                              // EQ-Bench 3: the same as test_iteration
    pairwise_direction direction = pairwise_direction::FORWARD;  // FORWARD: the model being rated is A0493
};

// One opponent of a selection round.
struct elo_loop_opponent {
    std::size_t rank = 0;
    std::string model;
    std::size_t depth = 0;           // ladder distance to the model being rated
    std::size_t cap = 0;             // logical pairs allowed (CW3: the comparison budget)
    std::vector<elo_request> pairs;  // new logical pairs, forward requests, in submission order
};

// One loop of a stage: what was picked, judged and solved.
struct elo_loop_trace {
    std::size_t stage = 0;    // 1-based index into elo_schedule
    std::size_t loop = 0;     // 1-based within the stage
    double elo_before = 0.0;  // the rated model's snapshot rating at the start of the loop
    std::size_t rank = 0;     // its ladder rank (lowest 0)
    std::size_t ladder_len = 0;
    std::optional<std::int64_t> jitter;        // EQ-Bench 3 stage 1
    bool no_opponents = false;                 // nothing picked: the stage ends
    std::vector<elo_loop_opponent> opponents;  // in pick order
    std::size_t solve_comparisons = 0;         // comparisons the re-solve used
    std::optional<double> test_mu_after;       // the rated model's rating after the re-solve (CW3: rounded)
    std::optional<std::size_t> rank_after;
    bool stable = false;
};

// The finished run.
struct elo_run_result {
    double start_elo = 0.0;  // the rating the model entered with (CW3: interpolated from rubric scores)
    // Every model's entry as the reference writes it (EQ-Bench 3 replaces the
    // entry; CW3 updates its keys), in snapshot order.
    std::vector<elo_rating> ratings;
    std::optional<std::string> error;             // the reference's elo error message, if any
    std::vector<elo_comparison> new_comparisons;  // this run's, in the reference's stored order
    std::vector<elo_loop_trace> loops;
    std::size_t unused_judged = 0;  // judged results that answered no request
};

// The next step of a run: requests to judge (the rest of the current round), or done.
struct elo_run_step {
    bool done = false;
    std::vector<elo_request> batch;  // when not done: in one-thread submission order
    elo_run_result result;           // when done; otherwise the loops so far (the last one being judged)
};

// Replays the run over `input` and returns what comes next. Pure; deterministic.
elo_run_step elo_run_next(const elo_run_input& input);

// The stored result of `request` from the judge's outcome (eqbench3_comparison_outcome
// or cw3_comparison_outcome of the answer).
elo_comparison elo_comparison_judged(const std::string& test_model, const elo_request& request,
                                     const comparison_outcome& outcome);

// The error record of `request` (the judge call failed or its answer had no
// usable verdict): stored like a result, never rated.
elo_comparison elo_comparison_failed(const std::string& test_model, const elo_request& request);

// deduplicate_comparisons_cw: the first of the comparisons sharing item, the
// sorted (model, iteration) pairs and round(fraction, 4); with `test_model`,
// only those whose test_model it is (each model's stored list).
std::vector<elo_comparison> cw3_comparisons_deduplicate(std::span<const elo_comparison> comparisons,
                                                        const std::string* test_model = nullptr);

// interpolate_elo_from_rubric_scores_cw: the starting Elo of a new CW3 model,
// linear in its rubric score between the other models' (rubric, elo), clamped to
// the ends; 1200 with fewer than 2 others. `others` are (rubric, elo) in pool order.
double cw3_interpolate_elo(double rubric_score, std::span<const std::pair<double, double>> others);

}  // namespace eqb
