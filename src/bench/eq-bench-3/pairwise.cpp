#include "bench/eq-bench-3/pairwise.hpp"

#include <array>

#include "bench/eq-bench-3/answers.hpp"
#include "bench/eq-bench-3/judge-json.hpp"
#include "bench/eq-bench-3/rubric.hpp"
#include "core/python-str.hpp"
#include "core/text.hpp"
#include "core/unicode.hpp"

namespace eqb::eq3 {
namespace {

constexpr const char* no_debrief_text = "[No Debrief Provided]";
constexpr const char* scenario_not_found_text = "Scenario description not found.";
constexpr const char* history_truncated_marker = "[... HISTORY TRUNCATED ...]";
constexpr const char* words_truncated_marker = " ... [TRUNCATED]";
constexpr std::size_t min_truncated_words = 50;  // a cut message shorter than this is left out
// Per-section limits of the pairwise prompt (the same for role-play and drafting).
constexpr std::array<std::size_t, 3> section_limits = {2200, 1600, 1600};

// The words of `text` as Python's str.split() finds them.
std::vector<std::string_view> python_split(std::string_view text) {
    std::vector<std::string_view> words;
    std::size_t pos = 0;
    std::optional<std::size_t> start;
    while (pos < text.size()) {
        const std::size_t at = pos;
        const bool space = python_is_space(utf8_decode(text, pos));
        if (space && start) {
            words.push_back(text.substr(*start, at - *start));
            start.reset();
        } else if (!space && !start) {
            start = at;
        }
    }
    if (start) {
        words.push_back(text.substr(*start));
    }
    return words;
}

std::size_t python_word_count(std::string_view text) {
    std::size_t count = 0;
    bool in_word = false;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const bool space = python_is_space(utf8_decode(text, pos));
        if (!space && !in_word) {
            ++count;
        }
        in_word = !space;
    }
    return count;
}

// format_parsed_response: headings and sections joined with blank lines.
std::string sections_render(const std::array<std::string, 3>& sections, scenario_type type) {
    const auto headings = section_headings(type);
    std::string out;
    for (std::size_t i = 0; i < sections.size(); ++i) {
        out += headings[i];
        out += "\n\n";
        out += sections[i];
        out += "\n\n";
    }
    out += "--";
    return out;
}

std::string assistant_for_pairwise(const std::string& raw, scenario_type type) {
    if (type == scenario_type::ANALYSIS) {
        return truncate_code_points(raw, pairwise_analysis_limit);
    }
    if (type == scenario_type::DIRECT) {
        return truncate_code_points(raw, pairwise_direct_limit);
    }
    auto parsed = answer_sections_parse(raw, type);
    for (std::size_t i = 0; i < parsed.sections.size(); ++i) {
        parsed.sections[i] = truncate_code_points(parsed.sections[i], section_limits[i]);
    }
    return sections_render(parsed.sections, type);
}

std::string debrief_for_pairwise(const std::optional<std::string>& debrief) {
    if (!debrief || debrief->empty()) {
        return no_debrief_text;
    }
    return truncate_code_points(remove_stars_and_hashes(*debrief), pairwise_debrief_limit);
}

// _first_assistant_raw with the reference's fallback: when removing '*' and '#'
// leaves nothing, the stored answer itself; then cut to 6000 code points.
std::string analysis_response(const transcript& t) {
    const message* first = nullptr;
    for (const auto& m : t.history) {
        if (m.role == "assistant") {
            first = &m;
            break;
        }
    }
    if (first == nullptr) {
        return {};
    }
    std::string raw = remove_stars_and_hashes(first->content);
    if (raw.empty()) {
        raw = first->content;
    }
    return truncate_code_points(raw, pairwise_analysis_limit);
}

}  // namespace

const char* pairwise_order_name(pairwise_order order) {
    return order == pairwise_order::TEST_FIRST ? "forward" : "reversed";
}

