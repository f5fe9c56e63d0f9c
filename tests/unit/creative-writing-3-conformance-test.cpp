// Creative Writing v3 against the reference run of
// ../shared/conformance/creative-writing-v3 (eight models, three iterations):
// replaying the logged answers, the builders produce every logged request's
// messages and request key byte for byte (792 writing, 766 rubric, 1,982
// pairwise requests), the short-answer retries and dropped pieces fall where
// the reference's did, every step's rubric score, Elo aggregate and iteration
// scores equal expected.json, and the comparisons kept after de-duplication
// are the stored ones (item, iterations, fraction, lengths, item scores).

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <sstream>
#include <unordered_set>

#include "bench/creative-writing-3/data.hpp"
#include "bench/creative-writing-3/elo-items.hpp"
#include "bench/creative-writing-3/pairwise.hpp"
#include "bench/creative-writing-3/rubric.hpp"
#include "bench/creative-writing-3/writing.hpp"
#include "core/python-float.hpp"
#include "core/python-str.hpp"
#include "data/gzip.hpp"
#include "data/sha256.hpp"
#include "tests/support/test-support.hpp"

namespace {

using ojson = nlohmann::ordered_json;

std::filesystem::path conformance_dir() {
    return eqb::test::shared_dir() / "conformance" / "creative-writing-v3";
}

std::filesystem::path cw3_data_dir() {
    return eqb::test::data_dir() / "creative-writing-v3";
}

std::vector<ojson> jsonl_gz_read(const std::filesystem::path& path) {
    auto text = eqb::gzip_file_read(path);
    if (!text) {
        throw std::runtime_error(text.err().message);
    }
    std::vector<ojson> lines;
    std::istringstream in(*text);
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty()) {
            lines.push_back(ojson::parse(line));
        }
    }
    return lines;
}

// The README's request key: sha256 of the request's JSON with sorted keys, no
// spaces, non-ASCII kept and the numbers as Python floats.
std::string request_key(const std::string& model, const std::string& content, const eqb::cw3_sampling& s) {
    const auto str = [](const std::string& v) { return ojson(v).dump(-1, ' ', false); };
    std::string body = "{\"max_tokens\":" + eqb::python_float_repr(static_cast<double>(s.max_tokens));
    body += ",\"messages\":[{\"content\":" + str(content) + ",\"role\":\"user\"}]";
    body += ",\"min_p\":" + eqb::python_float_repr(s.min_p);
    body += ",\"model\":" + str(model);
    body += ",\"temperature\":" + eqb::python_float_repr(s.temperature) + "}";
    return eqb::sha256_hex(body);
}

// The verdict arithmetic of the reference (interpret_pairwise_result_cw and
// compute_fraction_for_test_cw), written here independently to know each
// comparison's fraction for the de-duplication check.
double fraction_for_test(const std::vector<eqb::cw3_verdict_member>& members, bool reversed) {
    int a = 0;
    int b = 0;
    for (const auto& m : members) {
        if (m.key == "improvement_suggestions" || m.key == "theory_of_mind" || m.key == "_item_order_idx") {
            continue;
        }
        EXPECT_EQ(m.kind, eqb::cw3_json_kind::STRING) << m.key;
        const int plus = static_cast<int>(std::count(m.text.begin(), m.text.end(), '+'));
        const bool penalise = m.key == "avoids_poetic_overload" || m.key == "coherence" || m.key == "avoids_verbosity";
        if (m.text.find("A0493") != std::string::npos) {
            a += plus > 0 ? plus : 0;
            b -= penalise ? plus : 0;
        } else if (m.text.find("A0488") != std::string::npos) {
            b += plus > 0 ? plus : 0;
            a -= penalise ? plus : 0;
        }
    }
    double outcome = a > b ? 1.0 : (b > a ? 0.0 : 0.5);
    int plus_test = a;
    int plus_other = b;
    if (reversed) {
        outcome = 1.0 - outcome;
        std::swap(plus_test, plus_other);
    }
    const double margin = static_cast<double>(std::abs(plus_test - plus_other)) / 45.0 / 2.0 + 0.5;
    if (outcome == 0.5) {
        return 0.5;
    }
    return outcome == 1.0 ? margin : 1.0 - margin;
}

struct judged_comparison {
    eqb::cw3_comparison_key key;
    double fraction = 0.0;
    std::size_t length_test = 0;
    std::size_t length_neighbor = 0;
    double score_test = 0.0;
    double score_neighbor = 0.0;
};

