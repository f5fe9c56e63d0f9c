#pragma once
// Each engine's wire format (internal to src/client): the HTTP request built
// from a chat_request, and the answer read back from a response body. Pure:
// no I/O, so every format is unit-tested without a server.

#include <string>
#include <vector>

#include "client/chat-client.hpp"
#include "client/instruction-template.hpp"
#include "core/result.hpp"

namespace eqb {

// One engine request, ready for the transport.
struct wire_request {
    std::string url;
    std::vector<std::string> headers;  // "Name: value"; carries the API key where set
    std::string body;                  // JSON
};

// Fields an endpoint refused (HTTP 400 unsupported_parameter), or that OpenAI's
// reasoning models never take: sent otherwise from then on.
struct wire_fields {
    bool max_completion_tokens = false;  // the output limit as max_completion_tokens
    bool no_temperature = false;         // no temperature (the server's default, 1)
};

// What a 2xx body says: OK with content, MALFORMED, EMPTY_CONTENT, or
// HTTP_ERROR when the server reported an error inside a 2xx body.
struct wire_answer {
    transport_status status = transport_status::OK;
    std::string content;  // the answer, its thought taken out
    std::string thought;
    token_usage usage;
    std::string error;
};

// The request for `config.engine` (base_url already defaulted), with the
// reasoning settings applied; `tmpl` is required for LLAMA_CPP and ignored
// otherwise. Errors on a bad extra_body_json.
result<wire_request> wire_request_build(const endpoint_config& config, const instruction_template* tmpl,
                                        const chat_request& request, wire_fields fields = {});

// The fields a 400 body says the endpoint refuses (unsupported_parameter or
// unsupported_value naming max_tokens or temperature) added to `fields`; the
// same value when it names neither.
wire_fields wire_fields_refused(const std::string& body, wire_fields fields);

// Reads a 2xx response body in the format of `engine`.
wire_answer wire_answer_parse(engine_kind engine, const std::string& body);

// The model ids of an OpenAI-style model list ({"data": [{"id": ...}]}), in
// order; empty when the body is not one.
std::vector<std::string> wire_model_list(const std::string& body);

// The endpoint URL: base_url without trailing slashes, plus the engine's path.
std::string wire_url(const endpoint_config& config);

}  // namespace eqb
