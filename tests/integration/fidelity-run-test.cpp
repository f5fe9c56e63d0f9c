// What eqbench stores and sends is the reference's: answers are stripped as
// the reference strips them and otherwise stored verbatim, whatever the API
// key (placeholder keys such as `e` rewrote answers once); an empty answer is a
// failed try asked again 0.15 warmer, as the reference counts it.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <string>

#include "tests/fake-server/fake-server.hpp"
#include "tests/support/process.hpp"
#include "tests/support/replay.hpp"

namespace {

namespace fs = std::filesystem;
using eqb::test::conformance_replay;
using eqb::test::fake_server;
using eqb::test::fake_server_config;

// A run with one unparseable answer (170 of 171 parse).
const char* const replay_file = "Qwen__Qwen-14B-Chat_eqbench_v2_results.json";

fs::path conformance_path() {
    return eqb::test::shared_dir() / "conformance" / "eq-bench" / replay_file;
}

bool have_data() {
    return fs::exists(conformance_path()) && fs::exists(eqb::test::data_dir() / "eq_bench_v2_questions_171.json");
}

const conformance_replay& replay() {
    static const conformance_replay r(conformance_path(), eqb::test::data_dir() / "eq_bench_v2_questions_171.json");
    return r;
}

nlohmann::json recorded() {
    return nlohmann::json::parse(eqb::test::read_file(conformance_path()));
}

std::unique_ptr<fake_server> start(fake_server_config config) {
    auto server = std::make_unique<fake_server>(std::move(config));
    auto started = server->start();
    if (!started) {
        throw std::runtime_error(started.err().message);
    }
    return server;
}

std::vector<std::string> run_args(const fake_server& server, const fs::path& results) {
    return {"run", "--model",       "fake-model",     "--base-url", server.base_url() + "/v1",     "--concurrency",
            "8",   "--results-dir", results.string(), "--data-dir", eqb::test::data_dir().string()};
}

double score_line(const std::string& out) {
    std::smatch m;
    return std::regex_search(out, m, std::regex(R"(Score \(v2\): ([0-9.\-]+))")) ? std::stod(m[1]) : -1e9;
}

// raw_inference of the only run in a results directory.
nlohmann::json raw_inference(const fs::path& results) {
    const auto raw = nlohmann::json::parse(eqb::test::read_file(results / "raw_results.json"));
    return raw.begin().value()["iterations"]["1"]["raw_inference"];
}

std::size_t count_of(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
        ++n;
    }
    return n;
}

TEST(fidelity_run, placeholder_keys_leave_every_answer_verbatim_and_the_score_exact) {
    if (!have_data()) {
        GTEST_SKIP() << "needs " << conformance_path() << " and the question set in " << eqb::test::data_dir();
    }
    const auto rec = recorded();
    const double want = rec["expected"]["score"].get<double>();
    for (const std::string key : {"e", "a", "sk-1", "none"}) {
        SCOPED_TRACE("key " + key);
        eqb::test::temp_dir dir;
        fake_server_config config;
        config.required_api_key = key;
        config.responder = [](const eqb::test::fake_request& r) { return replay().answer(r.prompt); };
        auto server = start(config);
        const auto results = dir.path() / "results";
        const auto out = eqb::test::eqbench_run(run_args(*server, results), dir.path(), {{"OPENAI_API_KEY", key}});
        ASSERT_EQ(out.exit_code, 0) << out.out << out.err;
        EXPECT_EQ(score_line(out.out), want) << out.out;
        EXPECT_EQ(server->requests().front().header("authorization"), "Bearer " + key);
        // Said once, on stderr.
        EXPECT_EQ(count_of(out.err, "shorter than 8 characters"), 1U) << out.err;
        EXPECT_EQ(out.out.find("shorter than 8"), std::string::npos);
        // Every stored answer is the recorded one, byte for byte.
        const auto stored = raw_inference(results);
        int same = 0;
        for (const auto& [qid, text] : rec["iterations"]["1"].items()) {
            if (stored.contains(qid)) {
                EXPECT_EQ(stored[qid], text) << "question " << qid;
                same += stored[qid] == text ? 1 : 0;
            }
        }
        // The recording has no answer for the one question the model never
        // answered parseably, and eqbench keeps none for it, as the reference.
        EXPECT_EQ(same, 170);
        EXPECT_EQ(stored.size(), 170U);
        EXPECT_EQ(eqb::test::read_file(results / "raw_results.json").find("[REDACTED]"), std::string::npos);
    }
}

TEST(fidelity_run, answers_are_stripped_as_the_reference_strips_them) {
    if (!have_data()) {
        GTEST_SKIP() << "needs " << conformance_path();
    }
    eqb::test::temp_dir dir;
    fake_server_config config;
    // Unicode whitespace too: Python's str.strip() removes U+3000 and U+00A0.
    config.responder = [](const eqb::test::fake_request& r) {
        return "\n\u3000  " + replay().answer(r.prompt) + " \u00a0\n\n";
    };
    auto server = start(config);
    const auto results = dir.path() / "results";
    const auto out = eqb::test::eqbench_run(run_args(*server, results), dir.path(), {{"OPENAI_API_KEY", ""}});
    ASSERT_EQ(out.exit_code, 0) << out.out << out.err;
    const auto rec = recorded();
    EXPECT_EQ(score_line(out.out), rec["expected"]["score"].get<double>()) << out.out;
    const auto stored = raw_inference(results);
    EXPECT_EQ(stored.size(), 170U);
    for (const auto& [qid, text] : stored.items()) {
        EXPECT_EQ(text, rec["iterations"]["1"][qid]) << "question " << qid;
    }
}

TEST(fidelity_run, an_empty_answer_is_a_failed_try_asked_again_warmer) {
    if (!have_data()) {
        GTEST_SKIP() << "needs " << conformance_path();
    }
    eqb::test::temp_dir dir;
    std::mutex mutex;
    std::set<std::string> emptied;  // questions whose first answer was empty
    fake_server_config config;
    config.responder = [&](const eqb::test::fake_request& r) -> std::string {
        const std::string qid = replay().question_of(r.prompt);
        std::lock_guard lock(mutex);
        if (!qid.empty() && std::stoi(qid) % 10 == 0 && emptied.insert(qid).second) {
            return "";
        }
        return replay().answer(r.prompt);
    };
    auto server = start(config);
    const auto out =
        eqb::test::eqbench_run(run_args(*server, dir.path() / "results"), dir.path(), {{"OPENAI_API_KEY", ""}});
    ASSERT_EQ(out.exit_code, 0) << out.out << out.err;
    EXPECT_EQ(score_line(out.out), recorded()["expected"]["score"].get<double>()) << out.out;
    EXPECT_EQ(emptied.size(), 17U);
    // Each emptied question was asked once at 0.01 and once at 0.16; the one
    // unparseable answer three times; every other question once.
    std::map<std::string, std::vector<double>> temperatures;
    for (const auto& r : server->requests()) {
        temperatures[replay().question_of(r.prompt)].push_back(r.temperature);
    }
    EXPECT_EQ(temperatures.size(), 171U);
    int warmer = 0;
    for (const auto& qid : emptied) {
        const auto& t = temperatures[qid];
        ASSERT_GE(t.size(), 2U) << qid;
        EXPECT_DOUBLE_EQ(t[0], 0.01);
        EXPECT_DOUBLE_EQ(t[1], 0.16);
        warmer += t.size() >= 2 && t[1] > t[0] ? 1 : 0;
    }
    EXPECT_EQ(warmer, 17);
    EXPECT_EQ(server->request_count(), 170U + 3U + 17U);
}

}  // namespace
