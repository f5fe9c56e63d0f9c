// The EQ-Bench 3 TrueSkill solver on real stored judge comparisons
// (../shared/data/eqbench3/canonical_leaderboard_elo_results.json.gz) against the
// reference's own numbers (../shared/conformance/trueskill/solver-eqbench3.json):
// recomputed plus counts, the matchups in rating order, rating checkpoints,
// unrounded mu/sigma/normalised values bit for bit, and the two end-to-end
// recalculation paths rounded as they are stored.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "data/gzip.hpp"
#include "scoring/elo-solver.hpp"
#include "tests/support/elo-records.hpp"
#include "tests/support/test-support.hpp"

namespace {

using json = nlohmann::json;

struct subset_data {
    json expected;  // the case
    std::vector<std::string> models;
    std::vector<eqb::elo_comparison> records;  // subset, file order
    std::vector<std::size_t> file_index;
    std::vector<eqb::elo_snapshot_entry> stored;  // the file's elo of the subset's models, file order
};

class elo_solver_conformance : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        const auto expected_path = eqb::test::shared_dir() / "conformance" / "trueskill" / "solver-eqbench3.json";
        const auto data_path = eqb::test::data_dir() / "eqbench3" / "canonical_leaderboard_elo_results.json.gz";
        if (!std::filesystem::exists(expected_path) || !std::filesystem::exists(data_path)) {
            return;
        }
        auto text = eqb::gzip_file_read(data_path);
        if (!text) {
            return;
        }
        const auto file = json::parse(*text);
        auto data = std::make_unique<subset_data>();
        data->expected = json::parse(eqb::test::read_file(expected_path))["cases"][0];
        data->models = data->expected["models"].get<std::vector<std::string>>();
        const std::set<std::string> in(data->models.begin(), data->models.end());
        const auto& records = file["__metadata__"]["global_pairwise_comparisons"];
        for (std::size_t i = 0; i < records.size(); ++i) {
            auto c = eqb::test::eqbench3_record(records[i]);
            if (in.count(c.test_model) != 0 && in.count(c.neighbor_model) != 0) {
                data->records.push_back(std::move(c));
                data->file_index.push_back(i);
            }
        }
        for (const auto& [name, entry] : file.items()) {
            if (in.count(name) != 0) {
                data->stored.push_back({name, entry["elo"].get<double>()});
            }
        }
        data_ = std::move(data);
    }
    static void TearDownTestSuite() { data_.reset(); }
    void SetUp() override {
        if (!data_) {
            GTEST_SKIP() << "needs ../shared/conformance/trueskill/solver-eqbench3.json and "
                            "../shared/data/eqbench3/canonical_leaderboard_elo_results.json.gz";
        }
    }
    static std::unique_ptr<subset_data> data_;
};

std::unique_ptr<subset_data> elo_solver_conformance::data_;

TEST_F(elo_solver_conformance, the_subset_is_the_reference_input) {
    const auto& input = data_->expected["input"];
    EXPECT_EQ(data_->records.size(), input["n_comparisons"].get<std::size_t>());
    const auto errors =
        std::count_if(data_->records.begin(), data_->records.end(), [](const auto& c) { return c.error; });
    EXPECT_EQ(static_cast<std::size_t>(errors), input["n_error_records"].get<std::size_t>());
    const auto valid = eqb::elo_solver_comparisons(eqb::elo_config_eqbench3(), data_->records);
    EXPECT_EQ(valid.size(), input["n_valid"].get<std::size_t>());
    EXPECT_EQ(data_->stored.size(), data_->models.size());
}

TEST_F(elo_solver_conformance, plus_counts_recomputed_from_the_judge_responses) {
    std::map<std::size_t, const eqb::elo_comparison*> by_index;
    for (std::size_t i = 0; i < data_->records.size(); ++i) {
        by_index[data_->file_index[i]] = &data_->records[i];
    }
    const auto& rows = data_->expected["recomputed"];
    ASSERT_EQ(rows.size(), 1799u);
    for (const auto& row : rows) {
        const auto it = by_index.find(row[0].get<std::size_t>());
        ASSERT_NE(it, by_index.end()) << row;
        const auto& c = *it->second;
        EXPECT_FALSE(c.error) << row;
        EXPECT_EQ(c.outcome_for_test, row[1].get<double>()) << row;
        EXPECT_EQ(c.plus_for_test, row[2].get<int>()) << row;
        EXPECT_EQ(c.plus_for_other, row[3].get<int>()) << row;
        EXPECT_EQ(c.fraction_for_test, row[4].get<double>()) << row;
    }
}

