#include "client/wire-format.hpp"

#include <nlohmann/json.hpp>

#include <utility>

namespace eqb {

namespace {

using json = nlohmann::json;

constexpr const char* anthropic_version = "2023-06-01";
constexpr std::size_t error_excerpt_chars = 300;

bool ends_with(const std::string& text, const std::string& suffix) {
    return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string base_without_slash(std::string base) {
    while (!base.empty() && base.back() == '/') {
        base.pop_back();
    }
    return base;
}

std::string excerpt(const std::string& text) {
    if (text.size() <= error_excerpt_chars) {
        return text;
    }
    return text.substr(0, error_excerpt_chars) + "...";
}

std::string joined(const std::vector<chat_message>& messages, const std::string& role) {
    std::string out;
    for (const auto& message : messages) {
        if (role.empty() || message.role == role) {
            out += out.empty() ? message.content : "\n\n" + message.content;
        }
    }
    return out;
}

// A text field that may be a string or an array of {"text": ...} parts.
std::optional<std::string> text_of(const json& value) {
    if (value.is_string()) {
        return value.get<std::string>();
    }
    if (value.is_array()) {
        std::string out;
        for (const auto& part : value) {
            if (part.is_object() && part.contains("text") && part["text"].is_string()) {
                out += part["text"].get<std::string>();
            }
        }
        return out;
    }
    return std::nullopt;
}

long count_at(const json& object, const char* key) {
    if (!object.is_object() || !object.contains(key) || !object[key].is_number()) {
        return 0;
    }
    return object[key].get<long>();
}

const json* member(const json& object, const char* key) {
    if (!object.is_object()) {
        return nullptr;
    }
    const auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
}

const json* first_element(const json* array) {
    if (array == nullptr || !array->is_array() || array->empty()) {
        return nullptr;
    }
    return &(*array)[0];
}

wire_answer answer_from(std::optional<std::string> content, token_usage usage, std::string empty_reason) {
    wire_answer answer;
    answer.usage = usage;
    if (!content || content->empty()) {
        answer.status = transport_status::EMPTY_CONTENT;
        answer.error = std::move(empty_reason);
        return answer;
    }
    answer.content = std::move(*content);
    return answer;
}

wire_answer malformed(const std::string& what, const std::string& body) {
    return wire_answer{transport_status::MALFORMED, "", {}, what + ": " + excerpt(body)};
}

// Some servers answer 200 with {"error": ...}; that is the server failing, not the model.
std::optional<wire_answer> reported_error(const json& root) {
    const json* err = member(root, "error");
    if (err == nullptr || err->is_null()) {
        return std::nullopt;
    }
    const json* message = member(*err, "message");
    const std::string text = message != nullptr && message->is_string() ? message->get<std::string>() : err->dump();
    return wire_answer{transport_status::HTTP_ERROR, "", {}, "the server reported an error: " + excerpt(text)};
}

wire_answer openai_chat_parse(const json& root, const std::string& body) {
    const json* choice = first_element(member(root, "choices"));
    if (choice == nullptr) {
        if (auto err = reported_error(root)) {
            return *err;
        }
        return malformed("no choices[0] in the response", body);
    }
    const json* message = member(*choice, "message");
    if (message == nullptr || !message->is_object()) {
        return malformed("no choices[0].message in the response", body);
    }
    const json* usage = member(root, "usage");
    const token_usage tokens{usage ? count_at(*usage, "prompt_tokens") : 0,
                             usage ? count_at(*usage, "completion_tokens") : 0};
    const json* content = member(*message, "content");
    std::optional<std::string> text = content != nullptr ? text_of(*content) : std::nullopt;
    if (content != nullptr && !content->is_null() && !text) {
        return malformed("choices[0].message.content is not text", body);
    }
    std::string reason = "the response has no text";
    if (const json* refusal = member(*message, "refusal"); refusal != nullptr && refusal->is_string()) {
        reason = "the model refused: " + excerpt(refusal->get<std::string>());
    }
    return answer_from(std::move(text), tokens, reason);
}

wire_answer openai_completions_parse(const json& root, const std::string& body) {
    const json* choice = first_element(member(root, "choices"));
    if (choice == nullptr) {
        if (auto err = reported_error(root)) {
            return *err;
        }
        return malformed("no choices[0] in the response", body);
    }
    const json* text = member(*choice, "text");
    if (text == nullptr || !text->is_string()) {
        return malformed("no choices[0].text in the response", body);
    }
    const json* usage = member(root, "usage");
    const token_usage tokens{usage ? count_at(*usage, "prompt_tokens") : 0,
                             usage ? count_at(*usage, "completion_tokens") : 0};
    return answer_from(text->get<std::string>(), tokens, "the response has no text");
}

wire_answer anthropic_parse(const json& root, const std::string& body) {
    const json* content = member(root, "content");
    if (content == nullptr || !content->is_array()) {
        if (auto err = reported_error(root)) {
            return *err;
        }
        return malformed("no content array in the response", body);
    }
    std::string text;
    for (const auto& block : *content) {
        const json* type = member(block, "type");
        const json* block_text = member(block, "text");
        if (type != nullptr && *type == "text" && block_text != nullptr && block_text->is_string()) {
            text += block_text->get<std::string>();
        }
    }
    const json* usage = member(root, "usage");
    const token_usage tokens{usage ? count_at(*usage, "input_tokens") : 0,
                             usage ? count_at(*usage, "output_tokens") : 0};
    std::string reason = "the response has no text blocks";
    if (const json* stop = member(root, "stop_reason"); stop != nullptr && stop->is_string()) {
        reason += " (stop_reason " + stop->get<std::string>() + ")";
    }
    return answer_from(std::move(text), tokens, reason);
}

wire_answer gemini_parse(const json& root, const std::string& body) {
    const json* usage = member(root, "usageMetadata");
    const token_usage tokens{usage ? count_at(*usage, "promptTokenCount") : 0,
                             usage ? count_at(*usage, "candidatesTokenCount") : 0};
    const json* candidate = first_element(member(root, "candidates"));
    if (candidate == nullptr) {
        if (auto err = reported_error(root)) {
            return *err;
        }
        const json* feedback = member(root, "promptFeedback");
        const json* reason = feedback != nullptr ? member(*feedback, "blockReason") : nullptr;
        if (reason != nullptr && reason->is_string()) {
            return answer_from(std::nullopt, tokens, "the prompt was blocked: " + reason->get<std::string>());
        }
        return malformed("no candidates[0] in the response", body);
    }
    std::string reason = "the response has no text";
    if (const json* finish = member(*candidate, "finishReason"); finish != nullptr && finish->is_string()) {
        reason += " (finishReason " + finish->get<std::string>() + ")";
    }
    const json* content = member(*candidate, "content");
    const json* parts = content != nullptr ? member(*content, "parts") : nullptr;
    if (parts == nullptr) {
        return answer_from(std::nullopt, tokens, reason);
    }
    if (!parts->is_array()) {
        return malformed("candidates[0].content.parts is not an array", body);
    }
    return answer_from(text_of(*parts), tokens, reason);
}

wire_answer llama_cpp_parse(const json& root, const std::string& body) {
    const json* content = member(root, "content");
    if (content == nullptr || !content->is_string()) {
        if (auto err = reported_error(root)) {
            return *err;
        }
        return malformed("no content string in the response", body);
    }
    const token_usage tokens{count_at(root, "tokens_evaluated"), count_at(root, "tokens_predicted")};
    return answer_from(content->get<std::string>(), tokens, "the response has no text");
}

using ordered = nlohmann::ordered_json;

ordered chat_messages(const std::vector<chat_message>& messages) {
    ordered out = ordered::array();
    for (const auto& message : messages) {
        out.push_back({{"role", message.role}, {"content", message.content}});
    }
    return out;
}

// The reference's text-generation-webui request always carries min_p 0.1
// (run_ooba_query); a request that sets its own wins.
constexpr double ooba_reference_min_p = 0.1;

// The safety settings the reference's Gemini engine sends: nothing blocked.
constexpr const char* gemini_harm_categories[] = {"HARM_CATEGORY_HARASSMENT", "HARM_CATEGORY_HATE_SPEECH",
                                                  "HARM_CATEGORY_SEXUALLY_EXPLICIT", "HARM_CATEGORY_DANGEROUS_CONTENT"};

// Each body has the reference's fields in the order its client library sends
// them (run_query.py at v2.4; docs/request-fidelity.md lists every deviation).
ordered body_build(const endpoint_config& config, const instruction_template* tmpl, const chat_request& request) {
    ordered body = ordered::object();
    switch (config.engine) {
        case engine_kind::OPENAI:
            // openai-python: chat.completions.create(model, temperature, max_tokens, messages).
            body["messages"] = chat_messages(request.messages);
            body["model"] = config.model;
            body["max_tokens"] = request.max_tokens;
            body["temperature"] = request.temperature;
            if (request.min_p) {
                body["min_p"] = *request.min_p;
            }
            break;
        case engine_kind::MISTRAL:
            // run_mistral_query posts this dict as it is written.
            body["model"] = config.model;
            body["messages"] = chat_messages(request.messages);
            body["temperature"] = request.temperature;
            body["max_tokens"] = request.max_tokens;
            body["stream"] = false;
            break;
        case engine_kind::OOBA:
            // run_ooba_query: instruct mode with the template's name, and user_bio "" (an ooba workaround).
            body["mode"] = "instruct";
            body["messages"] = chat_messages(request.messages);
            body["instruction_template"] = config.instruction_template_path;
            body["max_tokens"] = request.max_tokens;
            body["temperature"] = request.temperature;
            body["min_p"] = request.min_p.value_or(ooba_reference_min_p);
            body["user_bio"] = "";
            break;
        case engine_kind::OPENAI_COMPLETIONS:
            // With a template (the transformers engine served by vLLM), the prompt is
            // formatted as the reference's transformers engine formats it.
            body["model"] = config.model;
            body["prompt"] =
                tmpl != nullptr ? instruction_template_render(*tmpl, request.messages) : joined(request.messages, "");
            body["max_tokens"] = request.max_tokens;
            body["temperature"] = request.temperature;
            if (request.min_p) {
                body["min_p"] = *request.min_p;
            }
            break;
        case engine_kind::ANTHROPIC: {
            // anthropic-python: messages.create(model, max_tokens, temperature, system="",
            // messages, stream=False). min_p is not part of the Messages API.
            body["max_tokens"] = request.max_tokens;
            ordered messages = ordered::array();
            for (const auto& message : request.messages) {
                if (message.role != "system") {
                    messages.push_back({{"role", message.role}, {"content", message.content}});
                }
            }
            body["messages"] = std::move(messages);
            body["model"] = config.model;
            body["stream"] = false;
            body["system"] = joined(request.messages, "system");
            body["temperature"] = request.temperature;
            break;
        }
        case engine_kind::GEMINI: {
            // google-generativeai: generate_content(prompt, GenerationConfig(candidate_count=1,
            // max_output_tokens, temperature), safety_settings=BLOCK_NONE x 4).
            ordered contents = ordered::array();
            for (const auto& message : request.messages) {
                if (message.role != "system") {
                    const char* role = message.role == "assistant" ? "model" : "user";
                    contents.push_back({{"parts", ordered::array({{{"text", message.content}}})}, {"role", role}});
                }
            }
            body["contents"] = std::move(contents);
            const std::string system = joined(request.messages, "system");
            if (!system.empty()) {
                body["systemInstruction"] = {{"parts", ordered::array({{{"text", system}}})}};
            }
            body["generationConfig"] = {
                {"candidateCount", 1}, {"maxOutputTokens", request.max_tokens}, {"temperature", request.temperature}};
            ordered safety = ordered::array();
            for (const char* category : gemini_harm_categories) {
                safety.push_back({{"category", category}, {"threshold", "BLOCK_NONE"}});
            }
            body["safetySettings"] = std::move(safety);
            break;
        }
        case engine_kind::LLAMA_CPP:
            // run_llamacpp_query: prompt, n_predict, temperature and nothing else.
            body["prompt"] =
                tmpl != nullptr ? instruction_template_render(*tmpl, request.messages) : joined(request.messages, "");
            body["n_predict"] = request.max_tokens;
            body["temperature"] = request.temperature;
            if (request.min_p) {
                body["min_p"] = *request.min_p;
            }
            break;
    }
    return body;
}

}  // namespace

std::vector<std::string> wire_model_list(const std::string& body) {
    std::vector<std::string> out;
    const json root = json::parse(body, nullptr, false);
    const json* data = member(root, "data");
    if (data == nullptr || !data->is_array()) {
        return out;
    }
    for (const auto& m : *data) {
        if (const json* id = member(m, "id"); id != nullptr && id->is_string()) {
            out.push_back(id->get<std::string>());
        }
    }
    return out;
}

std::string wire_url(const endpoint_config& config) {
    const std::string base = base_without_slash(config.base_url);
    switch (config.engine) {
        case engine_kind::OPENAI:
        case engine_kind::MISTRAL:
            return base + "/chat/completions";
        case engine_kind::OPENAI_COMPLETIONS:
            return base + "/completions";
        case engine_kind::ANTHROPIC:
            return base + (ends_with(base, "/v1") ? "/messages" : "/v1/messages");
        case engine_kind::GEMINI: {
            std::string model = config.model;
            if (model.rfind("models/", 0) == 0) {
                model.erase(0, std::string("models/").size());
            }
            return base + "/models/" + model + ":generateContent";
        }
        case engine_kind::LLAMA_CPP:
            return base + "/completion";
        case engine_kind::OOBA:
            return base + (ends_with(base, "/v1") ? "/chat/completions" : "/v1/chat/completions");
    }
    return base;
}

result<wire_request> wire_request_build(const endpoint_config& config, const instruction_template* tmpl,
                                        const chat_request& request) {
    ordered body = body_build(config, tmpl, request);
    if (!request.extra_body_json.empty()) {
        ordered extra = ordered::parse(request.extra_body_json, nullptr, false);
        if (extra.is_discarded() || !extra.is_object()) {
            return error{"extra_body_json is not a JSON object"};
        }
        // RFC 7386: nested objects merge (generationConfig), null removes a field.
        body.merge_patch(extra);
    }

    wire_request out;
    out.url = wire_url(config);
    out.headers = {"Content-Type: application/json", "Accept: application/json",
                   // No "Expect: 100-continue" round trip before larger bodies.
                   "Expect:"};
    if (!config.api_key.empty()) {
        switch (config.engine) {
            case engine_kind::ANTHROPIC:
                out.headers.push_back("x-api-key: " + config.api_key);
                break;
            case engine_kind::GEMINI:
                // In a header, never in the URL, so it cannot reach a log line.
                out.headers.push_back("x-goog-api-key: " + config.api_key);
                break;
            default:
                out.headers.push_back("Authorization: Bearer " + config.api_key);
                break;
        }
    }
    if (config.engine == engine_kind::ANTHROPIC) {
        out.headers.push_back(std::string("anthropic-version: ") + anthropic_version);
    }
    out.body = body.dump(-1, ' ', false, ordered::error_handler_t::replace);
    return out;
}

wire_answer wire_answer_parse(engine_kind engine, const std::string& body) {
    const json root = json::parse(body, nullptr, false);
    if (root.is_discarded()) {
        return malformed("the response is not JSON", body);
    }
    if (!root.is_object()) {
        return malformed("the response is not a JSON object", body);
    }
    switch (engine) {
        case engine_kind::OPENAI:
        case engine_kind::OOBA:
        case engine_kind::MISTRAL:
            return openai_chat_parse(root, body);
        case engine_kind::OPENAI_COMPLETIONS:
            return openai_completions_parse(root, body);
        case engine_kind::ANTHROPIC:
            return anthropic_parse(root, body);
        case engine_kind::GEMINI:
            return gemini_parse(root, body);
        case engine_kind::LLAMA_CPP:
            return llama_cpp_parse(root, body);
    }
    return malformed("unknown engine", body);
}

}  // namespace eqb
