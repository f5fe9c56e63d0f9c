#include "tests/fake-server/fake-server.hpp"

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>
#include <utility>

namespace eqb::test {

namespace {

using json = nlohmann::json;

constexpr std::size_t thread_pool_size = 64;
constexpr int listen_backlog = 256;
constexpr double hang_cap_s = 300.0;
constexpr auto start_wait_limit = std::chrono::seconds(5);
constexpr const char* json_type = "application/json";

std::string lowercase(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

// A text field that may be a string or an array of {"text": ...} parts.
std::string text_of(const json& value) {
    if (value.is_string()) {
        return value.get<std::string>();
    }
    std::string out;
    if (value.is_array()) {
        for (const auto& part : value) {
            if (part.is_object() && part.contains("text") && part["text"].is_string()) {
                out += part["text"].get<std::string>();
            }
        }
    }
    return out;
}

double number_or(const json& object, const char* key, double fallback) {
    if (object.is_object() && object.contains(key) && object[key].is_number()) {
        return object[key].get<double>();
    }
    return fallback;
}

std::string string_or(const json& object, const char* key) {
    if (object.is_object() && object.contains(key) && object[key].is_string()) {
        return object[key].get<std::string>();
    }
    return "";
}

// Fills the engine-specific fields of `request` from its JSON body.
void request_fields_read(fake_request& request, const json& body) {
    if (request.engine == "openai" || request.engine == "anthropic") {
        request.model = string_or(body, "model");
        request.max_tokens =
            static_cast<long>(number_or(body, "max_tokens", number_or(body, "max_completion_tokens", 0)));
        if (body.contains("messages") && body["messages"].is_array()) {
            for (const auto& message : body["messages"]) {
                const std::string role = string_or(message, "role");
                const std::string text = message.contains("content") ? text_of(message["content"]) : "";
                if (role == "user") {
                    request.prompt = text;
                } else if (role == "system") {
                    request.system += text;
                }
            }
        }
        if (body.contains("system")) {
            request.system += text_of(body["system"]);
        }
    } else if (request.engine == "openai-completions") {
        request.model = string_or(body, "model");
        request.prompt = string_or(body, "prompt");
        request.max_tokens = static_cast<long>(number_or(body, "max_tokens", 0));
    } else if (request.engine == "gemini") {
        if (body.contains("contents") && body["contents"].is_array()) {
            for (const auto& content : body["contents"]) {
                if (string_or(content, "role") == "user" && content.contains("parts")) {
                    request.prompt = text_of(content["parts"]);
                }
            }
        }
        if (body.contains("systemInstruction") && body["systemInstruction"].contains("parts")) {
            request.system = text_of(body["systemInstruction"]["parts"]);
        }
        if (body.contains("generationConfig")) {
            request.max_tokens = static_cast<long>(number_or(body["generationConfig"], "maxOutputTokens", 0));
            request.temperature = number_or(body["generationConfig"], "temperature", 0.0);
        }
        return;
    } else if (request.engine == "llama.cpp") {
        request.prompt = string_or(body, "prompt");
        request.max_tokens = static_cast<long>(number_or(body, "n_predict", 0));
    }
    request.temperature = number_or(body, "temperature", 0.0);
    if (body.contains("min_p") && body["min_p"].is_number()) {
        request.min_p = body["min_p"].get<double>();
    }
}

std::string presented_key(const fake_request& request) {
    if (request.engine == "anthropic") {
        return request.header("x-api-key");
    }
    if (request.engine == "gemini") {
        return request.header("x-goog-api-key");
    }
    const std::string auth = request.header("authorization");
    const std::string bearer = "Bearer ";
    return auth.rfind(bearer, 0) == 0 ? auth.substr(bearer.size()) : auth;
}

// What one reply carries: the answer and, for a reasoning model, its thought.
struct fake_reply {
    std::string answer;
    std::string thought;      // "" when the model does not reason
    bool cut = false;         // the output limit ended the reply inside the thought
    long thought_tokens = 0;  // reported where the format reports them
    fake_thought shape = fake_thought::NONE;
};

// The answer with every digit changed, so that a thought read as the answer scores differently.
std::string decoy_of(const std::string& answer) {
    std::string out = answer;
    for (char& c : out) {
        if (c >= '0' && c <= '9') {
            c = static_cast<char>('0' + ('9' - c));
        }
    }
    return out;
}

fake_reply reply_for(const fake_server_config& config, const fake_request& request, const std::string& answer) {
    fake_reply r;
    r.answer = answer;
    r.shape = config.thought;
    if (config.thought == fake_thought::NONE) {
        return r;
    }
    // Thinking turned off in the chat template: an empty block, as Qwen3 answers.
    const json body = json::parse(request.body, nullptr, false);
    if (body.is_object() && body.contains("chat_template_kwargs") &&
        body["chat_template_kwargs"].value("enable_thinking", true) == false) {
        r.shape = fake_thought::INLINE;
        r.thought = "";
        return r;
    }
    r.thought = "Let me think about this. A first guess:\n" + decoy_of(answer) + "\nNo, let me weigh it again.";
    r.thought_tokens = config.thought_tokens;
    if (request.max_tokens > 0 && request.max_tokens < config.thought_tokens + config.usage_output_tokens) {
        r.cut = true;
        r.answer.clear();
        r.thought = r.thought.substr(0, r.thought.size() / 2);
        r.thought_tokens = request.max_tokens;
    }
    return r;
}

// The reply in the text itself, for the inline shapes (and every text-only format).
std::string text_with_thought(const fake_reply& r) {
    switch (r.shape) {
        case fake_thought::NONE:
            return r.answer;
        case fake_thought::PREFILLED:
            return r.cut ? r.thought : r.thought + "\n</think>\n\n" + r.answer;
        case fake_thought::HARMONY:
            return "<|channel|>analysis<|message|>" + r.thought +
                   (r.cut ? "" : "<|end|><|start|>assistant<|channel|>final<|message|>" + r.answer + "<|return|>");
        default:
            return "<think>\n" + r.thought + (r.cut ? "" : "\n</think>\n\n" + r.answer);
    }
}

bool field_shape(const fake_reply& r) {
    return r.shape == fake_thought::FIELD || r.shape == fake_thought::REASONING_CONTENT;
}

std::string answer_body(const fake_request& request, const fake_reply& reply, long input_tokens, long output_tokens) {
    json body;
    const bool in_field = field_shape(reply);
    const std::string text = in_field ? reply.answer : text_with_thought(reply);
    output_tokens += reply.shape == fake_thought::NONE ? 0 : reply.thought_tokens;
    if (request.engine == "openai") {
        json message = {{"role", "assistant"}, {"content", in_field && reply.cut ? json(nullptr) : json(text)}};
        if (in_field) {
            message[reply.shape == fake_thought::FIELD ? "reasoning" : "reasoning_content"] = reply.thought;
        }
        json usage = {{"prompt_tokens", input_tokens},
                      {"completion_tokens", output_tokens},
                      {"total_tokens", input_tokens + output_tokens}};
        if (reply.shape != fake_thought::NONE) {
            usage["completion_tokens_details"] = {{"reasoning_tokens", reply.thought_tokens}};
        }
        body = {{"id", "chatcmpl-fake-" + std::to_string(request.sequence)},
                {"object", "chat.completion"},
                {"created", 0},
                {"model", request.model},
                {"choices",
                 json::array({{{"index", 0}, {"message", message}, {"finish_reason", reply.cut ? "length" : "stop"}}})},
                {"usage", usage}};
    } else if (request.engine == "openai-completions") {
        body = {{"id", "cmpl-fake-" + std::to_string(request.sequence)},
                {"object", "text_completion"},
                {"model", request.model},
                {"choices",
                 json::array({{{"index", 0}, {"text", text}, {"finish_reason", reply.cut ? "length" : "stop"}}})},
                {"usage",
                 {{"prompt_tokens", input_tokens},
                  {"completion_tokens", output_tokens},
                  {"total_tokens", input_tokens + output_tokens}}}};
    } else if (request.engine == "anthropic") {
        json content = json::array();
        if (in_field) {
            content.push_back({{"type", "thinking"}, {"thinking", reply.thought}, {"signature", "fake-signature"}});
        }
        if (!(in_field && reply.cut)) {
            content.push_back({{"type", "text"}, {"text", text}});
        }
        body = {{"id", "msg_fake_" + std::to_string(request.sequence)},
                {"type", "message"},
                {"role", "assistant"},
                {"model", request.model},
                {"content", content},
                {"stop_reason", reply.cut ? "max_tokens" : "end_turn"},
                {"usage", {{"input_tokens", input_tokens}, {"output_tokens", output_tokens}}}};
    } else if (request.engine == "gemini") {
        json parts = json::array();
        if (in_field) {
            parts.push_back({{"text", reply.thought}, {"thought", true}});
        }
        if (!(in_field && reply.cut)) {
            parts.push_back({{"text", text}});
        }
        json usage = {{"promptTokenCount", input_tokens},
                      {"candidatesTokenCount", output_tokens - reply.thought_tokens},
                      {"totalTokenCount", input_tokens + output_tokens}};
        if (reply.shape != fake_thought::NONE) {
            usage["thoughtsTokenCount"] = reply.thought_tokens;
        }
        body = {{"candidates", json::array({{{"content", {{"role", "model"}, {"parts", parts}}},
                                             {"finishReason", reply.cut ? "MAX_TOKENS" : "STOP"},
                                             {"index", 0}}})},
                {"usageMetadata", usage}};
    } else {
        body = {{"content", text},
                {"stop", true},
                {"stopped_limit", reply.cut},
                {"model", request.model},
                {"tokens_evaluated", input_tokens},
                {"tokens_predicted", output_tokens}};
    }
    return body.dump();
}

std::string answer_body(const fake_request& request, const std::string& answer, long input_tokens, long output_tokens) {
    return answer_body(request, fake_reply{answer, "", false, 0, fake_thought::NONE}, input_tokens, output_tokens);
}

// Why a request breaks a reasoning API's rules (OpenAI's reasoning models,
// Anthropic's extended thinking), as the API's 400 body; "" when it does not.
std::string rules_refusal(const fake_server_config& config, const fake_request& request) {
    const json body = json::parse(request.body, nullptr, false);
    if (!body.is_object()) {
        return "";
    }
    for (const auto& field : config.refused_fields) {
        if (body.contains(field)) {
            const bool value = field == "temperature";
            const std::string message =
                value ? "Unsupported value: 'temperature' does not support " + body[field].dump() +
                            " with this model. Only the default (1) value is supported."
                      : "Unsupported parameter: '" + field +
                            "' is not supported with this model. Use 'max_completion_tokens' instead.";
            return json{{"error",
                         {{"message", message},
                          {"type", "invalid_request_error"},
                          {"param", field},
                          {"code", value ? "unsupported_value" : "unsupported_parameter"}}}}
                .dump();
        }
    }
    if (request.engine == "anthropic" && config.anthropic_thinking_rules && body.contains("thinking")) {
        const json& thinking = body["thinking"];
        const long budget = thinking.value("budget_tokens", 0L);
        std::string why;
        if (budget < 1024) {
            why = "thinking.budget_tokens: Input should be greater than or equal to 1024";
        } else if (budget >= body.value("max_tokens", 0L)) {
            why = "`max_tokens` must be greater than `thinking.budget_tokens`";
        } else if (body.contains("temperature") && body["temperature"] != 1 && body["temperature"] != 1.0) {
            why = "`temperature` may only be set to 1 when thinking is enabled";
        }
        if (!why.empty()) {
            return json{{"type", "error"}, {"error", {{"type", "invalid_request_error"}, {"message", why}}}}.dump();
        }
    }
    return "";
}

std::string error_body(const fake_request& request, int code, const std::string& type, const std::string& message) {
    json body = {{"error", {{"code", code}, {"type", type}, {"message", message}}}};
    if (request.engine == "anthropic") {
        body["type"] = "error";
    }
    return body.dump();
}

}  // namespace

const char* fake_fault_name(fake_fault fault) {
    switch (fault) {
        case fake_fault::NONE:
            return "none";
        case fake_fault::RATE_LIMITED:
            return "rate-limited";
        case fake_fault::SERVER_ERROR:
            return "server-error";
        case fake_fault::HANG:
            return "hang";
        case fake_fault::TRUNCATED:
            return "truncated";
        case fake_fault::EMPTY_CONTENT:
            return "empty-content";
        case fake_fault::MALFORMED_JSON:
            return "malformed-json";
        case fake_fault::UNAUTHORIZED:
            return "unauthorized";
        case fake_fault::UNKNOWN_MODEL:
            return "unknown-model";
    }
    return "unknown";
}

std::optional<fake_thought> fake_thought_from_string(const std::string& name) {
    const std::pair<const char*, fake_thought> names[] = {
        {"none", fake_thought::NONE},           {"inline", fake_thought::INLINE},
        {"prefilled", fake_thought::PREFILLED}, {"harmony", fake_thought::HARMONY},
        {"field", fake_thought::FIELD},         {"reasoning-content", fake_thought::REASONING_CONTENT},
    };
    for (const auto& [text, shape] : names) {
        if (name == text) {
            return shape;
        }
    }
    return std::nullopt;
}

std::optional<fake_fault> fake_fault_from_string(const std::string& name) {
    const std::pair<const char*, fake_fault> names[] = {
        {"none", fake_fault::NONE},
        {"rate-limited", fake_fault::RATE_LIMITED},
        {"429", fake_fault::RATE_LIMITED},
        {"server-error", fake_fault::SERVER_ERROR},
        {"500", fake_fault::SERVER_ERROR},
        {"hang", fake_fault::HANG},
        {"truncated", fake_fault::TRUNCATED},
        {"empty-content", fake_fault::EMPTY_CONTENT},
        {"empty", fake_fault::EMPTY_CONTENT},
        {"malformed-json", fake_fault::MALFORMED_JSON},
        {"malformed", fake_fault::MALFORMED_JSON},
        {"unauthorized", fake_fault::UNAUTHORIZED},
        {"401", fake_fault::UNAUTHORIZED},
        {"unknown-model", fake_fault::UNKNOWN_MODEL},
    };
    for (const auto& [text, fault] : names) {
        if (name == text) {
            return fault;
        }
    }
    return std::nullopt;
}

std::string fake_request::header(const std::string& name) const {
    const auto it = headers.find(lowercase(name));
    return it == headers.end() ? "" : it->second;
}

struct fake_server::impl {
    explicit impl(fake_server_config cfg) : config(std::move(cfg)), rng(config.seed) {}

