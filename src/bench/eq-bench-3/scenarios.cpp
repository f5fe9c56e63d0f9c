#include "bench/eq-bench-3/scenarios.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <iterator>

#include "core/python-str.hpp"
#include "core/unicode.hpp"

namespace eqb::eq3 {
namespace {

// utils/constants.py's id sets.
constexpr std::array<std::string_view, 4> direct_ids = {"8", "10", "12", "14"};
constexpr std::array<std::string_view, 9> drafting_ids = {"201", "202", "203", "204", "205",
                                                          "206", "207", "208", "209"};
constexpr std::string_view scenario_marker = "########";
constexpr std::string_view prompt_marker = "#######";
constexpr std::string_view prompt_word = "Prompt";
constexpr std::string_view no_notes_text = "[No scenario notes available]";

constexpr const char* scenario_prompts_file = "scenario_prompts.txt";
constexpr const char* master_role_play_file = "scenario_master_prompt.txt";
constexpr const char* master_drafting_file = "scenario_master_prompt_message_drafting.txt";
constexpr const char* master_analysis_file = "scenario_master_prompt_analysis.txt";
constexpr const char* debrief_file = "debrief_prompt.txt";
constexpr const char* criteria_standard_file = "rubric_scoring_criteria.txt";
constexpr const char* criteria_analysis_file = "rubric_scoring_criteria_analysis.txt";
constexpr const char* rubric_standard_file = "rubric_scoring_prompt.txt";
constexpr const char* rubric_analysis_file = "rubric_scoring_prompt_analysis.txt";
constexpr const char* pairwise_standard_file = "pairwise_prompt_eqbench3.txt";
constexpr const char* pairwise_analysis_file = "pairwise_prompt_eqbench3_analysis.txt";
constexpr const char* notes_file = "scenario_notes.txt";

bool is_analysis_id(std::string_view id) {
    // "401".."420"
    if (id.size() != 3 || id[0] != '4') {
        return false;
    }
    const int n = (id[1] - '0') * 10 + (id[2] - '0');
    return id[1] >= '0' && id[1] <= '2' && id[2] >= '0' && id[2] <= '9' && n >= 1 && n <= 20;
}

// The lines of \n-separated text as Python iterates a file: the last line may
// lack its newline; no empty line after a final \n. Newlines are not included.
std::vector<std::string_view> text_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t nl = text.find('\n', start);
        if (nl == std::string_view::npos) {
            lines.push_back(text.substr(start));
            break;
        }
        lines.push_back(text.substr(start, nl - start));
        start = nl + 1;
    }
    return lines;
}

// Byte offset after the Python whitespace starting at `pos`.
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

// `^########\s*(\S+)` on a stripped line: the id, or nullopt.
std::optional<std::string> scenario_header_id(std::string_view line) {
    if (line.substr(0, scenario_marker.size()) != scenario_marker) {
        return std::nullopt;
    }
    const std::size_t begin = skip_space(line, scenario_marker.size());
    std::size_t end = begin;
    while (end < line.size()) {
        std::size_t next = end;
        if (python_is_space(utf8_decode(line, next))) {
            break;
        }
        end = next;
    }
    if (end == begin) {
        return std::nullopt;
    }
    return std::string(line.substr(begin, end - begin));
}

// `^#######\s*Prompt(\d+)` on a stripped line.
bool is_prompt_header(std::string_view line) {
    if (line.substr(0, prompt_marker.size()) != prompt_marker) {
        return false;
    }
    std::size_t pos = skip_space(line, prompt_marker.size());
    if (line.substr(pos, prompt_word.size()) != prompt_word) {
        return false;
    }
    pos += prompt_word.size();
    return pos < line.size() && python_is_digit(utf8_decode(line, pos));
}

result<std::string> file_read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return error{path.string() + ": cannot read the file"};
    }
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return python_text_decode(bytes, path.string());
}

}  // namespace

scenario_type scenario_type_of(std::string_view id) {
    if (is_analysis_id(id)) {
        return scenario_type::ANALYSIS;
    }
    if (std::find(drafting_ids.begin(), drafting_ids.end(), id) != drafting_ids.end()) {
        return scenario_type::MESSAGE_DRAFTING;
    }
    if (std::find(direct_ids.begin(), direct_ids.end(), id) != direct_ids.end()) {
        return scenario_type::DIRECT;
    }
    return scenario_type::ROLE_PLAY;
}

const char* scenario_type_name(scenario_type type) {
    switch (type) {
        case scenario_type::ROLE_PLAY:
            return "role-play";
        case scenario_type::MESSAGE_DRAFTING:
            return "message-drafting";
        case scenario_type::ANALYSIS:
            return "analysis";
        case scenario_type::DIRECT:
            return "direct";
    }
    return "role-play";
}

bool scenario_type_has_debrief(scenario_type type) {
    return type != scenario_type::ANALYSIS;
}

