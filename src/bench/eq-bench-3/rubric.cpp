#include "bench/eq-bench-3/rubric.hpp"

#include <algorithm>
#include <array>
#include <map>

#include "bench/eq-bench-3/answers.hpp"
#include "bench/eq-bench-3/judge-json.hpp"
#include "bench/eq-bench-3/python-statistics.hpp"
#include "core/python-float.hpp"
#include "core/python-str.hpp"
#include "core/text.hpp"
#include "core/unicode.hpp"

namespace eqb::eq3 {
namespace {

constexpr const char* reasoning_key = "chain_of_thought_reasoning";
constexpr const char* reasoning_format = "detailed chain of thought reasoning about the coming scoring decisions";
constexpr const char* weighted_criterion = "overall_eq";
constexpr std::size_t weighted_criterion_weight = 3;
constexpr int rubric_digits = 2;
constexpr double rubric_0_100_factor = 5.0;
constexpr const char* truncated_marker = "... [truncated]";
constexpr const char* rubric_debrief_marker = "...[truncated]";  // the reference's rubric debrief has no space
// Per-section limits (utils/constants.py SECTION_CHAR_LIMITS and
// SECTION_CHAR_LIMITS_MESSAGE_DRAFT, the same numbers).
constexpr std::array<std::size_t, 3> section_limits = {2200, 1600, 1600};

// The sections re-assembled as _format_parsed_response writes them.
std::string sections_render(const std::array<std::string, 3>& sections, scenario_type type) {
    const auto headings = section_headings(type);
    std::string out = headings[0];
    out += '\n';
    out += sections[0];
    out += "\n\n";
    out += headings[1];
    out += '\n';
    out += sections[1];
    out += "\n\n";
    out += headings[2];
    out += '\n';
    out += sections[2];
    out += "\n\n--";
    return out;
}

std::string assistant_for_rubric(const std::string& raw, scenario_type type, bool truncate) {
    if (type == scenario_type::DIRECT) {
        return truncate ? truncate_code_points(raw, raw_response_limit) : raw;
    }
    if (type == scenario_type::ANALYSIS) {
        return truncate ? truncate_code_points(raw, analysis_response_limit) : raw;
    }
    auto parsed = answer_sections_parse(raw, type);
    if (truncate) {
        for (std::size_t i = 0; i < parsed.sections.size(); ++i) {
            parsed.sections[i] = truncate_code_points(parsed.sections[i], section_limits[i]);
        }
    }
    return sections_render(parsed.sections, type);
}

// The first `\b(\d+(\.\d+)?)\b` of `text` (Python's Unicode \b and \d).
std::optional<std::string> first_number(std::string_view text) {
    std::vector<char32_t> cps;
    std::vector<std::size_t> offsets;
    for (std::size_t pos = 0; pos < text.size();) {
        offsets.push_back(pos);
        cps.push_back(utf8_decode(text, pos));
    }
    offsets.push_back(text.size());
    const std::size_t n = cps.size();
    const auto word_at = [&](std::size_t i) { return i < n && python_is_word(cps[i]); };
    const auto digit_at = [&](std::size_t i) { return i < n && python_is_digit(cps[i]); };
    for (std::size_t p = 0; p < n; ++p) {
        if (!digit_at(p) || (p > 0 && word_at(p - 1))) {
            continue;
        }
        std::size_t q = p;
        while (digit_at(q)) {
            ++q;
        }
        // Backtracking can only shorten runs of word characters, which never
        // yields a boundary, so only the full runs can match.
        if (q < n && cps[q] == '.' && digit_at(q + 1)) {
            std::size_t e = q + 1;
            while (digit_at(e)) {
                ++e;
            }
            if (!word_at(e)) {
                return std::string(text.substr(offsets[p], offsets[e] - offsets[p]));
            }
        }
        if (!word_at(q)) {
            return std::string(text.substr(offsets[p], offsets[q] - offsets[p]));
        }
    }
    return std::nullopt;
}

}  // namespace

std::string python_json_dumps_str(std::string_view text) {
    constexpr const char* hex = "0123456789abcdef";
    std::string out = "\"";
    const auto escape_unit = [&](char32_t unit) {
        out += "\\u";
        for (int k = 3; k >= 0; --k) {
            out += hex[(unit >> (4 * k)) & 0xF];
        }
    };
    std::size_t pos = 0;
    while (pos < text.size()) {
        const char32_t cp = utf8_decode(text, pos);
        switch (cp) {
            case '"':
                out += "\\\"";
                continue;
            case '\\':
                out += "\\\\";
                continue;
            case '\n':
                out += "\\n";
                continue;
            case '\r':
                out += "\\r";
                continue;
            case '\t':
                out += "\\t";
                continue;
            case '\b':
                out += "\\b";
                continue;
            case '\f':
                out += "\\f";
                continue;
            default:
                break;
        }
        if (cp >= 0x20 && cp <= 0x7E) {
            out += static_cast<char>(cp);
        } else if (cp > 0xFFFF) {
            const char32_t v = cp - 0x10000;
            escape_unit(0xD800 | (v >> 10));
            escape_unit(0xDC00 | (v & 0x3FF));
        } else {
            escape_unit(cp);
        }
    }
    out += '"';
    return out;
}

std::string remove_stars_and_hashes(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        if (c != '*' && c != '#') {
            out += c;
        }
    }
    return out;
}

std::string truncate_code_points(std::string_view text, std::size_t limit) {
    if (text.empty() || python_len(text) <= limit) {
        return std::string(text);
    }
    return python_prefix(text, limit) + truncated_marker;
}

