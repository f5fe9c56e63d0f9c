// The rating state machine's contract, on a synthetic pool and a deterministic
// stand-in judge: results stored in any order and in pieces give the same run
// as whole batches, nothing is asked twice, a killed run resumes where it
// stopped, the first model of an empty pool, and the references' handling of a
// pair whose two judgements failed (asked again in a later loop).

#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "scoring/elo-run.hpp"

namespace {

// A stand-in judge: the plus counts follow a hidden strength per model, varied
// per item by a small hash, so the ratings are deterministic and spread out.
eqb::elo_comparison judge(const std::string& test_model, const eqb::elo_request& r) {
    const auto strength = [](const std::string& m) {
        return static_cast<int>(std::hash<std::string>{}(m) % 7U);  // a fixed function within one process
    };
    const int wobble = static_cast<int>(std::hash<std::string>{}(r.item_id + r.neighbor_model) % 3U);
    eqb::comparison_outcome outcome;
    outcome.plus_for_test = 2 + strength(test_model) + wobble;
    outcome.plus_for_other = 2 + strength(r.neighbor_model);
    outcome.outcome_for_test = outcome.plus_for_test > outcome.plus_for_other
                                   ? 1.0
                                   : (outcome.plus_for_test < outcome.plus_for_other ? 0.0 : 0.5);
    outcome.fraction_for_test =
        eqb::eqbench3_fraction_for_test(outcome.outcome_for_test, outcome.plus_for_test, outcome.plus_for_other)
            .fraction;
    const auto c = eqb::elo_comparison_judged(test_model, r, outcome);
    EXPECT_FALSE(c.error);
    EXPECT_EQ(c.neighbor_model, r.neighbor_model);
    return c;
}

std::string key_of(const eqb::elo_request& r) {
    return r.neighbor_model + "|" + r.item_id + "|" + r.test_iteration + "|" + r.neighbor_iteration + "|" +
           (r.direction == eqb::pairwise_direction::FORWARD ? "F" : "R");
}

eqb::elo_run_input eqbench3_pool() {
    eqb::elo_run_input in;
    in.benchmark = eqb::elo_benchmark::EQBENCH3;
    const std::vector<std::string> items = {"1", "2", "3", "8", "101", "208", "401", "404"};
    const std::vector<std::pair<std::string, double>> ladder = {{"meta-llama/llama-3.2-1b-instruct", 800.0},
                                                                {"m/a", 1000.0},
                                                                {"m/b", 1100.0},
                                                                {"m/c", 1250.0},
                                                                {"m/d", 1300.0},
                                                                {"o3", 1600.0}};
    for (const auto& [name, elo] : ladder) {
        in.models.push_back({name, elo, std::nullopt, {{"1", 0.0, items}}});
    }
    in.models.push_back({"new/model", std::nullopt, std::nullopt, {{"1", 0.0, items}}});
    in.test_model = "new/model";
    return in;
}

// Drives a run to its end; `answer` stores results for each batch as it likes.
// With `answered`, checks that no request is asked again once its result is stored.
eqb::elo_run_result drive(eqb::elo_run_input in,
                          const std::function<void(const std::vector<eqb::elo_request>&, eqb::elo_run_input&)>& answer,
                          std::set<std::string>* answered = nullptr) {
    for (int guard = 0; guard < 1000; ++guard) {
        auto step = eqb::elo_run_next(in);
        if (step.done) {
            return step.result;
        }
        EXPECT_FALSE(step.batch.empty());
        const std::size_t before = in.judged.size();
        if (answered != nullptr) {
            for (const auto& r : step.batch) {
                EXPECT_EQ(answered->count(key_of(r)), 0u) << "asked again after its result was stored: " << key_of(r);
            }
        }
        answer(step.batch, in);
        if (answered != nullptr) {
            for (std::size_t i = before; i < in.judged.size(); ++i) {
                const auto& c = in.judged[i];
                answered->insert(
                    key_of({c.neighbor_model, c.item_id, c.test_iteration, c.neighbor_iteration, c.direction}));
            }
        }
    }
    ADD_FAILURE() << "the run did not end";
    return {};
}

void expect_same(const eqb::elo_run_result& a, const eqb::elo_run_result& b) {
    ASSERT_EQ(a.ratings.size(), b.ratings.size());
    for (std::size_t i = 0; i < a.ratings.size(); ++i) {
        EXPECT_EQ(a.ratings[i].model, b.ratings[i].model);
        EXPECT_EQ(a.ratings[i].elo, b.ratings[i].elo) << a.ratings[i].model;
        EXPECT_EQ(a.ratings[i].sigma, b.ratings[i].sigma) << a.ratings[i].model;
        EXPECT_EQ(a.ratings[i].ci_low_norm, b.ratings[i].ci_low_norm) << a.ratings[i].model;
    }
    ASSERT_EQ(a.new_comparisons.size(), b.new_comparisons.size());
    for (std::size_t i = 0; i < a.new_comparisons.size(); ++i) {
        const auto& x = a.new_comparisons[i];
        const auto& y = b.new_comparisons[i];
        EXPECT_EQ(key_of({x.neighbor_model, x.item_id, x.test_iteration, x.neighbor_iteration, x.direction}),
                  key_of({y.neighbor_model, y.item_id, y.test_iteration, y.neighbor_iteration, y.direction}));
    }
    EXPECT_EQ(a.loops.size(), b.loops.size());
}

TEST(elo_run, results_in_any_order_and_in_pieces_give_the_same_run) {
    const auto whole = drive(eqbench3_pool(), [](const auto& batch, auto& in) {
        for (const auto& r : batch) {
            in.judged.push_back(judge(in.test_model, r));
        }
    });
    ASSERT_FALSE(whole.error.has_value());
    EXPECT_GT(whole.new_comparisons.size(), 20u);
    EXPECT_GT(whole.loops.size(), 5u);
    EXPECT_EQ(whole.ratings.size(), 7u);

    // Half a batch at a time, last request first, as a concurrent judge would
    // finish them; a stored result is never asked for again.
    std::set<std::string> answered;
    const auto pieces = drive(
        eqbench3_pool(),
        [](const auto& batch, auto& in) {
            const std::size_t half = (batch.size() + 1) / 2;
            for (std::size_t i = 0; i < half; ++i) {
                in.judged.push_back(judge(in.test_model, batch[batch.size() - 1 - i]));
            }
        },
        &answered);
    expect_same(whole, pieces);
    EXPECT_EQ(answered.size(), whole.new_comparisons.size());
}

TEST(elo_run, a_killed_run_resumes_from_what_was_stored) {
    auto in = eqbench3_pool();
    // Judge two rounds, then "kill" the run: a new process starts from the store.
    for (int round = 0; round < 2; ++round) {
        const auto step = eqb::elo_run_next(in);
        ASSERT_FALSE(step.done);
        for (const auto& r : step.batch) {
            in.judged.push_back(judge(in.test_model, r));
        }
    }
    const auto resumed = eqb::elo_run_next(in);
    ASSERT_FALSE(resumed.done);
    for (const auto& r : resumed.batch) {
        for (const auto& j : in.judged) {
            EXPECT_FALSE(j.neighbor_model == r.neighbor_model && j.item_id == r.item_id && j.direction == r.direction)
                << "asked again after resuming: " << key_of(r);
        }
    }
}

TEST(elo_run, eqbench3_first_model_of_an_empty_pool_gets_1200_without_error) {
    eqb::elo_run_input in;
    in.benchmark = eqb::elo_benchmark::EQBENCH3;
    in.test_model = "o3";
    in.models.push_back({"o3", std::nullopt, std::nullopt, {{"1", 0.0, {"1", "2"}}}});
    const auto step = eqb::elo_run_next(in);
    ASSERT_TRUE(step.done);
    EXPECT_FALSE(step.result.error.has_value());
    ASSERT_EQ(step.result.ratings.size(), 1u);
    EXPECT_EQ(step.result.ratings[0].elo, 1200.0);
    EXPECT_EQ(step.result.ratings[0].elo_norm, 1200.0);
    EXPECT_FALSE(step.result.ratings[0].sigma.has_value());  // the reference stores elo and elo_norm only
}

TEST(elo_run, cw3_first_model_of_an_empty_pool_as_the_reference_stores_it) {
    eqb::elo_run_input in;
    in.benchmark = eqb::elo_benchmark::CREATIVE_WRITING3;
    in.test_model = "m/one";
    in.models.push_back({"m/one", std::nullopt, 8.0, {{"1", 8.0, {"1", "2"}}}});
    const auto step = eqb::elo_run_next(in);
    ASSERT_TRUE(step.done);
    ASSERT_TRUE(step.result.error.has_value());  // "No comparisons for final solve after filtering."
    ASSERT_EQ(step.result.ratings.size(), 1u);
    const auto& r = step.result.ratings[0];
    EXPECT_EQ(r.elo, 1200.0);
    EXPECT_EQ(r.sigma, 400.0);
    EXPECT_EQ(r.ci_low, 416.0);
    EXPECT_EQ(r.ci_high, 1984.0);
    EXPECT_FALSE(r.ci_low_norm.has_value());
    EXPECT_EQ(step.result.loops.size(), 5u);  // one loop per stage, each without opponents
}

TEST(elo_run, eqbench3_a_pair_whose_two_judgements_failed_is_asked_again_later) {
    eqb::elo_run_input in;
    in.benchmark = eqb::elo_benchmark::EQBENCH3;
    in.models.push_back({"m/old", 1200.0, std::nullopt, {{"1", 0.0, {"1", "2", "404"}}}});
    in.models.push_back({"m/new", std::nullopt, std::nullopt, {{"1", 0.0, {"1", "2", "404"}}}});
    in.test_model = "m/new";
    auto first = eqb::elo_run_next(in);
    ASSERT_FALSE(first.done);
    ASSERT_EQ(first.batch.size(), 2u);  // stage 1: one logical pair, scenario 404 first
    EXPECT_EQ(first.batch[0].item_id, "404");
    for (const auto& r : first.batch) {
        in.judged.push_back(eqb::elo_comparison_failed(in.test_model, r));
    }
    const auto second = eqb::elo_run_next(in);
    ASSERT_FALSE(second.done);
    // Error records do not count as judged pairs (update_existing_matchups_from_comparisons).
    EXPECT_TRUE(
        std::any_of(second.batch.begin(), second.batch.end(), [](const auto& r) { return r.item_id == "404"; }));
}

TEST(elo_run, cw3_start_rating_is_interpolated_from_rubric_scores) {
    // interpolate_elo_from_rubric_scores_cw, by hand: between (8, 900) and (12, 1500).
    const std::vector<std::pair<double, double>> others = {{12.0, 1500.0}, {8.0, 900.0}, {4.0, 500.0}};
    EXPECT_EQ(eqb::cw3_interpolate_elo(10.0, others), 900.0 + 0.5 * 600.0);
    EXPECT_EQ(eqb::cw3_interpolate_elo(2.0, others), 500.0);
    EXPECT_EQ(eqb::cw3_interpolate_elo(13.0, others), 1500.0);
    EXPECT_EQ(eqb::cw3_interpolate_elo(10.0, std::vector<std::pair<double, double>>{{8.0, 900.0}}), 1200.0);
    const std::vector<std::pair<double, double>> tied = {{8.0, 900.0}, {8.0, 1000.0}, {12.0, 1500.0}};
    EXPECT_EQ(eqb::cw3_interpolate_elo(8.0, tied), 900.0);  // at the lowest: its elo
}

}  // namespace
