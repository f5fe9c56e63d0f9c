// Reasoning models against the fake server: every thought shape (inline,
// prefilled by the chat template, harmony channels, the response's own
// fields, Anthropic thinking blocks, Gemini thought parts) gives the replayed
// run's exact score, the thought (which holds decoy "Name: N" pairs) is never
// read as the answer, a thought the output limit cuts stops the run early with
// the flag to use, and every request keeps its API's rules.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <regex>
#include <string>

#include "tests/fake-server/fake-server.hpp"
#include "tests/support/process.hpp"
#include "tests/support/replay.hpp"

namespace {

namespace fs = std::filesystem;
using eqb::test::fake_server;
using eqb::test::fake_server_config;
using eqb::test::fake_thought;

// A recorded run with one unparseable answer (170 of 171 parse).
const char* const replay_file = "Qwen__Qwen-14B-Chat_eqbench_v2_results.json";
// Long enough to be treated as a secret; split so no key-shaped literal sits in the source.
const std::string test_key = std::string("reasoning-") + "test-key-0123";

fs::path conformance_path() {
    return eqb::test::shared_dir() / "conformance" / "eq-bench" / replay_file;
}

const eqb::test::conformance_replay& replay() {
    static const eqb::test::conformance_replay r(conformance_path(),
                                                 eqb::test::data_dir() / "eq_bench_v2_questions_171.json");
    return r;
}

nlohmann::json recorded() {
    return nlohmann::json::parse(eqb::test::read_file(conformance_path()));
}

double expected_score() {
    return recorded()["expected"]["score"].get<double>();
}

class reasoning_run : public ::testing::Test {
  protected:
    void SetUp() override {
        if (!fs::exists(conformance_path()) || !fs::exists(eqb::test::data_dir() / "eq_bench_v2_questions_171.json")) {
            GTEST_SKIP() << "needs " << conformance_path() << " and the question set in " << eqb::test::data_dir();
        }
    }

    // A fake reasoning model answering with the recorded answers after a thought of `shape`.
    std::unique_ptr<fake_server> start(fake_thought shape, fake_server_config config = {}) {
        config.thought = shape;
        config.thought_tokens = 200;
        config.responder = [](const eqb::test::fake_request& r) { return replay().answer(r.prompt); };
        auto server = std::make_unique<fake_server>(std::move(config));
        if (auto started = server->start(); !started) {
            throw std::runtime_error(started.err().message);
        }
        return server;
    }

    eqb::test::process_output run(const fake_server& server, std::vector<std::string> extra,
                                  const std::string& engine = "openai", const std::string& model = "fake-model") {
        const std::string base = engine == "gemini"      ? server.base_url() + "/v1beta"
                                 : engine == "anthropic" ? server.base_url()
                                                         : server.base_url() + "/v1";
        std::vector<std::string> args = {"run",
                                         "--model",
                                         model,
                                         "--engine",
                                         engine,
                                         "--base-url",
                                         base,
                                         "--concurrency",
                                         "8",
                                         "--results-dir",
                                         (dir_.path() / results_).string(),
                                         "--data-dir",
                                         eqb::test::data_dir().string()};
        args.insert(args.end(), extra.begin(), extra.end());
        return eqb::test::eqbench_run(
            args, dir_.path(),
            {{"OPENAI_API_KEY", test_key}, {"ANTHROPIC_API_KEY", test_key}, {"GEMINI_API_KEY", test_key}});
    }

    // Every stored answer is the recorded answer, without its thought.
    void expect_answers_verbatim() {
        const auto raw = nlohmann::json::parse(eqb::test::read_file(dir_.path() / results_ / "raw_results.json"));
        const auto stored = raw.begin().value()["iterations"]["1"]["raw_inference"];
        const auto rec = recorded();
        EXPECT_EQ(stored.size(), 170U);
        for (const auto& [qid, text] : stored.items()) {
            EXPECT_EQ(text, rec["iterations"]["1"][qid]) << "question " << qid;
        }
    }

    eqb::test::temp_dir dir_;
    std::string results_ = "results";  // under dir_
};

double score_line(const std::string& out) {
    std::smatch m;
    return std::regex_search(out, m, std::regex(R"(Score \(v2\): ([0-9.\-]+))")) ? std::stod(m[1]) : -1e9;
}

std::size_t count_of(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
        ++n;
    }
    return n;
}

TEST_F(reasoning_run, every_thought_shape_gives_the_exact_score_with_a_budget) {
    for (const auto shape : {fake_thought::INLINE, fake_thought::PREFILLED, fake_thought::HARMONY, fake_thought::FIELD,
                             fake_thought::REASONING_CONTENT}) {
        SCOPED_TRACE(static_cast<int>(shape));
        results_ = "results-" + std::to_string(static_cast<int>(shape));
        auto server = start(shape);
        const auto out = run(*server, {"--reasoning-budget", "1024"});
        ASSERT_EQ(out.exit_code, 0) << out.out << out.err;
        EXPECT_EQ(score_line(out.out), expected_score()) << out.out;
        expect_answers_verbatim();
        EXPECT_NE(out.out.find("Reasoning: on (budget 1024 tokens)"), std::string::npos) << out.out;
        EXPECT_NE(out.out.find("Truncated in reasoning: 0"), std::string::npos) << out.out;
        // The fake reports 200 thought tokens per answer in OpenAI's usage.
        EXPECT_NE(out.out.find("(reported by the server)"), std::string::npos) << out.out;
        for (const auto& r : server->requests()) {
            EXPECT_EQ(r.max_tokens, 1084);
        }
    }
}

