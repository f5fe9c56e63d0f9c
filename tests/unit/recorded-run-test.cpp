// raw_results.json as eqbench writes it holds runs of every benchmark: only the
// EQ-Bench runs are read back for scoring, the others are named as skipped.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "bench/eq-bench/recorded-run.hpp"

namespace {

TEST(recorded_run_test, other_benchmarks_runs_are_skipped_and_named) {
    const std::string file = R"({
      "1--v2--en--m----------openai----": {
        "run_metadata": {"eq_bench_version": "v2", "language": "en", "total_iterations": 1},
        "iterations": {"1": {"raw_inference": {"1": "Anger: 5\nJoy: 0\nFear: 1\nPride: 2"}}}},
      "1--creative-writing--m--------openai----": {
        "run_metadata": {"benchmark": "creative-writing"},
        "iterations": {"1": {"test_model_response": {"1": "A piece."}, "individual_scores": {}}},
        "creative_writing_results": {"score": 50.0}},
      "1--judgemark--j": {
        "run_metadata": {"benchmark": "judgemark"},
        "iterations": {"1": {"individual_scores": {}}}}
    })";
    std::vector<std::string> skipped;
    const auto runs = eqb::recorded_runs_parse(file, "raw_results.json", &skipped);
    ASSERT_TRUE(runs) << runs.err().message;
    ASSERT_EQ(runs->size(), 1U);
    EXPECT_EQ((*runs)[0].key, "1--v2--en--m----------openai----");
    EXPECT_EQ(skipped, (std::vector<std::string>{"1--creative-writing--m--------openai----", "1--judgemark--j"}));

    std::vector<std::string> none;
    const auto only_others = eqb::recorded_runs_parse(
        R"({"1--judgemark--j": {"run_metadata": {"benchmark": "judgemark"}, "iterations": {"1": {}}}})", "x.json",
        &none);
    ASSERT_FALSE(only_others);
    EXPECT_NE(only_others.err().message.find("no EQ-Bench run in it"), std::string::npos) << only_others.err().message;
    // An EQ-Bench entry without its answers is still an error, named.
    const auto broken = eqb::recorded_runs_parse(R"({"k": {"iterations": {"1": {}}}})", "y.json");
    ASSERT_FALSE(broken);
    EXPECT_NE(broken.err().message.find("raw_inference: missing"), std::string::npos);
}

TEST(recorded_run_test, an_anchored_run_keeps_its_own_version_label) {
    const std::string file = R"({
      "1--v2_anchored--ja--m--------openai----": {
        "iterations": {"1": {"raw_inference": {"1": "x: 1"}}}}
    })";
    const auto runs = eqb::recorded_runs_parse(file, "raw_results.json");
    ASSERT_TRUE(runs) << runs.err().message;
    ASSERT_EQ(runs->size(), 1U);
    EXPECT_TRUE((*runs)[0].anchored);
    EXPECT_EQ((*runs)[0].language, "ja");
    EXPECT_EQ((*runs)[0].version, eqb::eq_bench_version::V2);
    const auto plain = eqb::recorded_runs_parse(
        R"({"1--v2--ja--m": {"run_metadata": {"language": "ja"}, "iterations": {"1": {"raw_inference": {}}}}})", "x");
    ASSERT_TRUE(plain) << plain.err().message;
    EXPECT_FALSE((*plain)[0].anchored);
}

}  // namespace