TEST_F(elo_solver_conformance, matchups_in_rating_order_with_their_bins) {
    const auto& config = eqb::elo_config_eqbench3();
    const auto matchups = eqb::elo_matchups(config, data_->models, eqb::elo_solver_comparisons(config, data_->records));
    const auto& paired = data_->expected["paired"];
    ASSERT_EQ(matchups.size(), paired.size());
    for (std::size_t i = 0; i < matchups.size(); ++i) {
        const auto& m = matchups[i];
        const auto& row = paired[i];
        SCOPED_TRACE("matchup " + std::to_string(i));
        EXPECT_EQ(data_->models[m.first], row[0].get<std::string>());
        EXPECT_EQ(data_->models[m.second], row[1].get<std::string>());
        EXPECT_EQ(m.item_id, row[2].get<std::string>());
        EXPECT_EQ(m.first_iteration, row[3].get<std::string>());
        EXPECT_EQ(m.records, row[4].get<std::size_t>());
        EXPECT_EQ(m.fraction, row[5].get<double>());
        const auto b20 = eqb::elo_bin_fraction(m.fraction, config.bin_size);
        const auto b5 = eqb::elo_bin_fraction(m.fraction, config.bin_size_for_ci);
        EXPECT_EQ(b20.wins_test, row[6][0].get<int>());
        EXPECT_EQ(b20.wins_other, row[6][1].get<int>());
        EXPECT_EQ(b5.wins_test, row[7][0].get<int>());
        EXPECT_EQ(b5.wins_other, row[7][1].get<int>());
    }
}

TEST_F(elo_solver_conformance, checkpoints_of_the_bin20_solve) {
    const auto& config = eqb::elo_config_eqbench3();
    const auto matchups = eqb::elo_matchups(config, data_->models, eqb::elo_solver_comparisons(config, data_->records));
    const std::vector<double> start(data_->models.size(), 1200.0);
    for (const auto& checkpoint : data_->expected["checkpoints_bin20"]) {
        const auto k = checkpoint["after_pairs"].get<std::size_t>();
        SCOPED_TRACE("after " + std::to_string(k));
        const auto out = eqb::elo_solve(config, data_->models.size(), matchups, start, config.bin_size, k);
        for (std::size_t i = 0; i < data_->models.size(); ++i) {
            const auto& want = checkpoint["ratings"][data_->models[i]];
            EXPECT_EQ(out.ratings[i].mu(), want[0].get<double>()) << data_->models[i];
            EXPECT_EQ(out.ratings[i].sigma(), want[1].get<double>()) << data_->models[i];
        }
        if (HasFailure()) {
            return;  // the first departing checkpoint is the one to look at
        }
    }
}

TEST_F(elo_solver_conformance, unrounded_ratings_bit_for_bit) {
    const auto& config = eqb::elo_config_eqbench3();
    const auto solved =
        eqb::elo_solve_final(config, data_->models, eqb::elo_solver_comparisons(config, data_->records));
    EXPECT_TRUE(solved.failed_mu.empty());
    EXPECT_TRUE(solved.failed_ci.empty());
    EXPECT_TRUE(data_->expected["solve"]["failed_updates"]["bin20"].empty());
    const auto find = [&](const std::string& name) {
        return static_cast<std::size_t>(std::find(data_->models.begin(), data_->models.end(), name) -
                                        data_->models.begin());
    };
    const auto norm =
        eqb::elo_normalization_make(config, solved.mu[find(config.top_anchor)], solved.mu[find(config.bottom_anchor)]);
    ASSERT_TRUE(norm.applied);
    for (std::size_t i = 0; i < data_->models.size(); ++i) {
        const auto& want = data_->expected["solve"]["ratings"][data_->models[i]];
        SCOPED_TRACE(data_->models[i]);
        EXPECT_EQ(solved.mu[i], want["mu"].get<double>());
        EXPECT_EQ(solved.sigma[i], want["sigma"].get<double>());
        EXPECT_EQ(solved.sigma_mu_solve[i], want["sigma_bin20"].get<double>());
        EXPECT_EQ(solved.mu_ci_solve[i], want["mu_bin5"].get<double>());
        EXPECT_EQ(norm.apply(solved.mu[i]), want["elo_norm"].get<double>());
        const double low = solved.mu[i] - 1.96 * solved.sigma[i];
        const double high = solved.mu[i] + 1.96 * solved.sigma[i];
        EXPECT_EQ(low, want["ci_low"].get<double>());
        EXPECT_EQ(high, want["ci_high"].get<double>());
        EXPECT_EQ(norm.apply(low), want["ci_low_norm"].get<double>());
        EXPECT_EQ(norm.apply(high), want["ci_high_norm"].get<double>());
    }
}

