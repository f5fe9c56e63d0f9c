#pragma once
// The libcurl transport behind every chat client and the Sheets upload (src/upload):
// one POST (or GET), one easy handle, timeouts and cancellation. libcurl stays in the .cpp.

#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "client/chat-client.hpp"

namespace eqb {

// One POST: where, what, and how long to wait.
struct http_post_request {
    std::string url;
    std::vector<std::string> headers;  // "Name: value" lines; may carry the API key
    std::string body;
    double timeout_s = 120.0;
    double connect_timeout_s = 15.0;
};

// How the exchange ended. status is OK whenever a complete HTTP response came
// back, whatever its code; http_status says which.
struct http_post_reply {
    transport_status status = transport_status::OK;
    int http_status = 0;
    std::string body;
    std::optional<double> retry_after_s;  // from Retry-After or retry-after-ms
    std::string error;                    // libcurl's reason when not OK; names no header values
    double latency_s = 0.0;
};

// Performs the POST; blocks; safe to call from many threads at once.
http_post_reply http_post(const http_post_request& request, const cancel_flag& cancel);

// Performs a GET of request.url with its headers and timeouts (the body is not
// sent); blocks; safe to call from many threads at once.
http_post_reply http_get(const http_post_request& request, const cancel_flag& cancel);

// Seconds to wait from a Retry-After value: delta-seconds (decimals allowed) or
// an HTTP-date relative to `now`; nullopt when unparseable. Never negative.
std::optional<double> retry_after_parse(const std::string& value, std::time_t now);

// The status for a complete response with this HTTP code: 2xx OK, 429
// RATE_LIMITED, other 4xx CLIENT_ERROR, everything else HTTP_ERROR.
transport_status http_status_classify(int http_status);

}  // namespace eqb