    fake_server_config config;
    httplib::Server server;
    std::thread listener;
    std::atomic<bool> listener_done{false};
    int port = 0;

    mutable std::mutex mutex;  // guards everything below
    std::condition_variable stop_signal;
    bool stopping = false;
    std::mt19937_64 rng;
    std::vector<fake_request> requests;
    std::map<std::string, long> by_path;
    std::map<std::string, long> by_engine;
    std::map<std::string, long> by_fault;
    long in_flight = 0;
    long max_in_flight = 0;

    // Sleeps up to `seconds` (forever when negative); false when stop() cut it short.
    bool wait(double seconds) {
        std::unique_lock lock(mutex);
        if (seconds < 0) {
            stop_signal.wait(lock, [this] { return stopping; });
            return false;
        }
        const auto duration = std::chrono::duration<double>(seconds);
        return !stop_signal.wait_for(lock, duration, [this] { return stopping; });
    }

    double latency_s() {
        if (config.latency_max_ms <= config.latency_min_ms) {
            return config.latency_min_ms / 1000.0;
        }
        std::lock_guard lock(mutex);
        std::uniform_int_distribution<int> dist(config.latency_min_ms, config.latency_max_ms);
        return dist(rng) / 1000.0;
    }

    fake_fault random_fault() {
        const auto& rates = config.fault_rates;
        const std::pair<double, fake_fault> table[] = {
            {rates.rate_limited, fake_fault::RATE_LIMITED},
            {rates.server_error, fake_fault::SERVER_ERROR},
            {rates.hang, fake_fault::HANG},
            {rates.truncated, fake_fault::TRUNCATED},
            {rates.empty_content, fake_fault::EMPTY_CONTENT},
            {rates.malformed_json, fake_fault::MALFORMED_JSON},
        };
        double total = 0.0;
        for (const auto& entry : table) {
            total += entry.first;
        }
        if (total <= 0.0) {
            return fake_fault::NONE;
        }
        double draw = 0.0;
        {
            std::lock_guard lock(mutex);
            draw = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
        }
        for (const auto& [rate, fault] : table) {
            if (draw < rate) {
                return fault;
            }
            draw -= rate;
        }
        return fake_fault::NONE;
    }

