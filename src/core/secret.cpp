#include "core/secret.hpp"

namespace eqb {
namespace {

bool key_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.';
}

}  // namespace

bool secret_redactable(std::string_view secret) {
    return secret.size() >= secret_min_redacted_chars;
}

std::string secret_redact(std::string_view text, std::string_view secret) {
    if (!secret_redactable(secret)) {
        return std::string(text);
    }
    std::string out;
    out.reserve(text.size());
    std::size_t start = 0;
    std::size_t from = 0;
    while (true) {
        const std::size_t at = text.find(secret, from);
        if (at == std::string_view::npos) {
            break;
        }
        const std::size_t end = at + secret.size();
        const bool starts_token = at == 0 || !key_char(text[at - 1]);
        const bool ends_token = end == text.size() || !key_char(text[end]);
        if (starts_token && ends_token) {
            out.append(text.substr(start, at - start));
            out += secret_redacted_marker;
            start = end;
            from = end;
        } else {
            from = at + 1;
        }
    }
    out.append(text.substr(start));
    return out;
}

std::string secret_short_key_note(std::string_view secret, std::string_view source) {
    if (secret.empty() || secret_redactable(secret)) {
        return {};
    }
    return "note: the API key from " + std::string(source) + " is shorter than " +
           std::to_string(secret_min_redacted_chars) +
           " characters, so eqbench cannot tell it apart from ordinary text and does not redact it "
           "(fine for a placeholder key of a local server)";
}

}  // namespace eqb
