// The EQ-Bench 3 rating state machine driven with the comparisons the
// reference recorded for five models benchmarked one after another
// (../shared/conformance/eqbench3/expected.json): each step asks for exactly
// the comparisons the reference made, in its stored order, and ends with every
// model's stored Elo entry equal to the reference's.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "scoring/elo-run.hpp"
#include "tests/support/test-support.hpp"

namespace {

using ojson = nlohmann::ordered_json;

constexpr int analysis_first_id = 400;

class elo_run_eqbench3_conformance : public ::testing::Test {
  protected:
    void SetUp() override {
        const auto path = eqb::test::shared_dir() / "conformance" / "eqbench3" / "expected.json";
        if (!std::filesystem::exists(path)) {
            GTEST_SKIP() << "needs " << path;
        }
        doc_ = ojson::parse(eqb::test::read_file(path));
    }
    ojson doc_;
};

// Tasks ready for pairwise judging: rubric_scored, or completed for role-play
// (core/pairwise_judging.py _judge_scenario_pairs_in_parallel).
std::vector<std::string> ready_items(const ojson& tasks) {
    std::vector<std::string> out;
    for (const auto& [sid, task] : tasks.items()) {
        const auto status = task["status"].get<std::string>();
        const bool analysis = std::stoi(sid) >= analysis_first_id;
        if (status == "rubric_scored" || (!analysis && status == "completed")) {
            out.push_back(sid);
        }
    }
    return out;
}

eqb::elo_comparison record_of(const ojson& row) {
    eqb::elo_comparison c;
    c.item_id = row[0].get<std::string>();
    c.test_model = row[1].get<std::string>();
    c.neighbor_model = row[2].get<std::string>();
    c.test_iteration = row[3].get<std::string>();
    c.neighbor_iteration = c.test_iteration;
    c.direction =
        row[4].get<std::string>() == "forward" ? eqb::pairwise_direction::FORWARD : eqb::pairwise_direction::REVERSED;
    if (row[5].is_string()) {
        c.error = true;
        return c;
    }
    c.plus_for_test = row[5].get<int>();
    c.plus_for_other = row[6].get<int>();
    c.fraction_for_test = row[7].get<double>();
    c.outcome_for_test = c.plus_for_test > c.plus_for_other ? 1.0 : (c.plus_for_test < c.plus_for_other ? 0.0 : 0.5);
    return c;
}

bool answers(const eqb::elo_comparison& c, const eqb::elo_request& r) {
    return c.neighbor_model == r.neighbor_model && c.item_id == r.item_id && c.test_iteration == r.test_iteration &&
           c.direction == r.direction;
}

void expect_entry(const eqb::elo_rating& got, const ojson& want) {
    SCOPED_TRACE(got.model);
    EXPECT_EQ(got.elo, want["elo"].get<double>());
    EXPECT_EQ(got.elo_norm, want["elo_norm"].get<double>());
    const std::pair<const char*, const std::optional<double>*> optional_fields[] = {
        {"sigma", &got.sigma},
        {"ci_low", &got.ci_low},
        {"ci_high", &got.ci_high},
        {"ci_low_norm", &got.ci_low_norm},
        {"ci_high_norm", &got.ci_high_norm}};
    for (const auto& [key, value] : optional_fields) {
        ASSERT_EQ(value->has_value(), want.contains(key)) << key;
        if (want.contains(key)) {
            EXPECT_EQ(**value, want[key].get<double>()) << key;
        }
    }
}

TEST_F(elo_run_eqbench3_conformance, five_models_one_after_another) {
    const auto& sequence = doc_["sequence"];
    ASSERT_EQ(sequence.size(), 5u);
    std::vector<eqb::elo_pool_model> pool;
    std::vector<eqb::elo_comparison> stored;
    ojson elo_file = ojson::object();
    std::size_t batches = 0;
    for (const auto& step : sequence) {
        const auto model = step["model"].get<std::string>();
        SCOPED_TRACE("step " + std::to_string(step["step"].get<int>()) + " " + model);
        // The pool: the Elo file's models with their stored elo, then the new model.
        eqb::elo_run_input input;
        input.benchmark = eqb::elo_benchmark::EQBENCH3;
        input.test_model = model;
        for (auto& m : pool) {
            m.elo = elo_file[m.name]["elo"].get<double>();
        }
        eqb::elo_pool_model entry{model, std::nullopt, std::nullopt, {{"1", 0.0, ready_items(step["tasks"])}}};
        pool.push_back(entry);
        input.models = pool;
        input.existing = stored;

        std::vector<eqb::elo_comparison> recorded;
        for (const auto& row : step["comparisons"]) {
            recorded.push_back(record_of(row));
        }
        std::vector<bool> used(recorded.size(), false);
        eqb::elo_run_step next;
        for (int guard = 0; guard < 100; ++guard) {
            next = eqb::elo_run_next(input);
            if (next.done) {
                break;
            }
            ASSERT_FALSE(next.batch.empty());
            ++batches;
            // Answer the batch from the back, to show the order results are stored in does not matter.
            for (auto r = next.batch.rbegin(); r != next.batch.rend(); ++r) {
                bool found = false;
                for (std::size_t i = 0; i < recorded.size() && !found; ++i) {
                    if (!used[i] && answers(recorded[i], *r)) {
                        used[i] = true;
                        input.judged.push_back(recorded[i]);
                        found = true;
                    }
                }
                ASSERT_TRUE(found) << "asked for a comparison the reference did not make: " << r->neighbor_model << " "
                                   << r->item_id;
            }
        }
        ASSERT_TRUE(next.done);
        const auto& result = next.result;
        EXPECT_FALSE(result.error.has_value()) << *result.error;
        EXPECT_EQ(result.unused_judged, 0u);
        // Exactly the reference's comparisons, in its stored order.
        ASSERT_EQ(result.new_comparisons.size(), recorded.size());
        for (std::size_t i = 0; i < recorded.size(); ++i) {
            EXPECT_TRUE(
                answers(recorded[i], {result.new_comparisons[i].neighbor_model, result.new_comparisons[i].item_id,
                                      result.new_comparisons[i].test_iteration,
                                      result.new_comparisons[i].test_iteration, result.new_comparisons[i].direction}))
                << "comparison " << i;
        }
        // Every model's stored entry after the step.
        const auto& after = step["ratings_after"];
        ASSERT_EQ(result.ratings.size(), after.size());
        for (const auto& r : result.ratings) {
            ASSERT_TRUE(after.contains(r.model)) << r.model;
            expect_entry(r, after[r.model]);
        }
        for (const auto& r : result.ratings) {
            if (r.model == model) {
                EXPECT_EQ(r.elo, step["elo_raw"].get<double>());
                EXPECT_EQ(r.elo_norm, step["elo_normalized"].get<double>());
            }
        }
        for (const auto& c : result.new_comparisons) {
            stored.push_back(c);
        }
        elo_file = after;
        if (HasFailure()) {
            return;
        }
    }
    EXPECT_GT(batches, 5u);
    // The last step's file is the final table.
    for (const auto& [name, want] : doc_["final"].items()) {
        EXPECT_EQ(elo_file[name]["elo"].get<double>(), want["elo"].get<double>()) << name;
    }
}

}  // namespace
