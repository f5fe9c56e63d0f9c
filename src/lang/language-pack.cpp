#include "lang/language-pack.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>

#include "core/prompt.hpp"
#include "core/unicode.hpp"
#include "lang/builtin-packs.hpp"

namespace eqb {
namespace {

using json = nlohmann::json;

// The pair pattern's groups: the emotion name and its score.
constexpr int pair_pattern_groups = 2;

// Reads one JSON object into a language_pack. Every error names the source
// and the field path, e.g. "en.json: field 'prompt_variants[0].rules[1].until': ...".
class pack_reader {
  public:
    explicit pack_reader(std::string source) : source_(std::move(source)) {}

    result<language_pack> read(const json& doc) {
        if (!doc.is_object()) {
            return fail_with("expected a JSON object, got " + type_name(doc));
        }
        language_pack pack;
        const bool ok =
            known_fields(doc, "",
                         {"code", "name", "question_file", "version_suffix", "reference_pair_pattern",
                          "reference_first_pass_heading", "reference_revised_heading", "first_pass_headings",
                          "revised_headings", "prompt_variants", "dialogue_end_markers", "name_line_patterns",
                          "lenient_pair_pattern", "scale_anchors", "creative_writing"}) &&
            string_field(doc, "", "code", pack.code, true) && string_field(doc, "", "name", pack.name, true) &&
            string_field(doc, "", "question_file", pack.question_file, true) &&
            string_field(doc, "", "version_suffix", pack.version_suffix, false) &&
            (!doc.contains("lenient_pair_pattern") ||
             string_field(doc, "", "lenient_pair_pattern", pack.lenient_pair_pattern, false)) &&
            string_field(doc, "", "reference_pair_pattern", pack.reference_pair_pattern, true) &&
            string_field(doc, "", "reference_first_pass_heading", pack.reference_first_pass_heading, true) &&
            string_field(doc, "", "reference_revised_heading", pack.reference_revised_heading, true) &&
            string_list_field(doc, "", "first_pass_headings", pack.first_pass_headings, true) &&
            string_list_field(doc, "", "revised_headings", pack.revised_headings, true) &&
            string_list_field(doc, "", "dialogue_end_markers", pack.dialogue_end_markers, false) &&
            string_list_field(doc, "", "name_line_patterns", pack.name_line_patterns, false) &&
            pair_pattern_check(pack.reference_pair_pattern, "reference_pair_pattern") &&
            (pack.lenient_pair_pattern.empty() ||
             pair_pattern_check(pack.lenient_pair_pattern, "lenient_pair_pattern")) &&
            name_patterns_check(pack.name_line_patterns) && variants_read(doc, pack) && anchors_read(doc, pack) &&
            creative_read(doc, pack);
        if (!ok) {
            return *error_;
        }
        return pack;
    }

    result<language_pack> fail_with(const std::string& message) {
        error_ = error{source_ + ": " + message};
        return *error_;
    }

  private:
    static std::string type_name(const json& value) { return value.type_name(); }

    static std::string join(const std::string& path, const std::string& field) {
        return path.empty() ? field : path + "." + field;
    }

    bool fail(const std::string& field, const std::string& message) {
        error_ = error{field.empty() ? source_ + ": " + message : source_ + ": field '" + field + "': " + message};
        return false;
    }

    bool known_fields(const json& object, const std::string& path, std::initializer_list<std::string_view> names) {
        for (const auto& item : object.items()) {
            if (std::find(names.begin(), names.end(), item.key()) == names.end()) {
                return fail(join(path, item.key()), "unknown field");
            }
        }
        return true;
    }

    bool string_field(const json& object, const std::string& path, const char* name, std::string& out, bool non_empty) {
        const auto field = join(path, name);
        const auto it = object.find(name);
        if (it == object.end()) {
            return fail(field, "missing");
        }
        if (!it->is_string()) {
            return fail(field, "expected a string, got " + type_name(*it));
        }
        out = it->get<std::string>();
        if (non_empty && out.empty()) {
            return fail(field, "must not be empty");
        }
        return true;
    }

