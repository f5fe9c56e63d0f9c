#include "data/questions.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <system_error>

namespace eqb {
namespace {

using ordered_json = nlohmann::ordered_json;

// The count that marks a v1 file (v2 has 171).
constexpr std::size_t v1_question_count = 60;
// How much of an offending value an error message quotes.
constexpr std::size_t max_quoted_bytes = 40;

// A short description of a JSON value for error messages: scalars quoted as
// JSON (cut at a UTF-8 boundary), containers by kind.
std::string value_describe(const ordered_json& value) {
    if (value.is_object()) {
        return "an object";
    }
    if (value.is_array()) {
        return "an array";
    }
    std::string text = value.dump();
    if (text.size() > max_quoted_bytes) {
        std::size_t cut = max_quoted_bytes;
        while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80U) {
            --cut;
        }
        text.resize(cut);
        text += "...";
    }
    return text;
}

// A number in a string as Python's float() reads it (surrounding whitespace,
// an optional sign), finite only; nullopt if the text is anything else.
std::optional<double> numeric_string_parse(std::string_view text) {
    constexpr std::string_view space = " \t\n\r\f\v";
    const auto first = text.find_first_not_of(space);
    if (first == std::string_view::npos) {
        return std::nullopt;
    }
    text = text.substr(first, text.find_last_not_of(space) - first + 1);
    if (text.front() == '+') {
        text.remove_prefix(1);
        if (text.empty() || text.front() == '-' || text.front() == '+') {
            return std::nullopt;
        }
    }
    double value = 0.0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
        return std::nullopt;
    }
    return value;
}

// Builds the messages of one file: "NAME: question "ID": FIELD: ...".
class question_reader {
  public:
    explicit question_reader(std::string_view display_name) : name_(display_name) {}

    error fail(const std::string& id, const std::string& field, const std::string& what) const {
        return error{fmt::format("{}: question {}: {}: {}", name_, ordered_json(id).dump(), field, what)};
    }

    // The reference emotions in `q[field]`, or the error naming what is wrong.
    result<emotion_reference> reference(const std::string& id, const ordered_json& q, const std::string& field) const {
        const auto it = q.find(field);
        if (it == q.end()) {
            return fail(id, field, "missing");
        }
        if (!it->is_object()) {
            return fail(id, field, "expected an object, got " + value_describe(*it));
        }
        emotion_reference ref;
        for (std::size_t i = 0; i < ref.names.size(); ++i) {
            const std::string name_key = fmt::format("emotion{}", i + 1);
            const std::string score_key = name_key + "_score";
            const auto name = it->find(name_key);
            if (name == it->end()) {
                return fail(id, field + "." + name_key, "missing");
            }
            if (!name->is_string() || name->get_ref<const std::string&>().empty()) {
                return fail(id, field + "." + name_key, "expected an emotion name, got " + value_describe(*name));
            }
            ref.names[i] = name->get<std::string>();
            const auto score = it->find(score_key);
            if (score == it->end()) {
                return fail(id, field + "." + score_key, "missing");
            }
            std::optional<double> value;
            if (score->is_number()) {
                value = score->get<double>();
                if (!std::isfinite(*value)) {
                    value.reset();
                }
            } else if (score->is_string()) {
                value = numeric_string_parse(score->get_ref<const std::string&>());
            }
            if (!value) {
                return fail(id, field + "." + score_key,
                            "expected a number or numeric string, got " + value_describe(*score));
            }
            ref.scores[i] = *value;
        }
        return ref;
    }

    result<question> read(const std::string& id, const ordered_json& q, eq_bench_version version) const {
        if (!q.is_object()) {
            return error{fmt::format("{}: question {}: expected an object, got {}", name_, ordered_json(id).dump(),
                                     value_describe(q))};
        }
        question out;
        out.id = id;
        const auto prompt = q.find("prompt");
        if (prompt == q.end()) {
            return fail(id, "prompt", "missing");
        }
        if (!prompt->is_string()) {
            return fail(id, "prompt", "expected a string, got " + value_describe(*prompt));
        }
        out.prompt = prompt->get<std::string>();
        auto reference_v1 = reference(id, q, "reference_answer");
        if (!reference_v1) {
            return reference_v1.err();
        }
        out.reference = std::move(*reference_v1);
        // v2 scoring needs the full-scale reference; v1 files carry it too, unused.
        if (version == eq_bench_version::V2 || q.contains("reference_answer_fullscale")) {
            auto fullscale = reference(id, q, "reference_answer_fullscale");
            if (!fullscale) {
                return fullscale.err();
            }
            out.reference_fullscale = std::move(*fullscale);
        }
        return out;
    }

