// Creative Writing v3 arithmetic: piece and run scores (order of the sum,
// Python rounding), the Elo entry of a model (iteration scores, items, best
// iteration), top iterations, matchups against one opponent, signatures,
// truncation and the de-duplication of comparisons. Expected values are worked
// out by hand from the reference's formulas.

#include <gtest/gtest.h>

#include "bench/creative-writing-3/elo-items.hpp"
#include "bench/creative-writing-3/pairwise.hpp"
#include "bench/creative-writing-3/rubric.hpp"

namespace {

eqb::emotion_pairs scores_of(const std::vector<std::pair<std::string, double>>& values) {
    eqb::emotion_pairs pairs;
    for (const auto& [name, value] : values) {
        pairs.set({name, "", value});
    }
    return pairs;
}

eqb::cw3_prompt prompt_of(const std::string& id) {
    return {id, "W" + id + " <SEED>", {"m"}, "", ""};
}

eqb::cw3_piece piece_of(const std::string& id, int iteration, std::optional<std::string> text,
                        const std::vector<std::pair<std::string, double>>& values) {
    return {id, iteration, std::move(text), scores_of(values)};
}

const std::vector<std::string> negatives{"Rambling", "Cliches"};

TEST(cw3_piece_score, inverts_negatives_and_drops_values_over_20) {
    // 12 + (20 - 5) + 18 = 45 over 3; Cliches -2 becomes 22 and is left out.
    EXPECT_EQ(
        eqb::cw3_piece_score(scores_of({{"Style", 12}, {"Rambling", 5}, {"Cliches", -2}, {"Flow", 18}}), negatives),
        15.0);
    // Names match exactly: "rambling" is not a negative criterion.
    EXPECT_EQ(eqb::cw3_piece_score(scores_of({{"rambling", 4}, {"Style", -4}}), negatives), 0.0);
    EXPECT_FALSE(eqb::cw3_piece_score(scores_of({}), negatives).has_value());
    EXPECT_FALSE(eqb::cw3_piece_score(scores_of({{"Cliches", -0.5}}), negatives).has_value());
}

TEST(cw3_rubric_summarise, rounds_half_even_from_the_unrounded_mean) {
    // The README's example: a mean of 10.596 gives 10.6 and 52.98.
    std::vector<eqb::cw3_scored_task> tasks{{"1", 1, 10.596}};
    auto s = eqb::cw3_rubric_summarise(tasks);
    EXPECT_EQ(s.creative_score_0_20, 10.6);
    EXPECT_EQ(s.eqbench_creative_score, 52.98);
    // 0.125 and 0.375 are exact in binary: round() goes to the even digit.
    s = eqb::cw3_rubric_summarise({{"1", 1, 0.125}});
    EXPECT_EQ(s.creative_score_0_20, 0.12);
    EXPECT_EQ(s.eqbench_creative_score, 0.62);  // 0.625 -> 0.62
    // Tasks without a piece score do not count; none at all gives 0.
    s = eqb::cw3_rubric_summarise({{"1", 1, 8.0}, {"2", 1, std::nullopt}, {"3", 1, 11.0}});
    EXPECT_EQ(s.pieces, 2u);
    EXPECT_EQ(s.mean, 9.5);
    s = eqb::cw3_rubric_summarise({{"1", 1, std::nullopt}});
    EXPECT_EQ(s.pieces, 0u);
    EXPECT_EQ(s.creative_score_0_20, 0.0);
    // The sum runs left to right: (0.1 + 0.2) + 0.3 != 0.1 + (0.2 + 0.3) in binary.
    s = eqb::cw3_rubric_summarise({{"1", 1, 0.1}, {"2", 1, 0.2}, {"3", 1, 0.3}});
    EXPECT_EQ(s.mean, ((0.1 + 0.2) + 0.3) / 3.0);
}

TEST(cw3_scored_tasks, run_iteration_by_iteration_in_prompt_file_order) {
    const std::vector<eqb::cw3_prompt> prompts{prompt_of("3"), prompt_of("1"), prompt_of("2")};
    const std::vector<eqb::cw3_piece> pieces{
        piece_of("1", 2, "t", {{"Style", 4}}),
        piece_of("3", 1, "t", {{"Style", 1}}),
        piece_of("2", 1, std::nullopt, {}),
        piece_of("1", 1, "t", {{"Style", 2}}),
        piece_of("3", 2, "t", {{"Style", 3}}),
        piece_of("9", 1, "t", {{"Style", 9}}),
        piece_of("2", 2, "t", {}),
    };
    const auto tasks = eqb::cw3_scored_tasks(pieces, prompts, negatives);
    ASSERT_EQ(tasks.size(), 5u);
    const std::vector<std::pair<std::string, int>> order{{"3", 1}, {"1", 1}, {"9", 1}, {"3", 2}, {"1", 2}};
    for (std::size_t i = 0; i < tasks.size(); ++i) {
        EXPECT_EQ(tasks[i].prompt_id, order[i].first) << i;
        EXPECT_EQ(tasks[i].iteration, order[i].second) << i;
    }
    EXPECT_EQ(tasks[1].piece_score, 2.0);
}

TEST(cw3_elo_model_build, aggregates_values_like_the_reference) {
    const std::vector<eqb::cw3_prompt> prompts{prompt_of("1"), prompt_of("5"), prompt_of("2")};
    const std::vector<eqb::cw3_piece> pieces{
        // Iteration 1: prompt 1 (10, 20-4=16, 20-(-2)=22: kept here), prompt 5 ignored.
        piece_of("1", 1, " one \n", {{"Style", 10}, {"Rambling", 4}, {"Cliches", -2}}),
        piece_of("5", 1, "five", {{"Style", 1}}),
        piece_of("2", 1, "two", {{"Style", 7.5}}),
        // Iteration 2: prompt 1 dropped (no text), prompt 2 scored 13.
        piece_of("1", 2, std::nullopt, {}),
        piece_of("2", 2, "two again", {{"Style", 13}}),
        // Iteration 3: only the ignored prompt: no entry.
        piece_of("5", 3, "five", {{"Style", 3}}),
    };
    const auto model = eqb::cw3_elo_model_build(pieces, prompts, negatives);
    ASSERT_EQ(model.iterations.size(), 2u);
    const auto& first = model.iterations[0];
    EXPECT_EQ(first.iteration_id, "1");
    EXPECT_EQ(first.scores_count, 4u);
    EXPECT_EQ(first.scores_sum, 55.5);     // 48 + 7.5
    EXPECT_EQ(first.rubric_score, 13.88);  // 13.875 is exact: half-even gives 13.88
    ASSERT_EQ(first.items.size(), 2u);
    EXPECT_EQ(first.items[0].item_id, "1");
    EXPECT_EQ(first.items[0].text, "one");
    EXPECT_EQ(first.items[0].item_score, 16.0);  // 48 / 3
    EXPECT_EQ(model.iterations[1].rubric_score, 13.0);
    EXPECT_EQ(eqb::cw3_elo_text_count(model.iterations[1]), 1u);
    ASSERT_TRUE(model.rubric_score_agg.has_value());
    EXPECT_EQ(*model.rubric_score_agg, 13.7);  // 68.5 / 5
    EXPECT_EQ(model.best_iteration, "1");
    EXPECT_EQ(eqb::cw3_elo_iteration_find(model, "3"), nullptr);
    EXPECT_TRUE(eqb::cw3_elo_prompt_ignored("5"));
    EXPECT_TRUE(eqb::cw3_elo_prompt_ignored("30_2_1"));
    EXPECT_FALSE(eqb::cw3_elo_prompt_ignored("50"));
    EXPECT_FALSE(eqb::cw3_elo_prompt_ignored("1"));
}

eqb::cw3_elo_model model_with(const std::vector<std::pair<std::string, double>>& iteration_scores,
                              const std::vector<std::string>& items) {
    eqb::cw3_elo_model model;
    for (const auto& [id, score] : iteration_scores) {
        eqb::cw3_elo_iteration iteration;
        iteration.iteration_id = id;
        iteration.rubric_score = score;
        for (const auto& item : items) {
            iteration.items.push_back({item, "text " + item + " " + id, 10.0});
        }
        model.iterations.push_back(std::move(iteration));
    }
    return model;
}

TEST(cw3_top_iterations, ranks_by_score_stably_and_returns_id_order) {
    const auto model = model_with({{"3", 12.0}, {"1", 12.5}, {"10", 12.0}, {"2", 12.0}}, {});
    EXPECT_EQ(eqb::cw3_top_iterations(model, 2), (std::vector<std::string>{"1", "3"}));
    EXPECT_EQ(eqb::cw3_top_iterations(model, 3), (std::vector<std::string>{"1", "3", "10"}));
    EXPECT_EQ(eqb::cw3_top_iterations(model, 9), (std::vector<std::string>{"1", "2", "3", "10"}));
    EXPECT_TRUE(eqb::cw3_top_iterations(eqb::cw3_elo_model{}, 2).empty());
}

TEST(cw3_matchup_signature, sorts_the_two_sides) {
    EXPECT_EQ(eqb::cw3_matchup_signature("b/m", "a/m", "7", "1", "2"), "a/m|2|b/m|1|7");
    EXPECT_EQ(eqb::cw3_matchup_signature("a/m", "b/m", "7", "2", "1"), "a/m|2|b/m|1|7");
    // Same model on both sides: the iterations decide.
    EXPECT_EQ(eqb::cw3_matchup_signature("m", "m", "3", "2", "1"), "m|1|m|2|3");
    // Byte order (code point order), as Python compares str.
    EXPECT_EQ(eqb::cw3_matchup_signature("\xc3\xa9", "z", "1", "1", "1"), "z|1|\xc3\xa9|1|1");
}

TEST(cw3_matchups_for_opponent, walks_iterations_then_items_in_id_order) {
    const auto test = model_with({{"1", 10.0}, {"2", 12.0}, {"3", 11.0}}, {"10", "2", "5", "1"});
    auto opponent = model_with({{"1", 9.0}, {"2", 8.0}, {"3", 9.5}}, {"1", "2", "10"});
    // The opponent's iteration 1 lacks item 2 and has item 10 without text.
    opponent.iterations[0].items.erase(opponent.iterations[0].items.begin() + 1);
    opponent.iterations[0].items[1].text.clear();
    std::unordered_set<std::string> judged{eqb::cw3_matchup_signature("T", "O", "1", "3", "1")};
    const auto matchups = eqb::cw3_matchups_for_opponent("T", test, "O", opponent, 10, judged);
    // Top iterations: test {2, 3}, opponent {1, 3}. Item 5 is ignored; 1/3 is judged already.
    const std::vector<std::vector<std::string>> want{
        {"1", "2", "1"}, {"2", "2", "3"}, {"10", "2", "3"}, {"2", "3", "3"}, {"10", "3", "3"}};
    ASSERT_EQ(matchups.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        EXPECT_EQ(matchups[i].item_id, want[i][0]) << i;
        EXPECT_EQ(matchups[i].test_iteration, want[i][1]) << i;
        EXPECT_EQ(matchups[i].opponent_iteration, want[i][2]) << i;
    }
    const auto two = eqb::cw3_matchups_for_opponent("T", test, "O", opponent, 2, judged);
    ASSERT_EQ(two.size(), 2u);
    EXPECT_EQ(two[1].item_id, "2");
    EXPECT_TRUE(eqb::cw3_matchups_for_opponent("T", test, "O", eqb::cw3_elo_model{}, 5, judged).empty());
}

TEST(cw3_pairwise, truncates_to_4000_code_points_and_swaps_lengths_when_reversed) {
    std::string long_piece;
    for (int i = 0; i < 4100; ++i) {
        long_piece += "\xf0\x9f\x8c\x99";  // U+1F319, four bytes
    }
    const auto cut = eqb::cw3_pairwise_text(long_piece);
    EXPECT_EQ(cut.size(), 16000u);
    EXPECT_EQ(eqb::cw3_pairwise_text("short"), "short");
    const auto forward = eqb::cw3_comparison_item_lengths(long_piece, "abc", false);
    EXPECT_EQ(forward.test_model, 4000u);
    EXPECT_EQ(forward.neighbor_model, 3u);
    const auto reversed = eqb::cw3_comparison_item_lengths(long_piece, "abc", true);
    EXPECT_EQ(reversed.test_model, 3u);
    EXPECT_EQ(reversed.neighbor_model, 4000u);
    EXPECT_EQ(eqb::cw3_pairwise_sampling.temperature, 0.0);
    EXPECT_EQ(eqb::cw3_pairwise_sampling.max_tokens, 16000);
    EXPECT_EQ(eqb::cw3_pairwise_sampling.min_p, 0.1);
    EXPECT_EQ(eqb::cw3_rubric_sampling.max_tokens, 1000);
    EXPECT_EQ(eqb::cw3_rubric_sampling.min_p, 0.1);
}

TEST(cw3_comparison_dedup, keys_on_item_sorted_sides_and_the_rounded_fraction) {
    const eqb::cw3_comparison_key forward{"4", "test/m", "other/m", "1", "2"};
    const eqb::cw3_comparison_key mirrored{"4", "other/m", "test/m", "2", "1"};
    EXPECT_EQ(eqb::cw3_comparison_signature(forward, 0.8555555555555556), "4|other/m|2|test/m|1|0.8556");
    EXPECT_EQ(eqb::cw3_comparison_signature(forward, 0.5), "4|other/m|2|test/m|1|0.5");
    EXPECT_EQ(eqb::cw3_comparison_signature(forward, 1.0), "4|other/m|2|test/m|1|1.0");
    eqb::cw3_comparison_dedup dedup;
    EXPECT_TRUE(dedup.insert(forward, 0.5));
    EXPECT_FALSE(dedup.insert(forward, 0.5));
    EXPECT_FALSE(dedup.insert(mirrored, 0.5));
    EXPECT_TRUE(dedup.insert(forward, 0.6));
    EXPECT_FALSE(dedup.insert(forward, 0.60004));  // rounds to 0.6
    EXPECT_TRUE(dedup.insert({"5", "test/m", "other/m", "1", "2"}, 0.5));
    EXPECT_TRUE(dedup.insert({"4", "test/m", "other/m", "3", "2"}, 0.5));
    EXPECT_EQ(dedup.size(), 4u);
}

}  // namespace
