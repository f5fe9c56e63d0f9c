// The Creative Writing v3 rating state machine driven with the comparisons the
// reference stored for eight models added one after another to an empty pool
// (../shared/conformance/creative-writing-v3: expected.json, comparisons.jsonl.gz,
// and requests.jsonl.gz for the pieces the reference dropped): starting Elo,
// every selection loop, the stored comparisons after deduplication, and every
// model's Elo entry after each step.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/python-str.hpp"
#include "core/text.hpp"
#include "data/gzip.hpp"
#include "scoring/elo-run.hpp"
#include "tests/support/test-support.hpp"

namespace {

using ojson = nlohmann::ordered_json;

constexpr std::size_t min_piece_chars = 500;  // shorter answers are retried, three tries in all
constexpr std::size_t write_attempts = 3;

struct cw3_corpus {
    ojson expected;
    std::vector<ojson> records;                             // comparisons.jsonl.gz, in order
    std::vector<std::string> prompt_ids;                    // prompt file order
    std::set<std::pair<std::string, std::string>> dropped;  // (model, prompt id + "/" + iteration)
};

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty()) {
            out.push_back(line);
        }
    }
    return out;
}

// The pieces the reference dropped: every one of the three answers under 500
// characters once the think block is cut and the text stripped.
std::set<std::pair<std::string, std::string>> dropped_pieces(const std::string& requests, const ojson& prompts) {
    std::map<std::string, std::string> piece_of_text;  // writing prompt as sent -> "id/iteration"
    for (const auto& [pid, p] : prompts.items()) {
        const auto& seeds = p["seed_modifiers"];
        for (std::size_t i = 1; i <= 3; ++i) {
            piece_of_text[eqb::text_replace_all(p["writing_prompt"].get<std::string>(), "<SEED>",
                                                seeds[(i - 1) % seeds.size()].get<std::string>())] =
                pid + "/" + std::to_string(i);
        }
    }
    std::map<std::pair<std::string, std::string>, std::vector<std::size_t>> lengths;
    for (const auto& line : lines_of(requests)) {
        const auto r = ojson::parse(line);
        if (r["kind"] != "write") {
            continue;
        }
        std::string answer = r["answer"].get<std::string>();
        if (answer.find("<think>") != std::string::npos && answer.find("</think>") != std::string::npos) {
            answer = answer.substr(answer.find("</think>") + 8);
        }
        const auto piece = piece_of_text.at(r["messages"][0]["content"].get<std::string>());
        lengths[{r["model"].get<std::string>(), piece}].push_back(eqb::python_len(eqb::python_strip(answer)));
    }
    std::set<std::pair<std::string, std::string>> out;
    for (const auto& [key, tries] : lengths) {
        if (tries.size() == write_attempts &&
            std::all_of(tries.begin(), tries.end(), [](std::size_t n) { return n < min_piece_chars; })) {
            out.insert(key);
        }
    }
    return out;
}

class elo_run_cw3_conformance : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        const auto dir = eqb::test::shared_dir() / "conformance" / "creative-writing-v3";
        const auto prompts_path = eqb::test::data_dir() / "creative-writing-v3" / "creative_writing_prompts_v3.json";
        for (const auto& p :
             {dir / "expected.json", dir / "comparisons.jsonl.gz", dir / "requests.jsonl.gz", prompts_path}) {
            if (!std::filesystem::exists(p)) {
                return;
            }
        }
        auto c = std::make_unique<cw3_corpus>();
        c->expected = ojson::parse(eqb::test::read_file(dir / "expected.json"));
        auto comparisons = eqb::gzip_file_read(dir / "comparisons.jsonl.gz");
        auto requests = eqb::gzip_file_read(dir / "requests.jsonl.gz");
        if (!comparisons || !requests) {
            return;
        }
        for (const auto& line : lines_of(*comparisons)) {
            c->records.push_back(ojson::parse(line));
        }
        const auto prompts = ojson::parse(eqb::test::read_file(prompts_path));
        for (const auto& [pid, p] : prompts.items()) {
            c->prompt_ids.push_back(pid);
        }
        c->dropped = dropped_pieces(*requests, prompts);
        corpus_ = std::move(c);
    }
    static void TearDownTestSuite() { corpus_.reset(); }
    void SetUp() override {
        if (!corpus_) {
            GTEST_SKIP() << "needs ../shared/conformance/creative-writing-v3 and the CW3 prompt file";
        }
    }
    static std::unique_ptr<cw3_corpus> corpus_;
};

std::unique_ptr<cw3_corpus> elo_run_cw3_conformance::corpus_;