    // A list of strings; `required` false accepts an absent field. A single
    // string is read as a list of one.
    bool string_list_field(const json& object, const std::string& path, const char* name, std::vector<std::string>& out,
                           bool required) {
        const auto field = join(path, name);
        const auto it = object.find(name);
        if (it == object.end()) {
            return required ? fail(field, "missing") : true;
        }
        if (it->is_string()) {
            out.push_back(it->get<std::string>());
            return true;
        }
        if (!it->is_array()) {
            return fail(field, "expected a string or an array of strings, got " + type_name(*it));
        }
        for (std::size_t i = 0; i < it->size(); ++i) {
            const auto& item = (*it)[i];
            if (!item.is_string()) {
                return fail(field + "[" + std::to_string(i) + "]", "expected a string, got " + type_name(item));
            }
            out.push_back(item.get<std::string>());
        }
        return true;
    }

    // Compiles a Python-syntax pattern of `field`; its group count, or -1 after failing.
    int pattern_groups(const std::string& pattern, const std::string& field) {
        auto translated = python_regex_to_re2(pattern);
        if (!translated) {
            fail(field, translated.err().message);
            return -1;
        }
        RE2::Options options;
        options.set_log_errors(false);
        const RE2 re(*translated, options);
        if (!re.ok()) {
            fail(field, "invalid pattern '" + pattern + "': " + re.error());
            return -1;
        }
        return re.NumberOfCapturingGroups();
    }

    bool pair_pattern_check(const std::string& pattern, const char* field) {
        const int groups = pattern_groups(pattern, field);
        if (groups >= 0 && groups != pair_pattern_groups) {
            return fail(field, "the pattern needs exactly two groups (name, score)");
        }
        return groups >= 0;
    }

    bool name_patterns_check(const std::vector<std::string>& patterns) {
        for (std::size_t i = 0; i < patterns.size(); ++i) {
            const std::string field = "name_line_patterns[" + std::to_string(i) + "]";
            const int groups = pattern_groups(patterns[i], field);
            if (groups < 0) {
                return false;
            }
            if (groups < 1) {
                return fail(field, "the pattern needs a group for the character's name");
            }
        }
        return true;
    }

    bool markers_read(const json& rule, const std::string& path, const char* text_name, const char* pattern_name,
                      std::vector<prompt_marker>& out) {
        std::vector<std::string> texts;
        std::vector<std::string> patterns;
        if (!string_list_field(rule, path, text_name, texts, false) ||
            !string_list_field(rule, path, pattern_name, patterns, false)) {
            return false;
        }
        for (auto& t : texts) {
            out.push_back({prompt_marker::syntax::TEXT, std::move(t)});
        }
        for (auto& p : patterns) {
            out.push_back({prompt_marker::syntax::PATTERN, std::move(p)});
        }
        return true;
    }

    bool rule_read(const json& doc, const std::string& path, prompt_rule& rule) {
        if (!doc.is_object()) {
            return fail(path, "expected an object, got " + type_name(doc));
        }
        if (!known_fields(doc, path,
                          {"kind", "text", "pattern", "until", "until_pattern", "replacement", "required"})) {
            return false;
        }
        std::string kind_name;
        if (!string_field(doc, path, "kind", kind_name, true)) {
            return false;
        }
        const auto kind = prompt_rule_kind_from_name(kind_name);
        if (!kind) {
            return fail(join(path, "kind"),
                        "unknown kind '" + kind_name + "' (delete, replace_to_line_end, cut_between, append)");
        }
        rule.type = *kind;
        if (!markers_read(doc, path, "text", "pattern", rule.markers) ||
            !markers_read(doc, path, "until", "until_pattern", rule.until)) {
            return false;
        }
        if (doc.contains("replacement") && !string_field(doc, path, "replacement", rule.replacement, false)) {
            return false;
        }
        if (const auto it = doc.find("required"); it != doc.end()) {
            if (!it->is_boolean()) {
                return fail(join(path, "required"), "expected true or false, got " + type_name(*it));
            }
            rule.required = it->get<bool>();
        }
        if (auto err = prompt_rule_check(rule)) {
            // The check's message starts with the JSON field(s) concerned.
            return fail(path, err->message);
        }
        return true;
    }

