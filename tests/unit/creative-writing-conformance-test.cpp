// Creative Writing judge answers recorded from real judges
// (../shared/conformance/creative-writing): the parsed criteria (names, values,
// order), the inverted criteria, prompt scores, iteration averages and run
// scores equal the reference's for every file.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>

#include "parse/judge-answer.hpp"
#include "scoring/creative-writing.hpp"
#include "tests/support/test-support.hpp"

namespace {

using ojson = nlohmann::ordered_json;

std::vector<std::filesystem::path> corpus() {
    return eqb::test::files_in(eqb::test::shared_dir() / "conformance" / "creative-writing", ".json");
}

TEST(creative_writing_conformance, the_corpus_is_there) {
    EQB_SKIP_UNLESS_SHARED("conformance/creative-writing");
    EXPECT_GE(corpus().size(), 20u);
}

TEST(creative_writing_conformance, every_file_parses_and_scores_as_the_reference) {
    EQB_SKIP_UNLESS_SHARED("conformance/creative-writing");
    int files = 0;
    int answers = 0;
    for (const auto& path : corpus()) {
        SCOPED_TRACE(path.filename().string());
        const auto doc = ojson::parse(eqb::test::read_file(path));
        const auto& expected = doc["expected"];
        std::vector<double> iteration_scores;
        for (const auto& [it, prompts] : doc["iterations"].items()) {
            std::vector<double> prompt_scores;
            for (const auto& [pid, text] : prompts.items()) {
                SCOPED_TRACE("iteration " + it + " prompt " + pid);
                const auto pairs = eqb::creative_writing_judge_parse(text.get<std::string>());
                const auto& want = expected["parsed"][it][pid];
                ASSERT_EQ(pairs.size(), want.size());
                std::size_t k = 0;
                for (const auto& [name, value] : want.items()) {
                    EXPECT_EQ(pairs.items()[k].name, name);
                    EXPECT_EQ(pairs.items()[k].value, value.get<double>()) << name;
                    ++k;
                }
                const auto scored = eqb::creative_writing_prompt_score(pairs);
                const auto& want_score = expected["prompt_scores"][it];
                if (!want_score.contains(pid)) {
                    EXPECT_FALSE(scored.has_value());
                    continue;
                }
                ASSERT_TRUE(scored.has_value());
                EXPECT_EQ(scored->score, want_score[pid].get<double>());
                EXPECT_EQ(scored->inverted, expected["inverted_criteria"][it][pid].get<std::vector<std::string>>());
                prompt_scores.push_back(scored->score);
                ++answers;
            }
            const auto iteration = eqb::creative_writing_iteration_score(prompt_scores);
            const auto& want_average = expected["iteration_averages"];
            if (want_average.contains(it) && !want_average[it].is_null()) {
                ASSERT_TRUE(iteration.has_value());
                EXPECT_EQ(*iteration, want_average[it].get<double>());
                iteration_scores.push_back(*iteration);
            } else {
                EXPECT_FALSE(iteration.has_value());
            }
        }
        EXPECT_EQ(eqb::creative_writing_run_score(iteration_scores), expected["score"].get<double>());
        ++files;
    }
    EXPECT_EQ(files, static_cast<int>(corpus().size()));
    EXPECT_GT(answers, 400);
}

TEST(creative_writing_parse, reads_like_python_findall) {
    // Several pairs on a line; a number on the next line after "Name:"; "Score 7";
    // brackets and asterisks removed; a later name overwrites in place; '-' alone is no number.
    const auto pairs = eqb::creative_writing_judge_parse(
        "**Coherent:** [8]\nA: 5, B: 6\nVivid:\n 7.5\nPacing: Score 4\nTrite: -\nCoherent: 9\nRatio: 3.x");
    ASSERT_EQ(pairs.size(), 6u);
    EXPECT_EQ(pairs.items()[0].name, "Coherent");
    EXPECT_EQ(pairs.items()[0].value, 9.0);
    EXPECT_EQ(pairs.items()[1].name, "A");
    EXPECT_EQ(pairs.items()[2].name, ", B");
    EXPECT_EQ(pairs.items()[3].name, "Vivid");
    EXPECT_EQ(pairs.items()[3].value, 7.5);
    EXPECT_EQ(pairs.items()[4].name, "Pacing");
    EXPECT_EQ(pairs.items()[4].value, 4.0);
    EXPECT_EQ(pairs.items()[5].name, "Ratio");
    EXPECT_EQ(pairs.items()[5].value, 3.0);
    EXPECT_TRUE(eqb::creative_writing_judge_parse("no scores here\nat all").empty());
}

TEST(creative_writing_scoring, negative_criteria_count_as_ten_minus_the_score) {
    eqb::emotion_pairs pairs;
    pairs.set({"Elegant Prose", "8", 8.0});
    pairs.set({"Purple Prose", "3", 3.0});
    pairs.set({"Repetitive Tit-for-Tat Dialogue", "1", 1.0});
    const auto scored = eqb::creative_writing_prompt_score(pairs);
    ASSERT_TRUE(scored.has_value());
    EXPECT_DOUBLE_EQ(scored->score, (8.0 + 7.0 + 9.0) / 3.0);
    EXPECT_EQ(scored->inverted, (std::vector<std::string>{"Purple Prose", "Repetitive Tit-for-Tat Dialogue"}));
    EXPECT_FALSE(eqb::creative_writing_prompt_score(eqb::emotion_pairs{}).has_value());
    EXPECT_FALSE(eqb::creative_writing_iteration_score(std::vector<double>(10, 7.0)).has_value());
    EXPECT_EQ(eqb::creative_writing_iteration_score(std::vector<double>(11, 7.0)), 7.0);
}

TEST(creative_writing_scoring, the_interval_is_mean_plus_minus_1_96_sem) {
    const auto ci = eqb::creative_writing_interval({70.0, 72.0, 74.0, 76.0});
    EXPECT_DOUBLE_EQ(ci.mean, 73.0);
    EXPECT_NEAR(ci.sem, std::sqrt(20.0 / 3.0) / 2.0, 1e-12);
    EXPECT_NEAR(ci.high - ci.mean, 1.96 * ci.sem, 1e-12);
    EXPECT_EQ(eqb::creative_writing_interval({5.0}).sem, 0.0);
}

}  // namespace