std::string rubric_output_format(const std::vector<std::string>& criteria) {
    // A dict: a repeated key keeps its first place and takes the last value.
    std::vector<std::pair<std::string, std::string>> members = {
        {reasoning_key, python_json_dumps_str(reasoning_format)}};
    for (const auto& c : criteria) {
        auto it = std::find_if(members.begin(), members.end(), [&](const auto& m) { return m.first == c; });
        if (it == members.end()) {
            members.emplace_back(c, "0");
        } else {
            it->second = "0";
        }
    }
    std::string dumped = "{";
    for (std::size_t i = 0; i < members.size(); ++i) {
        dumped += i == 0 ? "\n  " : ",\n  ";
        dumped += python_json_dumps_str(members[i].first) + ": " + members[i].second;
    }
    dumped += "\n}";
    return text_replace_all(dumped, ": 0", ": 0-20");
}

result<std::string> rubric_prompt(const scenario& s, const transcript& t, const prompt_files& files, bool truncate) {
    const bool is_analysis = s.type == scenario_type::ANALYSIS;
    if (t.history.empty()) {
        return error{"scenario " + s.id + ": no conversation to judge (the reference: \"History missing\")"};
    }
    if (!is_analysis && !t.debrief) {
        return error{"scenario " + s.id + ": no debrief to judge (the reference: \"Debrief missing\")"};
    }
    std::string transcript_text;
    for (std::size_t i = 0; i < t.history.size(); ++i) {
        const auto& m = t.history[i];
        if (i > 0) {
            transcript_text += "---\n";
        }
        const bool user = m.role == "user";
        transcript_text += user ? "User:\n" : "Assistant:\n";
        transcript_text += user ? m.content : assistant_for_rubric(m.content, s.type, truncate);
        transcript_text += '\n';
    }
    std::map<std::string, std::string> fields = {
        {"transcript", std::move(transcript_text)},
        {"output_format", rubric_output_format(is_analysis ? files.criteria_analysis : files.criteria_standard)},
    };
    if (!is_analysis) {
        std::string debrief = *t.debrief;
        if (truncate && python_len(debrief) > rubric_debrief_limit) {
            debrief = python_prefix(debrief, rubric_debrief_limit) + rubric_debrief_marker;
        }
        fields.emplace("debrief", std::move(debrief));
    }
    auto filled = python_format(is_analysis ? files.rubric_analysis : files.rubric_standard, fields);
    if (!filled) {
        return error{"scenario " + s.id + ": the rubric prompt cannot be filled: " + filled.err().message};
    }
    return remove_stars_and_hashes(*filled);
}

result<rubric_scores> rubric_answer_parse(std::string_view stored_judge_answer) {
    auto parsed = judge_json_read(python_strip(stored_judge_answer));
    if (!parsed) {
        return parsed.err();
    }
    if (parsed->type != py_value::kind::DICT || parsed->members.empty()) {
        return error{"the judge's JSON object is empty"};
    }
    rubric_scores scores;
    for (const auto& m : parsed->members) {
        const auto& v = m.value;
        if (v.type == py_value::kind::INT || v.type == py_value::kind::FLOAT || v.type == py_value::kind::BOOL) {
            if (v.type == py_value::kind::INT && v.int_overflow) {
                return error{"the judge's score for " + m.key + " is too large for a float"};
            }
            scores.push_back({m.key, v.type == py_value::kind::BOOL ? (v.boolean ? 1.0 : 0.0) : v.number});
            continue;
        }
        if (m.key == reasoning_key) {
            continue;
        }
        if (const auto number = first_number(python_str(v))) {
            if (const auto value = python_float(*number)) {
                scores.push_back({m.key, *value});
            }
        }
    }
    if (scores.empty()) {
        return error{"no numeric score in the judge's JSON"};
    }
    return scores;
}

const std::vector<std::string>& standard_counted_criteria() {
    static const std::vector<std::string> criteria = {
        "demonstrated_empathy",   "pragmatic_ei",      "depth_of_insight", "social_dexterity",
        "emotional_reasoning",    "message_tailoring", "theory_of_mind",   "subtext_identification",
        "intellectual_grounding", "correctness",
    };
    return criteria;
}

std::optional<double> rubric_task_score(const rubric_scores& scores, scenario_type type, const prompt_files& files) {
    const auto& counted = type == scenario_type::ANALYSIS ? files.criteria_analysis : standard_counted_criteria();
    std::vector<double> values;
    for (const auto& s : scores) {
        if (std::find(counted.begin(), counted.end(), s.criterion) == counted.end()) {
            continue;
        }
        const std::size_t weight = s.criterion == weighted_criterion ? weighted_criterion_weight : 1;
        values.insert(values.end(), weight, s.value);
    }
    return python_statistics_mean(values);
}

rubric_summary rubric_run_score(const std::vector<std::optional<double>>& scored_tasks) {
    rubric_summary out;
    std::vector<double> values;
    for (const auto& t : scored_tasks) {
        if (t) {
            values.push_back(*t);
        }
    }
    out.tasks_counted = values.size();
    const auto mean = python_statistics_mean(values);
    if (!mean) {
        out.error = scored_tasks.empty() ? "No tasks reached the 'rubric_scored' state."
                                         : "No valid rubric scores found for allowed criteria in " +
                                               std::to_string(scored_tasks.size()) + " potentially scored tasks.";
        return out;
    }
    out.score_0_20 = python_round(*mean, rubric_digits);
    out.score_0_100 = *out.score_0_20 * rubric_0_100_factor;
    return out;
}

}  // namespace eqb::eq3