    fake_fault fault_for(const fake_request& request) {
        if (config.hang_after >= 0 && request.sequence > config.hang_after) {
            return fake_fault::HANG;
        }
        if (!config.required_api_key.empty() && presented_key(request) != config.required_api_key) {
            return fake_fault::UNAUTHORIZED;
        }
        if (config.reject_unknown_models && request.model != config.model_name) {
            return fake_fault::UNKNOWN_MODEL;
        }
        if (config.scripted_fault != fake_fault::NONE) {
            if (request.sequence <= config.fail_first ||
                (config.fail_every > 0 && request.sequence % config.fail_every == 0)) {
                return config.scripted_fault;
            }
        }
        return random_fault();
    }

    bool hung_for_good() const {
        std::lock_guard lock(mutex);
        return config.hang_after >= 0 && static_cast<long>(requests.size()) >= config.hang_after;
    }

    // Headers go out, then the connection closes short of the declared length.
    static void close_after(httplib::Response& res, std::string partial, std::size_t declared) {
        res.status = 200;
        res.set_content_provider(
            declared, json_type,
            [sent = false, partial = std::move(partial)](std::size_t, std::size_t, httplib::DataSink& sink) mutable {
                if (!sent && !partial.empty()) {
                    sent = true;
                    sink.write(partial.data(), partial.size());
                    return true;
                }
                return false;
            });
    }

