#include "parse/judge-answer.hpp"

#include <string>

#include "core/unicode.hpp"

namespace eqb {
namespace {

// Python's str.strip() (str.isspace) on UTF-8.
std::string python_strip(std::string_view text) {
    std::size_t begin = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t next = pos;
        if (!python_is_space(utf8_decode(text, next))) {
            break;
        }
        pos = next;
    }
    begin = pos;
    std::size_t end = begin;
    pos = begin;
    while (pos < text.size()) {
        std::size_t next = pos;
        if (!python_is_space(utf8_decode(text, next))) {
            end = next;
        }
        pos = next;
    }
    return std::string(text.substr(begin, end - begin));
}

// Skips \s* from `pos`; returns the new position.
std::size_t skip_spaces(std::string_view text, std::size_t pos) {
    while (pos < text.size()) {
        std::size_t next = pos;
        if (!python_is_space(utf8_decode(text, next))) {
            break;
        }
        pos = next;
    }
    return pos;
}

// \d+ from `pos`; returns the end (== pos when there is no digit).
std::size_t skip_digits(std::string_view text, std::size_t pos) {
    while (pos < text.size()) {
        std::size_t next = pos;
        if (!python_is_digit(utf8_decode(text, next))) {
            break;
        }
        pos = next;
    }
    return pos;
}

// -?\d+(?:\.\d+)? at `pos`; returns the end, or npos when it does not match.
std::size_t match_number(std::string_view text, std::size_t pos) {
    std::size_t at = pos;
    if (at < text.size() && text[at] == '-') {
        ++at;
    }
    const std::size_t digits_end = skip_digits(text, at);
    if (digits_end == at) {
        return std::string_view::npos;  // '-?' backtracking cannot help: a digit must start here
    }
    if (digits_end < text.size() && text[digits_end] == '.') {
        const std::size_t fraction_end = skip_digits(text, digits_end + 1);
        if (fraction_end > digits_end + 1) {
            return fraction_end;
        }
    }
    return digits_end;
}

// :\s*(?:Score\s+)?NUMBER with the colon at `colon`: the number's [begin, end), or npos.
std::pair<std::size_t, std::size_t> match_after_colon(std::string_view text, std::size_t colon) {
    const std::size_t after = skip_spaces(text, colon + 1);
    constexpr std::string_view score_word = "Score";
    if (text.substr(after, score_word.size()) == score_word) {
        const std::size_t word_end = after + score_word.size();
        const std::size_t spaced = skip_spaces(text, word_end);
        if (spaced > word_end) {
            if (const std::size_t end = match_number(text, spaced); end != std::string_view::npos) {
                return {spaced, end};
            }
        }
    }
    if (const std::size_t end = match_number(text, after); end != std::string_view::npos) {
        return {after, end};
    }
    return {std::string_view::npos, std::string_view::npos};
}

}  // namespace

emotion_pairs creative_writing_judge_parse(std::string_view answer) {
    std::string text;
    text.reserve(answer.size());
    for (const char c : answer) {
        if (c != '*' && c != '[' && c != ']') {
            text += c;
        }
    }
    const std::string_view view(text);
    emotion_pairs pairs;
    std::size_t pos = 0;
    while (pos < view.size()) {
        // (.*?) cannot cross a newline: the candidate colons are those of this line.
        const std::size_t line_end = std::min(view.find('\n', pos), view.size());
        bool matched = false;
        for (std::size_t colon = view.find(':', pos); colon != std::string_view::npos && colon < line_end;
             colon = view.find(':', colon + 1)) {
            const auto [number_begin, number_end] = match_after_colon(view, colon);
            if (number_begin == std::string_view::npos) {
                continue;
            }
            const auto value = python_float(view.substr(number_begin, number_end - number_begin));
            score_pair pair;
            pair.name = python_strip(view.substr(pos, colon - pos));
            pair.text = std::string(view.substr(number_begin, number_end - number_begin));
            pair.value = value.value_or(0.0);
            pairs.set(std::move(pair));
            pos = number_end;
            matched = true;
            break;
        }
        if (!matched) {
            pos = line_end + 1;  // no match can start anywhere before the next line
        }
    }
    return pairs;
}

}  // namespace eqb
