// The fake server's own scripting: schedules, seeded faults, stats, latency,
// concurrency, hang-after, and the executable.

#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "client/chat-client.hpp"
#include "tests/fake-server/fake-server.hpp"

extern char** environ;

namespace {

using eqb::transport_status;
using eqb::test::fake_fault;
using json = nlohmann::json;

std::unique_ptr<eqb::test::fake_server> server_with(eqb::test::fake_server_config config) {
    auto server = std::make_unique<eqb::test::fake_server>(std::move(config));
    auto port = server->start();
    EXPECT_TRUE(port.ok()) << (port.ok() ? "" : port.err().message);
    return server;
}

std::unique_ptr<eqb::chat_client> openai_client(const std::string& base_url, double timeout_s = 5.0) {
    eqb::endpoint_config config;
    config.engine = eqb::engine_kind::OPENAI;
    config.base_url = base_url + "/v1";
    config.model = "m";
    config.timeout_s = timeout_s;
    auto client = eqb::chat_client_create(config);
    EXPECT_TRUE(client.ok());
    return client.ok() ? std::move(*client) : nullptr;
}

eqb::chat_response ask(const eqb::chat_client& client, const std::string& text = "q") {
    const eqb::cancel_flag cancel{false};
    eqb::chat_request request;
    request.messages = {{"user", text}};
    return client.send(request, cancel);
}

TEST(fake_server, fail_every_nth_is_deterministic) {
    eqb::test::fake_server_config config;
    config.scripted_fault = fake_fault::SERVER_ERROR;
    config.fail_every = 3;
    auto server = server_with(config);
    auto client = openai_client(server->base_url());
    std::vector<transport_status> statuses;
    for (int i = 0; i < 6; ++i) {
        statuses.push_back(ask(*client).status);
    }
    const std::vector<transport_status> expected = {transport_status::OK,         transport_status::OK,
                                                    transport_status::HTTP_ERROR, transport_status::OK,
                                                    transport_status::OK,         transport_status::HTTP_ERROR};
    EXPECT_EQ(statuses, expected);
    const auto requests = server->requests();
    ASSERT_EQ(requests.size(), 6u);
    EXPECT_EQ(requests[2].fault, fake_fault::SERVER_ERROR);
    EXPECT_EQ(requests[2].sequence, 3);
    EXPECT_EQ(requests[3].fault, fake_fault::NONE);
}

TEST(fake_server, seeded_fault_rates_repeat_and_follow_the_rates) {
    const auto run = [](std::uint64_t seed) {
        eqb::test::fake_server_config config;
        config.seed = seed;
        config.fault_rates.rate_limited = 0.3;
        config.fault_rates.empty_content = 0.3;
        auto server = server_with(config);
        auto client = openai_client(server->base_url());
        std::vector<transport_status> statuses;
        for (int i = 0; i < 30; ++i) {
            statuses.push_back(ask(*client).status);
        }
        return statuses;
    };
    const auto first = run(7);
    EXPECT_EQ(run(7), first);
    const auto count = [&](transport_status status) { return std::count(first.begin(), first.end(), status); };
    EXPECT_GT(count(transport_status::RATE_LIMITED), 0);
    EXPECT_GT(count(transport_status::EMPTY_CONTENT), 0);
    EXPECT_GT(count(transport_status::OK), 0);
    EXPECT_EQ(
        count(transport_status::RATE_LIMITED) + count(transport_status::EMPTY_CONTENT) + count(transport_status::OK),
        30);
}

TEST(fake_server, stats_health_and_models_endpoints) {
    eqb::test::fake_server_config config;
    config.model_name = "listed-model";
    config.scripted_fault = fake_fault::RATE_LIMITED;
    config.fail_first = 1;
    auto server = server_with(config);
    auto client = openai_client(server->base_url());
    ask(*client);
    ask(*client);

    httplib::Client http("127.0.0.1", server->port());
    const auto stats = http.Get("/stats");
    ASSERT_TRUE(stats);
    const json body = json::parse(stats->body);
    EXPECT_EQ(body["total"], 2);
    EXPECT_EQ(body["by_engine"]["openai"], 2);
    EXPECT_EQ(body["by_path"]["/v1/chat/completions"], 2);
    EXPECT_EQ(body["by_fault"]["rate-limited"], 1);
    EXPECT_EQ(body["by_fault"]["none"], 1);
    EXPECT_EQ(json::parse(server->stats_json()), body);

    const auto health = http.Get("/health");
    ASSERT_TRUE(health);
    EXPECT_EQ(health->status, 200);
    const auto models = http.Get("/v1/models");
    ASSERT_TRUE(models);
    EXPECT_EQ(json::parse(models->body)["data"][0]["id"], "listed-model");
    EXPECT_EQ(server->request_count(), 2u);
}

TEST(fake_server, latency_range_and_concurrency) {
    eqb::test::fake_server_config config;
    config.latency_min_ms = 150;
    config.latency_max_ms = 250;
    auto server = server_with(config);
    auto client = openai_client(server->base_url());
    constexpr int request_count = 64;
    std::vector<double> latencies(request_count);
    std::vector<std::thread> threads;
    const auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < request_count; ++i) {
        threads.emplace_back([&, i] { latencies[static_cast<std::size_t>(i)] = ask(*client).latency_s; });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    for (double latency : latencies) {
        EXPECT_GE(latency, 0.15);
    }
    // Served side by side: 64 sequential replies would take over 9 s.
    EXPECT_LT(elapsed, 5.0);
    EXPECT_GE(json::parse(server->stats_json())["max_in_flight"].get<int>(), 32);
    EXPECT_EQ(server->request_count(), static_cast<std::size_t>(request_count));
}

TEST(fake_server, hang_after_n_requests_stops_answering_but_keeps_stats) {
    eqb::test::fake_server_config config;
    config.hang_after = 2;
    auto server = server_with(config);
    auto client = openai_client(server->base_url(), 0.5);
    EXPECT_EQ(ask(*client).status, transport_status::OK);
    EXPECT_EQ(ask(*client).status, transport_status::OK);
    EXPECT_EQ(ask(*client).status, transport_status::TIMEOUT);
    httplib::Client http("127.0.0.1", server->port());
    http.set_read_timeout(2, 0);
    const auto stats = http.Get("/stats");
    ASSERT_TRUE(stats);
    EXPECT_EQ(json::parse(stats->body)["total"], 3);
    const auto stop_started = std::chrono::steady_clock::now();
    server->stop();
    EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - stop_started).count(), 2.5);
}