    void model_request(const httplib::Request& req, httplib::Response& res, const std::string& engine,
                       const std::string& url_model) {
        fake_request request;
        request.engine = engine;
        request.path = req.path;
        request.body = req.body;
        for (const auto& [name, value] : req.headers) {
            request.headers.emplace(lowercase(name), value);
        }
        const json body = json::parse(req.body, nullptr, false);
        if (!body.is_discarded()) {
            request_fields_read(request, body);
        }
        if (!url_model.empty()) {
            request.model = url_model;
        }
        std::size_t index = 0;
        {
            std::lock_guard lock(mutex);
            request.sequence = static_cast<long>(requests.size()) + 1;
            index = requests.size();
            requests.push_back(request);
            ++by_path[request.path];
            ++by_engine[engine];
            max_in_flight = std::max(max_in_flight, ++in_flight);
        }
        const fake_fault fault = body.is_discarded() ? fake_fault::NONE : fault_for(request);
        {
            std::lock_guard lock(mutex);
            requests[index].fault = fault;
            ++by_fault[fake_fault_name(fault)];
        }
        respond(request, body.is_discarded(), fault, res);
        std::lock_guard lock(mutex);
        --in_flight;
    }

    void respond(const fake_request& request, bool bad_body, fake_fault fault, httplib::Response& res) {
        if (bad_body) {
            res.status = 400;
            res.set_content(error_body(request, 400, "invalid_request_error", "the request body is not JSON"),
                            json_type);
            return;
        }
        if (fault == fake_fault::HANG) {
            const bool forever = config.hang_after >= 0 && request.sequence > config.hang_after;
            wait(forever ? -1.0 : std::min(config.hang_s, hang_cap_s));
            close_after(res, "", 1);
            return;
        }
        if (!wait(latency_s())) {
            close_after(res, "", 1);
            return;
        }
        switch (fault) {
            case fake_fault::RATE_LIMITED:
                res.status = 429;
                if (!config.retry_after.empty()) {
                    res.set_header("Retry-After", config.retry_after);
                }
                res.set_content(error_body(request, 429, "rate_limit_error", "Rate limit reached; slow down."),
                                json_type);
                return;
            case fake_fault::SERVER_ERROR:
                res.status = 500;
                res.set_content(error_body(request, 500, "server_error", "The fake server failed on purpose."),
                                json_type);
                return;
            case fake_fault::UNAUTHORIZED:
                // Real servers echo the rejected key; clients must not pass it on.
                res.status = 401;
                res.set_content(error_body(request, 401, "authentication_error",
                                           "Incorrect API key provided: " + presented_key(request)),
                                json_type);
                return;
            case fake_fault::UNKNOWN_MODEL:
                res.status = 404;
                res.set_content(
                    error_body(request, 404, "not_found_error", "The model `" + request.model + "` does not exist."),
                    json_type);
                return;
            case fake_fault::MALFORMED_JSON:
                res.status = 200;
                res.set_content(R"({"choices": [{"message": {"content": "unterminated)", json_type);
                return;
            case fake_fault::TRUNCATED: {
                const std::string full =
                    answer_body(request, config.default_answer, config.usage_input_tokens, config.usage_output_tokens);
                close_after(res, full.substr(0, full.size() / 2), full.size());
                return;
            }
            default:
                break;
        }
        if (const std::string refusal = rules_refusal(config, request); !refusal.empty()) {
            res.status = 400;
            res.set_content(refusal, json_type);
            return;
        }
        std::string answer;
        if (fault != fake_fault::EMPTY_CONTENT) {
            answer = config.responder ? config.responder(request) : config.default_answer;
        }
        res.status = 200;
        res.set_content(answer_body(request, reply_for(config, request, answer), config.usage_input_tokens,
                                    config.usage_output_tokens),
                        json_type);
    }