const scenario* scenario_set::find(std::string_view id) const {
    for (const auto& s : scenarios) {
        if (s.id == id) {
            return &s;
        }
    }
    return nullptr;
}

result<std::string> python_text_decode(std::string_view bytes, const std::string& source) {
    if (!utf8_valid(bytes)) {
        std::size_t line = 1;
        std::size_t pos = 0;
        while (pos < bytes.size()) {
            const std::size_t start = pos;
            const char32_t cp = utf8_decode(bytes, pos);
            if (cp == 0xFFFD && bytes.substr(start, 3) != "\xef\xbf\xbd") {
                break;
            }
            if (cp == '\n' || (cp == '\r' && (pos >= bytes.size() || bytes[pos] != '\n'))) {
                ++line;
            }
        }
        return error{source + ":" + std::to_string(line) + ": invalid UTF-8 (the reference reads the file as UTF-8)"};
    }
    std::string out;
    out.reserve(bytes.size());
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (bytes[i] == '\r') {
            out += '\n';
            if (i + 1 < bytes.size() && bytes[i + 1] == '\n') {
                ++i;
            }
            continue;
        }
        out += bytes[i];
    }
    return out;
}

result<scenario_set> scenarios_parse(std::string_view raw_text, const std::string& source) {
    auto decoded = python_text_decode(raw_text, source);
    if (!decoded) {
        return decoded.err();
    }
    const std::string& text = *decoded;
    scenario_set set;
    set.source = source;

    std::optional<std::string> current_id;
    std::size_t current_line = 0;
    std::vector<std::string> current_prompts;
    std::vector<std::string_view> prompt_lines;
    bool in_prompt = false;

    const auto finish_prompt = [&] {
        if (prompt_lines.empty()) {
            return;
        }
        std::string joined;
        for (std::size_t i = 0; i < prompt_lines.size(); ++i) {
            if (i > 0) {
                joined += '\n';
            }
            joined += prompt_lines[i];
        }
        std::string prompt = python_strip(joined);
        if (!prompt.empty()) {
            current_prompts.push_back(std::move(prompt));
        }
        prompt_lines.clear();
    };
    const auto finish_scenario = [&] {
        if (!current_id) {
            return;
        }
        if (current_prompts.empty()) {
            set.dropped.push_back({*current_id, current_line});
            return;
        }
        auto it = std::find_if(set.scenarios.begin(), set.scenarios.end(),
                               [&](const scenario& s) { return s.id == *current_id; });
        if (it == set.scenarios.end()) {
            set.scenarios.push_back(
                {*current_id, scenario_type_of(*current_id), std::move(current_prompts), current_line});
        } else {
            it->prompts = std::move(current_prompts);
            it->line = current_line;
        }
        current_prompts = {};
    };

    const auto lines = text_lines(text);
    for (std::size_t index = 0; index < lines.size(); ++index) {
        const std::string_view raw_line = lines[index];
        const std::string line = python_strip(raw_line);
        if (auto id = scenario_header_id(line)) {
            finish_prompt();
            finish_scenario();
            current_id = std::move(id);
            current_line = index + 1;
            current_prompts.clear();
            in_prompt = false;
            continue;
        }
        if (is_prompt_header(line)) {
            if (!current_id) {
                continue;  // the reference warns and ignores a prompt before any scenario
            }
            finish_prompt();
            in_prompt = true;
            continue;
        }
        if (current_id && in_prompt) {
            prompt_lines.push_back(raw_line);
        }
    }
    finish_prompt();
    finish_scenario();

    // A dropped header whose id got prompts elsewhere in the file is not dropped.
    set.dropped.erase(std::remove_if(set.dropped.begin(), set.dropped.end(),
                                     [&](const dropped_scenario& d) { return set.find(d.id) != nullptr; }),
                      set.dropped.end());
    if (set.scenarios.empty()) {
        return error{source + ": no scenario with prompts (the reference aborts the run: \"No scenarios parsed\")"};
    }
    return set;
}

result<scenario_set> scenarios_load(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return error{path.string() + ": cannot read the scenario prompts file"};
    }
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return scenarios_parse(bytes, path.string());
}

std::vector<std::string> dropped_scenario_messages(const scenario_set& set) {
    std::vector<std::string> out;
    for (const auto& d : set.dropped) {
        out.push_back(set.source + ":" + std::to_string(d.line) + ": scenario " + d.id +
                      " has no \"####### PromptN\" line, so it has no prompts and is skipped, as the reference "
                      "skips it");
    }
    return out;
}