// Runs the executable with `args`, reads its first stdout line.
struct child_process {
    pid_t pid = -1;
    std::string first_line;
};

child_process spawn_fake_server(const std::vector<std::string>& args) {
    int fds[2];
    EXPECT_EQ(pipe(fds), 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    std::vector<std::string> storage = {EQB_FAKE_SERVER_EXECUTABLE};
    storage.insert(storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& arg : storage) {
        argv.push_back(arg.data());
    }
    argv.push_back(nullptr);
    child_process child;
    EXPECT_EQ(posix_spawn(&child.pid, argv[0], &actions, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    FILE* out = fdopen(fds[0], "r");
    char line[256] = {};
    if (out != nullptr && std::fgets(line, sizeof line, out) != nullptr) {
        child.first_line = line;
    }
    if (out != nullptr) {
        std::fclose(out);
    }
    return child;
}

TEST(fake_server, executable_prints_its_port_and_answers_from_a_file_in_file_order) {
    const auto dir = std::filesystem::temp_directory_path() / ("eqb-fake-server-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    const auto answers = dir / "answers.json";
    // "zeta" comes first in the file, though a sorted map would put "alpha" first.
    std::ofstream(answers) << R"({"zeta": "Z answer", "alpha": "A answer"})";

    const auto child = spawn_fake_server({"--port", "0", "--answers", answers.string(), "--answer", "fallback"});
    ASSERT_GT(child.pid, 0);
    const std::string prefix = "listening on 127.0.0.1:";
    ASSERT_EQ(child.first_line.rfind(prefix, 0), 0u) << child.first_line;
    const std::string port = child.first_line.substr(prefix.size(), child.first_line.find('\n') - prefix.size());
    auto client = openai_client("http://127.0.0.1:" + port);
    EXPECT_EQ(ask(*client, "alpha and zeta").content, "Z answer");
    EXPECT_EQ(ask(*client, "only alpha").content, "A answer");
    EXPECT_EQ(ask(*client, "neither").content, "fallback");

    ASSERT_EQ(kill(child.pid, SIGTERM), 0);
    int status = 0;
    ASSERT_EQ(waitpid(child.pid, &status, 0), child.pid);
    EXPECT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
    std::filesystem::remove_all(dir);
}

TEST(fake_server, executable_rejects_bad_options) {
    const auto child = spawn_fake_server({"--fail-kind", "sometimes"});
    ASSERT_GT(child.pid, 0);
    int status = 0;
    ASSERT_EQ(waitpid(child.pid, &status, 0), child.pid);
    EXPECT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 2);
    EXPECT_EQ(child.first_line, "");
}

}  // namespace
