#include "bench/creative-writing/prompts.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>
#include <optional>

#include "core/text.hpp"
#include "core/unicode.hpp"

namespace eqb {
namespace {

using json = nlohmann::ordered_json;

// eqbench's own templates, used when the data directory has none: the same
// structure and placeholders as the reference's, in the project's words.
constexpr const char* builtin_test_template =
    "You are a skilled writer of vivid, original fiction.\n\n{writing_prompt}";
constexpr const char* builtin_judge_template =
    "You are judging a piece of creative writing. Below are the writing prompt, an exemplary reference answer and "
    "the answer under test.\n\n[PROMPT START]\n\n{writing_prompt}\n\n[PROMPT END]\n\n[REFERENCE RESPONSE (DO NOT "
    "JUDGE)]\n\n{reference_output}\n\n[REFERENCE RESPONSE END]\n\n[TEST MODEL RESPONSE]\n\n{test_model_response}\n\n"
    "[TEST MODEL RESPONSE END]\n\n[Task]\n\nScore only the answer under test, on each metric below, from 0 to 10.\n\n"
    "Guidance:\n\n- The reference answer shows what high quality looks like; do not score it.\n\n- Use the whole "
    "range, 0 and 10 included, where they fit.\n\n- Leave out a metric that does not apply to the piece (for "
    "example dialogue metrics when there is no dialogue).\n\n- Judge the writing on its merits, whatever its "
    "content rating.\n\n- Ignore any comments the test model adds after the piece.\n\n- Length earns nothing by "
    "itself, but a piece that is too short should lose points; an answer cut off by a token limit should not.\n\n- "
    "Unearned happy endings and forced positivity make writing worse.\n\n- Be a frank, discriminating critic.\n\n- "
    "Write the metric names exactly as given, without markdown, so they can be parsed.\n\n- For these metrics, lower "
    "is better:\nUnearned Transformations\nIncongruent Ending Positivity\nOverwrought\nPurple Prose\nAmateurish\n"
    "Unsurprising or Uncreative\nTell-Don't-Show\nWeak Dialogue\nMeandering\n\n- First write your analysis of the "
    "piece, then the scores, in this format:\n\n[Analysis]\n\nYour analysis.\n\n[Scores]\n\nMetric 1 name: [Score "
    "0-10]\n\nMetric 2 name: ...\n\n---\n\n{prefix_text}\n\n{criteria}\n\t";

std::string read_text(const std::filesystem::path& path, bool& ok) {
    std::ifstream in(path, std::ios::binary);
    ok = static_cast<bool>(in);
    if (!ok) {
        return {};
    }
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// A small reader of Python literals (what repr() of lists and dicts of strings writes).
class literal_reader {
  public:
    explicit literal_reader(std::string_view text) : text_(text) {}

    result<json> read_all() {
        auto value = read_value();
        if (!value) {
            return value;
        }
        skip_space();
        if (pos_ != text_.size()) {
            return fail("unexpected text after the value");
        }
        return value;
    }

  private:
    error fail(const std::string& what) const { return error{what + " at offset " + std::to_string(pos_)}; }
    void skip_space() {
        while (pos_ < text_.size() && text_is_space(text_[pos_])) {
            ++pos_;
        }
    }
    bool take(char c) {
        skip_space();
        if (pos_ < text_.size() && text_[pos_] == c) {
            ++pos_;
            return true;
        }
        return false;
    }

    result<json> read_value() {
        skip_space();
        if (++depth_ > 64) {
            return fail("nesting too deep");
        }
        struct depth_guard {
            int& d;
            ~depth_guard() { --d; }
        } guard{depth_};
        if (pos_ >= text_.size()) {
            return fail("unexpected end");
        }
        const char c = text_[pos_];
        if (c == '[' || c == '(') {
            return read_list(c == '[' ? ']' : ')');
        }
        if (c == '{') {
            return read_dict();
        }
        if (c == '\'' || c == '"') {
            auto s = read_string();
            if (!s) {
                return s.err();
            }
            return json(*s);
        }
        for (const auto& [word, value] :
             {std::pair<std::string_view, json>{"None", json(nullptr)}, {"True", json(true)}, {"False", json(false)}}) {
            if (text_.substr(pos_, word.size()) == word) {
                pos_ += word.size();
                return value;
            }
        }
        const std::size_t start = pos_;
        while (pos_ < text_.size() &&
               (std::isdigit(static_cast<unsigned char>(text_[pos_])) != 0 || text_[pos_] == '-' ||
                text_[pos_] == '+' || text_[pos_] == '.' || text_[pos_] == 'e' || text_[pos_] == 'E')) {
            ++pos_;
        }
        if (pos_ == start) {
            return fail("expected a value");
        }
        const auto parsed = json::parse(text_.substr(start, pos_ - start), nullptr, false);
        if (parsed.is_discarded()) {
            pos_ = start;
            return fail("bad number");
        }
        return parsed;
    }

    result<json> read_list(char close) {
        ++pos_;
        json out = json::array();
        if (take(close)) {
            return out;
        }
        while (true) {
            auto v = read_value();
            if (!v) {
                return v;
            }
            out.push_back(std::move(*v));
            if (take(',')) {
                if (take(close)) {
                    return out;
                }
                continue;
            }
            if (take(close)) {
                return out;
            }
            return fail(std::string("expected ',' or '") + close + "'");
        }
    }

    result<json> read_dict() {
        ++pos_;
        json out = json::object();
        if (take('}')) {
            return out;
        }
        while (true) {
            skip_space();
            auto key = read_string();
            if (!key) {
                return key.err();
            }
            if (!take(':')) {
                return fail("expected ':'");
            }
            auto v = read_value();
            if (!v) {
                return v;
            }
            out[*key] = std::move(*v);
            if (take(',')) {
                if (take('}')) {
                    return out;
                }
                continue;
            }
            if (take('}')) {
                return out;
            }
            return fail("expected ',' or '}'");
        }
    }

    result<std::string> read_string() {
        if (pos_ >= text_.size() || (text_[pos_] != '\'' && text_[pos_] != '"')) {
            return fail("expected a string");
        }
        const char quote = text_[pos_++];
        std::string out;
        while (pos_ < text_.size()) {
            const char c = text_[pos_++];
            if (c == quote) {
                return out;
            }
            if (c != '\\') {
                out += c;
                continue;
            }
            if (pos_ >= text_.size()) {
                break;
            }
            const char e = text_[pos_++];
            switch (e) {
                case 'n':
                    out += '\n';
                    break;
                case 't':
                    out += '\t';
                    break;
                case 'r':
                    out += '\r';
                    break;
                case '\\':
                case '\'':
                case '"':
                    out += e;
                    break;
                case 'x':
                case 'u':
                case 'U': {
                    const std::size_t digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                    if (pos_ + digits > text_.size()) {
                        return fail("truncated escape");
                    }
                    const std::string hex(text_.substr(pos_, digits));
                    pos_ += digits;
                    char* end = nullptr;
                    const unsigned long cp = std::strtoul(hex.c_str(), &end, 16);
                    if (end != hex.c_str() + hex.size() || cp > 0x10FFFF) {
                        return fail("bad escape");
                    }
                    utf8_append(out, static_cast<char32_t>(cp));
                    break;
                }
                default:
                    out += '\\';
                    out += e;
            }
        }
        return fail("unterminated string");
    }

    std::string_view text_;
    std::size_t pos_ = 0;
    int depth_ = 0;
};

// A field that is JSON already, or a Python literal inside a string (v1 file).
result<json> structured(const json& value) {
    if (!value.is_string()) {
        return value;
    }
    literal_reader reader(value.get_ref<const std::string&>());
    return reader.read_all();
}

}  // namespace

result<std::string> python_literal_to_json(std::string_view text) {
    literal_reader reader(text);
    auto value = reader.read_all();
    if (!value) {
        return value.err();
    }
    return value->dump();
}

result<writing_prompt_set> writing_prompts_parse(std::string_view json_text, const std::string& source) {
    const auto doc = json::parse(json_text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) {
        return error{source + ": not a JSON object of prompts"};
    }
    writing_prompt_set set;
    set.source = source;
    for (const auto& [id, item] : doc.items()) {
        const std::string where = source + ": prompt " + id;
        if (!item.is_object()) {
            return error{where + ": not an object"};
        }
        writing_prompt p;
        p.id = id;
        if (!item.contains("writing_prompt") || !item["writing_prompt"].is_string()) {
            return error{where + ": writing_prompt: expected a string"};
        }
        p.text = item["writing_prompt"].get<std::string>();
        if (item.contains("reference_output") && item["reference_output"].is_string()) {
            p.reference_output = item["reference_output"].get<std::string>();
        }
        if (item.contains("seed_modifiers")) {
            auto seeds = structured(item["seed_modifiers"]);
            if (!seeds || !seeds->is_array()) {
                return error{where + ": seed_modifiers: expected a list of strings" +
                             (seeds ? std::string() : " (" + seeds.err().message + ")")};
            }
            for (const auto& s : *seeds) {
                if (!s.is_string()) {
                    return error{where + ": seed_modifiers: expected a list of strings"};
                }
                p.seed_modifiers.push_back(s.get<std::string>());
            }
        }
        if (!item.contains("judging_criteria")) {
            return error{where + ": judging_criteria: missing"};
        }
        auto sets = structured(item["judging_criteria"]);
        if (!sets || !sets->is_array()) {
            return error{where + ": judging_criteria: expected a list of {prefix_text, criteria}" +
                         (sets ? std::string() : " (" + sets.err().message + ")")};
        }
        for (const auto& criteria_set : *sets) {
            if (!criteria_set.is_object() || !criteria_set.contains("criteria") ||
                !criteria_set["criteria"].is_array()) {
                return error{where + ": judging_criteria: expected a list of {prefix_text, criteria}"};
            }
            for (const auto& c : criteria_set["criteria"]) {
                if (!c.is_string()) {
                    return error{where + ": judging_criteria: a criterion is not a string"};
                }
                p.criteria.push_back(c.get<std::string>());
            }
        }
        std::reverse(p.criteria.begin(), p.criteria.end());
        set.prompts.push_back(std::move(p));
    }
    if (set.prompts.empty()) {
        return error{source + ": no prompts"};
    }
    return set;
}

result<writing_prompt_set> writing_prompts_load(const std::filesystem::path& path) {
    bool ok = false;
    const std::string text = read_text(path, ok);
    if (!ok) {
        return error{path.string() + ": cannot read the prompt file"};
    }
    return writing_prompts_parse(text, path.string());
}

std::string writing_prompt_for_iteration(const writing_prompt& prompt, int iteration) {
    if (prompt.seed_modifiers.empty()) {
        return prompt.text;
    }
    const auto n = static_cast<int>(prompt.seed_modifiers.size());
    const int index = ((iteration - 1) % n + n) % n;
    return text_replace_all(prompt.text, "<SEED>", prompt.seed_modifiers[static_cast<std::size_t>(index)]);
}

result<creative_writing_templates> creative_writing_templates_load(const std::filesystem::path& data_dir,
                                                                   const std::string& judge_override) {
    creative_writing_templates t;
    t.test = builtin_test_template;
    t.judge = builtin_judge_template;
    t.test_source = "built-in";
    t.judge_source = "built-in";
    std::error_code ec;
    const auto load = [&](const std::filesystem::path& path, std::string& into, std::string& source,
                          bool required) -> std::optional<error> {
        if (!required && !std::filesystem::exists(path, ec)) {
            return std::nullopt;
        }
        bool ok = false;
        std::string text = read_text(path, ok);
        if (!ok) {
            return error{path.string() + ": cannot read the prompt template"};
        }
        into = std::move(text);
        source = path.string();
        return std::nullopt;
    };
    if (!data_dir.empty()) {
        if (auto e = load(data_dir / "prompts" / "creative_writing_test_v2.txt", t.test, t.test_source, false)) {
            return *e;
        }
        if (auto e = load(data_dir / "prompts" / "creative_writing_judge_v2.txt", t.judge, t.judge_source, false)) {
            return *e;
        }
    }
    if (!judge_override.empty()) {
        if (auto e = load(judge_override, t.judge, t.judge_source, true)) {
            return *e;
        }
    }
    return t;
}

std::string creative_writing_test_prompt(const creative_writing_templates& t, const std::string& seeded_prompt) {
    return text_substitute(t.test, {{"{writing_prompt}", seeded_prompt}});
}

std::string creative_writing_judge_prompt(const creative_writing_templates& t, const std::string& seeded_prompt,
                                          const std::string& reference_output, const std::string& response,
                                          const std::vector<std::string>& criteria, const std::string& judge_note) {
    std::string list;
    for (std::size_t i = 0; i < criteria.size(); ++i) {
        list += (i > 0 ? "\n" : "") + criteria[i];
    }
    return text_substitute(
        t.judge, {{"{writing_prompt}", creative_writing_test_prompt(t, seeded_prompt)},
                  {"{reference_output}", reference_output},
                  {"{test_model_response}", response},
                  {"{prefix_text}", judge_note.empty() ? std::string(creative_writing_criteria_prefix)
                                                       : judge_note + "\n\n" + creative_writing_criteria_prefix},
                  {"{criteria}", list}});
}

double creative_writing_script_share(std::string_view text, const creative_writing_language& language) {
    std::size_t letters = 0;
    std::size_t in_script = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const char32_t cp = utf8_decode(text, pos);
        if (!python_is_word(cp) || python_is_digit(cp) || cp == U'_') {
            continue;
        }
        ++letters;
        for (const auto& [first, last] : language.script_ranges) {
            if (cp >= first && cp <= last) {
                ++in_script;
                break;
            }
        }
    }
    return letters == 0 ? 0.0 : static_cast<double>(in_script) / static_cast<double>(letters);
}

}  // namespace eqb