eqb::elo_comparison record_of(const ojson& r) {
    eqb::elo_comparison c;
    c.item_id = r["item_id"].get<std::string>();
    c.test_model = r["test_model"].get<std::string>();
    c.neighbor_model = r["neighbor_model"].get<std::string>();
    c.test_iteration = r["test_iter"].get<std::string>();
    c.neighbor_iteration = r["neighbor_iter"].get<std::string>();
    c.direction = r["order"].get<std::string>().rfind("A0493:test", 0) == 0 ? eqb::pairwise_direction::FORWARD
                                                                            : eqb::pairwise_direction::REVERSED;
    c.error = !r["error"].is_null();
    c.outcome_for_test = r["outcome_for_test_model"].get<double>();
    c.plus_for_test = r["plus_for_test"].get<int>();
    c.plus_for_other = r["plus_for_other"].get<int>();
    c.fraction_for_test = r["fraction_for_test"].get<double>();
    return c;
}

bool same_request(const eqb::elo_comparison& c, const eqb::elo_request& r) {
    return c.neighbor_model == r.neighbor_model && c.item_id == r.item_id && c.test_iteration == r.test_iteration &&
           c.neighbor_iteration == r.neighbor_iteration && c.direction == r.direction;
}

eqb::elo_pool_model pool_entry(const std::string& name, const ojson& ladder_entry, const cw3_corpus& corpus) {
    eqb::elo_pool_model m;
    m.name = name;
    for (const auto& [iteration, score] : ladder_entry["iteration_rubric_scores"].items()) {
        eqb::elo_iteration it;
        it.id = iteration;
        it.rubric_score = score.get<double>();
        for (const auto& pid : corpus.prompt_ids) {
            if (!eqb::elo_item_ignored(eqb::elo_config_cw3(), pid) &&
                corpus.dropped.count({name, pid + "/" + iteration}) == 0) {
                it.items.push_back(pid);
            }
        }
        EXPECT_EQ(it.items.size(), ladder_entry["items_per_iteration"][iteration].get<std::size_t>())
            << name << " iteration " << iteration;
        m.iterations.push_back(std::move(it));
    }
    return m;
}

void expect_entry(const eqb::elo_rating& got, const ojson& want) {
    SCOPED_TRACE(got.model);
    EXPECT_EQ(got.elo, want["elo"].get<double>());
    EXPECT_EQ(got.elo_norm, want["elo_norm"].get<double>());
    const std::pair<const char*, const std::optional<double>*> fields[] = {{"sigma", &got.sigma},
                                                                           {"ci_low", &got.ci_low},
                                                                           {"ci_high", &got.ci_high},
                                                                           {"ci_low_norm", &got.ci_low_norm},
                                                                           {"ci_high_norm", &got.ci_high_norm}};
    for (const auto& [key, value] : fields) {
        if (want.contains(key)) {
            ASSERT_TRUE(value->has_value()) << key;
            EXPECT_EQ(**value, want[key].get<double>()) << key;
        }
    }
}

TEST_F(elo_run_cw3_conformance, the_dropped_pieces_are_found) {
    EXPECT_EQ(corpus_->dropped.size(), 2u);
    EXPECT_EQ(corpus_->records.size(), 1937u);
}

