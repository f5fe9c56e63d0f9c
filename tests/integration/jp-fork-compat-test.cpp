// `--compat jp-fork` end to end against the fake server: the Japanese fork's
// behaviour (kuroganegames/EQ-Bench-jp, branch japanized), bugs included.
// - ja and jahalf prompts go out exactly as the question file has them, with
//   the 60-token budget;
// - a replayed jahalf run (answers made by a rule from the question file:
//   markdown, full-width digits, a missing space that the English parser
//   cannot read) scores what the fork's own scoring gives for the same
//   answers: tests/golden/jp-fork/jahalf-replay-expected.json, written by
//   make-jahalf-replay.py, which restates the fork's Python steps;
// - the run key, CSV label, metadata and closing block say so.
// The parser bugs themselves are golden files in tests/golden/eq-bench-answers
// (ja-fork-*, ja-dataset-headings-reference, jahalf-fork-*).

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>

#include "core/unicode.hpp"
#include "data/questions.hpp"
#include "tests/fake-server/fake-server.hpp"
#include "tests/support/process.hpp"
#include "tests/support/test-support.hpp"

namespace {

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

// The answer to the question at `k` (file order): the same rule as
// answer_for in tests/golden/jp-fork/make-jahalf-replay.py.
std::string answer_for(std::size_t k, const eqb::emotion_reference& ref) {
    constexpr std::size_t no_space_every = 13;
    constexpr std::size_t no_space_at = 5;
    constexpr std::size_t bold_every = 7;
    constexpr std::size_t bold_at = 3;
    constexpr std::size_t fullwidth_every = 5;
    constexpr std::size_t fullwidth_at = 2;
    std::string out;
    for (std::size_t i = 0; i < 4; ++i) {
        const long base = static_cast<long>(ref.scores[i]);
        const std::string value = std::to_string(std::min(10L, base + static_cast<long>((k + i) % 3)));
        const std::string& name = ref.names[i];
        std::string line;
        if (k % no_space_every == no_space_at) {
            line = name + ":" + value;
        } else if (k % bold_every == bold_at) {
            line = "**" + name + "**: " + value;
        } else if (k % fullwidth_every == fullwidth_at) {
            line = name + ": " + fullwidth(value);
        } else {
            line = name + ": " + value;
        }
        out += (i == 0 ? "" : "\n") + line;
    }
    return out;
}

struct fork_run {
    eqb::test::process_output out;
    std::vector<eqb::test::fake_request> requests;
    std::string csv;
    nlohmann::json raw;
};

fork_run run_fork(const std::string& language, const eqb::question_set& set, const std::vector<std::string>& extra) {
    fork_run result;
    std::map<std::string, std::string> answers;  // exact prompt -> answer
    for (std::size_t k = 0; k < set.questions.size(); ++k) {
        const auto& q = set.questions[k];
        answers[q.prompt] = answer_for(k, q.reference_fullscale.value_or(q.reference));
    }
    auto mutex = std::make_shared<std::mutex>();
    auto seen = std::make_shared<std::vector<eqb::test::fake_request>>();
    eqb::test::fake_server_config config;
    config.responder = [answers, mutex, seen](const eqb::test::fake_request& r) {
        {
            const std::lock_guard<std::mutex> lock(*mutex);
            seen->push_back(r);
        }
        const auto it = answers.find(r.prompt);
        return it != answers.end() ? it->second : std::string("not a prompt of the question file");
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
                                  "Llama-3.1-8B-Instruct",
                                  "--base-url",
                                  server.base_url() + "/v1",
                                  "--language",
                                  language,
                                  "--compat",
                                  "jp-fork",
                                  "--results-dir",
                                  results.string(),
                                  "--data-dir",
                                  eqb::test::data_dir().string()};
    args.insert(args.end(), extra.begin(), extra.end());
    result.out = eqb::test::eqbench_run(args, dir.path(), {{"OPENAI_API_KEY", ""}});
    result.requests = *seen;
    result.csv = eqb::test::read_file(results / "benchmark_results.csv");
    result.raw = nlohmann::json::parse(eqb::test::read_file(results / "raw_results.json"), nullptr, false);
    return result;
}

std::string questions_file(const std::string& language) {
    return "eq_bench_v2_questions_171_" + language + ".json";
}

TEST(jp_fork, replayed_jahalf_run_scores_what_the_forks_scoring_gives) {
    EQB_SKIP_UNLESS_DATA(questions_file("jahalf"));
    const auto set = eqb::questions_load(eqb::test::data_dir() / questions_file("jahalf"));
    ASSERT_TRUE(set && set->questions.size() == 171u);
    const auto expected = nlohmann::json::parse(
        eqb::test::read_file(eqb::test::source_dir() / "tests" / "golden" / "jp-fork" / "jahalf-replay-expected.json"));
    const auto run = run_fork("jahalf", *set, {});
    ASSERT_EQ(run.out.exit_code, 0) << run.out.out << run.out.err;

    const std::string score = expected["score"].dump();
    EXPECT_NE(run.out.out.find("Score (v2_jahalf): " + score + "\n"), std::string::npos) << run.out.out;
    EXPECT_NE(run.out.out.find("Parseable: 158.0\n"), std::string::npos) << run.out.out;
    EXPECT_EQ(expected["parseable"].get<double>(), 158.0);
    EXPECT_NE(run.out.out.find("compat: jp-fork\n"), std::string::npos) << run.out.out;

    // Every unreadable answer was asked three times, the others once.
    const std::size_t unreadable = expected["unparseable_questions"].size();
    EXPECT_EQ(run.requests.size(), 171u - unreadable + 3 * unreadable);
    for (const auto& r : run.requests) {
        EXPECT_EQ(r.max_tokens, 60);
    }
    EXPECT_NE(run.csv.find(",eq-bench_v2_jahalf,158.0,"), std::string::npos) << run.csv;
    ASSERT_TRUE(run.raw.is_object() && run.raw.size() == 1u);
    EXPECT_EQ(run.raw.begin().key(), "1--v2--jahalf--Llama-3.1-8B-Instruct--------openai----");
    EXPECT_EQ(run.raw.begin().value()["run_metadata"].value("compat", ""), "jp-fork");
    for (const auto& qid : expected["unparseable_questions"]) {
        EXPECT_FALSE(run.raw.begin().value()["iterations"]["1"]["raw_inference"].contains(qid.get<std::string>()));
    }
}

class jp_fork_prompts : public ::testing::TestWithParam<std::string> {};

TEST_P(jp_fork_prompts, are_sent_unchanged_with_60_tokens) {
    const std::string language = GetParam();
    EQB_SKIP_UNLESS_DATA(questions_file(language));
    const auto set = eqb::questions_load(eqb::test::data_dir() / questions_file(language));
    ASSERT_TRUE(set && set->questions.size() == 171u);
    const auto run = run_fork(language, *set, {});
    // The fork reads ja answers with its own parser, jahalf with the English one;
    // either way every prompt must be a question file's prompt, byte for byte.
    std::set<std::string> prompts;
    for (const auto& q : set->questions) {
        prompts.insert(q.prompt);
    }
    ASSERT_GE(run.requests.size(), 171u) << run.out.out << run.out.err;
    std::set<std::string> sent;
    for (const auto& r : run.requests) {
        EXPECT_EQ(prompts.count(r.prompt), 1u) << r.prompt.substr(0, 200);
        EXPECT_EQ(r.max_tokens, 60);
        sent.insert(r.prompt);
    }
    EXPECT_EQ(sent.size(), 171u);
}

INSTANTIATE_TEST_SUITE_P(languages, jp_fork_prompts, ::testing::Values("ja", "jahalf"));

TEST(jp_fork, a_run_stored_without_compat_is_not_resumed_with_it) {
    EQB_SKIP_UNLESS_DATA(questions_file("jahalf"));
    // Answers that never parse: the first run fails, but its key is stored without --compat.
    eqb::test::fake_server_config config;
    config.responder = [](const eqb::test::fake_request&) { return std::string("Remorseful: 3"); };
    eqb::test::fake_server server(std::move(config));
    ASSERT_TRUE(server.start());
    eqb::test::temp_dir dir;
    const auto results = dir.path() / "results";
    const std::vector<std::string> base{"run",
                                        "--model",
                                        "m",
                                        "--base-url",
                                        server.base_url() + "/v1",
                                        "-l",
                                        "jahalf",
                                        "--results-dir",
                                        results.string(),
                                        "--data-dir",
                                        eqb::test::data_dir().string()};
    const auto plain = eqb::test::eqbench_run(base, dir.path(), {{"OPENAI_API_KEY", ""}});
    ASSERT_NE(server.request_count(), 0u) << plain.out << plain.err;
    const std::size_t before = server.request_count();
    auto with_compat = base;
    with_compat.insert(with_compat.end(), {"--compat", "jp-fork"});
    const auto refused = eqb::test::eqbench_run(with_compat, dir.path(), {{"OPENAI_API_KEY", ""}});
    EXPECT_NE(refused.exit_code, 0);
    EXPECT_NE(refused.err.find("is stored without --compat, and this run is with --compat jp-fork"), std::string::npos)
        << refused.err;
    EXPECT_EQ(server.request_count(), before);
}

TEST(jp_fork, extended_parser_and_anchored_scale_are_refused) {
    EQB_SKIP_UNLESS_DATA(questions_file("ja"));
    eqb::test::temp_dir dir;
    for (const auto& extra : std::vector<std::vector<std::string>>{{"--parser", "extended"}, {"--scale", "anchored"}}) {
        std::vector<std::string> args{
            "run",     "--model", "m",  "--base-url", "http://127.0.0.1:9/v1",       "--compat",
            "jp-fork", "-l",      "ja", "--data-dir", eqb::test::data_dir().string()};
        args.insert(args.end(), extra.begin(), extra.end());
        const auto out = eqb::test::eqbench_run(args, dir.path(), {{"OPENAI_API_KEY", ""}});
        EXPECT_NE(out.exit_code, 0);
        EXPECT_NE(out.err.find("--compat jp-fork"), std::string::npos) << out.err;
    }
}

}  // namespace