    bool variants_read(const json& doc, language_pack& pack) {
        const auto it = doc.find("prompt_variants");
        if (it == doc.end()) {
            return fail("prompt_variants", "missing");
        }
        if (!it->is_array() || it->empty()) {
            return fail("prompt_variants", "expected a non-empty array, got " + type_name(*it));
        }
        for (std::size_t v = 0; v < it->size(); ++v) {
            const auto& item = (*it)[v];
            const auto path = "prompt_variants[" + std::to_string(v) + "]";
            if (!item.is_object()) {
                return fail(path, "expected an object, got " + type_name(item));
            }
            prompt_variant variant;
            if (!known_fields(item, path, {"name", "rules"}) || !string_field(item, path, "name", variant.name, true)) {
                return false;
            }
            const auto rules = item.find("rules");
            if (rules == item.end()) {
                return fail(join(path, "rules"), "missing");
            }
            if (!rules->is_array() || rules->empty()) {
                return fail(join(path, "rules"), "expected a non-empty array, got " + type_name(*rules));
            }
            for (std::size_t r = 0; r < rules->size(); ++r) {
                prompt_rule rule;
                if (!rule_read((*rules)[r], join(path, "rules[" + std::to_string(r) + "]"), rule)) {
                    return false;
                }
                variant.rules.push_back(std::move(rule));
            }
            pack.prompt_variants.push_back(std::move(variant));
        }
        return true;
    }

    // Optional: {"text"/"pattern": the 0-10 instruction, "intro", "lines": [...]}.
    bool anchors_read(const json& doc, language_pack& pack) {
        const auto it = doc.find("scale_anchors");
        if (it == doc.end()) {
            return true;
        }
        const std::string path = "scale_anchors";
        if (!it->is_object()) {
            return fail(path, "expected an object, got " + type_name(*it));
        }
        scale_anchors& anchors = pack.anchors;
        if (!known_fields(*it, path, {"text", "pattern", "intro", "lines"}) ||
            !markers_read(*it, path, "text", "pattern", anchors.instruction) ||
            !string_list_field(*it, path, "lines", anchors.lines, true) ||
            (it->contains("intro") && !string_field(*it, path, "intro", anchors.intro, false))) {
            return false;
        }
        if (anchors.instruction.empty()) {
            return fail(path, "needs a text or pattern locating the 0-10 instruction");
        }
        if (anchors.lines.empty()) {
            return fail(join(path, "lines"), "expected at least one level");
        }
        prompt_rule probe;  // the markers are checked as a delete rule's are
        probe.markers = anchors.instruction;
        if (auto err = prompt_rule_check(probe)) {
            return fail(path, err->message);
        }
        return true;
    }

    // Optional: {"test_template", "judge_note", "script": {"name", "ranges": ["3040-309F", ...],
    // "min_share"}, "min_chars", "language_reminder"}.
    bool creative_read(const json& doc, language_pack& pack) {
        const auto it = doc.find("creative_writing");
        if (it == doc.end()) {
            return true;
        }
        const std::string path = "creative_writing";
        if (!it->is_object()) {
            return fail(path, "expected an object, got " + type_name(*it));
        }
        creative_writing_language& cw = pack.creative;
        if (!known_fields(*it, path, {"test_template", "judge_note", "script", "min_chars", "language_reminder"}) ||
            !string_field(*it, path, "test_template", cw.test_template, true) ||
            !string_field(*it, path, "judge_note", cw.judge_note, true) ||
            !string_field(*it, path, "language_reminder", cw.language_reminder, true)) {
            return false;
        }
        if (cw.test_template.find("{writing_prompt}") == std::string::npos) {
            return fail(join(path, "test_template"), "must contain {writing_prompt}");
        }
        const auto min_chars = it->find("min_chars");
        if (min_chars == it->end() || !min_chars->is_number_unsigned() || min_chars->get<std::size_t>() == 0) {
            return fail(join(path, "min_chars"), "expected a positive whole number of characters");
        }
        cw.min_chars = min_chars->get<std::size_t>();
        return script_read(*it, join(path, "script"), cw);
    }

