#pragma once
// A scriptable fake model server for tests (cpp-httplib, 127.0.0.1 only). It
// speaks the OpenAI chat and completions, Anthropic Messages, Gemini
// generateContent and llama.cpp /completion wire formats, and injects latency
// and faults on a schedule or with seeded probabilities.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace eqb::test {

// What the server does to one model request instead of answering normally.
enum class fake_fault {
    NONE,
    RATE_LIMITED,    // 429 with Retry-After (when configured)
    SERVER_ERROR,    // 500 with a JSON error body
    HANG,            // waits hang_s, then closes without a body
    TRUNCATED,       // declares a Content-Length, sends part of the body, closes
    EMPTY_CONTENT,   // a valid response whose text is ""
    MALFORMED_JSON,  // 200 with a body that is not JSON
    UNAUTHORIZED,    // 401 whose body echoes the key presented
    UNKNOWN_MODEL,   // 404: the request names a model the server does not serve
};

// How a reasoning model's thought comes back with the answer.
enum class fake_thought {
    NONE,
    INLINE,     // "<think>THOUGHT</think>\n\nANSWER" in the text
    PREFILLED,  // "THOUGHT\n</think>\n\nANSWER": the chat template opened the block
    HARMONY,    // gpt-oss channels: analysis, then final
    FIELD,      // the format's own place: OpenAI message.reasoning, Anthropic thinking blocks, Gemini thought parts
    REASONING_CONTENT,  // OpenAI message.reasoning_content (llama.cpp --reasoning-format deepseek, SGLang)
};

// "none", "inline", "prefilled", "harmony", "field", "reasoning-content".
std::optional<fake_thought> fake_thought_from_string(const std::string& name);

// "none", "rate-limited", "server-error", "hang", "truncated", "empty-content",
// "malformed-json", "unauthorized", "unknown-model".
const char* fake_fault_name(fake_fault fault);
// The inverse of fake_fault_name (also "429", "500", "401", "empty", "malformed").
std::optional<fake_fault> fake_fault_from_string(const std::string& name);

// One model request as received.
struct fake_request {
    std::string engine;  // "openai", "openai-completions", "anthropic", "gemini", "llama.cpp"
    std::string path;
    std::string model;   // from the body, or from the URL for Gemini
    std::string prompt;  // the last user message, or the raw prompt
    std::string system;  // system text, where the format carries one
    double temperature = 0.0;
    long max_tokens = 0;                              // max_tokens / maxOutputTokens / n_predict
    std::optional<double> min_p;                      // present only when the body had it
    std::multimap<std::string, std::string> headers;  // names lower-cased, values verbatim
    std::string body;                                 // the raw request body
    long sequence = 0;                                // 1-based arrival order among model requests
    fake_fault fault = fake_fault::NONE;              // what the server did with it

    // The first value of header `name` (any case), or "" when absent.
    std::string header(const std::string& name) const;
};

// Produces the answer text for a request; called on server threads, so it must be thread-safe.
using fake_responder = std::function<std::string(const fake_request&)>;

// Per-request fault probabilities, each in [0, 1]; drawn with the seeded RNG.
struct fake_fault_rates {
    double rate_limited = 0.0;
    double server_error = 0.0;
    double hang = 0.0;
    double truncated = 0.0;
    double empty_content = 0.0;
    double malformed_json = 0.0;
};

// How the server behaves; every field has a usable default.
struct fake_server_config {
    int port = 0;            // 0: any free port
    int latency_min_ms = 0;  // each reply waits uniformly in [min, max] ms
    int latency_max_ms = 0;  // <= min: a fixed latency of min
    fake_fault_rates fault_rates;
    std::uint64_t seed = 42;
    fake_fault scripted_fault = fake_fault::NONE;  // what fail_first / fail_every inject
    long fail_first = 0;                           // requests 1..K get scripted_fault
    long fail_every = 0;                           // requests N, 2N, ... get scripted_fault
    std::string retry_after = "1";                 // Retry-After value on 429; "" sends none
    double hang_s = 3.0;                           // HANG duration; capped at 300 s, cut short by stop()
    long hang_after = -1;          // >= 0: after this many model requests, never reply again (until stop)
    std::string required_api_key;  // when set, a request without it gets 401
    long usage_input_tokens = 11;  // reported usage for every answer
    long usage_output_tokens = 7;
    std::string model_name = "fake-model";  // listed by GET /v1/models
    bool reject_unknown_models = false;     // a request for another model gets 404, as vLLM answers
    std::string default_answer = "This is the fake server's answer.";
    // A reasoning model: every answer comes after a thought of `thought_tokens`
    // tokens that holds decoy "Name: N" pairs (the answer's numbers changed).
    // When the request's output limit is under thought_tokens plus
    // usage_output_tokens, the thought is cut there and there is no answer.
    fake_thought thought = fake_thought::NONE;
    long thought_tokens = 200;
    // Refused as OpenAI refuses them for its reasoning models (400
    // unsupported_parameter / unsupported_value): "max_tokens", "temperature".
    std::vector<std::string> refused_fields;
    // Anthropic's extended-thinking rules: thinking.budget_tokens >= 1024, below
    // max_tokens, and no temperature but 1 (400 otherwise).
    bool anthropic_thinking_rules = true;
    fake_responder responder;  // when empty, every answer is default_answer
};

// The server. start() returns once it accepts connections; stop() (or the
// destructor) joins every thread. Accessors are thread-safe.
class fake_server {
  public:
    explicit fake_server(fake_server_config config);
    ~fake_server();
    fake_server(const fake_server&) = delete;
    fake_server& operator=(const fake_server&) = delete;

    // Binds 127.0.0.1 and starts serving; the bound port, or why not.
    result<int> start();
    // Stops serving, wakes hanging handlers, joins; idempotent.
    void stop();
    // The bound port (0 before start).
    int port() const;
    // "http://127.0.0.1:PORT".
    std::string base_url() const;
    // A copy of every model request received so far, in arrival order.
    std::vector<fake_request> requests() const;
    // How many model requests arrived so far.
    std::size_t request_count() const;
    // The JSON served at GET /stats: {"total", "by_path", "by_engine", "by_fault"}.
    std::string stats_json() const;

  private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace eqb::test
