#include "client/chat-client.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

#include "client/http-transport.hpp"
#include "client/instruction-template.hpp"
#include "client/wire-format.hpp"
#include "core/secret.hpp"

namespace eqb {

namespace {

constexpr std::size_t error_body_excerpt_chars = 300;
// A server may echo a rejected key in its error; answers (data) are never touched.
void redact(chat_response& response, const std::string& api_key) {
    response.error = secret_redact(response.error, api_key);
    if (response.status != transport_status::OK && response.status != transport_status::THOUGHT_TRUNCATED) {
        response.raw_body = secret_redact(response.raw_body, api_key);
    }
}

std::string body_excerpt(const std::string& body) {
    if (body.size() <= error_body_excerpt_chars) {
        return body;
    }
    return body.substr(0, error_body_excerpt_chars) + "...";
}

class http_chat_client final : public chat_client {
  public:
    http_chat_client(endpoint_config config, std::optional<instruction_template> tmpl)
        : config_(std::move(config)), template_(std::move(tmpl)) {}

    chat_response send(const chat_request& request, const cancel_flag& cancel) const override {
        wire_fields sent = fields();
        chat_response response = send_once(request, cancel, sent);
        // An endpoint that refuses max_tokens or temperature (an OpenAI-style
        // reasoning model behind a proxy) gets the accepted fields from then on,
        // and the refused request is sent again. Other threads may have learnt
        // the same meanwhile: the notice goes with the request that learnt it.
        std::vector<std::string> notices;
        for (int adapted = 0; adapted < max_field_adaptations && response.status == transport_status::CLIENT_ERROR &&
                              response.http_status == http_bad_request;
             ++adapted) {
            const wire_fields refused = wire_fields_refused(response.raw_body, sent);
            if (refused.max_completion_tokens == sent.max_completion_tokens &&
                refused.no_temperature == sent.no_temperature) {
                break;
            }
            if (refused.max_completion_tokens && !max_completion_tokens_.exchange(true)) {
                notices.push_back(config_.base_url + " refused max_tokens: sending max_completion_tokens from now on");
            }
            if (refused.no_temperature && !no_temperature_.exchange(true)) {
                notices.push_back(config_.base_url +
                                  " refused temperature: sending none from now on (the server's default); answers "
                                  "asked again are plain resamples, not the reference's higher-temperature retries");
            }
            sent = fields();
            response = send_once(request, cancel, sent);
        }
        response.notices = std::move(notices);
        return response;
    }

    const endpoint_config& endpoint() const override { return config_; }

  private:
    static constexpr int max_field_adaptations = 2;  // max_tokens, then temperature
    static constexpr int http_bad_request = 400;

    wire_fields fields() const { return wire_fields{max_completion_tokens_.load(), no_temperature_.load()}; }

    chat_response send_once(const chat_request& request, const cancel_flag& cancel, wire_fields fields) const {
        chat_response response;
        auto wire = wire_request_build(config_, template_ ? &*template_ : nullptr, request, fields);
        if (!wire) {
            response.status = transport_status::CLIENT_ERROR;
            response.error = wire.err().message;
            return response;
        }
        http_post_request post;
        post.url = wire->url;
        post.headers = std::move(wire->headers);
        post.body = std::move(wire->body);
        response.request_body = post.body;
        post.timeout_s = config_.timeout_s;
        post.connect_timeout_s = config_.connect_timeout_s;

        http_post_reply reply = http_post(post, cancel);
        response.http_status = reply.http_status;
        response.raw_body = std::move(reply.body);
        response.retry_after_s = reply.retry_after_s;
        response.latency_s = reply.latency_s;
        if (reply.status != transport_status::OK) {
            response.status = reply.status;
            response.error = reply.error + " (POST " + post.url + ")";
        } else if (const transport_status by_code = http_status_classify(reply.http_status);
                   by_code != transport_status::OK) {
            response.status = by_code;
            response.error = "HTTP " + std::to_string(reply.http_status) + " from POST " + post.url + ": " +
                             body_excerpt(response.raw_body);
        } else {
            wire_answer answer = wire_answer_parse(config_.engine, response.raw_body);
            response.status = answer.status;
            response.usage = answer.usage;
            response.content = std::move(answer.content);
            response.thought = std::move(answer.thought);
            if (answer.status != transport_status::OK) {
                response.error = answer.error + " (POST " + post.url + ")";
            }
        }
        redact(response, config_.api_key);
        return response;
    }

