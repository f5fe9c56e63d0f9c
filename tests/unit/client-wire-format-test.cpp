// Each engine's request and response format, without a server; plus the
// status helpers and engine names.

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "client/http-transport.hpp"
#include "client/wire-format.hpp"
#include "tests/support/test-support.hpp"

namespace {

using json = nlohmann::json;
using ojson = nlohmann::ordered_json;

eqb::endpoint_config endpoint(eqb::engine_kind engine, const std::string& base_url, const std::string& key = "") {
    eqb::endpoint_config config;
    config.engine = engine;
    config.base_url = base_url;
    config.api_key = key;
    config.model = "some-model";
    return config;
}

eqb::chat_request one_question() {
    eqb::chat_request request;
    request.messages = {{"user", "How do they feel?"}};
    return request;
}

eqb::chat_request with_system() {
    eqb::chat_request request;
    request.messages = {{"system", "Be brief."}, {"user", "Q1"}, {"assistant", "A1"}, {"user", "Q2"}};
    request.temperature = 0.16;
    request.max_tokens = 600;
    return request;
}

bool any_header_starts(const eqb::wire_request& wire, const std::string& prefix) {
    return std::any_of(wire.headers.begin(), wire.headers.end(),
                       [&](const std::string& h) { return h.rfind(prefix, 0) == 0; });
}

eqb::wire_request build(const eqb::endpoint_config& config, const eqb::chat_request& request,
                        const eqb::instruction_template* tmpl = nullptr) {
    auto wire = eqb::wire_request_build(config, tmpl, request);
    EXPECT_TRUE(wire.ok()) << (wire.ok() ? "" : wire.err().message);
    return wire.ok() ? *wire : eqb::wire_request{};
}

TEST(client_wire_format, urls_follow_each_engines_layout) {
    using eqb::engine_kind;
    const std::pair<eqb::endpoint_config, std::string> cases[] = {
        {endpoint(engine_kind::OPENAI, "https://api.openai.com/v1"), "https://api.openai.com/v1/chat/completions"},
        {endpoint(engine_kind::OPENAI, "http://h:8000/v1/"), "http://h:8000/v1/chat/completions"},
        {endpoint(engine_kind::OPENAI, "http://h:8000"), "http://h:8000/chat/completions"},
        {endpoint(engine_kind::OPENAI_COMPLETIONS, "http://h/v1"), "http://h/v1/completions"},
        {endpoint(engine_kind::ANTHROPIC, "https://api.anthropic.com"), "https://api.anthropic.com/v1/messages"},
        {endpoint(engine_kind::ANTHROPIC, "http://proxy/v1"), "http://proxy/v1/messages"},
        {endpoint(engine_kind::GEMINI, "https://g/v1beta"), "https://g/v1beta/models/some-model:generateContent"},
        {endpoint(engine_kind::LLAMA_CPP, "http://127.0.0.1:8080/"), "http://127.0.0.1:8080/completion"},
        {endpoint(engine_kind::OOBA, "http://127.0.0.1:5000"), "http://127.0.0.1:5000/v1/chat/completions"},
        {endpoint(engine_kind::OOBA, "http://127.0.0.1:5000/v1"), "http://127.0.0.1:5000/v1/chat/completions"},
    };
    for (const auto& [config, url] : cases) {
        EXPECT_EQ(eqb::wire_url(config), url) << config.base_url;
    }
    auto gemini = endpoint(engine_kind::GEMINI, "https://g/v1beta", "KEY-IN-HEADER");
    gemini.model = "models/gemini-1.5-pro";
    EXPECT_EQ(eqb::wire_url(gemini), "https://g/v1beta/models/gemini-1.5-pro:generateContent");
}

// tests/golden/requests/*.json: one request per engine as the reference's
// run_query.py sends it (written out from its code; each file says where),
// against the request eqbench builds: URL, key header, the other headers, and
// the JSON body field by field in the reference client's order.
TEST(client_wire_format, every_engine_sends_the_references_request) {
    const auto files = eqb::test::files_in(eqb::test::source_dir() / "tests" / "golden" / "requests", ".json");
    ASSERT_GE(files.size(), 9U);
    // A stand-in key, long enough to be treated as a secret.
    const std::string key = std::string("golden-") + "key-0123456789";
    for (const auto& file : files) {
        SCOPED_TRACE(file.filename().string());
        const auto golden = ojson::parse(eqb::test::read_file(file));
        const auto& e = golden["endpoint"];
        eqb::endpoint_config config;
        const auto engine = eqb::engine_kind_from_string(e["engine"].get<std::string>());
        ASSERT_TRUE(engine);
        config.engine = *engine;
        config.base_url = e["base_url"].get<std::string>();
        config.model = e["model"].get<std::string>();
        config.instruction_template_path = e.value("instruction_template", std::string());
        config.api_key = golden["expected"]["key_header"].get<std::string>().empty() ? std::string() : key;
        // Reasoning cases: what is asked of the model, and fields the endpoint refused before.
        if (e.contains("reasoning")) {
            const auto& r = e["reasoning"];
            config.reasoning.mode = eqb::reasoning_mode_parse(r.value("mode", std::string("auto"))).value();
            config.reasoning.budget = r.value("budget", 0);
            config.reasoning.effort = r.value("effort", std::string());
        }
        eqb::wire_fields fields;
        for (const auto& refused : e.value("refused", ojson::array())) {
            fields = eqb::wire_fields_refused(refused.dump(), fields);
        }
        std::optional<eqb::instruction_template> tmpl;
        if (e.contains("template")) {
            const auto& t = e["template"];
            tmpl = eqb::instruction_template{"golden",
                                             t["user"].get<std::string>(),
                                             t["bot"].get<std::string>(),
                                             t["turn_template"].get<std::string>(),
                                             t["context"].get<std::string>(),
                                             t["system_message"].get<std::string>()};
        }
        eqb::chat_request request;
        for (const auto& m : golden["request"]["messages"]) {
            request.messages.push_back({m["role"].get<std::string>(), m["content"].get<std::string>()});
        }
        request.temperature = golden["request"]["temperature"].get<double>();
        request.max_tokens = golden["request"]["max_tokens"].get<int>();
        const auto wire =
            eqb::wire_request_build(eqb::endpoint_resolve(config), tmpl ? &*tmpl : nullptr, request, fields);
        ASSERT_TRUE(wire.ok()) << wire.err().message;
        const auto& expected = golden["expected"];
        EXPECT_EQ(wire->url, expected["url"].get<std::string>());
        // The body: same fields, same values, same order.
        EXPECT_EQ(ojson::parse(wire->body).dump(2), expected["body"].dump(2));
        std::vector<std::string> headers = wire->headers;
        std::string key_header = expected["key_header"].get<std::string>();
        if (!key_header.empty()) {
            key_header.replace(key_header.find("{key}"), 5, key);
            const auto found = std::find(headers.begin(), headers.end(), key_header);
            EXPECT_NE(found, headers.end()) << key_header;
            if (found != headers.end()) {
                headers.erase(found);
            }
        }
        std::vector<std::string> want = {"Content-Type: application/json", "Accept: application/json", "Expect:"};
        for (const auto& h : expected.value("extra_headers", ojson::array())) {
            want.push_back(h.get<std::string>());
        }
        EXPECT_EQ(headers, want);
        for (const auto& h : headers) {
            EXPECT_EQ(h.find(key), std::string::npos) << h;
        }
        EXPECT_EQ(wire->url.find(key), std::string::npos);
    }
}

TEST(client_wire_format, request_fields_beyond_the_reference_appear_only_when_asked) {
    // min_p reaches engines that take it when a benchmark sets it (EQ-Bench 3,
    // Creative Writing v3, the transformers engine), never Anthropic or Gemini.
    auto request = one_question();
    request.min_p = 0.1;
    for (const auto engine : {eqb::engine_kind::OPENAI, eqb::engine_kind::LLAMA_CPP,
                              eqb::engine_kind::OPENAI_COMPLETIONS, eqb::engine_kind::OOBA}) {
        const json body = json::parse(build(endpoint(engine, "http://h/v1"), request).body);
        EXPECT_EQ(body["min_p"].get<double>(), 0.1) << eqb::engine_kind_name(engine);
    }
    for (const auto engine : {eqb::engine_kind::ANTHROPIC, eqb::engine_kind::GEMINI, eqb::engine_kind::MISTRAL}) {
        const json body = json::parse(build(endpoint(engine, "http://h/v1"), request).body);
        EXPECT_FALSE(body.contains("min_p")) << eqb::engine_kind_name(engine);
    }
    // Without min_p: none, except the reference's fixed 0.1 of text-generation-webui.
    EXPECT_FALSE(
        json::parse(build(endpoint(eqb::engine_kind::OPENAI, "http://h/v1"), one_question()).body).contains("min_p"));
    EXPECT_FALSE(
        json::parse(build(endpoint(eqb::engine_kind::LLAMA_CPP, "http://h"), one_question()).body).contains("min_p"));
    EXPECT_EQ(json::parse(build(endpoint(eqb::engine_kind::OOBA, "http://h"), one_question()).body)["min_p"], 0.1);
    // No key, no key header.
    const auto keyless = build(endpoint(eqb::engine_kind::OPENAI, "http://h/v1"), one_question());
    EXPECT_FALSE(any_header_starts(keyless, "Authorization"));
}

TEST(client_wire_format, a_conversation_keeps_its_roles_on_each_engine) {
    const json anthropic =
        json::parse(build(endpoint(eqb::engine_kind::ANTHROPIC, "https://a", "ak"), with_system()).body);
    EXPECT_EQ(anthropic["system"], "Be brief.");
    EXPECT_EQ(anthropic["messages"].size(), 3u);
    EXPECT_EQ(anthropic["messages"][1]["role"], "assistant");
    const json gemini =
        json::parse(build(endpoint(eqb::engine_kind::GEMINI, "https://g/v1beta", "gk"), with_system()).body);
    EXPECT_EQ(gemini["contents"], json::parse(R"([{"role":"user","parts":[{"text":"Q1"}]},
        {"role":"model","parts":[{"text":"A1"}]},{"role":"user","parts":[{"text":"Q2"}]}])"));
    EXPECT_EQ(gemini["systemInstruction"]["parts"][0]["text"], "Be brief.");
    EXPECT_EQ(gemini["generationConfig"]["maxOutputTokens"], 600);
}

TEST(client_wire_format, extra_body_json_merges_and_bad_json_is_an_error) {
    auto request = one_question();
    request.extra_body_json = R"({"top_p": 0.5, "max_tokens": 100, "temperature": null})";
    const json body = json::parse(build(endpoint(eqb::engine_kind::OPENAI, "http://h/v1"), request).body);
    EXPECT_EQ(body["top_p"].get<double>(), 0.5);
    EXPECT_EQ(body["max_tokens"], 100);
    EXPECT_FALSE(body.contains("temperature"));

    request.extra_body_json = R"({"generationConfig": {"topK": 3}})";
    const json gemini = json::parse(build(endpoint(eqb::engine_kind::GEMINI, "http://h"), request).body);
    EXPECT_EQ(gemini["generationConfig"]["topK"], 3);
    EXPECT_EQ(gemini["generationConfig"]["maxOutputTokens"], 60);

    for (const char* bad : {"[1, 2]", "{not json"}) {
        request.extra_body_json = bad;
        auto wire = eqb::wire_request_build(endpoint(eqb::engine_kind::OPENAI, "http://h/v1"), nullptr, request);
        ASSERT_FALSE(wire.ok()) << bad;
        EXPECT_EQ(wire.err().message, "extra_body_json is not a JSON object");
    }
}

TEST(client_wire_format, llama_cpp_sends_the_rendered_prompt) {
    eqb::instruction_template tmpl;
    tmpl.name = "T";
    tmpl.user = "U:";
    tmpl.bot = "B:";
    tmpl.turn_template = "<|user|> <|user-message|>\n<|bot|> <|bot-message|>\n";
    tmpl.context = "<|system-message|>\n";
    tmpl.system_message = "Sys";
    auto request = one_question();
    request.min_p = 0.1;
    const json body = json::parse(build(endpoint(eqb::engine_kind::LLAMA_CPP, "http://h"), request, &tmpl).body);
    EXPECT_EQ(body["prompt"], "Sys\nU: How do they feel?\nB: ");
    EXPECT_EQ(body["n_predict"], 60);
    EXPECT_FALSE(body.contains("cache_prompt"));
    EXPECT_EQ(body["min_p"].get<double>(), 0.1);
}

TEST(client_wire_format, completions_with_a_template_send_the_rendered_prompt) {
    // The transformers engine, served by vLLM: the reference's prompt format on /v1/completions.
    eqb::instruction_template tmpl;
    tmpl.name = "T";
    tmpl.user = "U:";
    tmpl.bot = "B:";
    tmpl.turn_template = "<|user|> <|user-message|>\n<|bot|> <|bot-message|>\n";
    tmpl.context = "<|system-message|>\n";
    tmpl.system_message = "Sys";
    const json body =
        json::parse(build(endpoint(eqb::engine_kind::OPENAI_COMPLETIONS, "http://h/v1"), one_question(), &tmpl).body);
    EXPECT_EQ(body["prompt"], "Sys\nU: How do they feel?\nB: ");
    EXPECT_EQ(body["max_tokens"], 60);
    const json plain =
        json::parse(build(endpoint(eqb::engine_kind::OPENAI_COMPLETIONS, "http://h/v1"), one_question()).body);
    EXPECT_EQ(plain["prompt"], "How do they feel?");
}

struct parse_case {
    eqb::engine_kind engine;
    const char* body;
    eqb::transport_status status;
    const char* content;
    long input_tokens;
    long output_tokens;
};

TEST(client_wire_format, answers_parse_per_engine) {
    using eqb::engine_kind;
    using eqb::transport_status;
    const parse_case cases[] = {
        {engine_kind::OPENAI,
         R"({"choices":[{"message":{"role":"assistant","content":"Anger: 5"}}],"usage":{"prompt_tokens":9,"completion_tokens":4}})",
         transport_status::OK, "Anger: 5", 9, 4},
        {engine_kind::OPENAI, R"({"choices":[{"message":{"role":"assistant","content":null,"refusal":"no"}}]})",
         transport_status::EMPTY_CONTENT, "", 0, 0},
        {engine_kind::OPENAI, R"({"choices":[{"message":{"content":""}}]})", transport_status::EMPTY_CONTENT, "", 0, 0},
        {engine_kind::OPENAI, R"({"choices":[]})", transport_status::MALFORMED, "", 0, 0},
        {engine_kind::OPENAI, R"({"error":{"message":"upstream overloaded"}})", transport_status::HTTP_ERROR, "", 0, 0},
        {engine_kind::OOBA, R"({"choices":[{"message":{"content":[{"type":"text","text":"a"},{"text":"b"}]}}]})",
         transport_status::OK, "ab", 0, 0},
        {engine_kind::OPENAI_COMPLETIONS,
         R"({"choices":[{"text":" Anger: 5"}],"usage":{"prompt_tokens":3,"completion_tokens":2}})",
         transport_status::OK, " Anger: 5", 3, 2},
        {engine_kind::ANTHROPIC,
         R"({"content":[{"type":"text","text":"Anger: "},{"type":"tool_use"},{"type":"text","text":"5"}],"usage":{"input_tokens":12,"output_tokens":6}})",
         transport_status::OK, "Anger: 5", 12, 6},
        {engine_kind::ANTHROPIC, R"({"content":[],"stop_reason":"max_tokens"})", transport_status::EMPTY_CONTENT, "", 0,
         0},
        {engine_kind::GEMINI,
         R"({"candidates":[{"content":{"parts":[{"text":"Anger"},{"text":": 5"}]}}],"usageMetadata":{"promptTokenCount":8,"candidatesTokenCount":3}})",
         transport_status::OK, "Anger: 5", 8, 3},
        {engine_kind::GEMINI, R"({"promptFeedback":{"blockReason":"SAFETY"}})", transport_status::EMPTY_CONTENT, "", 0,
         0},
        {engine_kind::GEMINI, R"({"candidates":[{"finishReason":"SAFETY"}]})", transport_status::EMPTY_CONTENT, "", 0,
         0},
        {engine_kind::LLAMA_CPP, R"({"content":"Anger: 5","tokens_evaluated":30,"tokens_predicted":5})",
         transport_status::OK, "Anger: 5", 30, 5},
        {engine_kind::LLAMA_CPP, R"({"content":7})", transport_status::MALFORMED, "", 0, 0},
        {engine_kind::OPENAI, "<html>Bad Gateway</html>", transport_status::MALFORMED, "", 0, 0},
        {engine_kind::OPENAI, "[1]", transport_status::MALFORMED, "", 0, 0},
    };
    for (const auto& c : cases) {
        const auto answer = eqb::wire_answer_parse(c.engine, c.body);
        EXPECT_EQ(answer.status, c.status) << c.body << " -> " << answer.error;
        EXPECT_EQ(answer.content, c.content) << c.body;
        EXPECT_EQ(answer.usage.input_tokens, c.input_tokens) << c.body;
        EXPECT_EQ(answer.usage.output_tokens, c.output_tokens) << c.body;
        EXPECT_EQ(answer.error.empty(), c.status == transport_status::OK) << c.body;
    }
    EXPECT_NE(eqb::wire_answer_parse(engine_kind::GEMINI, R"({"promptFeedback":{"blockReason":"SAFETY"}})")
                  .error.find("SAFETY"),
              std::string::npos);
}

TEST(client_transport, retry_after_accepts_seconds_and_http_dates) {
    const std::time_t now = 1445412450;  // Wed, 21 Oct 2015 07:27:30 GMT
    EXPECT_EQ(eqb::retry_after_parse("1", now), 1.0);
    EXPECT_EQ(eqb::retry_after_parse(" 2.5 ", now), 2.5);
    EXPECT_EQ(eqb::retry_after_parse("Wed, 21 Oct 2015 07:28:00 GMT", now), 30.0);
    EXPECT_EQ(eqb::retry_after_parse("Wed, 21 Oct 2015 07:00:00 GMT", now), 0.0);
    EXPECT_FALSE(eqb::retry_after_parse("soon", now).has_value());
    EXPECT_FALSE(eqb::retry_after_parse("", now).has_value());
    EXPECT_FALSE(eqb::retry_after_parse("-3", now).has_value());
}

TEST(client_transport, http_status_classification) {
    using eqb::transport_status;
    const std::pair<int, transport_status> cases[] = {
        {200, transport_status::OK},           {201, transport_status::OK},
        {429, transport_status::RATE_LIMITED}, {400, transport_status::CLIENT_ERROR},
        {401, transport_status::CLIENT_ERROR}, {404, transport_status::CLIENT_ERROR},
        {500, transport_status::HTTP_ERROR},   {503, transport_status::HTTP_ERROR},
        {529, transport_status::HTTP_ERROR},   {302, transport_status::HTTP_ERROR},
    };
    for (const auto& [code, status] : cases) {
        EXPECT_EQ(eqb::http_status_classify(code), status) << code;
    }
}

TEST(client_names, engines_round_trip_and_aliases_resolve) {
    using eqb::engine_kind;
    for (auto kind : {engine_kind::OPENAI, engine_kind::OPENAI_COMPLETIONS, engine_kind::ANTHROPIC, engine_kind::GEMINI,
                      engine_kind::LLAMA_CPP, engine_kind::OOBA, engine_kind::MISTRAL}) {
        EXPECT_EQ(eqb::engine_kind_from_string(eqb::engine_kind_name(kind)), kind) << eqb::engine_kind_name(kind);
    }
    EXPECT_EQ(eqb::engine_kind_from_string("mistralai"), engine_kind::MISTRAL);
    EXPECT_EQ(eqb::engine_kind_from_string("Llama.CPP"), engine_kind::LLAMA_CPP);
    EXPECT_FALSE(eqb::engine_kind_from_string("transformers").has_value());
    EXPECT_FALSE(eqb::engine_kind_from_string("").has_value());
    EXPECT_STREQ(eqb::transport_status_name(eqb::transport_status::RATE_LIMITED), "RATE_LIMITED");
    EXPECT_STREQ(eqb::transport_status_name(eqb::transport_status::EMPTY_CONTENT), "EMPTY_CONTENT");
}

TEST(client_names, default_base_urls) {
    using eqb::engine_kind;
    EXPECT_EQ(eqb::endpoint_default_base_url(engine_kind::OPENAI), "https://api.openai.com/v1");
    EXPECT_EQ(eqb::endpoint_default_base_url(engine_kind::MISTRAL), "https://api.mistral.ai/v1");
    EXPECT_EQ(eqb::endpoint_default_base_url(engine_kind::ANTHROPIC), "https://api.anthropic.com");
    EXPECT_EQ(eqb::endpoint_default_base_url(engine_kind::GEMINI), "https://generativelanguage.googleapis.com/v1beta");
    EXPECT_EQ(eqb::endpoint_default_base_url(engine_kind::OOBA), "http://127.0.0.1:5000");
    EXPECT_EQ(eqb::endpoint_default_base_url(engine_kind::LLAMA_CPP), "http://127.0.0.1:8080");
}

TEST(client_create, llama_cpp_needs_a_readable_template_and_defaults_apply) {
    eqb::endpoint_config config;
    config.engine = eqb::engine_kind::LLAMA_CPP;
    auto missing = eqb::chat_client_create(config);
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.err().message.find("instruction template"), std::string::npos);

