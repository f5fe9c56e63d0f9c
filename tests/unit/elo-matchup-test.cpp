// Opponent selection of EQ-Bench 3 and Creative Writing v3 against the
// references' own tables (../shared/conformance/trueskill/matchup-schedule.json
// and python-random.json): the schedules, _pick_matchups for every stage and
// rank, the evenly spaced samplers, and the stage-1 jitter ranges.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "scoring/elo-matchup.hpp"
#include "tests/support/test-support.hpp"

namespace {

using json = nlohmann::json;

class elo_matchup_conformance : public ::testing::Test {
  protected:
    void SetUp() override {
        const auto dir = eqb::test::shared_dir() / "conformance" / "trueskill";
        if (!std::filesystem::exists(dir / "matchup-schedule.json") ||
            !std::filesystem::exists(dir / "python-random.json")) {
            GTEST_SKIP() << "needs " << dir / "matchup-schedule.json"
                         << " and python-random.json";
        }
        doc_ = json::parse(eqb::test::read_file(dir / "matchup-schedule.json"));
        random_ = json::parse(eqb::test::read_file(dir / "python-random.json"));
    }
    json doc_;
    json random_;
};

void expect_schedule(const json& want, eqb::elo_benchmark benchmark) {
    const auto& schedule = eqb::elo_schedule(benchmark);
    ASSERT_EQ(schedule.size(), want.size());
    for (std::size_t i = 0; i < schedule.size(); ++i) {
        const auto& tiers = want[i][0];
        EXPECT_EQ(schedule[i].anchors, tiers.size() == 1 && tiers[0].is_null()) << i;
        if (!schedule[i].anchors) {
            EXPECT_EQ(schedule[i].radius_tiers, tiers.get<std::vector<std::size_t>>()) << i;
        }
        EXPECT_EQ(schedule[i].samples, want[i][1].get<std::size_t>()) << i;
    }
}

TEST_F(elo_matchup_conformance, schedules_and_limits) {
    expect_schedule(doc_["eqbench3"]["sampling_schedule"], eqb::elo_benchmark::EQBENCH3);
    expect_schedule(doc_["cw3"]["sampling_schedule"], eqb::elo_benchmark::CREATIVE_WRITING3);
    EXPECT_EQ(eqb::elo_max_stage_loops, doc_["eqbench3"]["max_stage_loops"].get<std::size_t>());
    EXPECT_EQ(eqb::elo_max_stage_loops, doc_["cw3"]["max_stage_loops"].get<std::size_t>());
    EXPECT_EQ(eqb::elo_config_eqbench3().rank_window, doc_["eqbench3"]["rank_window"].get<std::size_t>());
    EXPECT_EQ(eqb::elo_config_cw3().rank_window, doc_["cw3"]["rank_window"].get<std::size_t>());
}

TEST_F(elo_matchup_conformance, eqbench3_pick_tables) {
    const auto& schedule = eqb::elo_schedule(eqb::elo_benchmark::EQBENCH3);
    int rows = 0;
    for (const auto& [len_text, table] : doc_["eqbench3"]["pick_tables"].items()) {
        const auto ladder_len = std::stoul(len_text);
        for (const auto& row : table["rows"]) {
            const auto stage = row[0].get<std::size_t>();
            eqb::python_random rng(42);  // stage 1: a fresh Random(42) before each call
            const auto got =
                eqb::eqbench3_pick_matchups(row[1].get<std::size_t>(), ladder_len, schedule[stage - 1], rng);
            EXPECT_EQ(got.ranks, row[2].get<std::vector<std::size_t>>()) << "ladder " << ladder_len << " " << row;
            EXPECT_EQ(got.jitter.has_value(), stage == 1);
            ++rows;
        }
        eqb::python_random rng(42);  // seeded once, one call per rank
        for (const auto& call : table["stage1_consecutive_calls"]) {
            const auto got = eqb::eqbench3_pick_matchups(call[0].get<std::size_t>(), ladder_len, schedule[0], rng);
            EXPECT_EQ(got.ranks, call[1].get<std::vector<std::size_t>>()) << "ladder " << ladder_len << " " << call;
            ++rows;
        }
    }
    EXPECT_GT(rows, 200);
}

TEST_F(elo_matchup_conformance, evenly_spaced_and_evenly_sample) {
    const auto& spaced = doc_["eqbench3"]["evenly_spaced"];
    ASSERT_FALSE(spaced.empty());
    for (const auto& row : spaced) {
        const auto pool = row[0].get<std::vector<std::size_t>>();
        EXPECT_EQ(eqb::eqbench3_evenly_spaced(pool, row[1].get<std::size_t>()), row[2].get<std::vector<std::size_t>>())
            << row;
    }
    const auto& sampled = doc_["eqbench3"]["evenly_sample"];
    ASSERT_GT(sampled.size(), 1000u);
    for (const auto& row : sampled) {
        EXPECT_EQ(eqb::eqbench3_evenly_sample(row[0].get<std::size_t>(), row[1].get<std::size_t>()),
                  row[2].get<std::vector<std::size_t>>())
            << row;
    }
}

TEST_F(elo_matchup_conformance, eqbench3_stage1_jitter_ranges) {
    const auto& rows = random_["eqbench3_stage1_jitter"];
    ASSERT_FALSE(rows.empty());
    for (const auto& row : rows) {
        const auto r = eqb::eqbench3_stage1_jitter_range(row[0].get<std::size_t>(), 10);
        EXPECT_EQ(r.step, row[1].get<std::size_t>()) << row;
        EXPECT_EQ(r.lo, row[2].get<std::int64_t>()) << row;
        EXPECT_EQ(r.hi, row[3].get<std::int64_t>()) << row;
    }
}

TEST_F(elo_matchup_conformance, cw3_pick_tables_with_a_fresh_random_42_per_call) {
    const auto& schedule = eqb::elo_schedule(eqb::elo_benchmark::CREATIVE_WRITING3);
    int draws = 0;
    for (const auto& [len_text, rows] : doc_["cw3"]["pick_tables"].items()) {
        const auto ladder_len = std::stoul(len_text);
        for (const auto& row : rows) {
            const auto stage = row[0].get<std::size_t>();
            auto want = row[2].get<std::vector<std::size_t>>();
            if (!row[3].is_null()) {
                // The unseeded reference draws k of `population`; the patched one
                // draws them from Random(42).sample.
                const auto population = row[3][0].get<std::vector<std::size_t>>();
                eqb::python_random rng(42);
                for (const auto j : rng.sample(population.size(), row[3][1].get<std::size_t>())) {
                    want.push_back(population[j]);
                }
                if (stage > 1) {
                    std::sort(want.begin(), want.end());
                }
                ++draws;
            }
            EXPECT_EQ(eqb::cw3_pick_matchups(row[1].get<std::size_t>(), ladder_len, schedule[stage - 1], 42), want)
                << "ladder " << ladder_len << " " << row;
        }
    }
    EXPECT_GT(draws, 10);
}

// The selection side of the reference runs with a stub judge: given each loop's
// rank (the judge is not reproducible here), the picks, the stage-1 jitter of the
// run's Random(42), depths, caps and the logical pairs judged per opponent.
TEST_F(elo_matchup_conformance, eqbench3_runs_pick_cap_and_pairs_per_loop) {
    const auto& schedule = eqb::elo_schedule(eqb::elo_benchmark::EQBENCH3);
    int opponents = 0;
    for (const auto& run : doc_["eqbench3"]["runs"]) {
        SCOPED_TRACE(run["name"].get<std::string>());
        std::vector<eqb::eqbench3_item> items;
        for (const auto& sid : run["scenarios"]) {
            for (const auto& it : run["iterations"]) {
                items.push_back({sid.get<std::string>(), it.get<std::string>()});
            }
        }
        std::sort(items.begin(), items.end(), [](const auto& a, const auto& b) {
            return std::tie(a.scenario_id, a.iteration) < std::tie(b.scenario_id, b.iteration);
        });
        std::map<std::string, std::set<std::string>> judged;  // opponent -> scenario ids judged this run
        eqb::python_random rng(42);
        for (const auto& loop : run["loops"]) {
            const auto stage = loop["stage"].get<std::size_t>();
            SCOPED_TRACE("stage " + std::to_string(stage));
            const auto rank = loop["rank"].get<std::size_t>();
            const auto picks =
                eqb::eqbench3_pick_matchups(rank, loop["ladder_len"].get<std::size_t>(), schedule[stage - 1], rng);
            EXPECT_EQ(picks.ranks, loop["opponent_ranks"].get<std::vector<std::size_t>>());
            if (loop.contains("jitter")) {
                ASSERT_TRUE(picks.jitter.has_value());
                EXPECT_EQ(*picks.jitter, loop["jitter"].get<std::int64_t>());
            }
            for (const auto& o : loop["opponents"]) {
                const auto model = o["model"].get<std::string>();
                const auto opp_rank = o["rank"].get<std::size_t>();
                const std::size_t depth = opp_rank > rank ? opp_rank - rank : rank - opp_rank;
                EXPECT_EQ(depth, o["depth"].get<std::size_t>()) << model;
                const auto cap = eqb::elo_opponent_cap(schedule[stage - 1], depth);
                EXPECT_EQ(cap, o["cap"].get<std::size_t>()) << model;
                std::vector<eqb::eqbench3_item> candidates;
                for (const auto& it : items) {
                    if (judged[model].count(it.scenario_id) == 0) {
                        candidates.push_back(it);
                    }
                }
                std::vector<std::pair<int, std::string>> got;
                for (const auto k : eqb::eqbench3_pairs_to_judge(candidates, judged[model].size(), cap)) {
                    got.emplace_back(std::stoi(candidates[k].scenario_id), candidates[k].iteration);
                    judged[model].insert(candidates[k].scenario_id);
                }
                std::sort(got.begin(), got.end());  // the trace lists pairs by numeric scenario id
                std::vector<std::pair<int, std::string>> want;
                for (const auto& p : o["pairs"]) {
                    want.emplace_back(std::stoi(p[0].get<std::string>()), p[1].get<std::string>());
                }
                EXPECT_EQ(got, want) << model;
                EXPECT_EQ(got.size(), o["new_pairs"].get<std::size_t>()) << model;
                ++opponents;
            }
        }
    }
    EXPECT_GT(opponents, 100);
}

TEST(elo_matchup, cw3_radius_three_quota_picks_rank_plus_three_with_seed_42) {
    // README: Random(42).sample([r + 3, r - 3], 1) returns [r + 3].
    const auto& stage2 = eqb::elo_schedule(eqb::elo_benchmark::CREATIVE_WRITING3)[1];
    EXPECT_EQ(eqb::cw3_pick_matchups(3, 8, stage2, 42), (std::vector<std::size_t>{1, 2, 4, 5, 6}));
}

TEST(elo_matchup, opponent_caps_by_depth) {
    const auto& schedule = eqb::elo_schedule(eqb::elo_benchmark::EQBENCH3);
    EXPECT_EQ(eqb::elo_opponent_cap(schedule[0], 4), 1u);
    EXPECT_EQ(eqb::elo_opponent_cap(schedule[1], 1), 4u);
    EXPECT_EQ(eqb::elo_opponent_cap(schedule[1], 2), 2u);
    EXPECT_EQ(eqb::elo_opponent_cap(schedule[1], 3), 1u);
    EXPECT_EQ(eqb::elo_opponent_cap(schedule[5], 3), 2499u);
}

}  // namespace
