// Every shipped language end to end: a fake server answers each question with
// that question's own reference scores, written as models write them in that
// language (ja: full-width digits and '：'; jahalf: bold emotion names; de and
// en: plain lines); `eqbench run --parser extended` scores exactly 100 with all
// 171 questions parseable.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <regex>

#include "core/unicode.hpp"
#include "data/questions.hpp"
#include "tests/fake-server/fake-server.hpp"
#include "tests/support/process.hpp"
#include "tests/support/test-support.hpp"

namespace {

namespace fs = std::filesystem;

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

class languages_run : public ::testing::TestWithParam<std::string> {};

TEST_P(languages_run, reference_scores_written_the_languages_way_score_100_all_parseable) {
    const std::string language = GetParam();
    const std::string file =
        language == "en" ? "eq_bench_v2_questions_171.json" : "eq_bench_v2_questions_171_" + language + ".json";
    const auto set = eqb::questions_load(eqb::test::data_dir() / file);
    ASSERT_TRUE(set) << set.err().message;
    ASSERT_EQ(set->questions.size(), 171u);
    // A request is for the question whose prompt shares the longest beginning with
    // it: rewriting only removes instructions after the dialogue.
    std::vector<std::pair<std::string, std::string>> table;
    for (const auto& q : set->questions) {
        ASSERT_TRUE(q.reference_fullscale.has_value()) << q.id;
        table.emplace_back(q.prompt, answer_for(language, *q.reference_fullscale));
    }
    eqb::test::fake_server_config config;
    config.responder = [table](const eqb::test::fake_request& r) {
        std::size_t best = 0;
        const std::string* answer = nullptr;
        for (const auto& [prompt, text] : table) {
            const auto diff = std::mismatch(prompt.begin(), prompt.end(), r.prompt.begin(), r.prompt.end());
            const auto shared = static_cast<std::size_t>(diff.first - prompt.begin());
            if (shared > best) {
                best = shared;
                answer = &text;
            }
        }
        return answer != nullptr ? *answer : std::string("unknown question");
    };
    eqb::test::fake_server server(std::move(config));
    ASSERT_TRUE(server.start());
    eqb::test::temp_dir dir;
    const auto out =
        eqb::test::eqbench_run({"run", "--model", "polyglot", "--base-url", server.base_url() + "/v1", "--language",
                                language, "--parser", "extended", "--concurrency", "8", "--results-dir",
                                (dir.path() / "results").string(), "--data-dir", eqb::test::data_dir().string()},
                               dir.path(), {{"OPENAI_API_KEY", ""}});
    ASSERT_EQ(out.exit_code, 0) << out.out << out.err;
    const std::string label = language == "en" ? "v2" : "v2_" + language;
    EXPECT_NE(out.out.find("Score (" + label + "): 100.0"), std::string::npos) << out.out;
    EXPECT_NE(out.out.find("Parseable: 171.0"), std::string::npos) << out.out;
    EXPECT_EQ(server.request_count(), 171u);  // nothing asked twice: every answer parsed at once
}

INSTANTIATE_TEST_SUITE_P(all, languages_run, ::testing::Values("en", "de", "ja", "jahalf"));

}  // namespace