TEST_F(elo_run_cw3_conformance, eight_models_one_after_another) {
    const auto& steps = corpus_->expected["steps"];
    ASSERT_EQ(steps.size(), 8u);
    std::vector<eqb::elo_comparison> stored;  // every model's stored list, in pool order
    std::vector<std::string> pool_names;
    const ojson* ladder_before = nullptr;
    std::size_t synthesized = 0;
    for (const auto& step : steps) {
        const auto model = step["model"].get<std::string>();
        const int step_number = step["step"].get<int>();
        SCOPED_TRACE("step " + std::to_string(step_number) + " " + model);
        eqb::elo_run_input input;
        input.benchmark = eqb::elo_benchmark::CREATIVE_WRITING3;
        input.test_model = model;
        input.seed = 42;
        for (const auto& name : pool_names) {
            auto m = pool_entry(name, (*ladder_before)[name], *corpus_);
            m.elo = (*ladder_before)[name]["elo"].get<double>();
            m.rubric_score = (*ladder_before)[name]["creative_writing_rubric_score_agg"].get<double>();
            input.models.push_back(std::move(m));
        }
        auto test = pool_entry(model, step["ladder_after"][model], *corpus_);
        test.rubric_score = step["elo_rubric_score_agg"].get<double>();
        input.models.push_back(std::move(test));
        input.existing = stored;

        std::vector<eqb::elo_comparison> recorded;
        for (const auto& r : corpus_->records) {
            if (r["step"].get<int>() == step_number) {
                recorded.push_back(record_of(r));
            }
        }
        std::vector<bool> used(recorded.size(), false);
        eqb::elo_run_step next;
        for (int guard = 0; guard < 100; ++guard) {
            next = eqb::elo_run_next(input);
            if (next.done) {
                break;
            }
            ASSERT_FALSE(next.batch.empty());
            for (const auto& r : next.batch) {
                bool found = false;
                for (std::size_t i = 0; i < recorded.size() && !found; ++i) {
                    if (!used[i] && same_request(recorded[i], r)) {
                        used[i] = true;
                        input.judged.push_back(recorded[i]);
                        found = true;
                    }
                }
                if (found) {
                    continue;
                }
                // Not stored: the reference dropped it as a duplicate of the other
                // direction of the same matchup (same fraction to 4 places).
                for (std::size_t i = 0; i < recorded.size() && !found; ++i) {
                    const auto& c = recorded[i];
                    if (c.neighbor_model == r.neighbor_model && c.item_id == r.item_id &&
                        c.test_iteration == r.test_iteration && c.neighbor_iteration == r.neighbor_iteration &&
                        c.direction != r.direction) {
                        auto copy = c;
                        copy.direction = r.direction;
                        input.judged.push_back(copy);
                        found = true;
                        ++synthesized;
                    }
                }
                ASSERT_TRUE(found) << "asked for a comparison the reference did not make: " << r.neighbor_model
                                   << " item " << r.item_id;
            }
        }
        ASSERT_TRUE(next.done);
        const auto& result = next.result;
        EXPECT_EQ(result.start_elo, step["elo_start"].get<double>());
        EXPECT_EQ(result.error.has_value(), step_number == 1);  // one model: no comparison for the final solve
        EXPECT_EQ(result.unused_judged, 0u);
        EXPECT_TRUE(std::all_of(used.begin(), used.end(), [](bool b) { return b; }));

        // The loops.
        const auto& loops = step["elo_loops"];
        ASSERT_EQ(result.loops.size(), loops.size());
        for (std::size_t i = 0; i < loops.size(); ++i) {
            const auto& got = result.loops[i];
            const auto& want = loops[i];
            SCOPED_TRACE("loop " + std::to_string(i));
            EXPECT_EQ(got.stage, want["stage"].get<std::size_t>());
            EXPECT_EQ(got.loop, want["loop"].get<std::size_t>());
            EXPECT_EQ(got.elo_before, want["elo_before"].get<double>());
            EXPECT_EQ(got.no_opponents, want.value("no_opponents", false));
            ojson pairs = ojson::array();
            for (const auto& o : got.opponents) {
                if (!o.pairs.empty()) {
                    pairs.push_back(ojson::array({o.model, o.pairs.size()}));
                }
            }
            EXPECT_EQ(pairs, want["pairs"]);
            if (want.contains("rank")) {
                EXPECT_EQ(got.solve_comparisons, want["solver_comparisons"].get<std::size_t>());
                EXPECT_EQ(got.rank, want["rank"][0].get<std::size_t>());
                ASSERT_TRUE(got.rank_after.has_value());
                EXPECT_EQ(*got.rank_after, want["rank"][1].get<std::size_t>());
                EXPECT_EQ(got.stable, want["stable"].get<bool>());
            }
        }

        // What the reference stores: the new comparisons, deduplicated.
        EXPECT_EQ(result.new_comparisons.size(), step["new_comparisons_appended"].get<std::size_t>());
        const auto kept = eqb::cw3_comparisons_deduplicate(result.new_comparisons, &model);
        if (!step["stored_comparisons_after_dedup"].is_null()) {
            EXPECT_EQ(kept.size(), step["stored_comparisons_after_dedup"].get<std::size_t>());
        }
        ASSERT_EQ(kept.size(), recorded.size());
        for (std::size_t i = 0; i < kept.size(); ++i) {
            EXPECT_TRUE(same_request(recorded[i], {kept[i].neighbor_model, kept[i].item_id, kept[i].test_iteration,
                                                   kept[i].neighbor_iteration, kept[i].direction}))
                << "stored comparison " << i;
        }

        // Every model's entry after the step.
        const auto& after = step["ladder_after"];
        ASSERT_EQ(result.ratings.size(), after.size());
        for (const auto& r : result.ratings) {
            ASSERT_TRUE(after.contains(r.model)) << r.model;
            expect_entry(r, after[r.model]);
            if (r.model == model) {
                expect_entry(r, step["elo"]);
            }
        }
        stored.insert(stored.end(), kept.begin(), kept.end());
        pool_names.push_back(model);
        ladder_before = &after;
        if (HasFailure()) {
            return;
        }
    }
    EXPECT_GT(synthesized, 0u);
    for (const auto& [name, want] : corpus_->expected["final_ladder"].items()) {
        EXPECT_EQ((*ladder_before)[name]["elo"], want["elo"]) << name;
    }
}

}  // namespace