class cw3_replay : public ::testing::Test {
  protected:
    void SetUp() override {
        for (const auto& p : {conformance_dir() / "requests.jsonl.gz", conformance_dir() / "comparisons.jsonl.gz",
                              conformance_dir() / "expected.json", cw3_data_dir() / eqb::cw3_prompts_file}) {
            if (!std::filesystem::exists(p)) {
                GTEST_SKIP() << "needs " << p;
            }
        }
        auto loaded = eqb::cw3_data_load(cw3_data_dir());
        ASSERT_TRUE(loaded.ok()) << loaded.err().message;
        data_ = std::move(*loaded);
        requests_ = jsonl_gz_read(conformance_dir() / "requests.jsonl.gz");
        stored_ = jsonl_gz_read(conformance_dir() / "comparisons.jsonl.gz");
        expected_ = ojson::parse(eqb::test::read_file(conformance_dir() / "expected.json"));
    }

    // The next logged request, which must be of this kind and carry exactly
    // this model, message and sampling; returns its answer.
    std::string take(const char* kind, const std::string& model, const std::string& content,
                     const eqb::cw3_sampling& sampling) {
        if (next_ >= requests_.size()) {
            ADD_FAILURE() << "the log ends before a " << kind << " request";
            return {};
        }
        const ojson& r = requests_[next_++];
        EXPECT_EQ(r["kind"].get<std::string>(), kind) << "request " << next_;
        EXPECT_EQ(r["model"].get<std::string>(), model) << "request " << next_;
        EXPECT_EQ(r["messages"].size(), 1u) << "request " << next_;
        EXPECT_EQ(r["messages"][0]["role"].get<std::string>(), "user");
        const auto logged = r["messages"][0]["content"].get<std::string>();
        if (logged != content) {
            ++mismatched_;
            ADD_FAILURE() << kind << " request " << next_ << " differs from the logged message";
        }
        EXPECT_EQ(r["temperature"].get<double>(), sampling.temperature);
        EXPECT_EQ(r["max_tokens"].get<double>(), static_cast<double>(sampling.max_tokens));
        EXPECT_EQ(r["min_p"].get<double>(), sampling.min_p);
        const std::string key = request_key(model, content, sampling);
        EXPECT_EQ(r["key"].get<std::string>(), key) << "request " << next_;
        EXPECT_EQ(r["attempt"].get<int>(), ++attempts_[key]) << "request " << next_;
        ++counts_[kind];
        return r["answer"].get<std::string>();
    }

    eqb::cw3_data data_;
    std::vector<ojson> requests_;
    std::vector<ojson> stored_;
    ojson expected_;
    std::size_t next_ = 0;
    int mismatched_ = 0;
    std::map<std::string, int> attempts_;
    std::map<std::string, int> counts_;
};