    bool script_read(const json& parent, const std::string& path, creative_writing_language& cw) {
        const auto it = parent.find("script");
        if (it == parent.end()) {
            return fail(path, "missing");
        }
        if (!it->is_object()) {
            return fail(path, "expected an object, got " + type_name(*it));
        }
        std::vector<std::string> ranges;
        if (!known_fields(*it, path, {"name", "ranges", "min_share"}) ||
            !string_field(*it, path, "name", cw.script_name, true) ||
            !string_list_field(*it, path, "ranges", ranges, true)) {
            return false;
        }
        for (std::size_t i = 0; i < ranges.size(); ++i) {
            const auto field = path + ".ranges[" + std::to_string(i) + "]";
            const auto dash = ranges[i].find('-');
            char32_t first = 0;
            char32_t last = 0;
            if (dash == std::string::npos || !hex_code_point(ranges[i].substr(0, dash), first) ||
                !hex_code_point(ranges[i].substr(dash + 1), last) || last < first) {
                return fail(field, "expected FIRST-LAST in hexadecimal code points, e.g. 3040-309F");
            }
            cw.script_ranges.emplace_back(first, last);
        }
        if (cw.script_ranges.empty()) {
            return fail(path + ".ranges", "expected at least one range");
        }
        const auto share = it->find("min_share");
        if (share == it->end() || !share->is_number() || share->get<double>() <= 0.0 || share->get<double>() > 1.0) {
            return fail(path + ".min_share", "expected a share above 0 and at most 1");
        }
        cw.script_share_min = share->get<double>();
        return true;
    }

    static bool hex_code_point(const std::string& text, char32_t& out) {
        constexpr std::size_t max_hex_digits = 6;
        constexpr unsigned long max_code_point = 0x10FFFF;
        if (text.empty() || text.size() > max_hex_digits ||
            text.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
            return false;
        }
        const unsigned long value = std::stoul(text, nullptr, 16);
        out = static_cast<char32_t>(value);
        return value <= max_code_point;
    }

    std::string source_;
    std::optional<error> error_;
};

}  // namespace

result<language_pack> language_pack_parse(std::string_view json_text, const std::string& source) {
    pack_reader reader(source);
    json doc;
    try {
        doc = json::parse(json_text.begin(), json_text.end());
    } catch (const json::exception& e) {
        return reader.fail_with(std::string("not valid JSON: ") + e.what());
    }
    return reader.read(doc);
}

result<language_pack> language_pack_load_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return error{path.string() + ": cannot read the language pack file"};
    }
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) {
        return error{path.string() + ": error while reading the language pack file"};
    }
    return language_pack_parse(text, path.string());
}

result<language_pack> language_pack_builtin(std::string_view code) {
    for (std::size_t i = 0; i < detail::builtin_pack_count; ++i) {
        const auto& file = detail::builtin_pack_files[i];
        if (code != file.code) {
            continue;
        }
        const std::string source = "built-in language pack " + std::string(file.code) + ".json";
        const std::string_view text(reinterpret_cast<const char*>(file.data), file.size);
        auto pack = language_pack_parse(text, source);
        if (pack && pack->code != code) {
            return error{source + ": field 'code': '" + pack->code + "' does not match the file name"};
        }
        return pack;
    }
    std::string known;
    for (const auto& c : language_pack_builtin_codes()) {
        known += known.empty() ? c : ", " + c;
    }
    return error{"no built-in language pack '" + std::string(code) + "' (built-in: " + known + ")"};
}

std::vector<std::string> language_pack_builtin_codes() {
    std::vector<std::string> codes;
    for (std::size_t i = 0; i < detail::builtin_pack_count; ++i) {
        codes.emplace_back(detail::builtin_pack_files[i].code);
    }
    std::sort(codes.begin(), codes.end());
    return codes;
}

}  // namespace eqb
