// Creative Writing v3's Elo pool (src/bench/creative-writing-3/elo-pool.hpp):
// an elo_results.json in the reference's format read into the pool, the
// stored comparison dict both ways, the snapshot kept in the store, the rating
// input with the model under test merged, the file updated after a run, and
// the reference's run key. Every expected value is written out by hand from
// the reference's code (core/elo.py, creative_writing_bench.py).

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "bench/creative-writing-3/benchmark.hpp"
#include "bench/creative-writing-3/elo-pool.hpp"

namespace {

using ojson = nlohmann::ordered_json;

// Two models as the reference stores them: "a" with two iterations and one
// comparison of each kind (forward, reversed, an error record), "b" rated only.
const char* const pool_file = R"({
  "__metadata__": {"last_updated_elo_cw": "x"},
  "model-a": {
    "iterations": {
      "1": {"creative_writing_rubric_score_iter": 12.5, "items": {"1": "first", "2": "second"},
            "item_scores": {"1": 12.0, "2": 13.0}},
      "2": {"creative_writing_rubric_score_iter": 11.0, "items": {"3": "third"}, "item_scores": {"3": 11.0}}
    },
    "creative_writing_rubric_score_agg": 11.9,
    "elo": 1300.5,
    "elo_analysis": {"pairwise_comparisons": [
      {"item_id": "1", "pair": {"test_model": "model-a", "neighbor_model": "model-b",
        "test_model_iteration_id": "1", "neighbor_model_iteration_id": "2"},
       "order": "A0493:test / A0488:other", "outcome_for_test_model": 1.0, "plus_for_test": 5,
       "plus_for_other": 1, "fraction_for_test": 0.5444444444444444},
      {"item_id": "1", "pair": {"test_model": "model-a", "neighbor_model": "model-b",
        "test_model_iteration_id": "1", "neighbor_model_iteration_id": "2"},
       "order": "A0493:other / A0488:test", "outcome_for_test_model": 0.0, "plus_for_test": 0,
       "plus_for_other": 2, "fraction_for_test": 0.4777777777777778},
      {"item_id": "2", "pair": {"test_model": "model-a", "neighbor_model": "model-b",
        "test_model_iteration_id": "1", "neighbor_model_iteration_id": "1"},
       "error": "Malformed JSON response from judge model", "outcome_for_test_model": 0.5,
       "plus_for_test": 0, "plus_for_other": 0, "fraction_for_test": 0.5}
    ]}
  },
  "model-b": {"elo": 1100.0}
})";

TEST(cw3_elo_pool, reads_the_references_file_in_its_order) {
    const auto pool = eqb::cw3_pool_from_elo_results(pool_file, "elo_results.json");
    ASSERT_TRUE(pool.ok()) << pool.err().message;
    ASSERT_EQ(pool->models.size(), 2U);
    const auto& a = pool->models[0];
    EXPECT_EQ(a.name, "model-a");
    EXPECT_EQ(a.elo, 1300.5);
    EXPECT_EQ(a.rubric_score_agg, 11.9);
    ASSERT_EQ(a.iterations.size(), 2U);
    EXPECT_EQ(a.iterations[0].id, "1");
    EXPECT_EQ(a.iterations[0].rubric_score, 12.5);
    ASSERT_EQ(a.iterations[0].items.size(), 2U);
    EXPECT_EQ(a.iterations[0].items[1].first, "2");
    EXPECT_EQ(a.iterations[0].items[1].second, "second");
    EXPECT_EQ(eqb::cw3_pool_item_score(*pool, "model-a", "1", "2"), 13.0);
    EXPECT_EQ(eqb::cw3_pool_item_score(*pool, "model-a", "2", "1"), 0.0);  // the reference's .get(item, 0.0)
    EXPECT_EQ(*eqb::cw3_pool_text(*pool, "model-a", "2", "3"), "third");
    EXPECT_EQ(eqb::cw3_pool_text(*pool, "model-b", "1", "1"), nullptr);
    EXPECT_FALSE(pool->models[1].rubric_score_agg.has_value());
    EXPECT_TRUE(pool->models[1].iterations.empty());

    ASSERT_EQ(pool->comparisons.size(), 3U);
    const auto& forward = pool->comparisons[0];
    EXPECT_EQ(forward.test_model, "model-a");
    EXPECT_EQ(forward.neighbor_model, "model-b");
    EXPECT_EQ(forward.neighbor_iteration, "2");
    EXPECT_EQ(forward.direction, eqb::pairwise_direction::FORWARD);
    EXPECT_EQ(forward.plus_for_test, 5);
    EXPECT_FALSE(forward.error);
    EXPECT_EQ(pool->comparisons[1].direction, eqb::pairwise_direction::REVERSED);
    EXPECT_EQ(pool->comparisons[1].outcome_for_test, 0.0);
    EXPECT_TRUE(pool->comparisons[2].error);

    EXPECT_FALSE(eqb::cw3_pool_from_elo_results("[1]", "f.json").ok());
}

