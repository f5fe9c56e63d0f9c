#include "client/http-transport.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <mutex>

namespace eqb {

namespace {

constexpr std::size_t response_body_limit_bytes = std::size_t{64} << 20;
constexpr double milliseconds_per_second = 1000.0;
constexpr const char* user_agent = "eqbench/0.1";
constexpr int cancel_poll_ms = 50;

void curl_global_init_once() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct curl_easy_deleter {
    void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};

struct curl_slist_deleter {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

struct transfer_state {
    const cancel_flag* cancel = nullptr;
    std::string body;
    bool body_too_large = false;
    std::string retry_after;
    std::string retry_after_ms;
};

std::string lowercase(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

std::string trim(const std::string& text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) {
        return "";
    }
    const auto last = text.find_last_not_of(" \t\r\n");
    return text.substr(first, last - first + 1);
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto* state = static_cast<transfer_state*>(user);
    const std::size_t bytes = size * count;
    if (state->body.size() + bytes > response_body_limit_bytes) {
        state->body_too_large = true;
        return 0;
    }
    state->body.append(data, bytes);
    return bytes;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
    auto* state = static_cast<transfer_state*>(user);
    const std::size_t bytes = size * count;
    const std::string line(data, bytes);
    if (line.rfind("HTTP/", 0) == 0) {
        // A new response (after a 1xx or a redirect): forget the previous headers.
        state->retry_after.clear();
        state->retry_after_ms.clear();
        return bytes;
    }
    const auto colon = line.find(':');
    if (colon == std::string::npos) {
        return bytes;
    }
    const std::string name = lowercase(trim(line.substr(0, colon)));
    if (name == "retry-after") {
        state->retry_after = trim(line.substr(colon + 1));
    } else if (name == "retry-after-ms") {
        state->retry_after_ms = trim(line.substr(colon + 1));
    }
    return bytes;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    const auto* state = static_cast<const transfer_state*>(user);
    return state->cancel->load(std::memory_order_relaxed) ? 1 : 0;
}

long milliseconds(double seconds) {
    return std::max(1L, std::lround(seconds * milliseconds_per_second));
}

std::optional<double> seconds_parse(const std::string& value) {
    if (value.empty() || !(std::isdigit(static_cast<unsigned char>(value[0])) || value[0] == '.')) {
        return std::nullopt;
    }
    char* end = nullptr;
    const double seconds = std::strtod(value.c_str(), &end);
    if (end == nullptr || *end != '\0' || !std::isfinite(seconds)) {
        return std::nullopt;
    }
    return std::max(0.0, seconds);
}

transport_status curl_code_classify(CURLcode code, bool connected) {
    switch (code) {
        case CURLE_ABORTED_BY_CALLBACK:
            return transport_status::CANCELLED;
        case CURLE_OPERATION_TIMEDOUT:
            return connected ? transport_status::TIMEOUT : transport_status::CONNECT_ERROR;
        case CURLE_COULDNT_RESOLVE_PROXY:
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_CONNECT:
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_CIPHER:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_ISSUER_ERROR:
        case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
        case CURLE_SSL_INVALIDCERTSTATUS:
            return transport_status::CONNECT_ERROR;
        case CURLE_PARTIAL_FILE:
        case CURLE_BAD_CONTENT_ENCODING:
        case CURLE_WRITE_ERROR:
            return transport_status::MALFORMED;
        case CURLE_UNSUPPORTED_PROTOCOL:
        case CURLE_URL_MALFORMAT:
            // A configuration mistake: retrying cannot help.
            return transport_status::CLIENT_ERROR;
        default:
            return transport_status::HTTP_ERROR;
    }
}

struct curl_multi_deleter {
    void operator()(CURLM* multi) const { curl_multi_cleanup(multi); }
};

// Drives one easy handle through its own multi handle, so the cancel flag is
// seen within cancel_poll_ms even while the server sends nothing (the progress
// callback alone can take a second to run).
// One multi and one easy handle per thread, reused for every request: the
// multi handle's connection cache keeps connections alive between requests
// (no new TCP and TLS handshake per question), and curl_easy_reset clears the
// options but keeps the connection, DNS and TLS session caches.
struct thread_handles {
    std::unique_ptr<CURLM, curl_multi_deleter> multi{curl_multi_init()};
    std::unique_ptr<CURL, curl_easy_deleter> easy{curl_easy_init()};
};

thread_handles& thread_handles_get() {
    thread_local thread_handles handles;
    return handles;
}

CURLcode transfer_run(CURLM* multi_handle, CURL* easy, const cancel_flag& cancel) {
    if (multi_handle == nullptr || curl_multi_add_handle(multi_handle, easy) != CURLM_OK) {
        return CURLE_OUT_OF_MEMORY;
    }
    CURLcode code = CURLE_OK;
    bool finished = false;
    while (!finished) {
        int running = 0;
        if (curl_multi_perform(multi_handle, &running) != CURLM_OK) {
            code = CURLE_RECV_ERROR;
            break;
        }
        int queued = 0;
        while (CURLMsg* message = curl_multi_info_read(multi_handle, &queued)) {
            if (message->msg == CURLMSG_DONE) {
                code = message->data.result;
                finished = true;
            }
        }
        if (finished) {
            break;
        }
        if (cancel.load(std::memory_order_relaxed)) {
            code = CURLE_ABORTED_BY_CALLBACK;
            break;
        }
        if (curl_multi_poll(multi_handle, nullptr, 0, cancel_poll_ms, nullptr) != CURLM_OK) {
            code = CURLE_RECV_ERROR;
            break;
        }
    }
    curl_multi_remove_handle(multi_handle, easy);
    return code;
}

}  // namespace

std::optional<double> retry_after_parse(const std::string& value, std::time_t now) {
    const std::string text = trim(value);
    if (auto seconds = seconds_parse(text)) {
        return seconds;
    }
    if (text.empty()) {
        return std::nullopt;
    }
    const std::time_t when = curl_getdate(text.c_str(), nullptr);
    if (when == -1) {
        return std::nullopt;
    }
    return std::max(0.0, std::difftime(when, now));
}

transport_status http_status_classify(int http_status) {
    if (http_status >= 200 && http_status < 300) {
        return transport_status::OK;
    }
    if (http_status == 429) {
        return transport_status::RATE_LIMITED;
    }
    if (http_status >= 400 && http_status < 500) {
        return transport_status::CLIENT_ERROR;
    }
    return transport_status::HTTP_ERROR;
}

namespace {

enum class http_method { GET, POST };

// One exchange; GET and POST differ only in the method and the body.
http_post_reply http_perform(const http_post_request& request, http_method method, const cancel_flag& cancel) {
    http_post_reply reply;
    if (cancel.load()) {
        reply.status = transport_status::CANCELLED;
        reply.error = "cancelled before sending";
        return reply;
    }
    curl_global_init_once();
    thread_handles& handles = thread_handles_get();
    if (!handles.easy || !handles.multi) {
        reply.status = transport_status::CONNECT_ERROR;
        reply.error = "libcurl could not create a handle";
        return reply;
    }
    curl_easy_reset(handles.easy.get());
    std::unique_ptr<curl_slist, curl_slist_deleter> headers;
    for (const auto& line : request.headers) {
        curl_slist* grown = curl_slist_append(headers.get(), line.c_str());
        if (grown == nullptr) {
            reply.status = transport_status::CONNECT_ERROR;
            reply.error = "libcurl could not allocate the request headers";
            return reply;
        }
        static_cast<void>(headers.release());
        headers.reset(grown);
    }

    transfer_state state;
    state.cancel = &cancel;
    char error_buffer[CURL_ERROR_SIZE] = {};
    CURL* easy = handles.easy.get();
    curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
    if (method == http_method::POST) {
        curl_easy_setopt(easy, CURLOPT_POST, 1L);
        curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.data());
        curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    } else {
        curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
    }
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(easy, CURLOPT_USERAGENT, user_agent);
    // gzip only: answers are small JSON, and brotli at a server's default
    // quality costs more CPU than the bytes it saves.
    curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "gzip");
    // Threads and signals do not mix: timeouts must not use SIGALRM.
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, milliseconds(request.timeout_s));
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, milliseconds(request.connect_timeout_s));
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &state);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, &state);
    curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(easy, CURLOPT_XFERINFODATA, &state);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error_buffer);

    const auto started = std::chrono::steady_clock::now();
    const CURLcode code = transfer_run(handles.multi.get(), easy, cancel);
    reply.latency_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

    long http_status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &http_status);
    reply.http_status = static_cast<int>(http_status);
    reply.body = std::move(state.body);
    if (auto ms = seconds_parse(state.retry_after_ms)) {
        reply.retry_after_s = *ms / milliseconds_per_second;
    } else if (!state.retry_after.empty()) {
        reply.retry_after_s = retry_after_parse(state.retry_after, std::time(nullptr));
    }

    if (code != CURLE_OK) {
        // Request bytes went out only over an established connection.
        long request_bytes = 0;
        curl_easy_getinfo(easy, CURLINFO_REQUEST_SIZE, &request_bytes);
        reply.status = curl_code_classify(code, request_bytes > 0);
        if (state.body_too_large) {
            reply.error = "response body larger than 64 MiB";
        } else if (code == CURLE_PARTIAL_FILE) {
            reply.error = "truncated response: the connection closed before the declared length";
        } else if (reply.status == transport_status::CANCELLED) {
            reply.error = "cancelled";
        } else {
            reply.error = error_buffer[0] != '\0' ? std::string(error_buffer) : std::string(curl_easy_strerror(code));
        }
    }
    return reply;
}

}  // namespace

http_post_reply http_post(const http_post_request& request, const cancel_flag& cancel) {
    return http_perform(request, http_method::POST, cancel);
}

http_post_reply http_get(const http_post_request& request, const cancel_flag& cancel) {
    return http_perform(request, http_method::GET, cancel);
}

}  // namespace eqb
