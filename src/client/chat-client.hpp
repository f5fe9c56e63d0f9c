#pragma once
// One interface for every model server eqbench talks to. Wire formats (JSON,
// HTTP headers) stay inside the implementations; callers see these types only.

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/reasoning.hpp"
#include "core/result.hpp"

namespace eqb {

enum class engine_kind {
    OPENAI,  // OpenAI-compatible chat (OpenAI, vLLM, llama.cpp server, ollama, LM Studio, OpenRouter, Mistral)
    OPENAI_COMPLETIONS,  // OpenAI legacy /v1/completions with a raw prompt
    ANTHROPIC,           // Anthropic Messages API
    GEMINI,              // Google Gemini generateContent
    LLAMA_CPP,           // llama.cpp server /completion with a prompt built from an instruction template
    OOBA,                // text-generation-webui: OpenAI-compatible chat, mode instruct
    MISTRAL,             // Mistral's chat completions API (the reference's "mistralai": stream false)
};

// Parses "openai", "openai-completions", "anthropic", "gemini", "llama.cpp",
// "ooba", "mistralai" (any case); nullopt otherwise (e.g. "transformers":
// eqbench never runs a model itself).
std::optional<engine_kind> engine_kind_from_string(const std::string& name);
// The canonical name of `kind` ("openai", "openai-completions", "anthropic",
// "gemini", "llama.cpp", "ooba", "mistralai"); a static string.
const char* engine_kind_name(engine_kind kind);

// The base URL used when the user gives none: "https://api.openai.com/v1" for
// OPENAI and OPENAI_COMPLETIONS, "https://api.mistral.ai/v1" (MISTRAL),
// "https://api.anthropic.com", "https://generativelanguage.googleapis.com/v1beta",
// "http://127.0.0.1:8080" (LLAMA_CPP) and "http://127.0.0.1:5000" (OOBA).
std::string endpoint_default_base_url(engine_kind kind);

// The environment variable that holds the key for an engine named as the user
// names it: ANTHROPIC_API_KEY, GEMINI_API_KEY, MISTRAL_API_KEY ("mistralai"),
// else OPENAI_API_KEY.
std::string engine_api_key_env(const std::string& engine_name);

struct chat_message {
    std::string role;  // "system", "user" or "assistant"
    std::string content;
};

struct chat_request {
    std::vector<chat_message> messages;
    double temperature = 0.01;
    int max_tokens = 60;
    std::optional<double> min_p;  // sent only when set, where the engine takes it (OOBA: 0.1 when unset)
    std::string extra_body_json;  // a JSON object merged into the request body; may be empty
};

// How a request ended. Everything but OK is a transport outcome, never the
// model's answer: the scheduler retries it with backoff.
enum class transport_status {
    OK,
    CONNECT_ERROR,  // could not connect / DNS / TLS
    TIMEOUT,        // no complete response within the timeout
    HTTP_ERROR,     // 5xx or an unexpected status
    RATE_LIMITED,   // 429 (retry_after_s set when the server said)
    CLIENT_ERROR,   // 4xx other than 429: not retried (bad key, bad model)
    MALFORMED,      // body is not the expected JSON, or truncated
    EMPTY_CONTENT,  // well-formed response without any text
    // The output limit ended the answer inside the model's thought: there is
    // no answer (never parsed from the thought); the benchmark asks again.
    THOUGHT_TRUNCATED,
    CANCELLED,  // stopped by the caller (Ctrl-C)
};

// "OK", "CONNECT_ERROR", ... as spelled above; a static string.
const char* transport_status_name(transport_status status);

struct token_usage {
    long input_tokens = 0;
    long output_tokens = 0;
    long reasoning_tokens = 0;  // of output_tokens, as the server reported them (0: not reported)
};

struct chat_response {
    transport_status status = transport_status::OK;
    int http_status = 0;
    std::string content;       // the model's answer exactly as received, its thought taken out (OK only)
    std::string thought;       // a reasoning model's thought ("" when none), from its own field or the text
    std::string raw_body;      // the response body as received (a failed one with our key redacted)
    std::string request_body;  // the JSON body as sent (keys travel in headers, never here)
    token_usage usage;
    std::optional<double> retry_after_s;
    std::string error;  // human-readable reason when not OK; never contains the API key
    double latency_s = 0.0;
    // What this request made the client change in what it sends to the
    // endpoint (a refused max_tokens or temperature); said once per run.
    std::vector<std::string> notices;
};

// Where and how to reach one model server.
struct endpoint_config {
    engine_kind engine = engine_kind::OPENAI;
    std::string base_url;  // e.g. https://api.openai.com/v1, http://127.0.0.1:8080
    std::string api_key;   // may be empty (local servers)
    std::string model;
    std::string instruction_template_path;  // LLAMA_CPP: the YAML template; OOBA: template name
    double timeout_s = 120.0;
    double connect_timeout_s = 15.0;
    reasoning_settings reasoning;  // what is asked of a reasoning model (--reasoning)
};

// Set by the caller to stop requests in flight (checked by the transport).
using cancel_flag = std::atomic<bool>;

// A client for one endpoint. send() blocks; one instance may be used from many
// threads at once (each call uses its own connection state).
class chat_client {
  public:
    virtual ~chat_client() = default;
    // Sends one request and blocks until it ends; failures are statuses, never exceptions.
    virtual chat_response send(const chat_request& request, const cancel_flag& cancel) const = 0;
    // The configuration in use (base_url already defaulted); valid for the client's lifetime.
    virtual const endpoint_config& endpoint() const = 0;
};

// True for the models the reference sends to /v1/completions with the raw
// prompt when the base URL is OpenAI's (its OPENAI_COMPLETION_MODELS list).
bool openai_completion_model(const std::string& model);

// True for OpenAI's reasoning models (the o1, o3, o4 and gpt-5 families),
// which take max_completion_tokens and no temperature on OpenAI's API.
bool openai_reasoning_model(const std::string& model);

// True when `base_url` is OpenAI's own API (https://api.openai.com...).
bool openai_api_url(const std::string& base_url);

// The endpoint as a client uses it: an empty base_url defaulted, and an OPENAI
// endpoint on https://api.openai.com/v1 with an openai_completion_model made
// OPENAI_COMPLETIONS, as in the reference.
endpoint_config endpoint_resolve(const endpoint_config& config);

// What a cheap request before a run says of an endpoint.
struct endpoint_probe_result {
    bool permanent_failure = false;   // the run cannot work: refused connection, unknown host, bad key, unknown model
    std::string problem;              // why, naming the URL ("" when nothing is wrong)
    int http_status = 0;              // of the probe (0: no response)
    std::vector<std::string> models;  // what the server lists, when it lists models
};

// Asks the endpoint something cheap (GET /v1/models, llama.cpp's /health,
// Gemini's model): does it connect, is the key accepted, does it know the
// model? A timeout or an endpoint without such a path is not a failure: the
// run will tell. Blocks up to `timeout_s`; never throws.
endpoint_probe_result endpoint_probe(const endpoint_config& config, double timeout_s);

// Creates the client for endpoint_resolve(config); errors on LLAMA_CPP without
// a template, or with an unreadable or Jinja-only one.
result<std::unique_ptr<chat_client>> chat_client_create(const endpoint_config& config);

}  // namespace eqb