TEST(cw3_elo_pool, the_snapshot_gives_back_the_same_pool) {
    const auto pool = eqb::cw3_pool_from_elo_results(pool_file, "elo_results.json");
    ASSERT_TRUE(pool.ok());
    const std::string text = eqb::cw3_pool_to_json(*pool);
    const auto back = eqb::cw3_pool_from_json(text);
    ASSERT_TRUE(back.ok()) << back.err().message;
    EXPECT_EQ(eqb::cw3_pool_to_json(*back), text);
    ASSERT_EQ(back->comparisons.size(), 3U);
    EXPECT_EQ(back->comparisons[1].direction, eqb::pairwise_direction::REVERSED);
    EXPECT_EQ(back->comparisons[0].fraction_for_test, 0.5444444444444444);
    EXPECT_FALSE(eqb::cw3_pool_from_json("{}").ok());
}

TEST(cw3_elo_pool, a_long_text_is_kept_to_the_pairwise_cut) {
    const std::string long_text(4100, 'x');
    const std::string file = R"({"m": {"iterations": {"1": {"items": {"1": ")" + long_text + R"("}}}}})";
    const auto pool = eqb::cw3_pool_from_elo_results(file, "f");
    ASSERT_TRUE(pool.ok());
    EXPECT_EQ(pool->models[0].iterations[0].items[0].second.size(), 4000U);
}

eqb::cw3_elo_model test_model() {
    eqb::cw3_elo_model m;
    eqb::cw3_elo_iteration it;
    it.iteration_id = "2";
    it.rubric_score = 14.0;
    it.items.push_back({"3", "mine", 14.0});
    it.items.push_back({"4", "", 9.0});  // scored, no text: never paired
    m.iterations.push_back(it);
    m.rubric_score_agg = 13.5;
    m.best_iteration = "2";
    return m;
}

TEST(cw3_elo_pool, a_new_model_goes_last_without_an_elo) {
    const auto pool = eqb::cw3_pool_from_elo_results(pool_file, "f");
    ASSERT_TRUE(pool.ok());
    const auto input = eqb::cw3_elo_input(*pool, "model-c", test_model(), {}, 7);
    EXPECT_EQ(input.benchmark, eqb::elo_benchmark::CREATIVE_WRITING3);
    EXPECT_EQ(input.seed, 7U);
    ASSERT_EQ(input.models.size(), 3U);
    EXPECT_EQ(input.models[2].name, "model-c");
    EXPECT_FALSE(input.models[2].elo.has_value());
    EXPECT_EQ(input.models[2].rubric_score, 13.5);
    ASSERT_EQ(input.models[2].iterations.size(), 1U);
    EXPECT_EQ(input.models[2].iterations[0].items, std::vector<std::string>{"3"});
    EXPECT_EQ(input.existing.size(), 3U);
}

