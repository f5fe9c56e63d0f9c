#include "core/text.hpp"

#include <algorithm>

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

namespace {

// Optimal string alignment distance (Damerau-Levenshtein without repeated edits of one part).
std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) {
        d[i][0] = i;
    }
    for (std::size_t j = 0; j <= b.size(); ++j) {
        d[0][j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
    }
    return d[a.size()][b.size()];
}

}  // namespace

std::string text_closest(const std::string& word, const std::vector<std::string>& candidates,
                         std::size_t max_distance) {
    std::string best;
    std::size_t best_distance = max_distance + 1;
    for (const auto& c : candidates) {
        const std::size_t d = edit_distance(word, c);
        if (d < best_distance) {
            best = c;
            best_distance = d;
        }
    }
    return best;
}

}  // namespace eqb
