#include "report/report-html.hpp"

#include <cstddef>
#include <stdexcept>
#include <string_view>

#include "data/sha256.hpp"

namespace eqb {
namespace detail {
extern const unsigned char report_template[];
extern const std::size_t report_template_size;
}  // namespace detail

namespace {

constexpr std::string_view csp_marker = "@EQB_CSP@";
constexpr std::string_view data_marker = "@EQB_DATA@";
constexpr std::string_view script_open = "<script id=\"eqb-app\">";
constexpr std::string_view style_open = "<style id=\"eqb-style\">";
constexpr std::string_view base64_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string_view template_text() {
    return {reinterpret_cast<const char*>(detail::report_template), detail::report_template_size};
}

std::string base64(const std::string& bytes) {
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const auto n = (static_cast<unsigned>(static_cast<unsigned char>(bytes[i])) << 16) |
                       (static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 1])) << 8) |
                       static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 2]));
        out += base64_alphabet[(n >> 18) & 63U];
        out += base64_alphabet[(n >> 12) & 63U];
        out += base64_alphabet[(n >> 6) & 63U];
        out += base64_alphabet[n & 63U];
    }
    if (i < bytes.size()) {
        auto n = static_cast<unsigned>(static_cast<unsigned char>(bytes[i])) << 16;
        if (i + 1 < bytes.size()) {
            n |= static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 1])) << 8;
        }
        out += base64_alphabet[(n >> 18) & 63U];
        out += base64_alphabet[(n >> 12) & 63U];
        out += i + 1 < bytes.size() ? base64_alphabet[(n >> 6) & 63U] : '=';
        out += '=';
    }
    return out;
}

std::string hex_to_bytes(const std::string& hex) {
    std::string out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
        out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    }
    return out;
}

// The CSP source for the element opened by `open`: 'sha256-...' of its body.
std::string element_hash(std::string_view page, std::string_view open, std::string_view close) {
    const auto start = page.find(open);
    if (start == std::string_view::npos) {
        throw std::logic_error("report template: no " + std::string(open));
    }
    const auto body = start + open.size();
    const auto end = page.find(close, body);
    return "'sha256-" + base64(hex_to_bytes(sha256_hex(page.substr(body, end - body)))) + "'";
}

}  // namespace

std::string report_json_for_script(const std::string& json) {
    std::string out;
    out.reserve(json.size() + json.size() / 16);
    for (std::size_t i = 0; i < json.size(); ++i) {
        const char c = json[i];
        if (c == '<') {
            out += "\\u003c";
        } else if (c == '>') {
            out += "\\u003e";
        } else if (c == '&') {
            out += "\\u0026";
        } else if (c == '\xE2' && i + 2 < json.size() && json[i + 1] == '\x80' &&
                   (json[i + 2] == '\xA8' || json[i + 2] == '\xA9')) {
            out += json[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

std::string report_html(const std::string& document_json) {
    const std::string_view page = template_text();
    const std::string csp = "default-src 'none'; script-src " + element_hash(page, script_open, "</script>") +
                            "; style-src " + element_hash(page, style_open, "</style>") +
                            "; img-src data:; base-uri 'none'; form-action 'none'";
    const auto csp_at = page.find(csp_marker);
    const auto data_at = page.find(data_marker);
    if (csp_at == std::string_view::npos || data_at == std::string_view::npos || csp_at > data_at) {
        throw std::logic_error("report template: markers missing");
    }
    std::string out;
    const std::string data = report_json_for_script(document_json);
    out.reserve(page.size() + data.size() + csp.size());
    out += page.substr(0, csp_at);
    out += csp;
    out += page.substr(csp_at + csp_marker.size(), data_at - csp_at - csp_marker.size());
    out += data;
    out += page.substr(data_at + data_marker.size());
    return out;
}

}  // namespace eqb
