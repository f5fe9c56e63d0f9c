#include "client/wire-format.hpp"

#include <nlohmann/json.hpp>

#include <utility>

#include "client/thought-split.hpp"

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

bool is_text(const json* value) {
    return value != nullptr && value->is_string();
}

// The answer after its thought: a thought from the response's own field
// (`field_thought`) and one inside the text are both kept apart. A thought
// that never ended, or an empty answer after a thought the output limit cut
// (`cut_by_limit`), is THOUGHT_TRUNCATED: the thought is never read as the answer.
wire_answer answer_with_thought(std::optional<std::string> content, std::string field_thought, bool cut_by_limit,
                                token_usage usage, std::string empty_reason) {
    thought_split_result split;
    if (content) {
        split = thought_split(*content);
    }
    std::string thought = std::move(field_thought);
    if (!split.thought.empty()) {
        thought += (thought.empty() ? "" : "\n\n") + split.thought;
    }
    const bool thought_seen = !thought.empty() || !split.format.empty() || usage.reasoning_tokens > 0;
    if (split.unterminated || (split.answer.empty() && thought_seen && cut_by_limit)) {
        wire_answer answer;
        answer.status = transport_status::THOUGHT_TRUNCATED;
        answer.usage = usage;
        answer.thought = std::move(thought);
        answer.error = "the output limit ended the answer inside the model's thought";
        return answer;
    }
    wire_answer answer = answer_from(content ? std::optional<std::string>(std::move(split.answer)) : std::nullopt,
                                     usage, thought_seen ? "the model gave a thought and no answer" : empty_reason);
    answer.thought = std::move(thought);
    return answer;
}

wire_answer malformed(const std::string& what, const std::string& body) {
    return wire_answer{transport_status::MALFORMED, "", "", {}, what + ": " + excerpt(body)};
}

// Some servers answer 200 with {"error": ...}; that is the server failing, not the model.
std::optional<wire_answer> reported_error(const json& root) {
    const json* err = member(root, "error");
    if (err == nullptr || err->is_null()) {
        return std::nullopt;
    }
    const json* message = member(*err, "message");
    const std::string text = message != nullptr && message->is_string() ? message->get<std::string>() : err->dump();
    return wire_answer{transport_status::HTTP_ERROR, "", "", {}, "the server reported an error: " + excerpt(text)};
}

bool finish_is(const json& object, const char* key, const char* value) {
    const json* finish = member(object, key);
    return is_text(finish) && finish->get<std::string>() == value;
}

// prompt_tokens, completion_tokens and completion_tokens_details.reasoning_tokens.
token_usage openai_usage(const json& root) {
    const json* usage = member(root, "usage");
    if (usage == nullptr) {
        return {};
    }
    const json* details = member(*usage, "completion_tokens_details");
    return {count_at(*usage, "prompt_tokens"), count_at(*usage, "completion_tokens"),
            details != nullptr ? count_at(*details, "reasoning_tokens") : 0};
}

// The thought in its own field: reasoning_content (llama.cpp, SGLang, older
// vLLM), reasoning (vLLM, ollama, OpenRouter), else reasoning_details' texts
// (OpenRouter sends it beside `reasoning`, with the same text).
std::string openai_field_thought(const json& message) {
    for (const char* key : {"reasoning_content", "reasoning"}) {
        if (const json* field = member(message, key); is_text(field) && !field->get<std::string>().empty()) {
            return field->get<std::string>();
        }
    }
    std::string out;
    const json* details = member(message, "reasoning_details");
    if (details != nullptr && details->is_array()) {
        for (const auto& part : *details) {
            for (const char* key : {"text", "summary"}) {
                if (const json* text = member(part, key); is_text(text)) {
                    out += (out.empty() ? "" : "\n\n") + text->get<std::string>();
                    break;
                }
            }
        }
    }
    return out;
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
    const token_usage tokens = openai_usage(root);
    const json* content = member(*message, "content");
    std::optional<std::string> text = content != nullptr ? text_of(*content) : std::nullopt;
    if (content != nullptr && !content->is_null() && !text) {
        return malformed("choices[0].message.content is not text", body);
    }
    std::string reason = "the response has no text";
    if (const json* refusal = member(*message, "refusal"); refusal != nullptr && refusal->is_string()) {
        reason = "the model refused: " + excerpt(refusal->get<std::string>());
    }
    return answer_with_thought(std::move(text), openai_field_thought(*message),
                               finish_is(*choice, "finish_reason", "length"), tokens, reason);
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
    return answer_with_thought(text->get<std::string>(), "", finish_is(*choice, "finish_reason", "length"),
                               openai_usage(root), "the response has no text");
}