    config.instruction_template_path = "/nonexistent/Nothing.yaml";
    auto unreadable = eqb::chat_client_create(config);
    ASSERT_FALSE(unreadable.ok());
    EXPECT_NE(unreadable.err().message.find("/nonexistent/Nothing.yaml"), std::string::npos);

    config.engine = eqb::engine_kind::ANTHROPIC;
    auto anthropic = eqb::chat_client_create(config);
    ASSERT_TRUE(anthropic.ok()) << anthropic.err().message;
    EXPECT_EQ((*anthropic)->endpoint().base_url, "https://api.anthropic.com");

    config.timeout_s = 0.0;
    EXPECT_FALSE(eqb::chat_client_create(config).ok());
}

}  // namespace

namespace {

// tests/golden/responses/*.json: a response body of each engine, with or
// without a thought in each place servers put one, and what eqbench reads from
// it: the answer (never the thought), the thought, the status and the
// reported thought tokens.
TEST(client_wire_format, every_thought_shape_reads_the_answer_apart_from_the_thought) {
    const auto files = eqb::test::files_in(eqb::test::source_dir() / "tests" / "golden" / "responses", ".json");
    ASSERT_GE(files.size(), 14U);
    for (const auto& file : files) {
        SCOPED_TRACE(file.filename().string());
        const auto golden = ojson::parse(eqb::test::read_file(file));
        const auto engine = eqb::engine_kind_from_string(golden["engine"].get<std::string>());
        ASSERT_TRUE(engine);
        const auto answer = eqb::wire_answer_parse(*engine, golden["body"].dump());
        const auto& expected = golden["expected"];
        EXPECT_STREQ(eqb::transport_status_name(answer.status), expected["status"].get<std::string>().c_str())
            << answer.error;
        EXPECT_EQ(answer.content, expected["content"].get<std::string>());
        EXPECT_EQ(answer.thought, expected["thought"].get<std::string>());
        EXPECT_EQ(answer.usage.reasoning_tokens, expected["reasoning_tokens"].get<long>());
    }
}

}  // namespace