    std::string stats() const {
        std::lock_guard lock(mutex);
        json out = {{"total", requests.size()}, {"by_path", by_path},     {"by_engine", by_engine},
                    {"by_fault", by_fault},     {"in_flight", in_flight}, {"max_in_flight", max_in_flight}};
        return out.dump();
    }

    void routes() {
        const auto model_route = [this](const std::string& engine) {
            return [this, engine](const httplib::Request& req, httplib::Response& res) {
                model_request(req, res, engine, "");
            };
        };
        server.Post("/v1/chat/completions", model_route("openai"));
        server.Post("/chat/completions", model_route("openai"));
        server.Post("/v1/completions", model_route("openai-completions"));
        server.Post("/completions", model_route("openai-completions"));
        server.Post("/v1/messages", model_route("anthropic"));
        server.Post("/completion", model_route("llama.cpp"));
        server.Post(R"((/v1beta)?/models/([^/:]+):generateContent)",
                    [this](const httplib::Request& req, httplib::Response& res) {
                        model_request(req, res, "gemini", req.matches[2].str());
                    });
        server.Get("/health", [this](const httplib::Request&, httplib::Response& res) {
            if (hung_for_good()) {
                wait(-1.0);
                close_after(res, "", 1);
                return;
            }
            res.set_content(R"({"status":"ok"})", json_type);
        });
        server.Get("/v1/models", [this](const httplib::Request& req, httplib::Response& res) {
            const std::string auth = req.get_header_value("Authorization");
            if (!config.required_api_key.empty() && auth != "Bearer " + config.required_api_key) {
                res.status = 401;
                res.set_content(R"({"error":{"message":"Incorrect API key provided","type":"authentication_error"}})",
                                json_type);
                return;
            }
            if (hung_for_good()) {
                wait(-1.0);
                close_after(res, "", 1);
                return;
            }
            const json body = {{"object", "list"},
                               {"data", json::array({{{"id", config.model_name}, {"object", "model"}}})}};
            res.set_content(body.dump(), json_type);
        });
        // Gemini's model lookup, as its API answers it.
        server.Get(R"((/v1beta)?/models/([^/:]+))", [this](const httplib::Request& req, httplib::Response& res) {
            const std::string model = req.matches[2].str();
            if (config.reject_unknown_models && model != config.model_name) {
                res.status = 404;
                res.set_content(R"({"error":{"code":404,"message":"model not found","status":"NOT_FOUND"}})",
                                json_type);
                return;
            }
            res.set_content(json{{"name", "models/" + model}}.dump(), json_type);
        });
        server.Get("/stats",
                   [this](const httplib::Request&, httplib::Response& res) { res.set_content(stats(), json_type); });
    }
};

fake_server::fake_server(fake_server_config config) : impl_(std::make_unique<impl>(std::move(config))) {}

fake_server::~fake_server() {
    stop();
}

result<int> fake_server::start() {
    if (impl_->listener.joinable()) {
        return impl_->port;
    }
    auto& server = impl_->server;
    server.new_task_queue = [] { return new httplib::ThreadPool(thread_pool_size); };
    server.set_keep_alive_timeout(1);
    // As real inference servers do: without it, Nagle and delayed ACKs hold a
    // reply on a kept-alive connection for ~40 ms.
    server.set_tcp_nodelay(true);
    server.set_read_timeout(5);
    server.set_write_timeout(5);
    server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        res.status = 500;
        res.set_content(R"({"error":{"message":"the responder threw"}})", json_type);
    });
    impl_->routes();
    // The packaged library listens with a backlog of 5, so a burst of clients
    // would see dropped SYNs and one-second retransmits; the socket is noted
    // here and listen() is called again below with a deeper queue.
    socket_t bound_socket = INVALID_SOCKET;
    server.set_socket_options([&bound_socket](socket_t sock) {
        httplib::default_socket_options(sock);
        bound_socket = sock;
    });
    if (impl_->config.port == 0) {
        impl_->port = server.bind_to_any_port("127.0.0.1");
        if (impl_->port <= 0) {
            return error{"fake server: cannot bind 127.0.0.1"};
        }
    } else {
        if (!server.bind_to_port("127.0.0.1", impl_->config.port)) {
            return error{"fake server: cannot bind 127.0.0.1:" + std::to_string(impl_->config.port)};
        }
        impl_->port = impl_->config.port;
    }
    if (bound_socket != INVALID_SOCKET) {
        ::listen(bound_socket, listen_backlog);
    }
    impl_->listener = std::thread([this] {
        impl_->server.listen_after_bind();
        impl_->listener_done = true;
    });
    const auto deadline = std::chrono::steady_clock::now() + start_wait_limit;
    while (!server.is_running()) {
        if (impl_->listener_done || std::chrono::steady_clock::now() > deadline) {
            stop();
            return error{"fake server: the listener did not start"};
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return impl_->port;
}

void fake_server::stop() {
    {
        std::lock_guard lock(impl_->mutex);
        impl_->stopping = true;
    }
    impl_->stop_signal.notify_all();
    if (impl_->listener.joinable()) {
        // httplib's stop() is a no-op until listen_after_bind has marked itself running.
        while (!impl_->server.is_running() && !impl_->listener_done) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        impl_->server.stop();
        impl_->listener.join();
    }
}

int fake_server::port() const {
    return impl_->port;
}

std::string fake_server::base_url() const {
    return "http://127.0.0.1:" + std::to_string(impl_->port);
}

std::vector<fake_request> fake_server::requests() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->requests;
}

std::size_t fake_server::request_count() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->requests.size();
}

std::string fake_server::stats_json() const {
    return impl_->stats();
}

}  // namespace eqb::test
