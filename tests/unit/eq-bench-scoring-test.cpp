// Scoring rules of SPEC sections 5-6 on hand-made answers, values worked out
// from the formulas (independent of the reference's recorded outputs).

#include <gtest/gtest.h>

#include <cmath>

#include "scoring/eq-bench.hpp"

namespace {

eqb::emotion_reference reference(double a, double b, double c, double d) {
    eqb::emotion_reference r;
    r.names = {"Remorseful", "Indifferent", "Affectionate", "Annoyed"};
    r.scores = {a, b, c, d};
    return r;
}

eqb::emotion_pairs pairs(std::initializer_list<std::pair<const char*, double>> items) {
    eqb::emotion_pairs out;
    for (const auto& [name, value] : items) {
        out.set({name, std::to_string(value), value});
    }
    return out;
}

double sigmoid(double d) {
    return 6.5 / (1.0 + std::exp(-1.2 * (d - 4.0)));
}

TEST(eq_bench_v2, exact_answer_scores_ten) {
    const auto ref = reference(0, 6, 0, 7);
    const auto score = eqb::score_eq_bench_v2(
        ref, pairs({{"Remorseful", 0}, {"Indifferent", 6}, {"Affectionate", 0}, {"Annoyed", 7}}), eqb::v2_scorer::V2_4);
    ASSERT_TRUE(score.has_value());
    EXPECT_DOUBLE_EQ(*score, 10.0);
}

TEST(eq_bench_v2, sigmoid_linear_and_the_d_equals_5_boundary) {
    const auto ref = reference(0, 0, 0, 0);
    const auto answer = pairs({{"remorseful", 1}, {"INDIFFERENT", 5}, {"Affectionate", 7}, {"Annoyed", 0}});
    const auto v24 = eqb::score_eq_bench_v2(ref, answer, eqb::v2_scorer::V2_4);
    const auto legacy = eqb::score_eq_bench_v2(ref, answer, eqb::v2_scorer::LEGACY);
    ASSERT_TRUE(v24 && legacy);
    EXPECT_NEAR(*v24, 10.0 - 0.7477 * (sigmoid(1) + sigmoid(5) + 7.0), 1e-12);
    EXPECT_NEAR(*legacy, 10.0 - 0.7477 * (sigmoid(1) + 5.0 + 7.0), 1e-12);
    EXPECT_LT(*legacy, *v24);  // d = 5 costs 5.0 instead of 4.9954
}

TEST(eq_bench_v2, needs_exactly_four_matching_names) {
    const auto ref = reference(0, 6, 0, 7);
    EXPECT_FALSE(eqb::score_eq_bench_v2(ref, pairs({{"Remorseful", 0}, {"Indifferent", 6}, {"Annoyed", 7}}),
                                        eqb::v2_scorer::V2_4));
    EXPECT_FALSE(eqb::score_eq_bench_v2(
        ref, pairs({{"Remorseful", 0}, {"Indifferent", 6}, {"Annoyed", 7}, {"annoyed", 5}}), eqb::v2_scorer::V2_4));
    EXPECT_FALSE(eqb::score_eq_bench_v2(
        ref, pairs({{"Remorseful", 0}, {"Indifferent", 6}, {"Affectionate", 0}, {"Angry", 7}}), eqb::v2_scorer::V2_4));
}

TEST(eq_bench_v1, normalises_to_ten_and_keeps_the_case_bug) {
    const auto ref = reference(0, 4, 0, 6);
    // Sum 20 -> halved: 0, 4, 0, 6 -> exact.
    auto exact = eqb::score_eq_bench_v1(
        ref, pairs({{"Remorseful", 0}, {"Indifferent", 8}, {"Affectionate", 0}, {"Annoyed", 12}}));
    ASSERT_TRUE(exact);
    EXPECT_NEAR(*exact, 10.0, 1e-12);
    // A lower-case name matches for acceptance but adds no difference (reference BUG kept).
    auto lower = eqb::score_eq_bench_v1(
        ref, pairs({{"Remorseful", 0}, {"Indifferent", 4}, {"Affectionate", 0}, {"annoyed", 0}}));
    ASSERT_TRUE(lower);
    // Scaled to 0, 10, 0, 0: Indifferent adds |10 - 4| = 6; "annoyed" would add 6 more if counted.
    EXPECT_NEAR(*lower, 4.0, 1e-12);
    EXPECT_FALSE(eqb::score_eq_bench_v1(
        ref, pairs({{"Remorseful", 0}, {"Indifferent", 0}, {"Affectionate", 0}, {"Annoyed", 0}})));
}

TEST(eq_bench_question, live_gate_decides_what_is_stored) {
    const auto ref = reference(0, 6, 0, 7);
    eqb::parsed_answer zeros;
    zeros.first_pass = pairs({{"Remorseful", 0}, {"Indifferent", 0}, {"Affectionate", 0}, {"Annoyed", 0}});
    // Revision off: an all-zero answer fails the v1 gate and is never stored.
    const auto off = eqb::score_eq_bench_question(zeros, false, ref, &ref, eqb::v2_scorer::V2_4);
    EXPECT_FALSE(off.first_pass.has_value());
    // Revision on: a scoring revised part stores both parts' v2 scores.
    zeros.revised = pairs({{"Remorseful", 0}, {"Indifferent", 6}, {"Affectionate", 0}, {"Annoyed", 7}});
    const auto on = eqb::score_eq_bench_question(zeros, true, ref, &ref, eqb::v2_scorer::V2_4);
    ASSERT_TRUE(on.first_pass && on.revised);
    EXPECT_DOUBLE_EQ(*on.revised, 10.0);
    EXPECT_FALSE(eqb::eq_bench_answer_scores(zeros, true, ref));
}

TEST(eq_bench_aggregate, revised_wins_only_when_higher_and_parseable_enough) {
    std::vector<eqb::question_score> scores(20, eqb::question_score{8.0, 9.0});
    auto it = eqb::eq_bench_iteration_aggregate(scores);
    EXPECT_DOUBLE_EQ(it.first_pass_score, 80.0);
    EXPECT_DOUBLE_EQ(it.final_score, 90.0);
    EXPECT_EQ(it.final_parseable, 20);
    for (int i = 0; i < 2; ++i) {
        scores[static_cast<std::size_t>(i)].revised.reset();  // 18 < 0.95 * 20
    }
    it = eqb::eq_bench_iteration_aggregate(scores);
    EXPECT_DOUBLE_EQ(it.final_score, 80.0);
    EXPECT_EQ(it.final_parseable, 20);
}

TEST(eq_bench_aggregate, run_divides_by_configured_iterations_and_fails_below_83_percent) {
    eqb::iteration_result it;
    it.final_score = 70.004;
    it.final_parseable = 171;
    auto run = eqb::eq_bench_run_aggregate({it, it}, 2, 171);
    EXPECT_DOUBLE_EQ(run.score, 70.0);
    EXPECT_DOUBLE_EQ(run.parseable, 171.0);
    EXPECT_FALSE(run.failed);
    run = eqb::eq_bench_run_aggregate({it}, 2, 171);  // one of two iterations done
    EXPECT_DOUBLE_EQ(run.score, 35.0);
    EXPECT_DOUBLE_EQ(run.parseable, 85.5);
    EXPECT_TRUE(run.failed);
    EXPECT_EQ(run.error, "85.5 questions were parseable (min is 83%)");
}

}  // namespace
