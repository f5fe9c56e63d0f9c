// Every engine's client against the fake server: the answer, the usage, the
// key header, and the request body the server received.

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "client/chat-client.hpp"
#include "client/instruction-template.hpp"
#include "tests/fake-server/fake-server.hpp"
#include "tests/support/test-support.hpp"

namespace {

using json = nlohmann::json;

constexpr const char* test_key = "sk-test-0123456789abcdef";

class client_engines : public ::testing::Test {
  protected:
    void SetUp() override {
        eqb::test::fake_server_config config;
        config.responder = [](const eqb::test::fake_request& request) {
            return "answer to [" + request.prompt + "] from " + request.engine;
        };
        server_ = std::make_unique<eqb::test::fake_server>(std::move(config));
        auto port = server_->start();
        ASSERT_TRUE(port.ok()) << port.err().message;
    }

    eqb::endpoint_config endpoint(eqb::engine_kind engine, const std::string& path_suffix,
                                  const std::string& key = test_key) const {
        eqb::endpoint_config config;
        config.engine = engine;
        config.base_url = server_->base_url() + path_suffix;
        config.api_key = key;
        config.model = "test-model";
        config.timeout_s = 10.0;
        return config;
    }

    static eqb::chat_response ask(const eqb::endpoint_config& config, const eqb::chat_request& request) {
        auto client = eqb::chat_client_create(config);
        EXPECT_TRUE(client.ok()) << (client.ok() ? "" : client.err().message);
        if (!client.ok()) {
            return {};
        }
        const eqb::cancel_flag cancel{false};
        return (*client)->send(request, cancel);
    }

    static eqb::chat_request question(const std::string& text) {
        eqb::chat_request request;
        request.messages = {{"user", text}};
        return request;
    }

    eqb::test::fake_request last_request() const {
        const auto all = server_->requests();
        return all.empty() ? eqb::test::fake_request{} : all.back();
    }