wire_answer anthropic_parse(const json& root, const std::string& body) {
    const json* content = member(root, "content");
    if (content == nullptr || !content->is_array()) {
        if (auto err = reported_error(root)) {
            return *err;
        }
        return malformed("no content array in the response", body);
    }
    // Thinking blocks come before the text blocks; the answer is the text blocks joined.
    std::string text;
    std::string thought;
    for (const auto& block : *content) {
        const json* type = member(block, "type");
        if (!is_text(type)) {
            continue;
        }
        const std::string kind = type->get<std::string>();
        if (const json* block_text = member(block, "text"); kind == "text" && is_text(block_text)) {
            text += block_text->get<std::string>();
        } else if (const json* thinking = member(block, "thinking"); kind == "thinking" && is_text(thinking)) {
            thought += (thought.empty() ? "" : "\n\n") + thinking->get<std::string>();
        } else if (kind == "redacted_thinking") {
            thought += (thought.empty() ? "" : "\n\n") + std::string("[redacted thinking]");
        }
    }
    const json* usage = member(root, "usage");
    const token_usage tokens{usage ? count_at(*usage, "input_tokens") : 0,
                             usage ? count_at(*usage, "output_tokens") : 0};
    std::string reason = "the response has no text blocks";
    if (const json* stop = member(root, "stop_reason"); stop != nullptr && stop->is_string()) {
        reason += " (stop_reason " + stop->get<std::string>() + ")";
    }
    return answer_with_thought(std::move(text), std::move(thought), finish_is(root, "stop_reason", "max_tokens"),
                               tokens, reason);
}

