// `--scale anchored` end to end, in every shipped language: the fake server
// records each prompt and answers every question with the same scores, off
// from the reference, in both runs. With the anchored scale all 171 prompts
// carry the pack's anchors (and none without it), the version label is its
// own (Score (v2_anchored_LANG), CSV eq-bench_v2_anchored_LANG, run key
// 1--v2_anchored--LANG--...), and the score is the same as without anchors.

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "data/questions.hpp"
#include "lang/language-pack.hpp"
#include "tests/fake-server/fake-server.hpp"
#include "tests/support/process.hpp"
#include "tests/support/replay.hpp"
#include "tests/support/test-support.hpp"

namespace {

// Scores off from the reference by 1 to 3 (capped at 10), so the score is not 100.
std::string answer_for(const eqb::emotion_reference& ref) {
    std::string out;
    for (std::size_t i = 0; i < 4; ++i) {
        const long value = std::min(10L, static_cast<long>(ref.scores[i]) + 1 + static_cast<long>(i % 3));
        out += ref.names[i] + ": " + std::to_string(value) + "\n";
    }
    return out;
}

struct recorded_run {
    eqb::test::process_output out;
    std::vector<std::string> prompts;
    std::string csv;
    nlohmann::json raw;
};

recorded_run run_once(const std::string& language, const eqb::question_set& set,
                      const std::vector<std::string>& extra) {
    recorded_run result;
    std::vector<std::pair<std::string, std::string>> table;
    for (const auto& q : set.questions) {
        table.emplace_back(q.prompt, answer_for(q.reference_fullscale.value_or(q.reference)));
    }
    auto mutex = std::make_shared<std::mutex>();
    auto prompts = std::make_shared<std::vector<std::string>>();
    eqb::test::fake_server_config config;
    config.responder = [table, mutex, prompts](const eqb::test::fake_request& r) {
        {
            const std::lock_guard<std::mutex> lock(*mutex);
            prompts->push_back(r.prompt);
        }
        // The question whose prompt shares the longest beginning: anchors and
        // rewriting change only what follows the dialogue.
        return eqb::test::answer_by_longest_prefix(table, r.prompt);
    };
    eqb::test::fake_server server(std::move(config));
    if (!server.start()) {
        ADD_FAILURE() << "the fake server did not start";
        return result;
    }
    eqb::test::temp_dir dir;
    const auto results = dir.path() / "results";
    std::vector<std::string> args{"run",
                                  "--model",
                                  "anchored",
                                  "--base-url",
                                  server.base_url() + "/v1",
                                  "--parser",
                                  "extended",
                                  "--language",
                                  language,
                                  "--results-dir",
                                  results.string(),
                                  "--data-dir",
                                  eqb::test::data_dir().string()};
    args.insert(args.end(), extra.begin(), extra.end());
    result.out = eqb::test::eqbench_run(args, dir.path(), {{"OPENAI_API_KEY", ""}});
    result.prompts = *prompts;
    result.csv = eqb::test::read_file(results / "benchmark_results.csv");
    result.raw = nlohmann::json::parse(eqb::test::read_file(results / "raw_results.json"), nullptr, false);
    return result;
}

// "S" of the closing block's "Score (LABEL): S" line; "" when there is none.
std::string score_of(const std::string& out, const std::string& label) {
    const std::string head = "Score (" + label + "): ";
    const auto at = out.find(head);
    if (at == std::string::npos) {
        return "";
    }
    const auto begin = at + head.size();
    return out.substr(begin, out.find('\n', begin) - begin);
}

class anchored_run : public ::testing::TestWithParam<std::string> {};

TEST_P(anchored_run, prompts_carry_the_anchors_the_label_is_distinct_and_the_score_unchanged) {
    const std::string language = GetParam();
    const std::string file =
        language == "en" ? "eq_bench_v2_questions_171.json" : "eq_bench_v2_questions_171_" + language + ".json";
    EQB_SKIP_UNLESS_DATA(file);
    const auto set = eqb::questions_load(eqb::test::data_dir() / file);
    ASSERT_TRUE(set && set->questions.size() == 171u);
    const auto pack = eqb::language_pack_builtin(language);
    ASSERT_TRUE(pack);
    std::string block = "\n" + pack->anchors.intro;
    for (const auto& line : pack->anchors.lines) {
        block += "\n" + line;
    }

    const auto plain = run_once(language, *set, {});
    const auto anchored = run_once(language, *set, {"--scale", "anchored"});
    ASSERT_EQ(plain.out.exit_code, 0) << plain.out.out << plain.out.err;
    ASSERT_EQ(anchored.out.exit_code, 0) << anchored.out.out << anchored.out.err;

    ASSERT_EQ(anchored.prompts.size(), 171u);
    ASSERT_EQ(plain.prompts.size(), 171u);
    for (const auto& p : anchored.prompts) {
        EXPECT_NE(p.find(block), std::string::npos) << p;
    }
    for (const auto& p : plain.prompts) {
        EXPECT_EQ(p.find(pack->anchors.lines.back()), std::string::npos) << p;
    }

    const std::string suffix = language == "en" ? "" : "_" + language;
    const std::string plain_score = score_of(plain.out.out, "v2" + suffix);
    const std::string anchored_score = score_of(anchored.out.out, "v2_anchored" + suffix);
    ASSERT_FALSE(plain_score.empty()) << plain.out.out;
    EXPECT_EQ(anchored_score, plain_score) << anchored.out.out;
    EXPECT_NE(plain_score, "100.0");
    EXPECT_NE(anchored.out.out.find("\nv2_anchored\n"), std::string::npos) << anchored.out.out;

    EXPECT_NE(anchored.csv.find(",eq-bench_v2_anchored" + suffix + ","), std::string::npos) << anchored.csv;
    EXPECT_NE(plain.csv.find(",eq-bench_v2" + suffix + ","), std::string::npos) << plain.csv;
    ASSERT_TRUE(anchored.raw.is_object() && anchored.raw.size() == 1u);
    const std::string key = anchored.raw.begin().key();
    EXPECT_EQ(key.rfind("1--v2_anchored--" + language + "--anchored--", 0), 0u) << key;
    EXPECT_EQ(anchored.raw.begin().value()["run_metadata"].value("scale", ""), "anchored");

    // `eqbench score` of the export keeps the label and the score.
    eqb::test::temp_dir dir;
    const auto raw_file = dir.path() / "raw_results.json";
    std::ofstream(raw_file) << anchored.raw.dump();
    const auto scored =
        eqb::test::eqbench_run({"score", raw_file.string(), "--data-dir", eqb::test::data_dir().string()}, dir.path());
    ASSERT_EQ(scored.exit_code, 0) << scored.out << scored.err;
    EXPECT_NE(scored.out.find("Score (v2_anchored" + suffix + "): " + plain_score + "\n"), std::string::npos)
        << scored.out;
}

INSTANTIATE_TEST_SUITE_P(languages, anchored_run, ::testing::Values("en", "de", "ja", "jahalf"));

}  // namespace
