// The pairwise judgement arithmetic of EQ-Bench 3 and Creative Writing v3
// against the reference functions' own results
// (../shared/conformance/trueskill/bin-fraction.json): plus tallies, win
// fractions, analysis downscaling and pseudo-match bins, every row.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "scoring/elo-pairwise.hpp"
#include "tests/support/test-support.hpp"

namespace {

using ojson = nlohmann::ordered_json;

class elo_pairwise_conformance : public ::testing::Test {
  protected:
    void SetUp() override {
        const auto path = eqb::test::shared_dir() / "conformance" / "trueskill" / "bin-fraction.json";
        if (!std::filesystem::exists(path)) {
            GTEST_SKIP() << "needs " << path;
        }
        doc_ = ojson::parse(eqb::test::read_file(path));
    }
    ojson doc_;
};

std::vector<eqb::judge_member> members_of(const ojson& object) {
    std::vector<eqb::judge_member> out;
    for (const auto& [key, value] : object.items()) {
        out.push_back({key, value.is_string() ? std::optional<std::string>(value.get<std::string>()) : std::nullopt});
    }
    return out;
}

void expect_bins(const ojson& want, const eqb::pseudo_matches& got, const std::string& what) {
    EXPECT_EQ(got.wins_test, want[0].get<int>()) << what;
    EXPECT_EQ(got.wins_other, want[1].get<int>()) << what;
}

TEST_F(elo_pairwise_conformance, eqbench3_fractions_and_their_bins) {
    const auto& rows = doc_["eqbench3"]["compute_fraction_for_test"];
    ASSERT_GT(rows.size(), 100u);
    int edges = 0;
    for (const auto& row : rows) {
        const auto what = row.dump();
        const auto got = eqb::eqbench3_fraction_for_test(row["outcome"].get<double>(), row["plus_for_test"].get<int>(),
                                                         row["plus_for_other"].get<int>());
        EXPECT_EQ(got.fraction, row["fraction"].get<double>()) << what;
        EXPECT_EQ(got.diff, row["diff"].get<int>()) << what;
        EXPECT_EQ(got.diff_norm, row["diff_norm"].get<double>()) << what;
        EXPECT_EQ(got.diff_blend, row["diff_blend"].get<double>()) << what;
        expect_bins(row["bin20"], eqb::elo_bin_fraction(got.fraction, eqb::eqbench3_bin_size), what);
        expect_bins(row["bin5"], eqb::elo_bin_fraction(got.fraction, eqb::eqbench3_bin_size_for_ci), what);
        // ratio = margin / step before math.ceil, where the file gives it.
        for (const auto& [bins, bin] : {std::pair<const char*, int>{"20", 20}, {"5", 5}}) {
            const std::string ratio = std::string("ratio") + bins;
            if (row.contains(ratio)) {
                const double margin = got.fraction > 0.5 ? got.fraction - 0.5 : 0.5 - got.fraction;
                EXPECT_EQ(margin / (0.5 / bin), row[ratio].get<double>()) << what;
            }
        }
        edges += row.value("edge20", false) ? 1 : 0;
    }
    EXPECT_GT(edges, 0);
}

TEST_F(elo_pairwise_conformance, eqbench3_floating_point_edges_give_the_reference_counts) {
    // 3 of 30: margin 0.050000000000000044 / 0.025 = 2.0000000000000018 -> 3 wins (exact arithmetic: 2).
    EXPECT_EQ(eqb::elo_bin_fraction(eqb::eqbench3_fraction_for_test(1.0, 3, 0).fraction, 20).wins_test, 3);
    EXPECT_EQ(eqb::elo_bin_fraction(eqb::eqbench3_fraction_for_test(1.0, 9, 0).fraction, 20).wins_test, 7);
    EXPECT_EQ(eqb::elo_bin_fraction(eqb::eqbench3_fraction_for_test(1.0, 18, 0).fraction, 20).wins_test, 13);
    EXPECT_EQ(eqb::elo_bin_fraction(eqb::eqbench3_fraction_for_test(1.0, 6, 0).fraction, 20).wins_test, 4);
}

TEST_F(elo_pairwise_conformance, bin_fraction_tables_of_both_benchmarks) {
    int rows = 0;
    for (const auto& row : doc_["eqbench3"]["bin_fraction"]) {
        const double f = row[0].get<double>();
        expect_bins(ojson::array({row[1], row[2]}), eqb::elo_bin_fraction(f, eqb::eqbench3_bin_size), row.dump());
        expect_bins(ojson::array({row[3], row[4]}), eqb::elo_bin_fraction(f, eqb::eqbench3_bin_size_for_ci),
                    row.dump());
        ++rows;
    }
    for (const auto& row : doc_["cw3"]["bin_fraction_trueskill"]) {
        const double f = row[0].get<double>();
        expect_bins(ojson::array({row[1], row[2]}), eqb::elo_bin_fraction(f, eqb::cw3_bin_size), row.dump());
        expect_bins(ojson::array({row[3], row[4]}), eqb::elo_bin_fraction(f, eqb::cw3_bin_size_for_ci), row.dump());
        ++rows;
    }
    EXPECT_GT(rows, 400);
}

TEST_F(elo_pairwise_conformance, eqbench3_downscale_analysis_pair) {
    const auto& rows = doc_["eqbench3"]["downscale_analysis_pair"];
    ASSERT_FALSE(rows.empty());
    for (const auto& row : rows) {
        const auto what = row.dump();
        const auto got =
            eqb::eqbench3_downscale_analysis_pair(row["scenario_id"].get<std::string>(), row["outcome"].get<double>(),
                                                  row["plus_test"].get<int>(), row["plus_other"].get<int>());
        const auto& want = row["result"];
        EXPECT_EQ(got.plus_for_test, want[0].get<int>()) << what;
        EXPECT_EQ(got.plus_for_other, want[1].get<int>()) << what;
        EXPECT_EQ(got.fraction.diff, want[2].get<int>()) << what;
        EXPECT_EQ(got.fraction.diff_norm, want[3].get<double>()) << what;
        EXPECT_EQ(got.fraction.diff_blend, want[4].get<double>()) << what;
        EXPECT_EQ(got.fraction.fraction, want[5].get<double>()) << what;
    }
}

TEST_F(elo_pairwise_conformance, eqbench3_interpret_pairwise_result) {
    const auto& rows = doc_["eqbench3"]["interpret_pairwise_result"];
    ASSERT_FALSE(rows.empty());
    for (const auto& row : rows) {
        const auto members = members_of(row["judge_response"]);
        const auto got = eqb::eqbench3_pairwise_tally(members);
        EXPECT_EQ(got.outcome_for_a, row["result"][0].get<double>()) << row.dump();
        EXPECT_EQ(got.plus_for_a, row["result"][1].get<int>()) << row.dump();
        EXPECT_EQ(got.plus_for_b, row["result"][2].get<int>()) << row.dump();
    }
}

TEST_F(elo_pairwise_conformance, cw3_fractions_and_their_bins) {
    const auto& rows = doc_["cw3"]["compute_fraction_for_test_cw"];
    ASSERT_GT(rows.size(), 100u);
    bool outside_unit = false;
    for (const auto& row : rows) {
        const auto what = row.dump();
        const auto got = eqb::cw3_fraction_for_test(row["outcome"].get<double>(), row["plus_for_test"].get<int>(),
                                                    row["plus_for_other"].get<int>());
        EXPECT_EQ(got.fraction, row["fraction"].get<double>()) << what;
        EXPECT_EQ(got.diff, row["diff"].get<int>()) << what;
        EXPECT_EQ(got.diff_norm, row["diff_norm"].get<double>()) << what;
        EXPECT_EQ(got.diff_blend, row["diff_blend"].get<double>()) << what;
        expect_bins(row["bin4"], eqb::elo_bin_fraction(got.fraction, eqb::cw3_bin_size), what);
        expect_bins(row["bin3"], eqb::elo_bin_fraction(got.fraction, eqb::cw3_bin_size_for_ci), what);
        outside_unit = outside_unit || got.fraction < 0.0 || got.fraction > 1.0;
    }
    EXPECT_TRUE(outside_unit) << "CW3 fractions are not clamped: the table should leave [0, 1]";
}

TEST_F(elo_pairwise_conformance, cw3_interpret_pairwise_result) {
    const auto& rows = doc_["cw3"]["interpret_pairwise_result_cw"];
    ASSERT_FALSE(rows.empty());
    for (const auto& row : rows) {
        const auto members = members_of(row["judge_response"]);
        const auto got = eqb::cw3_pairwise_tally(members);
        ASSERT_TRUE(got.has_value()) << row.dump();
        EXPECT_EQ(got->outcome_for_a, row["result"][0].get<double>()) << row.dump();
        EXPECT_EQ(got->plus_for_a, row["result"][1].get<int>()) << row.dump();
        EXPECT_EQ(got->plus_for_b, row["result"][2].get<int>()) << row.dump();
    }
}

// Values below follow from the reference code read by hand (core/pairwise_judging.py,
// core/elo_helpers.py, core/elo_helpers_cw.py).
TEST(elo_pairwise, reversed_judgements_swap_sides_and_invert_the_outcome) {
    const std::vector<eqb::judge_member> verdict = {{"a", "A0493+++"}, {"b", "A0488+"}};  // A ahead 3-1
    const auto fwd = eqb::eqbench3_comparison_outcome(verdict, eqb::pairwise_direction::FORWARD, "12");
    EXPECT_EQ(fwd.outcome_for_test, 1.0);
    EXPECT_EQ(fwd.plus_for_test, 3);
    EXPECT_EQ(fwd.plus_for_other, 1);
    EXPECT_EQ(fwd.fraction_for_test, 0.5 + (2.0 / 30.0) / 2.0);
    const auto rev = eqb::eqbench3_comparison_outcome(verdict, eqb::pairwise_direction::REVERSED, "12");
    EXPECT_EQ(rev.outcome_for_test, 0.0);
    EXPECT_EQ(rev.plus_for_test, 1);
    EXPECT_EQ(rev.plus_for_other, 3);
    EXPECT_EQ(rev.fraction_for_test, 1.0 - (0.5 + (2.0 / 30.0) / 2.0));
    // Analysis scenario: the margin shrinks to one plus.
    const auto analysis = eqb::eqbench3_comparison_outcome(verdict, eqb::pairwise_direction::REVERSED, "404");
    EXPECT_EQ(analysis.plus_for_test, 0);
    EXPECT_EQ(analysis.plus_for_other, 1);
    const auto cw = eqb::cw3_comparison_outcome(verdict, eqb::pairwise_direction::REVERSED);
    ASSERT_TRUE(cw.has_value());
    EXPECT_EQ(cw->outcome_for_test, 0.0);
    EXPECT_EQ(cw->plus_for_test, 1);
    EXPECT_EQ(cw->fraction_for_test, 1.0 - (0.5 + (2.0 / 45.0) / 2.0));
}

TEST(elo_pairwise, python_int_reading_of_scenario_ids) {
    // int(" 401 ") and int("4_01") are 401; int("401a") and int("4__01") raise.
    EXPECT_EQ(eqb::eqbench3_downscale_analysis_pair(" 401 ", 1.0, 9, 2).plus_for_test, 1);
    EXPECT_EQ(eqb::eqbench3_downscale_analysis_pair("4_01", 1.0, 9, 2).plus_for_test, 1);
    EXPECT_EQ(eqb::eqbench3_downscale_analysis_pair("401a", 1.0, 9, 2).plus_for_test, 9);
    EXPECT_EQ(eqb::eqbench3_downscale_analysis_pair("4__01", 1.0, 9, 2).plus_for_test, 9);
    EXPECT_EQ(eqb::eqbench3_downscale_analysis_pair("-401", 1.0, 9, 2).plus_for_test, 9);
    EXPECT_EQ(eqb::eqbench3_downscale_analysis_pair("399", 1.0, 9, 2).plus_for_test, 9);
}

TEST(elo_pairwise, cw3_non_string_verdicts_are_the_reference_type_error) {
    const std::vector<eqb::judge_member> verdict = {{"a", "A0493+"}, {"score", std::nullopt}};
    EXPECT_FALSE(eqb::cw3_pairwise_tally(verdict).has_value());
    const std::vector<eqb::judge_member> skipped = {{"a", "A0493+"}, {"theory_of_mind", std::nullopt}};
    EXPECT_TRUE(eqb::cw3_pairwise_tally(skipped).has_value());
    EXPECT_EQ(eqb::eqbench3_pairwise_tally(verdict).plus_for_a, 1);
}

}  // namespace
