// Each fault the fake server injects maps to the right transport_status, for
// every engine; the API key never appears in errors or stored bodies.

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "client/chat-client.hpp"
#include "tests/fake-server/fake-server.hpp"
#include "tests/support/test-support.hpp"

namespace {

using eqb::transport_status;
using eqb::test::fake_fault;

constexpr const char* test_key = "sk-fault-test-key-424242";

std::unique_ptr<eqb::test::fake_server> server_with(eqb::test::fake_server_config config) {
    auto server = std::make_unique<eqb::test::fake_server>(std::move(config));
    auto port = server->start();
    EXPECT_TRUE(port.ok()) << (port.ok() ? "" : port.err().message);
    return server;
}

eqb::test::fake_server_config failing_first(fake_fault fault, long count = 1000) {
    eqb::test::fake_server_config config;
    config.scripted_fault = fault;
    config.fail_first = count;
    return config;
}

eqb::endpoint_config endpoint(eqb::engine_kind engine, const std::string& base_url, double timeout_s = 5.0) {
    eqb::endpoint_config config;
    config.engine = engine;
    config.base_url = base_url;
    config.api_key = test_key;
    config.model = "test-model";
    config.timeout_s = timeout_s;
    config.connect_timeout_s = 2.0;
    if (engine == eqb::engine_kind::LLAMA_CPP) {
        config.instruction_template_path = (eqb::test::data_dir() / "instruction-templates" / "ChatML.yaml").string();
    }
    return config;
}

eqb::chat_response ask(const eqb::endpoint_config& config, const eqb::cancel_flag& cancel) {
    auto client = eqb::chat_client_create(config);
    EXPECT_TRUE(client.ok()) << (client.ok() ? "" : client.err().message);
    if (!client.ok()) {
        return {};
    }
    eqb::chat_request request;
    request.messages = {{"user", "How do they feel?"}};
    return (*client)->send(request, cancel);
}

eqb::chat_response ask(const eqb::endpoint_config& config) {
    const eqb::cancel_flag cancel{false};
    return ask(config, cancel);
}

void expect_key_hidden(const eqb::chat_response& response) {
    EXPECT_EQ(response.error.find(test_key), std::string::npos) << response.error;
    EXPECT_EQ(response.raw_body.find(test_key), std::string::npos) << response.raw_body;
}

struct engine_base {
    eqb::engine_kind engine;
    const char* suffix;
};

const engine_base all_engines[] = {
    {eqb::engine_kind::OPENAI, "/v1"}, {eqb::engine_kind::OPENAI_COMPLETIONS, "/v1"},
    {eqb::engine_kind::ANTHROPIC, ""}, {eqb::engine_kind::GEMINI, "/v1beta"},
    {eqb::engine_kind::LLAMA_CPP, ""}, {eqb::engine_kind::OOBA, ""},
};

struct fault_case {
    fake_fault fault;
    transport_status status;
    int http_status;
};

TEST(client_faults, each_fault_maps_to_its_status_on_every_engine) {
    EQB_SKIP_UNLESS_DATA("instruction-templates/ChatML.yaml");
    const fault_case cases[] = {
        {fake_fault::RATE_LIMITED, transport_status::RATE_LIMITED, 429},
        {fake_fault::SERVER_ERROR, transport_status::HTTP_ERROR, 500},
        {fake_fault::TRUNCATED, transport_status::MALFORMED, 200},
        {fake_fault::EMPTY_CONTENT, transport_status::EMPTY_CONTENT, 200},
        {fake_fault::MALFORMED_JSON, transport_status::MALFORMED, 200},
        {fake_fault::UNAUTHORIZED, transport_status::CLIENT_ERROR, 401},
    };
    for (const auto& c : cases) {
        auto server = server_with(failing_first(c.fault));
        for (const auto& e : all_engines) {
            SCOPED_TRACE(std::string(eqb::test::fake_fault_name(c.fault)) + " on " + eqb::engine_kind_name(e.engine));
            const auto response = ask(endpoint(e.engine, server->base_url() + e.suffix));
            EXPECT_EQ(response.status, c.status)
                << eqb::transport_status_name(response.status) << ": " << response.error;
            EXPECT_EQ(response.http_status, c.http_status);
            EXPECT_FALSE(response.error.empty());
            EXPECT_TRUE(response.content.empty());
            expect_key_hidden(response);
        }
    }
}

TEST(client_faults, rate_limit_carries_retry_after) {
    auto config = failing_first(fake_fault::RATE_LIMITED);
    config.retry_after = "7";
    auto server = server_with(config);
    const auto response = ask(endpoint(eqb::engine_kind::OPENAI, server->base_url() + "/v1"));
    ASSERT_EQ(response.status, transport_status::RATE_LIMITED) << response.error;
    ASSERT_TRUE(response.retry_after_s.has_value());
    EXPECT_EQ(*response.retry_after_s, 7.0);

    auto default_server = server_with(failing_first(fake_fault::RATE_LIMITED));
    const auto with_default = ask(endpoint(eqb::engine_kind::ANTHROPIC, default_server->base_url()));
    ASSERT_TRUE(with_default.retry_after_s.has_value());
    EXPECT_EQ(*with_default.retry_after_s, 1.0);

    config.retry_after = "";
    auto silent_server = server_with(config);
    const auto silent = ask(endpoint(eqb::engine_kind::OPENAI, silent_server->base_url() + "/v1"));
    EXPECT_EQ(silent.status, transport_status::RATE_LIMITED);
    EXPECT_FALSE(silent.retry_after_s.has_value());
}

TEST(client_faults, a_rejected_key_echoed_by_the_server_is_redacted) {
    eqb::test::fake_server_config config;
    config.required_api_key = "sk-the-right-key";
    auto server = server_with(config);
    const auto response = ask(endpoint(eqb::engine_kind::OPENAI, server->base_url() + "/v1"));
    ASSERT_EQ(response.status, transport_status::CLIENT_ERROR);
    EXPECT_EQ(response.http_status, 401);
    // The server did echo it: the client replaced it.
    EXPECT_NE(response.raw_body.find("Incorrect API key provided: [REDACTED]"), std::string::npos) << response.raw_body;
    expect_key_hidden(response);
    EXPECT_EQ(server->requests().back().header("authorization"), std::string("Bearer ") + test_key);
}

TEST(client_faults, hang_times_out_at_the_client_timeout) {
    auto server = server_with(failing_first(fake_fault::HANG));
    const auto started = std::chrono::steady_clock::now();
    const auto response = ask(endpoint(eqb::engine_kind::OPENAI, server->base_url() + "/v1", 1.0));
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    EXPECT_EQ(response.status, transport_status::TIMEOUT) << response.error;
    EXPECT_GE(elapsed, 0.9);
    EXPECT_LT(elapsed, 2.5);
    EXPECT_GE(response.latency_s, 0.9);
    expect_key_hidden(response);
}

TEST(client_faults, cancelling_a_hanging_request_returns_promptly) {
    auto server = server_with(failing_first(fake_fault::HANG));
    eqb::cancel_flag cancel{false};
    std::chrono::steady_clock::time_point cancelled_at;
    std::thread canceller([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        cancelled_at = std::chrono::steady_clock::now();
        cancel = true;
    });
    const auto response = ask(endpoint(eqb::engine_kind::OPENAI, server->base_url() + "/v1", 30.0), cancel);
    const auto returned_at = std::chrono::steady_clock::now();
    canceller.join();
    EXPECT_EQ(response.status, transport_status::CANCELLED) << response.error;
    const double after_flag = std::chrono::duration<double>(returned_at - cancelled_at).count();
    EXPECT_GE(after_flag, 0.0);
    EXPECT_LT(after_flag, 0.5);

    const eqb::cancel_flag already{true};
    const auto never_sent = ask(endpoint(eqb::engine_kind::OPENAI, server->base_url() + "/v1"), already);
    EXPECT_EQ(never_sent.status, transport_status::CANCELLED);
    EXPECT_EQ(server->request_count(), 1u);
}

TEST(client_faults, nothing_listening_is_a_connect_error) {
    int port = 0;
    {
        auto server = server_with({});
        port = server->port();
    }
    const auto response = ask(endpoint(eqb::engine_kind::GEMINI, "http://127.0.0.1:" + std::to_string(port)));
    EXPECT_EQ(response.status, transport_status::CONNECT_ERROR) << response.error;
    EXPECT_EQ(response.http_status, 0);
    EXPECT_FALSE(response.error.empty());
    expect_key_hidden(response);

    const auto bad_url = ask(endpoint(eqb::engine_kind::OPENAI, "notascheme://x"));
    EXPECT_EQ(bad_url.status, transport_status::CLIENT_ERROR) << bad_url.error;
}

TEST(client_faults, recovery_after_scripted_failures) {
    auto server = server_with(failing_first(fake_fault::SERVER_ERROR, 2));
    const auto config = endpoint(eqb::engine_kind::OPENAI, server->base_url() + "/v1");
    EXPECT_EQ(ask(config).status, transport_status::HTTP_ERROR);
    EXPECT_EQ(ask(config).status, transport_status::HTTP_ERROR);
    const auto third = ask(config);
    EXPECT_EQ(third.status, transport_status::OK) << third.error;
    EXPECT_EQ(third.content, "This is the fake server's answer.");
}

}  // namespace
