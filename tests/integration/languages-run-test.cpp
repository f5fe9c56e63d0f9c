// Every shipped language end to end: a fake server answers each question with
// that question's own reference scores, written as models write them in that
// language (ja: full-width digits and '：'; jahalf: bold emotion names; de and
// en: plain lines); `eqbench run --parser extended` scores exactly 100 with all
// 171 questions parseable. A user's language pack file works the same way.

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>

#include "core/unicode.hpp"
#include "data/questions.hpp"
#include "tests/fake-server/fake-server.hpp"
#include "tests/support/process.hpp"
#include "tests/support/replay.hpp"
#include "tests/support/test-support.hpp"

namespace {

// "7" -> "７" (full-width digits, U+FF10..U+FF19).
std::string fullwidth(const std::string& ascii) {
    std::string out;
    for (const char c : ascii) {
        if (c >= '0' && c <= '9') {
            eqb::utf8_append(out, static_cast<char32_t>(0xFF10 + (c - '0')));
        } else {
            out += c;
        }
    }
    return out;
}

std::string score_text(double v) {
    const long whole = static_cast<long>(v);
    return static_cast<double>(whole) == v ? std::to_string(whole) : std::to_string(v);
}

// The answer a model writing in `language` would give with these scores.
std::string answer_for(const std::string& language, const eqb::emotion_reference& ref) {
    std::string out = language == "ja" ? "回答：\n" : "";
    for (std::size_t i = 0; i < 4; ++i) {
        const std::string value = score_text(ref.scores[i]);
        if (language == "ja") {
            out += ref.names[i] + "：" + fullwidth(value) + "\n";
        } else if (language == "jahalf") {
            out += "**" + ref.names[i] + "**: " + value + "\n";
        } else {
            out += ref.names[i] + ": " + value + "\n";
        }
    }
    return out;
}

struct language_run {
    eqb::test::process_output out;
    std::size_t requests = 0;
};

// Runs eqbench against a fake server answering the questions of `file` the
// way `language` writes; `extra` selects the language (flag or pack file).
language_run run_language(const std::string& language, const std::string& file, const std::vector<std::string>& extra) {
    language_run result;
    const auto set = eqb::questions_load(eqb::test::data_dir() / file);
    if (!set || set->questions.size() != 171u) {
        ADD_FAILURE() << file << " did not load";
        return result;
    }
    // A request is for the question whose prompt shares the longest beginning
    // with it: rewriting only removes instructions after the dialogue.
    std::vector<std::pair<std::string, std::string>> table;
    for (const auto& q : set->questions) {
        table.emplace_back(q.prompt, answer_for(language, q.reference_fullscale.value_or(q.reference)));
    }
    eqb::test::fake_server_config config;
    config.responder = [table](const eqb::test::fake_request& r) {
        return eqb::test::answer_by_longest_prefix(table, r.prompt);
    };
    eqb::test::fake_server server(std::move(config));
    if (!server.start()) {
        ADD_FAILURE() << "the fake server did not start";
        return result;
    }
    eqb::test::temp_dir dir;
    std::vector<std::string> args{"run",
                                  "--model",
                                  "polyglot",
                                  "--base-url",
                                  server.base_url() + "/v1",
                                  "--parser",
                                  "extended",
                                  "--concurrency",
                                  "8",
                                  "--results-dir",
                                  (dir.path() / "results").string(),
                                  "--data-dir",
                                  eqb::test::data_dir().string()};
    args.insert(args.end(), extra.begin(), extra.end());
    result.out = eqb::test::eqbench_run(args, dir.path(), {{"OPENAI_API_KEY", ""}});
    result.requests = server.request_count();
    return result;
}

class languages_run : public ::testing::TestWithParam<std::string> {};

TEST_P(languages_run, reference_scores_written_the_languages_way_score_100_all_parseable) {
    const std::string language = GetParam();
    const std::string file =
        language == "en" ? "eq_bench_v2_questions_171.json" : "eq_bench_v2_questions_171_" + language + ".json";
    EQB_SKIP_UNLESS_DATA(file);
    const auto run = run_language(language, file, {"--language", language});
    ASSERT_EQ(run.out.exit_code, 0) << run.out.out << run.out.err;
    const std::string label = language == "en" ? "v2" : "v2_" + language;
    EXPECT_NE(run.out.out.find("Score (" + label + "): 100.0"), std::string::npos) << run.out.out;
    EXPECT_NE(run.out.out.find("Parseable: 171.0"), std::string::npos) << run.out.out;
    EXPECT_EQ(run.requests, 171u);  // nothing asked twice: every answer parsed at once
}

INSTANTIATE_TEST_SUITE_P(all, languages_run, ::testing::Values("en", "de", "ja", "jahalf"));

TEST(languages_run, a_users_language_pack_file_works_without_any_code) {
    EQB_SKIP_UNLESS_DATA("eq_bench_v2_questions_171_de.json");
    // The German pack under another code, its question file given by path.
    auto pack = eqb::test::read_file(eqb::test::source_dir() / "src" / "lang" / "packs" / "de.json");
    const std::string code = "\"code\": \"de\"";
    pack.replace(pack.find(code), code.size(), "\"code\": \"de-x\"");
    const std::string name = "\"eq_bench_v2_questions_171_de.json\"";
    pack.replace(pack.find(name), name.size(),
                 "\"" + (eqb::test::data_dir() / "eq_bench_v2_questions_171_de.json").string() + "\"");
    eqb::test::temp_dir dir;
    std::ofstream(dir.path() / "de-x.json") << pack;
    const auto run = run_language("de", "eq_bench_v2_questions_171_de.json",
                                  {"--language-pack", (dir.path() / "de-x.json").string()});
    ASSERT_EQ(run.out.exit_code, 0) << run.out.out << run.out.err;
    EXPECT_NE(run.out.out.find("Score (v2_de-x): 100.0"), std::string::npos) << run.out.out;
    EXPECT_NE(run.out.out.find("Parseable: 171.0"), std::string::npos) << run.out.out;
}

}  // namespace