  private:
    std::string_view name_;
};

// "line L, column C (byte B)" for the 1-based byte position nlohmann reports.
std::string json_position_describe(std::string_view bytes, std::size_t byte) {
    const std::size_t offset = std::min(byte > 0 ? byte - 1 : 0, bytes.size());
    const std::string_view before = bytes.substr(0, offset);
    const auto line = 1 + std::count(before.begin(), before.end(), '\n');
    const auto last_newline = before.rfind('\n');
    const std::size_t column = last_newline == std::string_view::npos ? offset + 1 : offset - last_newline;
    return fmt::format("line {}, column {} (byte {})", line, column, offset);
}

// nlohmann's reason without its "[json.exception.KIND.N] " tag and, for parse
// errors, without the position (reported separately).
std::string json_reason(const char* what) {
    std::string_view text(what);
    if (text.starts_with("[json.exception.")) {
        if (const auto tag_end = text.find("] "); tag_end != std::string_view::npos) {
            text.remove_prefix(tag_end + 2);
        }
    }
    if (text.starts_with("parse error")) {
        if (const auto colon = text.find(": "); colon != std::string_view::npos) {
            text.remove_prefix(colon + 2);
        }
    }
    return std::string(text);
}

}  // namespace

std::optional<std::string> questions_file_name(std::string_view language_code, eq_bench_version version) {
    if (version == eq_bench_version::V1) {
        if (language_code == "en") {
            return "eq_bench_v1_questions_60.json";
        }
        return std::nullopt;
    }
    if (language_code == "en") {
        return "eq_bench_v2_questions_171.json";
    }
    if (language_code == "de" || language_code == "ja" || language_code == "jahalf") {
        return fmt::format("eq_bench_v2_questions_171_{}.json", language_code);
    }
    return std::nullopt;
}

result<question_set> questions_parse(std::string_view bytes, std::string_view display_name) {
    ordered_json doc;
    try {
        doc = ordered_json::parse(bytes.begin(), bytes.end());
    } catch (const ordered_json::parse_error& e) {
        return error{fmt::format("{}: invalid JSON at {}: {}", display_name, json_position_describe(bytes, e.byte),
                                 json_reason(e.what()))};
    } catch (const ordered_json::exception& e) {
        return error{fmt::format("{}: invalid JSON: {}", display_name, json_reason(e.what()))};
    }
    if (!doc.is_object()) {
        return error{fmt::format("{}: expected an object mapping question ids to questions, got {}", display_name,
                                 value_describe(doc))};
    }
    if (doc.empty()) {
        return error{fmt::format("{}: no questions", display_name)};
    }
    question_set set;
    set.path = std::string(display_name);
    set.version = doc.size() == v1_question_count ? eq_bench_version::V1 : eq_bench_version::V2;
    set.questions.reserve(doc.size());
    const question_reader reader(display_name);
    for (const auto& [id, q] : doc.items()) {
        auto read = reader.read(id, q, set.version);
        if (!read) {
            return read.err();
        }
        set.questions.push_back(std::move(*read));
    }
    return set;
}

result<question_set> questions_load(const std::filesystem::path& path) {
    // A directory opens as a stream on Linux and reads as empty.
    if (std::error_code ec; std::filesystem::is_directory(path, ec)) {
        return error{fmt::format("cannot read question file {}: it is a directory", path.string())};
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return error{fmt::format("cannot read question file {}: {}", path.string(), std::strerror(errno))};
    }
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) {
        return error{fmt::format("cannot read question file {}", path.string())};
    }
    auto set = questions_parse(bytes, path.filename().string());
    if (set) {
        set->path = path.string();
    }
    return set;
}

}  // namespace eqb
