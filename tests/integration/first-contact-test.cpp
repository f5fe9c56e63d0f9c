// A first run, as a new user makes it: a server that cannot be reached, a
// wrong key or an unknown model stop the run at once with the cause; --dry-run
// finds what the run would hit; the closing block counts what this invocation
// sent, what it resumed, what it cost and what failed.

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <thread>

#include "tests/fake-server/fake-server.hpp"
#include "tests/support/process.hpp"
#include "tests/support/replay.hpp"
#include "tests/support/test-support.hpp"

namespace {

namespace fs = std::filesystem;
using eqb::test::fake_server;
using eqb::test::fake_server_config;

const char* const replay_file = "Qwen__Qwen-14B-Chat_eqbench_v2_results.json";

const eqb::test::conformance_replay& replay() {
    static const eqb::test::conformance_replay r(eqb::test::shared_dir() / "conformance" / "eq-bench" / replay_file,
                                                 eqb::test::data_dir() / "eq_bench_v2_questions_171.json");
    return r;
}

std::unique_ptr<fake_server> start(fake_server_config config, bool replaying = true) {
    if (replaying) {
        config.responder = [](const eqb::test::fake_request& r) { return replay().answer(r.prompt); };
    }
    auto server = std::make_unique<fake_server>(std::move(config));
    if (!server->start()) {
        throw std::runtime_error("the fake server did not start");
    }
    return server;
}

// A port nothing listens on: bound, then closed.
int closed_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

std::vector<std::string> args(const std::string& base_url, const fs::path& results,
                              const std::vector<std::string>& extra = {}) {
    std::vector<std::string> out{"run",
                                 "--model",
                                 "fake-model",
                                 "--base-url",
                                 base_url,
                                 "--results-dir",
                                 results.string(),
                                 "--data-dir",
                                 eqb::test::data_dir().string()};
    out.insert(out.end(), extra.begin(), extra.end());
    return out;
}

// The number in "Requests sent: N".
long requests_sent(const std::string& out) {
    std::smatch m;
    return std::regex_search(out, m, std::regex(R"(Requests sent: (\d+))")) ? std::stol(m[1]) : -1;
}

TEST(first_contact, a_closed_port_stops_the_run_within_seconds_naming_the_url_and_the_cause) {
    eqb::test::temp_dir dir;
    const std::string url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/v1";
    const auto t0 = std::chrono::steady_clock::now();
    const auto out = eqb::test::eqbench_run(args(url, dir.path() / "results"), dir.path(), {{"OPENAI_API_KEY", ""}});
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_LT(took, 10.0);
    EXPECT_NE(out.exit_code, 0);
    EXPECT_NE(out.err.find("cannot reach " + url), std::string::npos) << out.err;
    EXPECT_TRUE(out.err.find("onnect") != std::string::npos) << out.err;  // libcurl: "Couldn't connect" / refused
    EXPECT_EQ(out.out.find("retrying"), std::string::npos) << out.out;
}

TEST(first_contact, a_wrong_key_stops_the_run_before_any_question_and_says_which_key) {
    eqb::test::temp_dir dir;
    fake_server_config config;
    config.required_api_key = std::string("right-") + "key-0123456789";
    auto server = start(config, false);
    const auto out = eqb::test::eqbench_run(args(server->base_url() + "/v1", dir.path() / "results"), dir.path(),
                                            {{"OPENAI_API_KEY", std::string("wrong-") + "key-0123456789"}});
    EXPECT_NE(out.exit_code, 0);
    EXPECT_NE(out.err.find("unauthorized (HTTP 401): check OPENAI_API_KEY"), std::string::npos) << out.err;
    EXPECT_EQ(server->request_count(), 0U);  // the probe is a GET /v1/models, not a question
    EXPECT_EQ(out.err.find("wrong-key"), std::string::npos);
}

TEST(first_contact, an_unknown_model_stops_after_one_request_and_lists_the_servers_models) {
    EQB_SKIP_UNLESS_DATA("eq_bench_v2_questions_171.json");
    eqb::test::temp_dir dir;
    fake_server_config config;
    config.reject_unknown_models = true;
    auto server = start(config, false);
    auto a = args(server->base_url() + "/v1", dir.path() / "results", {"--concurrency", "1"});
    a[2] = "no-such-model";
    const auto out = eqb::test::eqbench_run(a, dir.path(), {{"OPENAI_API_KEY", ""}});
    EXPECT_NE(out.exit_code, 0);
    EXPECT_NE(out.err.find("model 'no-such-model' not found; the server has: fake-model"), std::string::npos)
        << out.err;
    EXPECT_EQ(server->request_count(), 1U);  // refused: never retried, the run not repeated
    const std::string csv = eqb::test::read_file(dir.path() / "results" / "benchmark_results.csv");
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 2) << csv;
}