    std::unique_ptr<eqb::test::fake_server> server_;
};

struct engine_case {
    eqb::engine_kind engine;
    const char* base_suffix;
    const char* server_engine;
    const char* path;
    const char* key_header;
    const char* key_value_prefix;
};

const engine_case engine_cases[] = {
    {eqb::engine_kind::OPENAI, "/v1", "openai", "/v1/chat/completions", "authorization", "Bearer "},
    {eqb::engine_kind::OPENAI_COMPLETIONS, "/v1", "openai-completions", "/v1/completions", "authorization", "Bearer "},
    {eqb::engine_kind::ANTHROPIC, "", "anthropic", "/v1/messages", "x-api-key", ""},
    {eqb::engine_kind::GEMINI, "/v1beta", "gemini", "/v1beta/models/test-model:generateContent", "x-goog-api-key", ""},
    {eqb::engine_kind::OOBA, "", "openai", "/v1/chat/completions", "authorization", "Bearer "},
};

TEST_F(client_engines, each_engine_gets_content_usage_and_its_key_header) {
    for (const auto& c : engine_cases) {
        SCOPED_TRACE(eqb::engine_kind_name(c.engine));
        const auto response = ask(endpoint(c.engine, c.base_suffix), question("How do they feel?"));
        ASSERT_EQ(response.status, eqb::transport_status::OK) << response.error;
        EXPECT_EQ(response.http_status, 200);
        EXPECT_EQ(response.content, std::string("answer to [How do they feel?] from ") + c.server_engine);
        EXPECT_EQ(response.usage.input_tokens, 11);
        EXPECT_EQ(response.usage.output_tokens, 7);
        EXPECT_TRUE(response.error.empty());
        EXPECT_GT(response.latency_s, 0.0);
        EXPECT_NE(response.raw_body.find("answer to [How do they feel?]"), std::string::npos);

        const auto received = last_request();
        EXPECT_EQ(received.path, c.path);
        // text-generation-webui serves its loaded model: the reference names none, and
        // always sends min_p 0.1.
        const bool ooba = c.engine == eqb::engine_kind::OOBA;
        EXPECT_EQ(received.model, ooba ? "" : "test-model");
        EXPECT_EQ(received.header(c.key_header), std::string(c.key_value_prefix) + test_key);
        EXPECT_EQ(received.max_tokens, 60);
        EXPECT_DOUBLE_EQ(received.temperature, 0.01);
        EXPECT_EQ(received.path.find(test_key), std::string::npos);
        EXPECT_EQ(received.min_p.has_value(), ooba);
    }
}

TEST_F(client_engines, no_key_means_no_key_header) {
    for (const auto& c : engine_cases) {
        SCOPED_TRACE(eqb::engine_kind_name(c.engine));
        const auto response = ask(endpoint(c.engine, c.base_suffix, ""), question("q"));
        ASSERT_EQ(response.status, eqb::transport_status::OK) << response.error;
        const auto received = last_request();
        EXPECT_EQ(received.headers.count(c.key_header), 0u);
        EXPECT_EQ(received.headers.count("authorization"), 0u);
    }
}

TEST_F(client_engines, min_p_is_sent_only_when_set_and_only_where_supported) {
    auto request = question("q");
    request.min_p = 0.1;
    const std::pair<eqb::engine_kind, const char*> with_min_p[] = {
        {eqb::engine_kind::OPENAI, "/v1"},
        {eqb::engine_kind::OPENAI_COMPLETIONS, "/v1"},
        {eqb::engine_kind::OOBA, ""},
    };
    for (const auto& [engine, suffix] : with_min_p) {
        ASSERT_EQ(ask(endpoint(engine, suffix), request).status, eqb::transport_status::OK);
        EXPECT_EQ(last_request().min_p, 0.1) << eqb::engine_kind_name(engine);
    }
    ASSERT_EQ(ask(endpoint(eqb::engine_kind::ANTHROPIC, ""), request).status, eqb::transport_status::OK);
    EXPECT_EQ(json::parse(last_request().body).count("min_p"), 0u);
}

TEST_F(client_engines, anthropic_sends_version_and_system_at_top_level) {
    eqb::chat_request request;
    request.messages = {{"system", "You judge writing."}, {"user", "Rate this."}};
    const auto response = ask(endpoint(eqb::engine_kind::ANTHROPIC, ""), request);
    ASSERT_EQ(response.status, eqb::transport_status::OK) << response.error;
    const auto received = last_request();
    EXPECT_EQ(received.header("anthropic-version"), "2023-06-01");
    EXPECT_EQ(received.system, "You judge writing.");
    const json body = json::parse(received.body);
    EXPECT_EQ(body["system"], "You judge writing.");
    EXPECT_EQ(body["messages"].size(), 1u);
}

TEST_F(client_engines, ooba_asks_for_instruct_mode_with_the_template_name) {
    auto config = endpoint(eqb::engine_kind::OOBA, "");
    config.instruction_template_path = "Alpaca";
    ASSERT_EQ(ask(config, question("q")).status, eqb::transport_status::OK);
    const json body = json::parse(last_request().body);
    EXPECT_EQ(body["mode"], "instruct");
    EXPECT_EQ(body["instruction_template"], "Alpaca");
}

TEST_F(client_engines, llama_cpp_sends_the_template_rendered_prompt) {
    EQB_SKIP_UNLESS_DATA("instruction-templates/Alpaca.yaml");
    auto config = endpoint(eqb::engine_kind::LLAMA_CPP, "");
    config.instruction_template_path = (eqb::test::data_dir() / "instruction-templates" / "Alpaca.yaml").string();
    auto request = question("How do they feel?");
    request.min_p = 0.1;
    request.max_tokens = 600;
    const auto response = ask(config, request);
    ASSERT_EQ(response.status, eqb::transport_status::OK) << response.error;
    EXPECT_EQ(response.usage.input_tokens, 11);
    EXPECT_EQ(response.usage.output_tokens, 7);
    const auto received = last_request();
    EXPECT_EQ(received.path, "/completion");
    EXPECT_EQ(received.engine, "llama.cpp");
    const std::string expected_prompt =
        "Below is an instruction that describes a task. Write a response that appropriately completes the "
        "request.\n\n### Instruction:\nHow do they feel?\n\n### Response:\n";
    EXPECT_EQ(received.prompt, expected_prompt);
    EXPECT_EQ(response.content, "answer to [" + expected_prompt + "] from llama.cpp");
    EXPECT_EQ(received.max_tokens, 600);
    EXPECT_EQ(received.min_p, 0.1);
    EXPECT_EQ(received.header("authorization"), std::string("Bearer ") + test_key);
    EXPECT_FALSE(json::parse(received.body).contains("cache_prompt"));  // the reference sends only its three fields
}

TEST_F(client_engines, extra_body_fields_reach_the_server) {
    auto request = question("q");
    request.extra_body_json = R"({"top_k": 5, "stop": ["\n\n"]})";
    ASSERT_EQ(ask(endpoint(eqb::engine_kind::OPENAI, "/v1"), request).status, eqb::transport_status::OK);
    const json body = json::parse(last_request().body);
    EXPECT_EQ(body["top_k"], 5);
    EXPECT_EQ(body["stop"][0], "\n\n");

    request.extra_body_json = "[]";
    const auto rejected = ask(endpoint(eqb::engine_kind::OPENAI, "/v1"), request);
    EXPECT_EQ(rejected.status, eqb::transport_status::CLIENT_ERROR);
    EXPECT_EQ(server_->request_count(), 1u);
}

TEST_F(client_engines, one_client_serves_many_threads) {
    auto client = eqb::chat_client_create(endpoint(eqb::engine_kind::OPENAI, "/v1"));
    ASSERT_TRUE(client.ok()) << client.err().message;
    constexpr int thread_count = 16;
    std::vector<std::thread> threads;
    std::vector<std::string> answers(thread_count);
    const eqb::cancel_flag cancel{false};
    for (int i = 0; i < thread_count; ++i) {
        threads.emplace_back([&, i] {
            const auto response = (*client)->send(question("q" + std::to_string(i)), cancel);
            answers[static_cast<std::size_t>(i)] = response.content;
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    for (int i = 0; i < thread_count; ++i) {
        EXPECT_EQ(answers[static_cast<std::size_t>(i)], "answer to [q" + std::to_string(i) + "] from openai");
    }
    EXPECT_EQ(server_->request_count(), static_cast<std::size_t>(thread_count));
}

}  // namespace