TEST_F(cw3_replay, every_request_and_number_is_the_references) {
    const std::string judge = expected_["settings"]["judge_model"].get<std::string>();
    const int iterations = expected_["settings"]["iterations"].get<int>();
    ASSERT_EQ(data_.prompts.size(), 32u);
    ASSERT_EQ(requests_.size(), 3540u);

    std::map<std::string, eqb::cw3_elo_model> pool;
    std::unordered_set<std::string> stored_matchups;  // signatures of every comparison of earlier steps
    std::size_t stored_at = 0;
    int total_retries = 0;
    int total_dropped = 0;
    for (const auto& step : expected_["steps"]) {
        const std::string model = step["model"].get<std::string>();
        SCOPED_TRACE("step " + std::to_string(step["step"].get<int>()) + " " + model);
        const auto before = counts_;

        // Writing, with the reference's retry of short answers (the same request).
        std::vector<eqb::cw3_piece> pieces;
        int retries = 0;
        int dropped = 0;
        for (const auto& task : eqb::cw3_writing_tasks(data_.prompts, iterations)) {
            eqb::cw3_piece piece;
            piece.prompt_id = task.prompt_id;
            piece.iteration = task.iteration;
            for (int attempt = 1; attempt <= eqb::cw3_writer_max_tries; ++attempt) {
                retries += attempt > 1 ? 1 : 0;
                piece.text = eqb::cw3_piece_from_answer(take("write", model, task.prompt, eqb::cw3_writer_sampling));
                if (piece.text) {
                    break;
                }
            }
            dropped += piece.text ? 0 : 1;
            pieces.push_back(std::move(piece));
        }
        EXPECT_EQ(retries, step["requests"]["write_retries"].get<int>());
        EXPECT_EQ(dropped, step["pieces"]["generation_failed"].get<int>());
        EXPECT_EQ(pieces.size(), step["pieces"]["tasks"].get<std::size_t>());
        total_retries += retries;
        total_dropped += dropped;

        // Rubric judging, in the writing order; the judge sees the base prompt.
        for (auto& piece : pieces) {
            if (!piece.text) {
                continue;
            }
            const auto* prompt = eqb::cw3_prompt_find(data_.prompts, piece.prompt_id);
            ASSERT_NE(prompt, nullptr);
            auto message = eqb::cw3_judge_prompt(data_.judging_prompt, prompt->writing_prompt, *piece.text,
                                                 data_.criteria, data_.negative_criteria);
            ASSERT_TRUE(message.ok()) << message.err().message;
            piece.scores = eqb::cw3_rubric_parse(
                eqb::cw3_answer_content(take("rubric", judge, *message, eqb::cw3_rubric_sampling)));
        }
        const auto tasks = eqb::cw3_scored_tasks(pieces, data_.prompts, data_.negative_criteria);
        const auto summary = eqb::cw3_rubric_summarise(tasks);
        EXPECT_EQ(summary.pieces, step["pieces"]["scored"].get<std::size_t>());
        EXPECT_EQ(summary.creative_score_0_20, step["rubric"]["creative_score_0_20"].get<double>());
        EXPECT_EQ(summary.eqbench_creative_score, step["rubric"]["eqbench_creative_score"].get<double>());

        // The model's Elo entry.
        pool[model] = eqb::cw3_elo_model_build(pieces, data_.prompts, data_.negative_criteria);
        const auto& entry = pool[model];
        const auto& ladder = step["ladder_after"][model];
        ASSERT_TRUE(entry.rubric_score_agg.has_value());
        EXPECT_EQ(*entry.rubric_score_agg, ladder["creative_writing_rubric_score_agg"].get<double>());
        EXPECT_EQ(*entry.rubric_score_agg, step["elo_rubric_score_agg"].get<double>());
        EXPECT_EQ(entry.best_iteration, ladder["best_iteration"].get<std::string>());
        ASSERT_EQ(entry.iterations.size(), ladder["iteration_rubric_scores"].size());
        std::size_t k = 0;
        for (const auto& [id, score] : ladder["iteration_rubric_scores"].items()) {
            EXPECT_EQ(entry.iterations[k].iteration_id, id);
            EXPECT_EQ(entry.iterations[k].rubric_score, score.get<double>()) << "iteration " << id;
            EXPECT_EQ(eqb::cw3_elo_text_count(entry.iterations[k]),
                      ladder["items_per_iteration"][id].get<std::size_t>());
            ++k;
        }

        // Pairwise judging, loop by loop as the trace records it: the opponents
        // that got new matchups and how many (a smaller budget gives a prefix).
        std::unordered_set<std::string> judged = stored_matchups;
        std::vector<judged_comparison> step_comparisons;
        for (const auto& loop : step["elo_loops"]) {
            std::vector<judged_comparison> round;
            for (const auto& pair : loop["pairs"]) {
                const std::string opponent = pair[0].get<std::string>();
                const auto budget = pair[1].get<std::size_t>();
                ASSERT_EQ(pool.count(opponent), 1u) << opponent;
                const auto matchups =
                    eqb::cw3_matchups_for_opponent(model, entry, opponent, pool[opponent], budget, judged);
                ASSERT_EQ(matchups.size(), budget) << opponent;
                for (const auto& m : matchups) {
                    const auto* test_item =
                        eqb::cw3_elo_item_find(*eqb::cw3_elo_iteration_find(entry, m.test_iteration), m.item_id);
                    const auto* opponent_item = eqb::cw3_elo_item_find(
                        *eqb::cw3_elo_iteration_find(pool[opponent], m.opponent_iteration), m.item_id);
                    ASSERT_NE(test_item, nullptr);
                    ASSERT_NE(opponent_item, nullptr);
                    const auto* prompt = eqb::cw3_prompt_find(data_.prompts, m.item_id);
                    ASSERT_NE(prompt, nullptr);
                    const auto messages = eqb::cw3_pairwise_prompts(data_.pairwise_prompt, prompt->writing_prompt,
                                                                    test_item->text, opponent_item->text);
                    for (const bool reversed : {false, true}) {
                        const auto answer = take("pairwise", judge, reversed ? messages.reversed : messages.forward,
                                                 eqb::cw3_pairwise_sampling);
                        const auto verdict = eqb::cw3_verdict_read(eqb::cw3_answer_content(answer));
                        ASSERT_TRUE(verdict.ok()) << verdict.err().message;
                        judged_comparison c;
                        c.key = {m.item_id, model, opponent, m.test_iteration, m.opponent_iteration};
                        c.fraction = fraction_for_test(*verdict, reversed);
                        const auto lengths =
                            eqb::cw3_comparison_item_lengths(test_item->text, opponent_item->text, reversed);
                        c.length_test = lengths.test_model;
                        c.length_neighbor = lengths.neighbor_model;
                        c.score_test = test_item->item_score.value_or(0.0);
                        c.score_neighbor = opponent_item->item_score.value_or(0.0);
                        round.push_back(std::move(c));
                    }
                }
            }
            for (const auto& c : round) {
                judged.insert(eqb::cw3_matchup_signature(c.key.test_model, c.key.neighbor_model, c.key.item_id,
                                                         c.key.test_iteration, c.key.neighbor_iteration));
            }
            step_comparisons.insert(step_comparisons.end(), round.begin(), round.end());
        }
        EXPECT_EQ(step_comparisons.size(), step["new_comparisons_appended"].get<std::size_t>());

        eqb::cw3_comparison_dedup dedup;
        std::size_t kept = 0;
        for (const auto& c : step_comparisons) {
            stored_matchups.insert(eqb::cw3_matchup_signature(c.key.test_model, c.key.neighbor_model, c.key.item_id,
                                                              c.key.test_iteration, c.key.neighbor_iteration));
            if (!dedup.insert(c.key, c.fraction)) {
                continue;
            }
            ++kept;
            ASSERT_LT(stored_at, stored_.size());
            const ojson& s = stored_[stored_at++];
            EXPECT_EQ(s["step"].get<int>(), step["step"].get<int>());
            EXPECT_EQ(s["item_id"].get<std::string>(), c.key.item_id);
            EXPECT_EQ(s["test_model"].get<std::string>(), c.key.test_model);
            EXPECT_EQ(s["neighbor_model"].get<std::string>(), c.key.neighbor_model);
            EXPECT_EQ(s["test_iter"].get<std::string>(), c.key.test_iteration);
            EXPECT_EQ(s["neighbor_iter"].get<std::string>(), c.key.neighbor_iteration);
            EXPECT_EQ(s["fraction_for_test"].get<double>(), c.fraction);
            EXPECT_EQ(s["item_length"]["test_model"].get<std::size_t>(), c.length_test);
            EXPECT_EQ(s["item_length"]["neighbor_model"].get<std::size_t>(), c.length_neighbor);
            EXPECT_EQ(s["rubric_scores"][c.key.test_model].get<double>(), c.score_test);
            EXPECT_EQ(s["rubric_scores"][c.key.neighbor_model].get<double>(), c.score_neighbor);
        }
        if (!step["stored_comparisons_after_dedup"].is_null()) {
            EXPECT_EQ(kept, step["stored_comparisons_after_dedup"].get<std::size_t>());
        }

        for (const char* kind : {"write", "rubric", "pairwise"}) {
            const int made = counts_[kind] - (before.count(kind) > 0 ? before.at(kind) : 0);
            EXPECT_EQ(made, step["requests"][kind].get<int>()) << kind;
        }
    }
    EXPECT_EQ(next_, requests_.size());
    EXPECT_EQ(mismatched_, 0);
    EXPECT_EQ(counts_["write"], 792);
    EXPECT_EQ(counts_["rubric"], 766);
    EXPECT_EQ(counts_["pairwise"], 1982);
    EXPECT_EQ(stored_at, stored_.size());
    EXPECT_EQ(stored_.size(), 1937u);
    EXPECT_EQ(total_retries, 24);  // 792 writing requests for 768 pieces
    EXPECT_EQ(total_dropped, 2);
}