TEST(first_contact, the_closing_block_counts_this_invocations_requests_and_the_resumed_items) {
    EQB_SKIP_UNLESS_SHARED(std::string("conformance/eq-bench/") + replay_file);
    EQB_SKIP_UNLESS_DATA("eq_bench_v2_questions_171.json");
    eqb::test::temp_dir dir;
    auto server = start({});
    const auto results = dir.path() / "results";
    const auto first = eqb::test::eqbench_run(args(server->base_url() + "/v1", results), dir.path());
    ASSERT_EQ(first.exit_code, 0) << first.err;
    EXPECT_EQ(requests_sent(first.out), static_cast<long>(server->request_count())) << first.out;
    EXPECT_NE(first.out.find("Cost: price unknown for fake-model (add it with --prices)"), std::string::npos)
        << first.out;
    EXPECT_NE(first.out.find("Failures: unparseable \u00d73"), std::string::npos) << first.out;
    EXPECT_NE(first.out.find("Time taken (seconds): "), std::string::npos);
    EXPECT_NE(first.out.find("Time taken: 0.0 mins"), std::string::npos);  // the reference's line stays
    const std::size_t before = server->request_count();
    const auto again = eqb::test::eqbench_run(args(server->base_url() + "/v1", results), dir.path());
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(server->request_count(), before);
    EXPECT_NE(again.out.find("Requests sent: 0, resumed from the store: 171 of 171 items"), std::string::npos)
        << again.out;
}

TEST(first_contact, a_failure_summary_names_the_causes) {
    EQB_SKIP_UNLESS_SHARED(std::string("conformance/eq-bench/") + replay_file);
    EQB_SKIP_UNLESS_DATA("eq_bench_v2_questions_171.json");
    eqb::test::temp_dir dir;
    fake_server_config config;
    config.scripted_fault = eqb::test::fake_fault::SERVER_ERROR;
    config.fail_every = 10;
    auto server = start(config);
    const auto out = eqb::test::eqbench_run(args(server->base_url() + "/v1", dir.path() / "results"), dir.path());
    ASSERT_EQ(out.exit_code, 0) << out.err;
    EXPECT_TRUE(std::regex_search(out.out, std::regex("Failures: (.*)HTTP 500 \u00d7[1-9]"))) << out.out;
    EXPECT_EQ(requests_sent(out.out), static_cast<long>(server->request_count()));
}

TEST(first_contact, several_iterations_show_each_score_and_their_spread) {
    EQB_SKIP_UNLESS_SHARED(std::string("conformance/eq-bench/") + replay_file);
    EQB_SKIP_UNLESS_DATA("eq_bench_v2_questions_171.json");
    eqb::test::temp_dir dir;
    auto server = start({});
    const auto out = eqb::test::eqbench_run(
        args(server->base_url() + "/v1", dir.path() / "results", {"--iterations", "2"}), dir.path());
    ASSERT_EQ(out.exit_code, 0) << out.err;
    EXPECT_NE(out.out.find("Iteration 1: "), std::string::npos) << out.out;
    EXPECT_NE(out.out.find("Iteration 2: "), std::string::npos) << out.out;
    EXPECT_NE(out.out.find("Iterations: standard deviation 0.00"), std::string::npos) << out.out;
}

// config.cfg beside the test, pointing the openai engine at `url`.
fs::path write_config(const fs::path& dir, const std::string& url, const std::string& runs,
                      const std::string& extra = "") {
    const auto path = dir / "config.cfg";
    std::ofstream(path) << "[OpenAI]\napi_key =\nopenai_compatible_url = " << url << "\n"
                        << extra << "\n[Benchmarks to run]\n"
                        << runs;
    return path;
}

