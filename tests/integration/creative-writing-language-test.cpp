// Creative Writing in Japanese (`--language ja --benchmarks creative-writing`)
// against the fake server as writer and judge. The prompt file stands in for
// one `eqbench translate` made: the shared English file with every writing
// prompt marked as translated, written at test time. The writer answers every
// prompt in English first and in Japanese once reminded; the judge scores only
// when its prompt carries the ja pack's note. Checked: the pieces are asked in
// Japanese, every English piece is asked again with the reminder and counted,
// the score is the reference arithmetic on the judge's answers, and the
// output, CSV, run key and metadata name the language.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <regex>

#include "lang/language-pack.hpp"
#include "tests/fake-server/fake-server.hpp"
#include "tests/support/process.hpp"
#include "tests/support/test-support.hpp"

namespace {

namespace fs = std::filesystem;
using eqb::test::fake_request;

constexpr const char* translated_mark = "【翻訳済み】";

bool is_judge(const fake_request& r) {
    return r.prompt.find("[TEST MODEL RESPONSE]") != std::string::npos;
}

// "Overall Impression" 8, "Coherent" 6 and "Trite" 2 (negative: counts 10 - 2):
// every prompt scores (8 + 6 + 8) / 3, the run 10 x that, rounded: 73.33.
const char* const judge_answer =
    "[Analysis]\n\nGood.\n\n[Scores]\n\nOverall Impression: 8\n\nCoherent: 6\n\nTrite: 2\n";

std::string english_story() {
    std::string story;
    while (story.size() < 900) {
        story += "The rain kept falling on the quiet town while the lamps came on one by one. ";
    }
    return story;
}

std::string japanese_story() {
    std::string story;
    while (story.size() < 1200) {
        story += "雨は静かな町に降り続き、街灯がひとつずつ灯っていった。彼女は窓辺で手紙を読み返した。";
    }
    return story;
}

// The shared English prompt file with every writing prompt marked, as a translation would change it.
fs::path translated_prompts(const fs::path& dir, const std::string& name) {
    auto doc = nlohmann::ordered_json::parse(
        eqb::test::read_file(eqb::test::data_dir() / "creative_writing_prompts_v2.2.json"));
    for (auto& [id, prompt] : doc.items()) {
        prompt["writing_prompt"] = std::string(translated_mark) + prompt["writing_prompt"].get<std::string>();
    }
    fs::create_directories(dir);
    std::ofstream(dir / name) << doc.dump(2);
    return dir / name;
}

struct language_run {
    eqb::test::process_output out;
    std::vector<fake_request> requests;
    fs::path results;
};

language_run run_ja(const eqb::language_pack& pack, const fs::path& dir, const std::vector<std::string>& extra) {
    language_run result;
    const std::string reminder = pack.creative.language_reminder;
    const std::string note = pack.creative.judge_note;
    eqb::test::fake_server_config config;
    config.responder = [reminder, note](const fake_request& r) {
        if (is_judge(r)) {
            return r.prompt.find(note) != std::string::npos ? std::string(judge_answer) : std::string("no scores");
        }
        return r.prompt.find(reminder) != std::string::npos ? japanese_story() : english_story();
    };
    eqb::test::fake_server server(std::move(config));
    if (!server.start()) {
        ADD_FAILURE() << "the fake server did not start";
        return result;
    }
    result.results = dir / "results";
    std::vector<std::string> args{"run",
                                  "--model",
                                  "writer-model",
                                  "--base-url",
                                  server.base_url() + "/v1",
                                  "--benchmarks",
                                  "creative-writing",
                                  "--judge-model",
                                  "judge-model",
                                  "--judge-engine",
                                  "openai",
                                  "--judge-base-url",
                                  server.base_url() + "/v1",
                                  "--language",
                                  "ja",
                                  "--results-dir",
                                  result.results.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    result.out = eqb::test::eqbench_run(args, dir, {{"OPENAI_API_KEY", ""}});
    result.requests = server.requests();
    return result;
}

class creative_writing_ja : public ::testing::Test {
  protected:
    void SetUp() override {
        const auto file = eqb::test::data_dir() / "creative_writing_prompts_v2.2.json";
        if (!fs::exists(file)) {
            GTEST_SKIP() << "needs " << file;
        }
        auto loaded = eqb::language_pack_builtin("ja");
        ASSERT_TRUE(loaded) << loaded.err().message;
        pack_ = *loaded;
        ASSERT_FALSE(pack_.creative.test_template.empty());
    }

    eqb::language_pack pack_;
    eqb::test::temp_dir dir_;
};

TEST_F(creative_writing_ja, english_pieces_are_asked_again_counted_and_judged_with_the_packs_note) {
    const auto prompts = translated_prompts(dir_.path() / "prompts", "cw_ja.json");
    const auto run = run_ja(pack_, dir_.path(),
                            {"--creative-prompts", prompts.string(), "--data-dir", eqb::test::data_dir().string()});
    ASSERT_EQ(run.out.exit_code, 0) << run.out.out << run.out.err;

    std::size_t first = 0;
    std::size_t reminded = 0;
    std::size_t judged = 0;
    const std::string template_head = pack_.creative.test_template.substr(0, pack_.creative.test_template.find('{'));
    for (const auto& r : run.requests) {
        if (is_judge(r)) {
            ++judged;
            EXPECT_NE(r.prompt.find(pack_.creative.judge_note), std::string::npos);
            EXPECT_NE(r.prompt.find("雨は静かな町に"), std::string::npos);  // the Japanese piece is judged
            continue;
        }
        EXPECT_EQ(r.prompt.rfind(template_head, 0), 0u) << r.prompt.substr(0, 200);  // the pack's test template
        EXPECT_NE(r.prompt.find(translated_mark), std::string::npos);                // the translated prompt
        const bool with_reminder = r.prompt.find(pack_.creative.language_reminder) != std::string::npos;
        reminded += with_reminder ? 1 : 0;
        first += with_reminder ? 0 : 1;
    }
    EXPECT_EQ(first, 24u);
    EXPECT_EQ(reminded, 24u);
    EXPECT_EQ(judged, 24u);

    const std::string& out = run.out.out;
    EXPECT_NE(out.find("Creative Writing Score (ja): 73.33\n"), std::string::npos) << out;
    EXPECT_NE(out.find("Language: ja (kana and kanji); 24 pieces in another script asked again"), std::string::npos)
        << out;
    EXPECT_NE(out.find("Judged: 24 of 24 pieces scored, 3.0 criteria parsed per piece"), std::string::npos) << out;

    const std::string csv = eqb::test::read_file(run.results / "benchmark_results.csv");
    EXPECT_NE(csv.find(",73.33,creative-writing_ja,24,1,openai,"), std::string::npos) << csv;
    const auto raw = nlohmann::json::parse(eqb::test::read_file(run.results / "raw_results.json"));
    const std::string key = "1--creative-writing_ja--writer-model--------openai----";
    ASSERT_TRUE(raw.contains(key)) << raw.dump().substr(0, 300);
    EXPECT_EQ(raw[key]["run_metadata"].value("language", ""), "ja");
    EXPECT_NEAR(raw[key]["iterations"]["1"]["creative_writing_score"].get<double>(), 22.0 / 3.0, 1e-12);
}

TEST_F(creative_writing_ja, the_translated_file_is_found_by_language_in_the_data_directory) {
    const fs::path data = dir_.path() / "data";
    translated_prompts(data, "creative_writing_prompts_v2.2_ja.json");
    const auto run = run_ja(pack_, dir_.path(), {"--data-dir", data.string()});
    ASSERT_EQ(run.out.exit_code, 0) << run.out.out << run.out.err;
    EXPECT_NE(run.out.out.find("Creative Writing Score (ja): 73.33\n"), std::string::npos) << run.out.out;
}

TEST_F(creative_writing_ja, without_a_translated_file_the_run_says_how_to_make_one) {
    const fs::path data = dir_.path() / "empty-data";
    fs::create_directories(data);
    const auto run = run_ja(pack_, dir_.path(), {"--data-dir", data.string()});
    EXPECT_NE(run.out.exit_code, 0);
    EXPECT_NE(run.out.err.find("creative_writing_prompts_v2.2_ja.json"), std::string::npos) << run.out.err;
    EXPECT_NE(run.out.err.find("eqbench translate"), std::string::npos) << run.out.err;
    EXPECT_TRUE(run.requests.empty());
}

}  // namespace