std::string pairwise_history_render(const std::vector<message>& history, scenario_type type) {
    std::vector<std::string> entries;
    std::size_t total_words = 0;
    for (const auto& m : history) {
        const bool assistant = m.role == "assistant";
        std::string content = assistant ? assistant_for_pairwise(m.content, type) : m.content;
        content = remove_stars_and_hashes(content);
        // str.capitalize() of the two roles the history holds.
        const std::string role = assistant ? "Assistant" : (m.role == "user" ? "User" : m.role);
        const std::size_t words = python_word_count(content);
        if (total_words + words > pairwise_history_word_budget) {
            const std::size_t allowed = pairwise_history_word_budget - total_words;
            if (allowed > min_truncated_words) {
                const auto split = python_split(content);
                std::string kept;
                for (std::size_t i = 0; i < allowed && i < split.size(); ++i) {
                    if (i > 0) {
                        kept += ' ';
                    }
                    kept += split[i];
                }
                entries.push_back(role + ":\n" + kept + words_truncated_marker + "\n---");
            } else {
                bool marked = false;
                for (const auto& e : entries) {
                    marked = marked || e.find(history_truncated_marker) != std::string::npos;
                }
                if (!marked) {
                    entries.emplace_back(history_truncated_marker);
                }
            }
            break;
        }
        entries.push_back(role + ":\n" + content + "\n---");
        total_words += words;
    }
    std::string out;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (i > 0) {
            out += '\n';
        }
        out += entries[i];
    }
    return out;
}

std::string pairwise_prompt(const scenario& s, const transcript& a, const transcript& b, const prompt_files& files) {
    const bool is_analysis = s.type == scenario_type::ANALYSIS;
    const std::string description = s.prompts.empty() ? std::string(scenario_not_found_text) : s.prompts[0];
    std::string prompt = is_analysis ? files.pairwise_analysis : files.pairwise_standard;
    prompt = text_replace_all(std::move(prompt), "{scenario_description}", description);
    prompt = text_replace_all(std::move(prompt), "{scenario_notes}", scenario_note_for(files, s.id));
    prompt =
        text_replace_all(std::move(prompt), "{conversation_history_A}", pairwise_history_render(a.history, s.type));
    prompt =
        text_replace_all(std::move(prompt), "{conversation_history_B}", pairwise_history_render(b.history, s.type));
    if (!is_analysis) {
        prompt = text_replace_all(std::move(prompt), "{debrief_A}", debrief_for_pairwise(a.debrief));
        prompt = text_replace_all(std::move(prompt), "{debrief_B}", debrief_for_pairwise(b.debrief));
        return prompt;
    }
    prompt = text_replace_all(std::move(prompt), "{transcript_being_analysed}", python_strip(description));
    prompt = text_replace_all(std::move(prompt), "{response_A}", analysis_response(a));
    prompt = text_replace_all(std::move(prompt), "{response_B}", analysis_response(b));
    return prompt;
}

std::string pairwise_prompt(const scenario& s, const transcript& test, const transcript& other, pairwise_order order,
                            const prompt_files& files) {
    return order == pairwise_order::TEST_FIRST ? pairwise_prompt(s, test, other, files)
                                               : pairwise_prompt(s, other, test, files);
}

result<std::vector<pairwise_member>> pairwise_answer_read(std::string_view stored_judge_answer) {
    auto parsed = judge_json_read(stored_judge_answer);
    if (!parsed) {
        return parsed.err();
    }
    if (parsed->type != py_value::kind::DICT || parsed->members.empty()) {
        return error{"No valid JSON block found"};
    }
    if (const py_value* e = parsed->find("error")) {
        return error{"the judge's JSON has an \"error\" member: " + python_str(*e)};
    }
    std::vector<pairwise_member> out;
    out.reserve(parsed->members.size());
    for (auto& m : parsed->members) {
        pairwise_member member{m.key, std::nullopt};
        if (m.value.type == py_value::kind::STRING) {
            member.text = std::move(m.value.text);
        }
        out.push_back(std::move(member));
    }
    return out;
}

}  // namespace eqb::eq3