TEST(cw3_elo_pool, a_model_already_in_the_pool_keeps_its_elo_and_its_other_iterations) {
    const auto pool = eqb::cw3_pool_from_elo_results(pool_file, "f");
    ASSERT_TRUE(pool.ok());
    const auto input = eqb::cw3_elo_input(*pool, "model-a", test_model(), {}, 42);
    ASSERT_EQ(input.models.size(), 2U);
    const auto& a = input.models[0];
    EXPECT_EQ(a.elo, 1300.5);
    EXPECT_EQ(a.rubric_score, 13.5);
    ASSERT_EQ(a.iterations.size(), 2U);
    EXPECT_EQ(a.iterations[0].id, "1");  // untouched
    EXPECT_EQ(a.iterations[0].rubric_score, 12.5);
    EXPECT_EQ(a.iterations[1].id, "2");  // replaced in place
    EXPECT_EQ(a.iterations[1].rubric_score, 14.0);
    EXPECT_EQ(a.iterations[1].items, std::vector<std::string>{"3"});
}

TEST(cw3_elo_pool, a_stored_comparison_has_the_references_keys_and_numbers) {
    eqb::elo_comparison c;
    c.test_model = "t";
    c.neighbor_model = "n";
    c.item_id = "7";
    c.test_iteration = "1";
    c.neighbor_iteration = "3";
    c.direction = eqb::pairwise_direction::REVERSED;
    c.outcome_for_test = 1.0;
    c.plus_for_test = 4;
    c.plus_for_other = 1;
    c.fraction_for_test = 0.5 + (3.0 / 45.0) / 2.0;
    eqb::cw3_comparison_context context;
    context.judge_response = {{"x", "A0488++"}};
    context.lengths = {10, 20};
    context.test_item_score = 12.25;
    const auto j = eqb::cw3_comparison_to_json(c, context, "");
    std::vector<std::string> keys;
    for (const auto& [k, v] : j.items()) {
        keys.push_back(k);
    }
    EXPECT_EQ(keys, (std::vector<std::string>{"item_id", "pair", "judge_response", "item_length",
                                              "creative_writing_rubric_scores", "order", "outcome_for_test_model",
                                              "plus_for_test", "plus_for_other", "plus_diff", "plus_diff_normalized",
                                              "plus_diff_blended", "fraction_for_test"}));
    EXPECT_EQ(j["order"], "A0493:other / A0488:test");
    EXPECT_EQ(j["plus_diff"], 3);
    EXPECT_EQ(j["plus_diff_normalized"].get<double>(), 3.0 / 45.0);
    EXPECT_EQ(j["creative_writing_rubric_scores"]["t"].get<double>(), 12.25);
    EXPECT_EQ(j["creative_writing_rubric_scores"]["n"].get<double>(), 0.0);
    const auto back = eqb::cw3_comparison_from_json(j);
    EXPECT_EQ(back.direction, eqb::pairwise_direction::REVERSED);
    EXPECT_EQ(back.fraction_for_test, c.fraction_for_test);
    EXPECT_EQ(back.neighbor_iteration, "3");

    c.error = true;
    const auto failed = eqb::cw3_comparison_to_json(c, context, "Malformed JSON response from judge model");
    EXPECT_FALSE(failed.contains("order"));
    EXPECT_EQ(failed["error"], "Malformed JSON response from judge model");
    EXPECT_EQ(failed["fraction_for_test"].get<double>(), 0.5);
    EXPECT_EQ(failed["plus_for_test"], 0);
    EXPECT_TRUE(eqb::cw3_comparison_from_json(failed).error);
}

