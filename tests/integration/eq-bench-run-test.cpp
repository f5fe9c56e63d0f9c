// eqbench run end to end against the fake server replaying recorded answers:
// the score equals the reference's for those answers; a run killed with
// SIGKILL resumes without asking an answered question again; transport faults
// do not change the score; API keys appear nowhere.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fmt/core.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>

#include "store/store.hpp"
#include "tests/fake-server/fake-server.hpp"
#include "tests/support/process.hpp"
#include "tests/support/replay.hpp"

namespace {

namespace fs = std::filesystem;
using eqb::test::conformance_replay;
using eqb::test::fake_server;
using eqb::test::fake_server_config;

// A non-revise run with one unparseable answer (170 of 171): exercises the
// parse-failure retries too.
const char* const replay_file = "Qwen__Qwen-14B-Chat_eqbench_v2_results.json";

const conformance_replay& replay() {
    static const conformance_replay r(eqb::test::shared_dir() / "conformance" / "eq-bench" / replay_file,
                                      eqb::test::data_dir() / "eq_bench_v2_questions_171.json");
    return r;
}

nlohmann::json expected() {
    return nlohmann::json::parse(
        eqb::test::read_file(eqb::test::shared_dir() / "conformance" / "eq-bench" / replay_file))["expected"];
}

std::unique_ptr<fake_server> start_server(fake_server_config config) {
    config.responder = [](const eqb::test::fake_request& r) { return replay().answer(r.prompt); };
    auto server = std::make_unique<fake_server>(std::move(config));
    auto started = server->start();
    if (!started) {
        throw std::runtime_error(started.err().message);
    }
    return server;
}

std::vector<std::string> run_args(const fake_server& server, const fs::path& results, int iterations,
                                  const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args{"run",
                                  "--model",
                                  "fake-model",
                                  "--base-url",
                                  server.base_url() + "/v1",
                                  "--iterations",
                                  std::to_string(iterations),
                                  "--concurrency",
                                  "8",
                                  "--results-dir",
                                  results.string(),
                                  "--data-dir",
                                  eqb::test::data_dir().string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

// "Score (v2): 63.48" -> 63.48
double score_line(const std::string& out) {
    std::smatch m;
    if (!std::regex_search(out, m, std::regex(R"(Score \(v2\): ([0-9.\-]+))"))) {
        return -1e9;
    }
    return std::stod(m[1]);
}

double parseable_line(const std::string& out) {
    std::smatch m;
    if (!std::regex_search(out, m, std::regex(R"(Parseable: ([0-9.]+))"))) {
        return -1e9;
    }
    return std::stod(m[1]);
}

TEST(eq_bench_run, replay_keys_are_unique) {
    EQB_SKIP_UNLESS_SHARED(std::string("conformance/eq-bench/") + replay_file);
    EQB_SKIP_UNLESS_DATA("eq_bench_v2_questions_171.json");
    EXPECT_TRUE(replay().keys_unique());
}

TEST(eq_bench_run, full_run_reproduces_the_recorded_score) {
    EQB_SKIP_UNLESS_SHARED(std::string("conformance/eq-bench/") + replay_file);
    EQB_SKIP_UNLESS_DATA("eq_bench_v2_questions_171.json");
    eqb::test::temp_dir dir;
    auto server = start_server({});
    const auto out =
        eqb::test::eqbench_run(run_args(*server, dir.path() / "results", 2), dir.path(), {{"OPENAI_API_KEY", ""}});
    ASSERT_EQ(out.exit_code, 0) << out.out << out.err;
    const auto exp = expected();
    EXPECT_EQ(score_line(out.out), exp["score"].get<double>()) << out.out;
    EXPECT_EQ(parseable_line(out.out), exp["parseable"].get<double>()) << out.out;
    EXPECT_NE(out.out.find("----eq-bench Benchmark Complete----"), std::string::npos);
    // 171 x 2 items; the one unparseable answer is asked 3 times per iteration.
    EXPECT_EQ(server->request_count(), 2u * (170u + 3u));

    // The export re-scores to the same number.
    const auto rescored = eqb::test::eqbench_run({"score", "--json", "--data-dir", eqb::test::data_dir().string(),
                                                  (dir.path() / "results" / "raw_results.json").string()},
                                                 dir.path());
    ASSERT_EQ(rescored.exit_code, 0) << rescored.err;
    const auto line = nlohmann::json::parse(rescored.out.substr(0, rescored.out.find('\n')));
    EXPECT_EQ(line["score"].get<double>(), exp["score"].get<double>());
    EXPECT_EQ(line["parseable"].get<double>(), exp["parseable"].get<double>());
    const std::string csv = eqb::test::read_file(dir.path() / "results" / "benchmark_results.csv");
    EXPECT_NE(csv.find("Run ID, Benchmark Completed"), std::string::npos);
    EXPECT_NE(csv.find("eq-bench_v2"), std::string::npos);

    // Resume is the default: the same command again asks nothing.
    const std::size_t before = server->request_count();
    const auto again = eqb::test::eqbench_run(run_args(*server, dir.path() / "results", 2), dir.path());
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(server->request_count(), before);
    EXPECT_EQ(score_line(again.out), exp["score"].get<double>());
}

// Items stored for the run in `results` (iteration, question id).
std::set<std::pair<int, std::string>> stored_items(const fs::path& results) {
    std::set<std::pair<int, std::string>> out;
    auto db = eqb::store::open(results);
    if (!db) {
        return out;
    }
    auto runs = (*db)->runs_list();
    if (!runs || runs->empty()) {
        return out;
    }
    auto items = (*db)->items_list(runs->front().id);
    for (const auto& item : *items) {
        out.insert({item.iteration, item.item_id});
    }
    return out;
}

TEST(eq_bench_run, killed_runs_resume_without_asking_answered_questions_again) {
    EQB_SKIP_UNLESS_SHARED(std::string("conformance/eq-bench/") + replay_file);
    EQB_SKIP_UNLESS_DATA("eq_bench_v2_questions_171.json");
    eqb::test::temp_dir dir;
    fake_server_config config;
    config.latency_min_ms = 10;
    auto server = start_server(config);
    const auto results = dir.path() / "results";
    const auto cmd = eqb::test::eqbench_command(run_args(*server, results, 2));
    for (const std::size_t kill_after : {40u, 150u, 260u}) {
        const std::size_t start = server->request_count();
        eqb::test::child_process child(cmd, {}, dir.path());
        while (server->request_count() < kill_after) {
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        child.signal(SIGKILL);
        const auto killed = child.wait();
        ASSERT_EQ(killed.exit_code, 128 + SIGKILL);
        ASSERT_GT(server->request_count(), start);
    }
    const auto answered = stored_items(results);
    ASSERT_FALSE(answered.empty());
    // Questions answered in both iterations must not be asked again.
    std::set<std::string> done_everywhere;
    for (const auto& [iteration, qid] : answered) {
        if (iteration == 1 && answered.count({2, qid}) != 0) {
            done_everywhere.insert(qid);
        }
    }
    const std::size_t before = server->request_count();
    const auto out = eqb::test::eqbench_run(run_args(*server, results, 2), dir.path());
    ASSERT_EQ(out.exit_code, 0) << out.out << out.err;
    const auto requests = server->requests();
    for (std::size_t i = before; i < requests.size(); ++i) {
        const std::string qid = replay().question_of(requests[i].prompt);
        EXPECT_EQ(done_everywhere.count(qid), 0u) << "question " << qid << " was asked again";
    }
    // Every item answered before a kill was kept, not asked again.
    std::map<std::string, int> asked;
    for (std::size_t i = before; i < requests.size(); ++i) {
        ++asked[replay().question_of(requests[i].prompt)];
    }
    for (const auto& [qid, n] : asked) {
        const int pending = (answered.count({1, qid}) == 0 ? 1 : 0) + (answered.count({2, qid}) == 0 ? 1 : 0);
        EXPECT_LE(n, pending * 3) << "question " << qid;
    }
    const auto exp = expected();
    EXPECT_EQ(score_line(out.out), exp["score"].get<double>()) << out.out;
    EXPECT_EQ(parseable_line(out.out), exp["parseable"].get<double>());
}

class eq_bench_faults : public ::testing::TestWithParam<std::string> {};

TEST_P(eq_bench_faults, ten_percent_failures_do_not_change_the_score) {
    EQB_SKIP_UNLESS_SHARED(std::string("conformance/eq-bench/") + replay_file);
    EQB_SKIP_UNLESS_DATA("eq_bench_v2_questions_171.json");
    eqb::test::temp_dir dir;
    fake_server_config config;
    config.seed = 7;
    config.hang_s = 3.0;
    config.retry_after = "0";
    const std::string mode = GetParam();
    auto& rates = config.fault_rates;
    (mode == "429"         ? rates.rate_limited
     : mode == "500"       ? rates.server_error
     : mode == "hang"      ? rates.hang
     : mode == "truncated" ? rates.truncated
                           : rates.malformed_json) = 0.10;
    auto server = start_server(config);
    const auto out = eqb::test::eqbench_run(
        run_args(*server, dir.path() / "results", 1, {"--timeout", "1", "--retries", "8"}), dir.path());
    ASSERT_EQ(out.exit_code, 0) << out.out << out.err;
    const auto exp = expected();
    EXPECT_EQ(score_line(out.out), exp["score"].get<double>()) << out.out;
    EXPECT_EQ(parseable_line(out.out), exp["parseable"].get<double>());
    EXPECT_GT(server->request_count(), 173u);  // some requests failed and were retried
}

INSTANTIATE_TEST_SUITE_P(modes, eq_bench_faults,
                         // An empty answer is not a transport fault: fidelity-run-test covers it.
                         ::testing::Values("429", "500", "hang", "truncated", "malformed"));

TEST(eq_bench_run, api_keys_appear_nowhere) {
    EQB_SKIP_UNLESS_SHARED(std::string("conformance/eq-bench/") + replay_file);
    EQB_SKIP_UNLESS_DATA("eq_bench_v2_questions_171.json");
    eqb::test::temp_dir dir;
    // Split literals: no key-looking text sits in the repository.
    const std::string key = std::string("sk-") + "eqbenchTESTKEY0123456789abcdefXYZ";
    fake_server_config config;
    config.required_api_key = key;
    config.fault_rates.server_error = 0.05;
    auto server = start_server(config);
    const auto results = dir.path() / "results";
    const auto ok =
        eqb::test::eqbench_run(run_args(*server, results, 1, {"--verbose"}), dir.path(), {{"OPENAI_API_KEY", key}});
    ASSERT_EQ(ok.exit_code, 0) << ok.err;
    EXPECT_EQ(server->requests().front().header("authorization"), "Bearer " + key);
    // A wrong key: the server's 401 body echoes it; eqbench must not repeat it.
    const std::string wrong = std::string("sk-") + "eqbenchWRONGKEY9876543210zyxwvuABC";
    const auto bad = eqb::test::eqbench_run(run_args(*server, dir.path() / "bad", 1, {"--retries", "0"}), dir.path(),
                                            {{"OPENAI_API_KEY", wrong}});
    EXPECT_NE(bad.exit_code, 0);
    for (const auto& secret : {key, wrong}) {
        EXPECT_EQ(ok.out.find(secret), std::string::npos);
        EXPECT_EQ(ok.err.find(secret), std::string::npos);
        EXPECT_EQ(bad.out.find(secret), std::string::npos);
        EXPECT_EQ(bad.err.find(secret), std::string::npos);
        for (const auto& root : {results, dir.path() / "bad"}) {
            if (!fs::exists(root)) {
                continue;
            }
            for (const auto& e : fs::recursive_directory_iterator(root)) {
                if (e.is_regular_file()) {
                    EXPECT_EQ(eqb::test::read_file(e.path()).find(secret), std::string::npos) << e.path();
                }
            }
        }
    }
}

}  // namespace

namespace {

TEST(eq_bench_run, ctrl_c_stops_cleanly_and_the_run_resumes) {
    EQB_SKIP_UNLESS_SHARED(std::string("conformance/eq-bench/") + replay_file);
    EQB_SKIP_UNLESS_DATA("eq_bench_v2_questions_171.json");
    eqb::test::temp_dir dir;
    fake_server_config config;
    config.latency_min_ms = 30;
    auto server = start_server(config);
    const auto results = dir.path() / "results";
    const auto cmd = eqb::test::eqbench_command(run_args(*server, results, 1));
    eqb::test::child_process child(cmd, {}, dir.path());
    while (server->request_count() < 30) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    child.signal(SIGINT);
    const auto stopped = child.wait(60);
    EXPECT_EQ(stopped.exit_code, 130) << stopped.out << stopped.err;
    EXPECT_NE(stopped.err.find("run the same command again to resume"), std::string::npos) << stopped.err;
    const auto kept = stored_items(results);
    EXPECT_GE(kept.size(), 20u);  // what was answered before Ctrl-C is stored
    EXPECT_LT(kept.size(), 171u);

    const auto out = eqb::test::eqbench_run(run_args(*server, results, 1), dir.path());
    ASSERT_EQ(out.exit_code, 0) << out.err;
    EXPECT_EQ(score_line(out.out), expected()["score"].get<double>());
    // The final progress line (output is not a terminal: plain lines).
    EXPECT_NE(out.out.find("[eq-bench] 171/171 (100%)"), std::string::npos) << out.out;
    EXPECT_NE(out.out.find("resumed"), std::string::npos);
    // What the two invocations say they sent adds up to what the server received.
    std::smatch first_sent;
    std::smatch second_sent;
    ASSERT_TRUE(std::regex_search(stopped.out, first_sent, std::regex(R"(Requests sent: (\d+))"))) << stopped.out;
    ASSERT_TRUE(std::regex_search(out.out, second_sent, std::regex(R"(Requests sent: (\d+), resumed)"))) << out.out;
    EXPECT_EQ(std::stoul(first_sent[1]) + std::stoul(second_sent[1]), server->request_count());
}

TEST(eq_bench_run, cost_comes_from_the_price_file) {
    EQB_SKIP_UNLESS_SHARED(std::string("conformance/eq-bench/") + replay_file);
    EQB_SKIP_UNLESS_DATA("eq_bench_v2_questions_171.json");
    eqb::test::temp_dir dir;
    auto server = start_server({});
    const auto prices = dir.path() / "prices.json";
    { std::ofstream(prices) << R"({"fake-model": {"input": 1000000, "output": 2000000}})"; }
    const auto out =
        eqb::test::eqbench_run(run_args(*server, dir.path() / "results", 1, {"--prices", prices.string()}), dir.path());
    ASSERT_EQ(out.exit_code, 0) << out.err;
    // The fake server reports 11 input and 7 output tokens per answer: 173 requests.
    const double expected_cost = 173.0 * (11.0 * 1.0 + 7.0 * 2.0);
    EXPECT_NE(out.out.find(fmt::format("Cost: ${:.4f} (fake-model)", expected_cost)), std::string::npos) << out.out;
}

}  // namespace

namespace {

TEST(eq_bench_run, several_base_urls_share_the_load) {
    EQB_SKIP_UNLESS_SHARED(std::string("conformance/eq-bench/") + replay_file);
    EQB_SKIP_UNLESS_DATA("eq_bench_v2_questions_171.json");
    eqb::test::temp_dir dir;
    fake_server_config config;
    config.latency_min_ms = 5;
    auto first = start_server(config);
    auto second = start_server(config);
    auto args = run_args(*first, dir.path() / "results", 1, {"--base-url", second->base_url() + "/v1"});
    const auto out = eqb::test::eqbench_run(args, dir.path());
    ASSERT_EQ(out.exit_code, 0) << out.err;
    EXPECT_EQ(score_line(out.out), expected()["score"].get<double>());
    EXPECT_EQ(first->request_count() + second->request_count(), 173u);
    // Least-outstanding balancing with equal latency splits the work roughly evenly.
    EXPECT_GT(first->request_count(), 40u);
    EXPECT_GT(second->request_count(), 40u);
}

}  // namespace

namespace {

TEST(eq_bench_run, overwrite_starts_again) {
    EQB_SKIP_UNLESS_SHARED(std::string("conformance/eq-bench/") + replay_file);
    EQB_SKIP_UNLESS_DATA("eq_bench_v2_questions_171.json");
    eqb::test::temp_dir dir;
    auto server = start_server({});
    const auto results = dir.path() / "results";
    ASSERT_EQ(eqb::test::eqbench_run(run_args(*server, results, 1), dir.path()).exit_code, 0);
    const std::size_t first = server->request_count();
    const auto again = eqb::test::eqbench_run(run_args(*server, results, 1, {"--overwrite"}), dir.path());
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(server->request_count(), 2 * first);
    EXPECT_EQ(score_line(again.out), expected()["score"].get<double>());
}

TEST(eq_bench_run, a_run_below_83_percent_parseable_fails_and_is_recorded) {
    EQB_SKIP_UNLESS_DATA("eq_bench_v2_questions_171.json");
    eqb::test::temp_dir dir;
    fake_server_config config;
    config.responder = [](const eqb::test::fake_request&) { return std::string("I would rather not say."); };
    fake_server server(config);
    ASSERT_TRUE(server.start().ok());
    const auto results = dir.path() / "results";
    const auto out = eqb::test::eqbench_run(run_args(server, results, 1, {"--verbose"}), dir.path());
    EXPECT_EQ(out.exit_code, 1);
    EXPECT_NE(out.err.find("eqbench: run 1 (eq-bench) failed: 0.0 questions were parseable (min is 83%)"),
              std::string::npos)
        << out.err;
    // A failure no rerun can change: no retry, no closing block with a score.
    EXPECT_EQ(out.out.find("retrying"), std::string::npos) << out.out;
    EXPECT_EQ(out.out.find("Benchmark Complete"), std::string::npos) << out.out;
    EXPECT_NE(out.out.find("Failures: unparseable \u00d7513"), std::string::npos) << out.out;
    EXPECT_NE(out.err.find("answer did not parse (try 3 of 3)"), std::string::npos);
    EXPECT_EQ(server.request_count(), 171u * 3u);  // every question tried 3 times
    const std::string csv = eqb::test::read_file(results / "benchmark_results.csv");
    EXPECT_NE(csv.find("FAILED"), std::string::npos);
    EXPECT_NE(csv.find(",0.0 questions were parseable (min is 83%)"), std::string::npos) << csv;
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 2) << "one header and one row per run:\n" << csv;
}

}  // namespace
