#include "core/text.hpp"

#include <ctime>

namespace eqb {
bool text_is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

std::string text_replace_all(std::string text, const std::string& from, const std::string& to) {
    if (from.empty()) {
        return text;
    }
    std::size_t at = 0;
    while ((at = text.find(from, at)) != std::string::npos) {
        text.replace(at, from.size(), to);
        at += to.size();
    }
    return text;
}

std::string text_strip(const std::string& text) {
    std::size_t b = 0;
    std::size_t e = text.size();
    while (b < e && text_is_space(text[b])) {
        ++b;
    }
    while (e > b && text_is_space(text[e - 1])) {
        --e;
    }
    return text.substr(b, e - b);
}

std::string text_rstrip(const std::string& text) {
    std::size_t e = text.size();
    while (e > 0 && text_is_space(text[e - 1])) {
        --e;
    }
    return text.substr(0, e);
}

std::string text_file_name_part(const std::string& text) {
    std::string out;
    for (const char c : text) {
        const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                          c == '.' || c == '_';
        out += keep ? c : '_';
    }
    return out;
}

std::string local_timestamp() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
}

std::string shell_quote(const std::string& word) {
    if (!word.empty() && word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                                                "@%+=:,./-_{}") == std::string::npos) {
        return word;
    }
    return "'" + text_replace_all(word, "'", "'\\''") + "'";
}

std::string text_substitute(const std::string& text, const std::vector<std::pair<std::string, std::string>>& values) {
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        bool matched = false;
        for (const auto& [key, value] : values) {
            if (!key.empty() && text.compare(i, key.size(), key) == 0) {
                out += value;
                i += key.size();
                matched = true;
                break;
            }
        }
        if (!matched) {
            out += text[i];
            ++i;
        }
    }
    return out;
}

}  // namespace eqb
