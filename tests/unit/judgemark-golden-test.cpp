// Judgemark end to end on synthetic judge answers (tests/golden/judgemark): each
// answer is parsed and scored as SPEC 7 says, the metrics of SPEC 8 are computed
// against the real reference table, and every value equals the one an
// independent Python implementation (make-expected.py) wrote to expected.json.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

#include "bench/judgemark/reference-table.hpp"
#include "parse/judge-answer.hpp"
#include "scoring/creative-writing.hpp"
#include "scoring/judgemark.hpp"
#include "tests/support/test-support.hpp"

namespace {

using ojson = nlohmann::ordered_json;

constexpr double tolerance = 1e-6;

std::filesystem::path golden_dir() {
    return eqb::test::source_dir() / "tests" / "golden" / "judgemark";
}

// Per test model (test-set order), the prompt scores of its parseable answers.
std::vector<std::pair<std::string, std::vector<double>>> golden_prompt_scores() {
    const auto answers = ojson::parse(eqb::test::read_file(golden_dir() / "judge-answers.json"));
    std::vector<std::pair<std::string, std::vector<double>>> out;
    for (const auto& [model, by_prompt] : answers.items()) {
        std::vector<double> scores;
        for (const auto& [pid, text] : by_prompt.items()) {
            const auto scored =
                eqb::creative_writing_prompt_score(eqb::creative_writing_judge_parse(text.get<std::string>()));
            if (scored) {
                scores.push_back(scored->score);
            }
        }
        out.emplace_back(model, std::move(scores));
    }
    return out;
}

eqb::judgemark_reference_table reference_table() {
    auto table = eqb::judgemark_reference_load(eqb::test::data_dir() / "judgemark_reference.json");
    if (!table) {
        throw std::runtime_error(table.err().message);
    }
    return *table;
}

TEST(judgemark_golden, prompt_scores_match_the_independent_parser) {
    const auto expected = ojson::parse(eqb::test::read_file(golden_dir() / "expected.json"));
    const auto scores = golden_prompt_scores();
    ASSERT_EQ(scores.size(), expected["prompt_scores"].size());
    std::size_t i = 0;
    for (const auto& [model, want] : expected["prompt_scores"].items()) {
        SCOPED_TRACE(model);
        EXPECT_EQ(scores[i].first, model);
        const auto want_scores = want.get<std::vector<double>>();
        ASSERT_EQ(scores[i].second.size(), want_scores.size());
        for (std::size_t k = 0; k < want_scores.size(); ++k) {
            EXPECT_NEAR(scores[i].second[k], want_scores[k], 1e-12) << "prompt " << k;
        }
        ++i;
    }
}

TEST(judgemark_golden, every_metric_matches_expected_json) {
    EQB_SKIP_UNLESS_DATA("judgemark_reference.json");
    const auto expected = ojson::parse(eqb::test::read_file(golden_dir() / "expected.json"));
    const auto scores = golden_prompt_scores();
    const auto table = reference_table();
    ASSERT_GE(expected["judges"].size(), 3u);
    for (const auto& [judge, want] : expected["judges"].items()) {
        SCOPED_TRACE(judge);
        const auto got = eqb::judgemark_compute(judge, scores, table);
        ASSERT_TRUE(got.ok()) << got.err().message;

        ASSERT_EQ(got->model_scores.size(), want["model_scores"].size());
        std::size_t i = 0;
        for (const auto& [model, score] : want["model_scores"].items()) {
            EXPECT_EQ(got->model_scores[i].first, model);
            EXPECT_NEAR(got->model_scores[i].second, score.get<double>(), tolerance) << model;
            ++i;
        }
        EXPECT_TRUE(got->unscored.empty());

        const auto metrics = eqb::judgemark_metrics(*got);
        ASSERT_EQ(metrics.size(), want["metrics"].size());
        i = 0;
        for (const auto& [name, value] : want["metrics"].items()) {
            SCOPED_TRACE(name);
            EXPECT_EQ(metrics[i].name, name);
            if (value.is_null()) {
                EXPECT_FALSE(metrics[i].value.has_value());
            } else {
                ASSERT_TRUE(metrics[i].value.has_value());
                EXPECT_NEAR(*metrics[i].value, value.get<double>(), tolerance);
            }
            ++i;
        }
    }
}

TEST(judgemark_golden, the_golden_set_exercises_the_edge_cases) {
    EQB_SKIP_UNLESS_DATA("judgemark_reference.json");
    const auto scores = golden_prompt_scores();
    ASSERT_EQ(scores.size(), 19u);
    std::size_t shorter = 0;
    for (const auto& entry : scores) {
        shorter += entry.second.size() < 19 ? 1u : 0u;
    }
    EXPECT_GE(shorter, 2u);  // unparseable answers (and Yi's 18 prompts) cut the ANOVA lists
    const auto got = eqb::judgemark_compute("claude-3-sonnet-20240229", scores, reference_table());
    ASSERT_TRUE(got.ok());
    EXPECT_TRUE(got->self_bias.has_value());
    EXPECT_TRUE(got->family_bias.has_value());
    EXPECT_LT(got->arena_elo.points, 19u);  // models without an arena Elo are dropped
    EXPECT_LT(got->top8_arena_elo.points, 8u);
}

TEST(judgemark_golden, too_few_scored_models_is_an_error) {
    EQB_SKIP_UNLESS_DATA("judgemark_reference.json");
    const std::vector<std::pair<std::string, std::vector<double>>> scores{
        {"a/model-one", std::vector<double>(11, 5.0)},
        {"a/model-two", std::vector<double>(10, 6.0)},
    };
    const auto got = eqb::judgemark_compute("judge", scores, reference_table());
    ASSERT_FALSE(got.ok());
    EXPECT_NE(got.err().message.find("at least 2"), std::string::npos);
}

TEST(judgemark_golden, reference_table_errors_name_the_file_and_field) {
    const auto bad_row = eqb::judgemark_reference_parse(
        R"({"other_benchmarks": [{"model": "m", "arena_elo": "high"}], "judge_scores_by_other_judges": {}})",
        "table.json");
    ASSERT_FALSE(bad_row.ok());
    EXPECT_EQ(bad_row.err().message, "table.json: other_benchmarks[0].arena_elo: expected a number or null");

    const auto bad_judges = eqb::judgemark_reference_parse(R"({"other_benchmarks": []})", "table.json");
    ASSERT_FALSE(bad_judges.ok());
    EXPECT_NE(bad_judges.err().message.find("table.json: judge_scores_by_other_judges"), std::string::npos);

    const auto missing = eqb::judgemark_reference_load(golden_dir() / "no-such-table.json");
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.err().message.find("no-such-table.json"), std::string::npos);

    EQB_SKIP_UNLESS_DATA("judgemark_reference.json");
    const auto table = reference_table();
    EXPECT_EQ(table.other_benchmarks.size(), 19u);
    EXPECT_EQ(table.other_judges.size(), 8u);
    EXPECT_EQ(table.other_judges.front().judge, "gpt-4-0125-preview");
    EXPECT_FALSE(table.other_benchmarks[6].arena_elo.has_value());  // goliath-120b
}

}  // namespace