wire_answer gemini_parse(const json& root, const std::string& body) {
    const json* usage = member(root, "usageMetadata");
    // Thought tokens are output too (and billed), though candidatesTokenCount leaves them out.
    const long thoughts = usage ? count_at(*usage, "thoughtsTokenCount") : 0;
    const token_usage tokens{usage ? count_at(*usage, "promptTokenCount") : 0,
                             (usage ? count_at(*usage, "candidatesTokenCount") : 0) + thoughts, thoughts};
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
    const bool cut = finish_is(*candidate, "finishReason", "MAX_TOKENS");
    if (parts == nullptr) {
        return answer_with_thought(std::nullopt, "", cut, tokens, reason);
    }
    if (!parts->is_array()) {
        return malformed("candidates[0].content.parts is not an array", body);
    }
    // Parts marked "thought": true are the model's thought, the others its answer.
    std::string text;
    std::string thought;
    bool any_text = false;
    for (const auto& part : *parts) {
        const json* part_text = member(part, "text");
        if (!is_text(part_text)) {
            continue;
        }
        const json* is_thought = member(part, "thought");
        if (is_thought != nullptr && is_thought->is_boolean() && is_thought->get<bool>()) {
            thought += (thought.empty() ? "" : "\n\n") + part_text->get<std::string>();
        } else {
            text += part_text->get<std::string>();
            any_text = true;
        }
    }
    return answer_with_thought(any_text ? std::optional<std::string>(std::move(text)) : std::nullopt,
                               std::move(thought), cut, tokens, reason);
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
    const json* limited = member(root, "stopped_limit");
    const bool cut = limited != nullptr && limited->is_boolean() && limited->get<bool>();
    return answer_with_thought(content->get<std::string>(), "", cut, tokens, "the response has no text");
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

// The output limit with the thinking budget added (reasoning on).
int output_limit(const endpoint_config& config, const chat_request& request) {
    const reasoning_settings r = reasoning_settings_resolved(config.reasoning);
    return request.max_tokens + (r.mode == reasoning_mode::ON ? r.budget : 0);
}

// OpenAI-style sampling fields: the output limit, and the temperature unless
// the endpoint refuses one (the field an OpenAI reasoning model takes on
// OpenAI's API, or what the endpoint's own refusal said).
void openai_limits(ordered& body, const char* limit_key_default, int limit, double temperature,
                   const wire_fields& fields) {
    body[fields.max_completion_tokens ? "max_completion_tokens" : limit_key_default] = limit;
    if (!fields.no_temperature) {
        body["temperature"] = temperature;
    }
}

// What an OpenAI-compatible server is asked about thinking: not to think
// (enable_thinking false in the chat template, or reasoning_effort "none" on
// OpenAI's API), or the effort given.
void openai_reasoning(ordered& body, const endpoint_config& config) {
    const reasoning_settings r = reasoning_settings_resolved(config.reasoning);
    if (r.mode == reasoning_mode::OFF) {
        if (openai_api_url(config.base_url)) {
            if (openai_reasoning_model(config.model)) {
                body["reasoning_effort"] = "none";
            }
        } else {
            body["chat_template_kwargs"] = {{"enable_thinking", false}};
        }
    } else if (r.mode == reasoning_mode::ON && !r.effort.empty()) {
        body["reasoning_effort"] = r.effort;
    }
}

// Each body has the reference's fields in the order its client library sends
// them (run_query.py at v2.4; docs/request-fidelity.md lists every deviation);
// the reasoning fields come after them, and only when asked for.
ordered body_build(const endpoint_config& config, const instruction_template* tmpl, const chat_request& request,
                   const wire_fields& fields) {
    ordered body = ordered::object();
    const reasoning_settings reasoning = reasoning_settings_resolved(config.reasoning);
    const bool thinking = reasoning.mode == reasoning_mode::ON;
    const int limit = output_limit(config, request);
    switch (config.engine) {
        case engine_kind::OPENAI:
            // openai-python: chat.completions.create(model, temperature, max_tokens, messages).
            body["messages"] = chat_messages(request.messages);
            body["model"] = config.model;
            openai_limits(body, "max_tokens", limit, request.temperature, fields);
            if (request.min_p) {
                body["min_p"] = *request.min_p;
            }
            openai_reasoning(body, config);
            break;
        case engine_kind::MISTRAL:
            // run_mistral_query posts this dict as it is written.
            body["model"] = config.model;
            body["messages"] = chat_messages(request.messages);
            body["temperature"] = request.temperature;
            body["max_tokens"] = limit;
            body["stream"] = false;
            break;
        case engine_kind::OOBA:
            // run_ooba_query: instruct mode with the template's name, and user_bio "" (an ooba workaround).
            body["mode"] = "instruct";
            body["messages"] = chat_messages(request.messages);
            body["instruction_template"] = config.instruction_template_path;
            body["max_tokens"] = limit;
            body["temperature"] = request.temperature;
            body["min_p"] = request.min_p.value_or(ooba_reference_min_p);
            body["user_bio"] = "";
            openai_reasoning(body, config);
            break;
        case engine_kind::OPENAI_COMPLETIONS:
            // With a template (the transformers engine served by vLLM), the prompt is
            // formatted as the reference's transformers engine formats it.
            body["model"] = config.model;
            body["prompt"] =
                tmpl != nullptr ? instruction_template_render(*tmpl, request.messages) : joined(request.messages, "");
            openai_limits(body, "max_tokens", limit, request.temperature, fields);
            if (request.min_p) {
                body["min_p"] = *request.min_p;
            }
            break;
        case engine_kind::ANTHROPIC: {
            // anthropic-python: messages.create(model, max_tokens, temperature, system="",
            // messages, stream=False). min_p is not part of the Messages API.
            body["max_tokens"] = limit;
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
            if (thinking) {
                // Extended thinking takes no temperature but 1 (the default, so none is sent).
                body["thinking"] = {{"type", "enabled"}, {"budget_tokens", reasoning.budget}};
            } else {
                body["temperature"] = request.temperature;
            }
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
                {"candidateCount", 1}, {"maxOutputTokens", limit}, {"temperature", request.temperature}};
            if (thinking) {
                body["generationConfig"]["thinkingConfig"] = {{"thinkingBudget", reasoning.budget},
                                                              {"includeThoughts", true}};
            } else if (reasoning.mode == reasoning_mode::OFF) {
                body["generationConfig"]["thinkingConfig"] = {{"thinkingBudget", 0}};
            }
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
            body["n_predict"] = limit;
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

wire_fields wire_fields_refused(const std::string& body, wire_fields fields) {
    const json root = json::parse(body, nullptr, false);
    const json* err = member(root, "error");
    if (err == nullptr) {
        return fields;
    }
    // OpenAI: {"error": {"code": "unsupported_parameter", "param": "max_tokens", "message": ...}}.
    const std::string text = err->dump();
    if (text.find("unsupported_parameter") == std::string::npos &&
        text.find("unsupported_value") == std::string::npos) {
        return fields;
    }
    const json* param = member(*err, "param");
    const std::string named = is_text(param) ? param->get<std::string>() : text;
    if (named.find("max_tokens") != std::string::npos) {
        fields.max_completion_tokens = true;
    }
    if (named.find("temperature") != std::string::npos) {
        fields.no_temperature = true;
    }
    return fields;
}

result<wire_request> wire_request_build(const endpoint_config& config, const instruction_template* tmpl,
                                        const chat_request& request, wire_fields fields) {
    if (config.engine == engine_kind::OPENAI && openai_api_url(config.base_url) &&
        openai_reasoning_model(config.model)) {
        // OpenAI's reasoning models refuse max_tokens and any temperature but 1.
        fields.max_completion_tokens = true;
        fields.no_temperature = true;
    }
    ordered body = body_build(config, tmpl, request, fields);
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