TEST_F(reasoning_run, a_thought_cut_at_the_reference_budget_stops_the_run_early_naming_the_flag) {
    auto server = start(fake_thought::INLINE);
    const auto out = run(*server, {});
    EXPECT_NE(out.exit_code, 0);
    const std::string all = out.out + out.err;
    EXPECT_NE(all.find("ended inside the model's thought at the output limit of 60 tokens"), std::string::npos) << all;
    EXPECT_NE(all.find("--reasoning-budget"), std::string::npos) << all;
    EXPECT_NE(all.find("fake-model"), std::string::npos) << all;
    // Stopped after the first answers, not after 171 x 3 tries (and not retried as a whole run).
    EXPECT_LT(server->request_count(), 60U);
    EXPECT_EQ(all.find("Score (v2)"), std::string::npos) << all;
}

TEST_F(reasoning_run, reasoning_off_asks_the_template_not_to_think_and_scores_exactly_at_60_tokens) {
    auto server = start(fake_thought::INLINE);
    const auto out = run(*server, {"--reasoning", "off"});
    ASSERT_EQ(out.exit_code, 0) << out.out << out.err;
    EXPECT_EQ(score_line(out.out), expected_score()) << out.out;
    expect_answers_verbatim();
    for (const auto& r : server->requests()) {
        EXPECT_EQ(r.max_tokens, 60);
        EXPECT_NE(r.body.find(R"("chat_template_kwargs":{"enable_thinking":false})"), std::string::npos) << r.body;
    }
}

TEST_F(reasoning_run, an_o_series_model_behind_a_proxy_gets_the_fields_its_refusals_name) {
    fake_server_config config;
    config.refused_fields = {"max_tokens", "temperature"};
    auto server = start(fake_thought::FIELD, config);
    const auto out = run(*server, {"--reasoning-budget", "1024"}, "openai", "o3-mini");
    ASSERT_EQ(out.exit_code, 0) << out.out << out.err;
    EXPECT_EQ(score_line(out.out), expected_score()) << out.out;
    expect_answers_verbatim();
    // Said once each, and in the summary.
    EXPECT_EQ(count_of(out.out, "Note: " + server->base_url() + "/v1 refused max_tokens"), 1U) << out.out;
    EXPECT_EQ(count_of(out.out, "Note: " + server->base_url() + "/v1 refused temperature"), 1U) << out.out;
    EXPECT_NE(out.out.find("plain resamples"), std::string::npos) << out.out;
    std::size_t accepted = 0;
    for (const auto& r : server->requests()) {
        const auto body = nlohmann::json::parse(r.body);
        if (!body.contains("max_tokens") && !body.contains("temperature")) {
            ++accepted;
            EXPECT_EQ(body["max_completion_tokens"], 1084);
        }
    }
    EXPECT_GE(accepted, 171U);
}

TEST_F(reasoning_run, anthropic_extended_thinking_keeps_its_rules_and_scores_exactly) {
    auto server = start(fake_thought::FIELD);
    const auto out = run(*server, {"--reasoning-budget", "1024"}, "anthropic", "claude-sonnet-4-5");
    ASSERT_EQ(out.exit_code, 0) << out.out << out.err;
    EXPECT_EQ(score_line(out.out), expected_score()) << out.out;
    expect_answers_verbatim();
    for (const auto& r : server->requests()) {
        const auto body = nlohmann::json::parse(r.body);
        EXPECT_EQ(body["thinking"]["budget_tokens"], 1024);
        EXPECT_EQ(body["max_tokens"], 1084);
        EXPECT_FALSE(body.contains("temperature"));
    }
}

TEST_F(reasoning_run, anthropic_thinking_under_1024_tokens_is_refused_before_any_request) {
    auto server = start(fake_thought::FIELD);
    const auto out = run(*server, {"--reasoning-budget", "500"}, "anthropic", "claude-sonnet-4-5");
    EXPECT_NE(out.exit_code, 0);
    EXPECT_NE((out.out + out.err).find("at least 1024 tokens, got 500"), std::string::npos) << out.out << out.err;
    EXPECT_EQ(server->request_count(), 0U);
}

TEST_F(reasoning_run, gemini_thought_parts_are_not_the_answer) {
    fake_server_config config;
    config.model_name = "gemini-2.5-flash";  // the probe asks for the model
    auto server = start(fake_thought::FIELD, config);
    const auto out = run(*server, {"--reasoning-budget", "1024"}, "gemini", "gemini-2.5-flash");
    ASSERT_EQ(out.exit_code, 0) << out.out << out.err;
    EXPECT_EQ(score_line(out.out), expected_score()) << out.out;
    expect_answers_verbatim();
    for (const auto& r : server->requests()) {
        const auto body = nlohmann::json::parse(r.body);
        EXPECT_EQ(body["generationConfig"]["thinkingConfig"]["thinkingBudget"], 1024);
        EXPECT_EQ(body["generationConfig"]["maxOutputTokens"], 1084);
    }
}

}  // namespace