    endpoint_config config_;
    std::optional<instruction_template> template_;
    // What this endpoint refused so far (shared by every thread using the client).
    mutable std::atomic<bool> max_completion_tokens_{false};
    mutable std::atomic<bool> no_temperature_{false};
};

}  // namespace

std::optional<engine_kind> engine_kind_from_string(const std::string& name) {
    std::string key = name;
    std::transform(key.begin(), key.end(), key.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const std::pair<const char*, engine_kind> names[] = {
        {"openai", engine_kind::OPENAI},
        {"mistralai", engine_kind::MISTRAL},
        {"openai-completions", engine_kind::OPENAI_COMPLETIONS},
        {"anthropic", engine_kind::ANTHROPIC},
        {"gemini", engine_kind::GEMINI},
        {"llama.cpp", engine_kind::LLAMA_CPP},
        {"ooba", engine_kind::OOBA},
    };
    for (const auto& [text, kind] : names) {
        if (key == text) {
            return kind;
        }
    }
    return std::nullopt;
}

const char* engine_kind_name(engine_kind kind) {
    switch (kind) {
        case engine_kind::OPENAI:
            return "openai";
        case engine_kind::OPENAI_COMPLETIONS:
            return "openai-completions";
        case engine_kind::ANTHROPIC:
            return "anthropic";
        case engine_kind::GEMINI:
            return "gemini";
        case engine_kind::LLAMA_CPP:
            return "llama.cpp";
        case engine_kind::OOBA:
            return "ooba";
        case engine_kind::MISTRAL:
            return "mistralai";
    }
    return "unknown";
}

std::string endpoint_default_base_url(engine_kind kind) {
    switch (kind) {
        case engine_kind::OPENAI:
        case engine_kind::OPENAI_COMPLETIONS:
            return "https://api.openai.com/v1";
        case engine_kind::MISTRAL:
            return "https://api.mistral.ai/v1";
        case engine_kind::ANTHROPIC:
            return "https://api.anthropic.com";
        case engine_kind::GEMINI:
            return "https://generativelanguage.googleapis.com/v1beta";
        case engine_kind::LLAMA_CPP:
            return "http://127.0.0.1:8080";
        case engine_kind::OOBA:
            return "http://127.0.0.1:5000";
    }
    return "";
}

const char* transport_status_name(transport_status status) {
    switch (status) {
        case transport_status::OK:
            return "OK";
        case transport_status::CONNECT_ERROR:
            return "CONNECT_ERROR";
        case transport_status::TIMEOUT:
            return "TIMEOUT";
        case transport_status::HTTP_ERROR:
            return "HTTP_ERROR";
        case transport_status::RATE_LIMITED:
            return "RATE_LIMITED";
        case transport_status::CLIENT_ERROR:
            return "CLIENT_ERROR";
        case transport_status::MALFORMED:
            return "MALFORMED";
        case transport_status::EMPTY_CONTENT:
            return "EMPTY_CONTENT";
        case transport_status::THOUGHT_TRUNCATED:
            return "THOUGHT_TRUNCATED";
        case transport_status::CANCELLED:
            return "CANCELLED";
    }
    return "UNKNOWN";
}

std::string engine_api_key_env(const std::string& engine_name) {
    if (engine_name == "anthropic") {
        return "ANTHROPIC_API_KEY";
    }
    if (engine_name == "gemini") {
        return "GEMINI_API_KEY";
    }
    if (engine_name == "mistralai") {
        return "MISTRAL_API_KEY";
    }
    return "OPENAI_API_KEY";
}

bool openai_completion_model(const std::string& model) {
    static constexpr std::string_view models[] = {
        "text-davinci-003",
        "text-davinci-002",
        "text-davinci-001",
        "text-curie-001",
        "text-babbage-001",
        "text-ada-001",
        "davinci-instruct-beta",
        "davinci",
        "curie-instruct-beta",
        "curie",
        "babbage",
        "ada",
        "gpt-3.5-turbo-instruct-0914",
        "gpt-3.5-turbo-instruct",
        "babbage-002",
        "davinci-002",
    };
    return std::find(std::begin(models), std::end(models), model) != std::end(models);
}

bool openai_reasoning_model(const std::string& given) {
    std::string model = given;
    if (const auto slash = model.rfind('/'); slash != std::string::npos) {
        model.erase(0, slash + 1);  // "openai/o3-mini" on a router names the same model
    }
    for (const char* family : {"o1", "o3", "o4"}) {
        const std::string f = family;
        if (model == f || model.rfind(f + "-", 0) == 0) {
            return true;
        }
    }
    return model.rfind("gpt-5", 0) == 0;
}

bool openai_api_url(const std::string& base_url) {
    return base_url.rfind("https://api.openai.com", 0) == 0;
}

endpoint_config endpoint_resolve(const endpoint_config& config) {
    endpoint_config resolved = config;
    if (resolved.base_url.empty()) {
        resolved.base_url = endpoint_default_base_url(resolved.engine);
    }
    if (resolved.engine == engine_kind::OPENAI && openai_completion_model(resolved.model)) {
        std::string base = resolved.base_url;
        while (!base.empty() && base.back() == '/') {
            base.pop_back();
        }
        if (base == "https://api.openai.com/v1") {
            resolved.engine = engine_kind::OPENAI_COMPLETIONS;
        }
    }
    return resolved;
}

endpoint_probe_result endpoint_probe(const endpoint_config& given, double timeout_s) {
    const endpoint_config config = endpoint_resolve(given);
    std::string base = config.base_url;
    while (!base.empty() && base.back() == '/') {
        base.pop_back();
    }
    const bool ends_v1 = base.size() >= 3 && base.compare(base.size() - 3, 3, "/v1") == 0;
    http_post_request get;
    get.timeout_s = timeout_s;
    get.connect_timeout_s = timeout_s;
    switch (config.engine) {
        case engine_kind::OPENAI:
        case engine_kind::OPENAI_COMPLETIONS:
        case engine_kind::MISTRAL:
            get.url = base + "/models";
            break;
        case engine_kind::OOBA:
        case engine_kind::ANTHROPIC:
            get.url = base + (ends_v1 ? "/models" : "/v1/models");
            break;
        case engine_kind::GEMINI: {
            std::string model = config.model;
            if (model.rfind("models/", 0) == 0) {
                model.erase(0, 7);
            }
            get.url = base + "/models/" + model;
            break;
        }
        case engine_kind::LLAMA_CPP:
            get.url = base + "/health";
            break;
    }
    if (!config.api_key.empty()) {
        switch (config.engine) {
            case engine_kind::ANTHROPIC:
                get.headers.push_back("x-api-key: " + config.api_key);
                get.headers.push_back("anthropic-version: 2023-06-01");
                break;
            case engine_kind::GEMINI:
                get.headers.push_back("x-goog-api-key: " + config.api_key);
                break;
            default:
                get.headers.push_back("Authorization: Bearer " + config.api_key);
                break;
        }
    }
    const cancel_flag never{false};
    const http_post_reply reply = http_get(get, never);
    endpoint_probe_result out;
    out.http_status = reply.http_status;
    if (reply.status == transport_status::CONNECT_ERROR) {
        out.permanent_failure = true;
        out.problem = "cannot reach " + config.base_url + ": " + secret_redact(reply.error, config.api_key);
        return out;
    }
    if (reply.status != transport_status::OK) {
        return out;  // a slow or odd answer: the run's own retries decide
    }
    if (reply.http_status == 401 || reply.http_status == 403) {
        out.permanent_failure = true;
        out.problem = config.base_url + ": unauthorized (HTTP " + std::to_string(reply.http_status) + ")";
        return out;
    }
    if (config.engine == engine_kind::GEMINI && reply.http_status == 404) {
        out.permanent_failure = true;
        out.problem = config.base_url + ": model '" + config.model + "' not found";
        return out;
    }
    if (reply.http_status < 200 || reply.http_status > 299) {
        return out;  // no such probe path on this server: not a failure
    }
    // An OpenAI-style list: {"data": [{"id": ...}]} (ollama and vLLM; Anthropic's too).
    out.models = wire_model_list(reply.body);
    return out;
}

result<std::unique_ptr<chat_client>> chat_client_create(const endpoint_config& config) {
    endpoint_config resolved = endpoint_resolve(config);
    if (!(resolved.timeout_s > 0.0) || !(resolved.connect_timeout_s > 0.0)) {
        return error{"endpoint " + resolved.base_url + ": timeouts must be positive"};
    }
    std::optional<instruction_template> tmpl;
    const bool completions_with_template =
        resolved.engine == engine_kind::OPENAI_COMPLETIONS && !resolved.instruction_template_path.empty();
    if (resolved.engine == engine_kind::LLAMA_CPP || completions_with_template) {
        if (resolved.instruction_template_path.empty()) {
            return error{
                "the llama.cpp engine needs an instruction template (a YAML file) to build its prompt; "
                "or use the openai engine against llama.cpp's /v1 chat endpoint"};
        }
        auto loaded = instruction_template_load(resolved.instruction_template_path);
        if (!loaded) {
            return loaded.err();
        }
        tmpl = std::move(*loaded);
    }
    return std::unique_ptr<chat_client>(std::make_unique<http_chat_client>(std::move(resolved), std::move(tmpl)));
}

}  // namespace eqb