TEST(cw3_elo_pool, the_file_after_a_run_holds_the_new_model_and_everyones_elo) {
    const ojson before = ojson::parse(pool_file);
    ojson fresh = ojson::parse(R"({"item_id": "3", "pair": {"test_model": "model-c", "neighbor_model": "model-a",
        "test_model_iteration_id": "2", "neighbor_model_iteration_id": "2"}, "fraction_for_test": 0.6})");
    // The reversed judgement with the same fraction is the same comparison to
    // the reference's deduplication (signature: item, sorted pairs, round(f, 4)).
    ojson same = fresh;
    same["order"] = "A0493:other / A0488:test";
    same["fraction_for_test"] = 0.60001;
    eqb::elo_rating a{"model-a", 1290.0, 1400.0, 50.0, 1192.0, 1388.0, 1300.0, 1500.0};
    eqb::elo_rating c{"model-c", 1250.0, 1333.33, 60.0, std::nullopt, std::nullopt, std::nullopt, std::nullopt};
    const auto after = eqb::cw3_elo_results_update(before, "model-c", test_model(), 1234.0, {fresh, same}, {a, c},
                                                   "2025-01-01T00:00:00");
    std::vector<std::string> names;
    for (const auto& [k, v] : after.items()) {
        names.push_back(k);
    }
    EXPECT_EQ(names, (std::vector<std::string>{"__metadata__", "model-a", "model-b", "model-c"}));
    EXPECT_EQ(after["__metadata__"]["last_updated_elo_cw"], "2025-01-01T00:00:00");
    const auto& entry = after["model-c"];
    EXPECT_EQ(entry["iterations"]["2"]["creative_writing_rubric_score_iter"].get<double>(), 14.0);
    EXPECT_EQ(entry["iterations"]["2"]["items"].size(), 1U);  // the piece without a text is no item
    EXPECT_EQ(entry["iterations"]["2"]["item_scores"]["4"].get<double>(), 9.0);
    EXPECT_EQ(entry["creative_writing_rubric_score_agg"].get<double>(), 13.5);
    EXPECT_EQ(entry["best_iteration"], "2");
    EXPECT_EQ(entry["elo"].get<double>(), 1250.0);  // the start Elo, then the final solve's
    EXPECT_EQ(entry["elo_analysis"]["pairwise_comparisons"].size(), 1U);
    EXPECT_FALSE(entry.contains("ci_low"));
    EXPECT_EQ(entry["elo_analysis"]["final_elo_ratings"]["model-c"].get<double>(), 1250.0);
    EXPECT_EQ(after["model-a"]["ci_high_norm"].get<double>(), 1500.0);
    EXPECT_EQ(after["model-a"]["elo_analysis"]["pairwise_comparisons"].size(), 3U);  // its own, untouched
    EXPECT_FALSE(after["model-b"].contains("elo_norm"));                             // not rated this time

    // A first run: the file did not exist.
    const auto first =
        eqb::cw3_elo_results_update(nullptr, "model-c", test_model(), 1200.0, {}, {}, "2025-01-01T00:00:00");
    EXPECT_EQ(first.begin().key(), "__metadata__");
    EXPECT_EQ(first["model-c"]["elo"].get<double>(), 1200.0);
    EXPECT_TRUE(first["model-c"]["elo_analysis"]["pairwise_comparisons"].empty());
}

TEST(cw3_run_key, is_the_run_id_and_the_model_with_runs_of_other_characters_as_one_underscore) {
    eqb::reference_run run;
    run.run_id = "cw3oracle";
    run.model = "meta-llama/llama-3.2-1b-instruct";
    EXPECT_EQ(eqb::creative_writing_3_run_key(run), "cw3oracle__meta-llama_llama-3_2-1b-instruct");
    run.model = "a::b c\u00e9d_e";
    EXPECT_EQ(eqb::creative_writing_3_run_key(run), "cw3oracle__a_b_c_d_e");
}

TEST(cw3_min_p, is_sent_as_the_reference_sends_it) {
    EXPECT_TRUE(eqb::creative_writing_3_sends_min_p({"http://127.0.0.1:8000/v1"}, "my-model"));
    EXPECT_TRUE(eqb::creative_writing_3_sends_min_p({"https://openrouter.ai/api/v1"}, "anthropic/claude-3.7-sonnet"));
    EXPECT_FALSE(eqb::creative_writing_3_sends_min_p({"https://api.openai.com/v1"}, "gpt-4o"));
    EXPECT_FALSE(eqb::creative_writing_3_sends_min_p({"http://127.0.0.1:8000/v1"}, "o3"));
}

}  // namespace