TEST(cw3_data_files, are_the_references) {
    const auto expected_path = conformance_dir() / "expected.json";
    if (!std::filesystem::exists(expected_path) || !std::filesystem::exists(cw3_data_dir())) {
        GTEST_SKIP() << "needs " << expected_path << " and " << cw3_data_dir();
    }
    const auto expected = ojson::parse(eqb::test::read_file(expected_path));
    for (const auto& [name, digest] : expected["data_files_sha256"].items()) {
        auto got = eqb::sha256_file(cw3_data_dir() / name);
        ASSERT_TRUE(got.ok()) << got.err().message;
        EXPECT_EQ(*got, digest.get<std::string>()) << name;
    }
    auto data = eqb::cw3_data_load(cw3_data_dir());
    ASSERT_TRUE(data.ok()) << data.err().message;
    EXPECT_EQ(data->prompts.size(), 32u);
    EXPECT_EQ(data->criteria.size(), 22u);
    EXPECT_EQ(data->negative_criteria.size(), 9u);
    EXPECT_EQ(eqb::cw3_prompt_find(data->prompts, "27"), nullptr);
    EXPECT_EQ(data->prompts.front().id, "1");
    EXPECT_EQ(data->prompts.back().id, "33");
    for (const auto& negative : data->negative_criteria) {
        EXPECT_NE(std::find(data->criteria.begin(), data->criteria.end(), negative), data->criteria.end()) << negative;
    }
    for (const auto& prompt : data->prompts) {
        EXPECT_NE(prompt.writing_prompt.find("<SEED>"), std::string::npos) << prompt.id;
        EXPECT_GE(prompt.seed_modifiers.size(), 10u) << prompt.id;
    }
}

}  // namespace
