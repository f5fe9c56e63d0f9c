#include "bench/eq-bench-3/answers.hpp"

#include <optional>

#include "core/python-str.hpp"
#include "core/unicode.hpp"

namespace eqb::eq3 {
namespace {

constexpr char32_t dotted_capital_i = 0x130;  // lowercases to 'i'
constexpr char32_t dotless_small_i = 0x131;   // re's IGNORECASE equivalence of 'i'
constexpr char32_t kelvin_sign = 0x212A;      // lowercases to 'k'
constexpr char32_t long_s = 0x17F;            // re's IGNORECASE equivalence of 's'

// One position of a heading pattern: the code points it accepts (a literal or a class).
using pattern_position = std::u32string;

// A heading pattern `#\s*HEADING\s*\n(.*?)(?=END|\Z)` with HEADING given as
// literal text where "[..]" is a class.
struct section_pattern {
    std::vector<pattern_position> heading;
    std::string_view end;  // "#" or "--"
};

std::vector<pattern_position> heading_compile(std::string_view spec) {
    std::vector<pattern_position> out;
    std::size_t pos = 0;
    while (pos < spec.size()) {
        const char32_t cp = utf8_decode(spec, pos);
        if (cp != '[') {
            out.push_back(pattern_position(1, cp));
            continue;
        }
        pattern_position cls;
        while (pos < spec.size()) {
            const char32_t member = utf8_decode(spec, pos);
            if (member == ']') {
                break;
            }
            cls += member;
        }
        out.push_back(cls);
    }
    return out;
}

char32_t ascii_lower(char32_t cp) {
    return cp >= 'A' && cp <= 'Z' ? cp + ('a' - 'A') : cp;
}

// Python re's IGNORECASE comparison of a text code point with a pattern code
// point, for the ASCII pattern characters used here: equal lowercase (the
// simple mapping: U+0130 -> 'i', U+212A -> 'k') or one of re's equivalences.
bool ignorecase_equal(char32_t pattern, char32_t text) {
    const char32_t p = ascii_lower(pattern);
    if (p < 'a' || p > 'z') {
        return pattern == text;
    }
    if (ascii_lower(text) == p) {
        return true;
    }
    switch (p) {
        case 'i':
            return text == dotted_capital_i || text == dotless_small_i;
        case 'k':
            return text == kelvin_sign;
        case 's':
            return text == long_s;
        default:
            return false;
    }
}

std::size_t skip_space(std::string_view text, std::size_t pos) {
    while (pos < text.size()) {
        std::size_t next = pos;
        if (!python_is_space(utf8_decode(text, next))) {
            break;
        }
        pos = next;
    }
    return pos;
}

// The capture of re.search(pattern, text, IGNORECASE | DOTALL), or nullopt.
std::optional<std::string_view> section_search(std::string_view text, const section_pattern& pattern) {
    std::size_t hash = text.find('#');
    while (hash != std::string_view::npos) {
        std::size_t pos = skip_space(text, hash + 1);
        bool matched = true;
        for (const auto& position : pattern.heading) {
            if (pos >= text.size()) {
                matched = false;
                break;
            }
            const char32_t cp = utf8_decode(text, pos);
            bool any = false;
            for (const char32_t accepted : position) {
                any = any || ignorecase_equal(accepted, cp);
            }
            if (!any) {
                matched = false;
                break;
            }
        }
        if (matched) {
            // `\s*\n`: the greedy run backs off to its last newline.
            const std::size_t run_end = skip_space(text, pos);
            const std::size_t newline = text.substr(pos, run_end - pos).rfind('\n');
            if (newline != std::string_view::npos) {
                const std::size_t begin = pos + newline + 1;
                const std::size_t end = text.find(pattern.end, begin);
                return text.substr(begin, end == std::string_view::npos ? std::string_view::npos : end - begin);
            }
        }
        hash = text.find('#', hash + 1);
    }
    return std::nullopt;
}

const std::array<section_pattern, 3>& role_play_patterns() {
    static const std::array<section_pattern, 3> patterns = {{
        {heading_compile("I[\u2019']m thinking & feeling"), "#"},
        {heading_compile("They[\u2019']re thinking & feeling"), "#"},
        {heading_compile("My response"), "--"},
    }};
    return patterns;
}

const std::array<section_pattern, 3>& drafting_patterns() {
    static const std::array<section_pattern, 3> patterns = {{
        {heading_compile("Perspective[- ]taking"), "#"},
        {heading_compile("Draft brainstorming"), "#"},
        {heading_compile("Draft"), "--"},
    }};
    return patterns;
}

std::string strip_block(std::string content, std::string_view open, std::string_view close) {
    if (content.find(open) == std::string::npos) {
        return content;
    }
    const std::size_t at = content.find(close);
    if (at == std::string::npos) {
        return content;
    }
    return python_strip(std::string_view(content).substr(at + close.size()));
}

}  // namespace

std::string answer_stored(std::string_view content) {
    std::string out = strip_block(std::string(content), "<think>", "</think>");
    return strip_block(std::move(out), "<reasoning>", "</reasoning>");
}

std::string debrief_stored(std::string_view content) {
    return python_strip(answer_stored(content));
}

answer_sections answer_sections_parse(std::string_view stored_answer, scenario_type type) {
    answer_sections out;
    if (type != scenario_type::ROLE_PLAY && type != scenario_type::MESSAGE_DRAFTING) {
        return out;
    }
    out.sectioned = true;
    const auto& patterns = type == scenario_type::ROLE_PLAY ? role_play_patterns() : drafting_patterns();
    for (std::size_t i = 0; i < patterns.size(); ++i) {
        if (const auto found = section_search(stored_answer, patterns[i])) {
            out.sections[i] = python_strip(*found);
        }
    }
    return out;
}

std::array<const char*, 3> section_keys(scenario_type type) {
    if (type == scenario_type::MESSAGE_DRAFTING) {
        return {"perspective_taking", "draft_brainstorming", "draft"};
    }
    return {"thinking_feeling", "their_thinking_feeling", "response"};
}

std::array<const char*, 3> section_headings(scenario_type type) {
    if (type == scenario_type::MESSAGE_DRAFTING) {
        return {"# Perspective-taking", "# Draft brainstorming", "# Draft"};
    }
    return {"# I'm thinking & feeling", "# They're thinking & feeling", "# My response"};
}

bool transcript_judgeable(const std::vector<message>& history) {
    for (const auto& m : history) {
        if (m.role == "assistant" && python_len(python_strip(m.content)) >= judged_min_chars) {
            return true;
        }
    }
    return false;
}

}  // namespace eqb::eq3
