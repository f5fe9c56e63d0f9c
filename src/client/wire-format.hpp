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

// What a 2xx body says: OK with content, MALFORMED, EMPTY_CONTENT, or
// HTTP_ERROR when the server reported an error inside a 2xx body.
struct wire_answer {
    transport_status status = transport_status::OK;
    std::string content;
    token_usage usage;
    std::string error;
};

// The request for `config.engine` (base_url already defaulted); `tmpl` is
// required for LLAMA_CPP and ignored otherwise. Errors on a bad extra_body_json.
result<wire_request> wire_request_build(const endpoint_config& config, const instruction_template* tmpl,
                                        const chat_request& request);

// Reads a 2xx response body in the format of `engine`.
wire_answer wire_answer_parse(engine_kind engine, const std::string& body);

// The model ids of an OpenAI-style model list ({"data": [{"id": ...}]}), in
// order; empty when the body is not one.
std::vector<std::string> wire_model_list(const std::string& body);

// The endpoint URL: base_url without trailing slashes, plus the engine's path.
std::string wire_url(const endpoint_config& config);

}  // namespace eqb
