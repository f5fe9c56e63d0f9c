#pragma once
// Creative Writing v3's Elo pool: the models a run is rated against, read from
// the reference's elo_results.json (its own format, so a file the reference
// wrote works here and the other way round), the comparisons in the
// reference's stored form, the rating run's input, and the file updated with
// a finished run as run_elo_analysis_creative saves it.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/creative-writing-3/elo-items.hpp"
#include "bench/creative-writing-3/pairwise.hpp"
#include "core/result.hpp"
#include "scoring/elo-run.hpp"

namespace eqb {

// The reference's file names: the Elo pool, and the runs file (its CLI default).
constexpr const char* cw3_elo_results_file = "elo_results.json";
constexpr const char* cw3_runs_file = "creative_bench_runs.json";

struct cw3_pool_iteration {
    std::string id;
    double rubric_score = 0.0;                                // creative_writing_rubric_score_iter
    std::vector<std::pair<std::string, std::string>> items;   // item id -> text (the pairwise cut), stored order
    std::vector<std::pair<std::string, double>> item_scores;  // item id -> rounded rubric score
};

struct cw3_pool_model {
    std::string name;
    std::optional<double> elo;
    std::optional<double> rubric_score_agg;
    std::vector<cw3_pool_iteration> iterations;  // stored order
};

// What a rating run is computed from: the models in the file's order and every
// model's stored comparisons, models in that order.
struct cw3_pool {
    std::vector<cw3_pool_model> models;
    std::vector<elo_comparison> comparisons;
};

// A stored comparison (the reference's dict: item_id, pair{...}, order, error,
// outcome_for_test_model, plus_for_test, plus_for_other, fraction_for_test).
elo_comparison cw3_comparison_from_json(const nlohmann::ordered_json& entry);

// What the reference stores for one pairwise judgement besides the numbers.
struct cw3_comparison_context {
    nlohmann::ordered_json judge_response;  // the verdict object, or {"error": ...}
    cw3_item_lengths lengths;
    double test_item_score = 0.0;  // item_scores of the two iterations (0.0 when absent)
    double neighbor_item_score = 0.0;
};

// The reference's dict for a comparison, keys in its order (an error record
// keeps the neutral numbers and no order).
nlohmann::ordered_json cw3_comparison_to_json(const elo_comparison& comparison, const cw3_comparison_context& context,
                                              const std::string& error_text);

// The pool of an elo_results.json text ("__metadata__" skipped; texts cut to
// the pairwise length). Errors name `source`.
result<cw3_pool> cw3_pool_from_elo_results(std::string_view json_text, const std::string& source);

// The pool as a compact JSON text and back (kept in the store, so a resumed run
// rates against the pool its first invocation saw).
std::string cw3_pool_to_json(const cw3_pool& pool);
result<cw3_pool> cw3_pool_from_json(std::string_view json_text);

// The rating run's input: the pool with the model under test merged as the
// reference merges it (its new iterations replace those of the same id, a new
// model goes last without an Elo), `judged` this run's results.
elo_run_input cw3_elo_input(const cw3_pool& pool, const std::string& test_model, const cw3_elo_model& test,
                            std::vector<elo_comparison> judged, std::uint64_t seed);

// The pool's text of a model's item in one iteration; nullptr when it has none.
const std::string* cw3_pool_text(const cw3_pool& pool, const std::string& model, const std::string& iteration,
                                 const std::string& item_id);

// The pool's item score of a model's item in one iteration (0.0 when absent, as
// the reference reads it).
double cw3_pool_item_score(const cw3_pool& pool, const std::string& model, const std::string& iteration,
                           const std::string& item_id);

// elo_results.json after the run: `existing` (the file as it is, or null) with
// the model under test's iterations, rubric aggregate, best iteration and new
// comparisons (deduplicated for it), and every rated model's Elo fields.
nlohmann::ordered_json cw3_elo_results_update(nlohmann::ordered_json existing, const std::string& test_model,
                                              const cw3_elo_model& test, double start_elo,
                                              const std::vector<nlohmann::ordered_json>& new_comparisons,
                                              const std::vector<elo_rating>& ratings, const std::string& timestamp);

}  // namespace eqb