void expect_stored(const std::vector<eqb::elo_rating>& got, const json& want) {
    ASSERT_EQ(got.size(), want.size());
    for (const auto& r : got) {
        SCOPED_TRACE(r.model);
        ASSERT_TRUE(want.contains(r.model));
        const auto& w = want[r.model];
        EXPECT_EQ(r.elo, w["elo"].get<double>());
        EXPECT_EQ(r.elo_norm, w["elo_norm"].get<double>());
        EXPECT_EQ(r.sigma.value_or(-1.0), w["sigma"].get<double>());
        EXPECT_EQ(r.ci_low.value_or(-1.0), w["ci_low"].get<double>());
        EXPECT_EQ(r.ci_high.value_or(-1.0), w["ci_high"].get<double>());
        EXPECT_EQ(r.ci_low_norm.value_or(-1.0), w["ci_low_norm"].get<double>());
        EXPECT_EQ(r.ci_high_norm.value_or(-1.0), w["ci_high_norm"].get<double>());
    }
}

TEST_F(elo_solver_conformance, recalculate_elo_ratings_as_stored) {
    const auto& want = data_->expected["recalculate_elo_ratings"];
    const auto kept = eqb::elo_within_rank_window(
        eqb::elo_solver_comparisons(eqb::elo_config_eqbench3(), data_->records), data_->stored, 16);
    EXPECT_EQ(kept.size(), want["n_kept_by_rank_window"].get<std::size_t>());
    expect_stored(eqb::eqbench3_recalculate_elo_ratings(data_->stored, data_->records), want["ratings"]);
}

TEST_F(elo_solver_conformance, action_recalc_as_stored_with_raw_scale_bounds) {
    const auto& want = data_->expected["action_recalc"];
    const auto got = eqb::eqbench3_action_recalc(data_->models, data_->records);
    expect_stored(got, want["ratings"]);
    for (const auto& r : got) {
        EXPECT_EQ(r.ci_low_norm, r.ci_low) << r.model;  // the reference's bounds dictionary has no anchors
    }
    ASSERT_TRUE(std::is_sorted(got.begin(), got.end(), [](const auto& a, const auto& b) { return a.model < b.model; }));
}

// Values by hand from core/trueskill_solver.py normalize_elo_scores.
TEST(elo_solver, normalisation_needs_both_anchors_and_falls_back_to_scale_one) {
    const auto& config = eqb::elo_config_eqbench3();
    EXPECT_FALSE(eqb::elo_normalization_make(config, 1500.0, std::nullopt).applied);
    const auto same = eqb::elo_normalization_make(config, 1300.0, 1300.0 + 1e-7);
    ASSERT_TRUE(same.applied);
    EXPECT_EQ(same.scale, 1.0);
    EXPECT_EQ(same.apply(1300.0), 1500.0);
    const auto norm = eqb::elo_normalization_make(config, 1400.0, 1000.0);
    EXPECT_EQ(norm.scale, 1300.0 / 400.0);
    EXPECT_EQ(norm.apply(1000.0), 200.0);
}

TEST(elo_solver, ladder_sorts_by_rating_and_keeps_ties_in_snapshot_order) {
    const std::vector<eqb::elo_snapshot_entry> snapshot = {{"b", 1200.0}, {"a", 900.0}, {"c", 1200.0}, {"d", 1000.0}};
    EXPECT_EQ(eqb::elo_ladder(snapshot), (std::vector<std::string>{"a", "d", "b", "c"}));
    std::vector<eqb::elo_comparison> comps(2);
    comps[0].test_model = "a";
    comps[0].neighbor_model = "c";
    comps[1].test_model = "a";
    comps[1].neighbor_model = "d";
    const std::vector<const eqb::elo_comparison*> all = {&comps[0], &comps[1]};
    EXPECT_EQ(eqb::elo_within_rank_window(all, snapshot, 2).size(), 1u);  // a..c are 3 places apart
    EXPECT_EQ(eqb::elo_within_rank_window(all, snapshot, 3).size(), 2u);
}

TEST(elo_solver, cw3_ignored_prompts_compare_the_base_id) {
    EXPECT_TRUE(eqb::elo_item_ignored(eqb::elo_config_cw3(), "5"));
    EXPECT_TRUE(eqb::elo_item_ignored(eqb::elo_config_cw3(), "16_2"));
    EXPECT_FALSE(eqb::elo_item_ignored(eqb::elo_config_cw3(), "15"));
    EXPECT_FALSE(eqb::elo_item_ignored(eqb::elo_config_eqbench3(), "5"));
}

}  // namespace