TEST(first_contact, an_eq_bench_batch_never_checks_a_judge_it_does_not_need) {
    EQB_SKIP_UNLESS_SHARED(std::string("conformance/eq-bench/") + replay_file);
    EQB_SKIP_UNLESS_DATA("eq_bench_v2_questions_171.json");
    eqb::test::temp_dir dir;
    auto server = start({});
    const auto cfg = write_config(dir.path(), server->base_url() + "/v1", "1, , fake-model, , , 1, openai, ,\n",
                                  "[Creative Writing Benchmark]\njudge_model_api = anthropic\njudge_model = "
                                  "claude-3-opus-20240229\njudge_model_api_key =\n");
    const auto out =
        eqb::test::eqbench_run({"--benchmarks", "eq-bench", "--config", cfg.string(), "--results-dir",
                                (dir.path() / "results").string(), "--data-dir", eqb::test::data_dir().string()},
                               dir.path(), {{"ANTHROPIC_API_KEY", ""}});
    EXPECT_EQ(out.exit_code, 0) << out.out << out.err;
    EXPECT_EQ(out.err.find("judge"), std::string::npos) << out.err;
}

TEST(first_contact, the_dry_run_lists_everything_the_run_would_hit) {
    eqb::test::temp_dir dir;
    const auto empty_data = dir.path() / "empty-data";
    fs::create_directories(empty_data);
    const auto cfg = write_config(dir.path(), "http://127.0.0.1:1/v1",
                                  "commented, , m1, , , 1, openai, , # my comment\n"
                                  "same, , m1, , , 1, openai, ,\n"
                                  "same, , m1, , , 1, openai, ,\n"
                                  "gpt, , gpt-4o, , , 1, anthropic, ,\n");
    const auto out =
        eqb::test::eqbench_run({"run", "--dry-run", "--config", cfg.string(), "--data-dir", empty_data.string()},
                               dir.path(), {{"ANTHROPIC_API_KEY", ""}});
    ASSERT_EQ(out.exit_code, 0) << out.err;
    const auto plan = nlohmann::json::parse(out.out);
    const std::string dumped = plan.dump();
    EXPECT_NE(dumped.find("eq_bench_v2_questions_171.json"), std::string::npos) << dumped;  // the missing file
    EXPECT_NE(dumped.find("the same run key as the run on line"), std::string::npos) << dumped;
    EXPECT_NE(dumped.find("inline comment"), std::string::npos) << dumped;
    EXPECT_NE(dumped.find("anthropic needs an API key"), std::string::npos) << dumped;
    ASSERT_TRUE(plan["runs"][0]["unavailable"].is_array());
    EXPECT_TRUE(plan.contains("estimate"));

    // A run from flags: OpenAI's API without a key, and a template by its name.
    const auto flags =
        eqb::test::eqbench_run({"run", "--dry-run", "--model", "gpt-4o", "--data-dir", empty_data.string()}, dir.path(),
                               {{"OPENAI_API_KEY", ""}});
    ASSERT_EQ(flags.exit_code, 0) << flags.err;
    EXPECT_NE(flags.out.find("needs an API key: set OPENAI_API_KEY"), std::string::npos) << flags.out;
    const auto missing =
        eqb::test::eqbench_run({"run", "--dry-run", "--model", "m", "--engine", "llama.cpp", "--instruction-template",
                                "NoSuchTemplate", "--data-dir", empty_data.string()},
                               dir.path());
    EXPECT_NE(missing.out.find("--instruction-template NoSuchTemplate: no such template"), std::string::npos)
        << missing.out;
}

TEST(first_contact, an_instruction_template_by_name_resolves_in_the_data_directory) {
    EQB_SKIP_UNLESS_DATA("instruction-templates/ChatML.yaml");
    eqb::test::temp_dir dir;
    for (const std::string name : {"ChatML", "ChatML.yaml"}) {
        const auto out = eqb::test::eqbench_run(
            {"run", "--dry-run", "--model", "m", "--engine", "llama.cpp", "--base-url", "http://127.0.0.1:1",
             "--instruction-template", name, "--data-dir", eqb::test::data_dir().string()},
            dir.path());
        ASSERT_EQ(out.exit_code, 0) << out.err;
        const auto plan = nlohmann::json::parse(out.out);
        EXPECT_TRUE(plan["runs"][0]["unavailable"].is_null()) << out.out;
    }
}

}  // namespace