std::map<std::string, std::string> scenario_notes_parse(std::string_view text) {
    std::map<std::string, std::string> notes;
    std::optional<std::string> current_id;
    std::vector<std::string_view> current_lines;
    const auto save = [&] {
        if (!current_id || current_lines.empty()) {
            return;
        }
        std::string joined;
        for (std::size_t i = 0; i < current_lines.size(); ++i) {
            if (i > 0) {
                joined += '\n';
            }
            joined += current_lines[i];
        }
        notes[*current_id] = python_strip(joined);
        current_lines.clear();
    };
    for (const std::string_view line : text_lines(text)) {
        if (line.substr(0, 2) == "# ") {
            save();
            // line.strip('# \n') (the newline is already gone)
            std::size_t b = 0;
            std::size_t e = line.size();
            while (b < e && (line[b] == '#' || line[b] == ' ')) {
                ++b;
            }
            while (e > b && (line[e - 1] == '#' || line[e - 1] == ' ')) {
                --e;
            }
            current_id = std::string(line.substr(b, e - b));
        } else if (current_id) {
            current_lines.push_back(line);
        }
    }
    save();
    return notes;
}

std::vector<std::string> rubric_criteria_parse(std::string_view text) {
    std::vector<std::string> out;
    for (const std::string_view line : text_lines(text)) {
        std::string stripped = python_strip(line);
        if (!stripped.empty() && stripped[0] != '#') {
            out.push_back(std::move(stripped));
        }
    }
    return out;
}

result<benchmark_data> benchmark_data_load(const std::filesystem::path& dir) {
    benchmark_data data;
    auto scenarios = scenarios_load(dir / scenario_prompts_file);
    if (!scenarios) {
        return scenarios.err();
    }
    data.scenarios = std::move(*scenarios);

    prompt_files& f = data.files;
    struct text_file {
        const char* name;
        std::string* target;
        bool must_have_text;
    };
    std::string criteria_standard_text;
    std::string criteria_analysis_text;
    const std::array<text_file, 10> files = {{
        {master_role_play_file, &f.master_role_play, true},
        {master_drafting_file, &f.master_drafting, true},
        {master_analysis_file, &f.master_analysis, true},
        {debrief_file, &f.debrief, true},
        {criteria_standard_file, &criteria_standard_text, false},
        {criteria_analysis_file, &criteria_analysis_text, false},
        {rubric_standard_file, &f.rubric_standard, false},
        {rubric_analysis_file, &f.rubric_analysis, false},
        {pairwise_standard_file, &f.pairwise_standard, false},
        {pairwise_analysis_file, &f.pairwise_analysis, false},
    }};
    for (const auto& file : files) {
        const auto path = dir / file.name;
        auto text = file_read_text(path);
        if (!text) {
            return text.err();
        }
        if (file.must_have_text && python_strip(*text).empty()) {
            return error{path.string() + ": the file is empty (the reference refuses it)"};
        }
        *file.target = std::move(*text);
    }
    f.criteria_standard = rubric_criteria_parse(criteria_standard_text);
    f.criteria_analysis = rubric_criteria_parse(criteria_analysis_text);
    if (f.criteria_standard.empty()) {
        return error{(dir / criteria_standard_file).string() + ": no criteria (the reference refuses an empty file)"};
    }
    if (f.criteria_analysis.empty()) {
        return error{(dir / criteria_analysis_file).string() + ": no criteria (the reference refuses an empty file)"};
    }
    const auto require_fields = [&](const std::string& tmpl, const char* name,
                                    std::initializer_list<const char*> fields) -> std::optional<error> {
        for (const char* field : fields) {
            if (tmpl.find(field) == std::string::npos) {
                return error{(dir / name).string() + ": the template has no " + field +
                             " field (the reference refuses it)"};
            }
        }
        return std::nullopt;
    };
    if (auto e =
            require_fields(f.rubric_standard, rubric_standard_file, {"{transcript}", "{debrief}", "{output_format}"})) {
        return *e;
    }
    if (auto e = require_fields(f.rubric_analysis, rubric_analysis_file, {"{transcript}", "{output_format}"})) {
        return *e;
    }
    const auto notes_path = dir / notes_file;
    if (std::filesystem::exists(notes_path)) {
        auto text = file_read_text(notes_path);
        if (!text) {
            return text.err();
        }
        f.notes = scenario_notes_parse(*text);
    }
    return data;
}

const std::string& master_template_of(const prompt_files& files, scenario_type type) {
    switch (type) {
        case scenario_type::MESSAGE_DRAFTING:
            return files.master_drafting;
        case scenario_type::ANALYSIS:
            return files.master_analysis;
        case scenario_type::ROLE_PLAY:
        case scenario_type::DIRECT:
            break;
    }
    return files.master_role_play;
}

std::string scenario_note_for(const prompt_files& files, std::string_view scenario_id) {
    std::string key;
    // scenario_id.replace("scenario", "").split("_")[0]
    constexpr std::string_view word = "scenario";
    std::size_t pos = 0;
    while (pos < scenario_id.size()) {
        if (scenario_id.substr(pos, word.size()) == word) {
            pos += word.size();
            continue;
        }
        key += scenario_id[pos++];
    }
    key = key.substr(0, key.find('_'));
    const auto it = files.notes.find(key);
    return it == files.notes.end() ? std::string(no_notes_text) : it->second;
}

}  // namespace eqb::eq3
