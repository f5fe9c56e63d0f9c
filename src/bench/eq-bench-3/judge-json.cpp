#include "bench/eq-bench-3/judge-json.hpp"

#include <cstdlib>
#include <limits>
#include <optional>

#include "core/python-float.hpp"
#include "core/python-str.hpp"
#include "core/unicode.hpp"

namespace eqb::eq3 {
namespace {

// CPython 3.11's default sys.int_info.default_max_str_digits: int() of a longer
// digit string raises ValueError.
constexpr std::size_t python_int_max_digits = 4300;
// Python's recursion limit (1000) less the frames the reference is already in
// when it calls json.loads; deeper nesting raises RecursionError.
constexpr int python_json_max_depth = 960;
constexpr std::string_view json_fence = "```json";
constexpr std::string_view fence = "```";

bool json_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool ascii_digit(char c) {
    return c >= '0' && c <= '9';
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

// Python's json scanner (Modules/_json.c) over UTF-8 bytes.
class json_scanner {
  public:
    explicit json_scanner(std::string_view text) : text_(text) {}

    json_loads_result loads() {
        json_loads_result out;
        if (text_.substr(0, 3) == "\xef\xbb\xbf") {
            out.err = {json_failure::DECODE, "Unexpected UTF-8 BOM (decode using utf-8-sig) at offset 0"};
            return out;
        }
        std::size_t pos = skip(0);
        if (!scan(pos, out.value)) {
            out.err = err_;
            return out;
        }
        pos = skip(pos);
        if (pos != text_.size()) {
            out.err = {json_failure::DECODE, "Extra data at offset " + std::to_string(pos)};
            return out;
        }
        out.ok = true;
        return out;
    }

  private:
    bool fail(const std::string& what, std::size_t at, json_failure failure = json_failure::DECODE) {
        err_ = {failure, what + " at offset " + std::to_string(at)};
        return false;
    }

    std::size_t skip(std::size_t pos) const {
        while (pos < text_.size() && json_space(text_[pos])) {
            ++pos;
        }
        return pos;
    }

    bool starts(std::size_t pos, std::string_view word) const { return text_.substr(pos, word.size()) == word; }

    // scan_once: one value at `pos`; `pos` moves past it.
    bool scan(std::size_t& pos, py_value& out) {
        if (pos >= text_.size()) {
            return fail("Expecting value", pos);
        }
        const char c = text_[pos];
        if (c == '"') {
            out.type = py_value::kind::STRING;
            return scan_string(pos, out.text);
        }
        if (c == '{' || c == '[') {
            if (++depth_ > python_json_max_depth) {
                return fail("maximum recursion depth exceeded while decoding a JSON document", pos,
                            json_failure::OTHER);
            }
            const bool ok = c == '{' ? scan_object(pos, out) : scan_array(pos, out);
            --depth_;
            return ok;
        }
        const struct {
            std::string_view word;
            py_value::kind type;
            bool boolean;
            double number;
        } constants[] = {
            {"null", py_value::kind::NONE, false, 0.0},
            {"true", py_value::kind::BOOL, true, 0.0},
            {"false", py_value::kind::BOOL, false, 0.0},
            {"NaN", py_value::kind::FLOAT, false, std::numeric_limits<double>::quiet_NaN()},
            {"Infinity", py_value::kind::FLOAT, false, std::numeric_limits<double>::infinity()},
            {"-Infinity", py_value::kind::FLOAT, false, -std::numeric_limits<double>::infinity()},
        };
        for (const auto& k : constants) {
            if (starts(pos, k.word)) {
                out.type = k.type;
                out.boolean = k.boolean;
                out.number = k.number;
                pos += k.word.size();
                return true;
            }
        }
        return scan_number(pos, out);
    }

    bool scan_number(std::size_t& pos, py_value& out) {
        const std::size_t start = pos;
        std::size_t i = pos;
        if (i < text_.size() && text_[i] == '-') {
            ++i;
        }
        if (i < text_.size() && text_[i] >= '1' && text_[i] <= '9') {
            while (i < text_.size() && ascii_digit(text_[i])) {
                ++i;
            }
        } else if (i < text_.size() && text_[i] == '0') {
            ++i;
        } else {
            return fail("Expecting value", start);
        }
        bool is_float = false;
        if (i + 1 < text_.size() && text_[i] == '.' && ascii_digit(text_[i + 1])) {
            is_float = true;
            i += 2;
            while (i < text_.size() && ascii_digit(text_[i])) {
                ++i;
            }
        }
        if (i + 1 < text_.size() && (text_[i] == 'e' || text_[i] == 'E')) {
            const std::size_t e_start = i;
            ++i;
            if (i + 1 < text_.size() && (text_[i] == '-' || text_[i] == '+')) {
                ++i;
            }
            while (i < text_.size() && ascii_digit(text_[i])) {
                ++i;
            }
            if (ascii_digit(text_[i - 1])) {
                is_float = true;
            } else {
                i = e_start;
            }
        }
        const std::string literal(text_.substr(start, i - start));
        pos = i;
        if (is_float) {
            out.type = py_value::kind::FLOAT;
            out.number = std::strtod(literal.c_str(), nullptr);
            return true;
        }
        const std::size_t digits = literal.size() - (literal[0] == '-' ? 1 : 0);
        if (digits > python_int_max_digits) {
            return fail("Exceeds the limit (4300 digits) for integer string conversion: value has " +
                            std::to_string(digits) + " digits",
                        start, json_failure::OTHER);
        }
        out.type = py_value::kind::INT;
        out.text = literal == "-0" ? "0" : literal;
        out.number = std::strtod(literal.c_str(), nullptr);
        out.int_overflow = out.number == std::numeric_limits<double>::infinity() ||
                           out.number == -std::numeric_limits<double>::infinity();
        return true;
    }

    // At the opening quote; `pos` moves past the closing one.
    bool scan_string(std::size_t& pos, std::string& out) {
        const std::size_t begin = pos;
        std::size_t i = pos + 1;
        while (true) {
            if (i >= text_.size()) {
                return fail("Unterminated string starting", begin);
            }
            const char c = text_[i];
            if (c == '"') {
                pos = i + 1;
                return true;
            }
            if (static_cast<unsigned char>(c) < 0x20) {
                return fail("Invalid control character", i);
            }
            if (c != '\\') {
                out += c;
                ++i;
                continue;
            }
            if (i + 1 >= text_.size()) {
                return fail("Unterminated string starting", begin);
            }
            const char e = text_[i + 1];
            if (e != 'u') {
                const char* simple = nullptr;
                switch (e) {
                    case '"':
                        simple = "\"";
                        break;
                    case '\\':
                        simple = "\\";
                        break;
                    case '/':
                        simple = "/";
                        break;
                    case 'b':
                        simple = "\b";
                        break;
                    case 'f':
                        simple = "\f";
                        break;
                    case 'n':
                        simple = "\n";
                        break;
                    case 'r':
                        simple = "\r";
                        break;
                    case 't':
                        simple = "\t";
                        break;
                    default:
                        return fail("Invalid \\escape", i);
                }
                out += simple;
                i += 2;
                continue;
            }
            // Python requires a character after the four digits (the closing quote at least).
            auto cp = hex4(i + 2);
            if (!cp || i + 6 >= text_.size()) {
                return fail("Invalid \\uXXXX escape", i + 1);
            }
            i += 6;
            if (*cp >= 0xD800 && *cp <= 0xDBFF && i + 6 < text_.size() && text_[i] == '\\' && text_[i + 1] == 'u') {
                const auto low = hex4(i + 2);
                if (!low) {
                    return fail("Invalid \\uXXXX escape", i + 1);
                }
                if (*low >= 0xDC00 && *low <= 0xDFFF) {
                    cp = 0x10000 + ((*cp - 0xD800) << 10) + (*low - 0xDC00);
                    i += 6;
                }
            }
            utf8_append(out, *cp);
        }
    }

    std::optional<char32_t> hex4(std::size_t at) const {
        if (at + 4 > text_.size()) {
            return std::nullopt;
        }
        char32_t v = 0;
        for (std::size_t k = 0; k < 4; ++k) {
            const int d = hex_value(text_[at + k]);
            if (d < 0) {
                return std::nullopt;
            }
            v = (v << 4) | static_cast<char32_t>(d);
        }
        return v;
    }

    bool scan_object(std::size_t& pos, py_value& out) {
        out.type = py_value::kind::DICT;
        std::size_t i = skip(pos + 1);
        if (i < text_.size() && text_[i] == '}') {
            pos = i + 1;
            return true;
        }
        while (true) {
            if (i >= text_.size() || text_[i] != '"') {
                return fail("Expecting property name enclosed in double quotes", i);
            }
            std::string key;
            if (!scan_string(i, key)) {
                return false;
            }
            i = skip(i);
            if (i >= text_.size() || text_[i] != ':') {
                return fail("Expecting ':' delimiter", i);
            }
            i = skip(i + 1);
            py_value value;
            if (!scan(i, value)) {
                return false;
            }
            bool replaced = false;
            for (auto& m : out.members) {
                if (m.key == key) {
                    m.value = std::move(value);
                    replaced = true;
                    break;
                }
            }
            if (!replaced) {
                out.members.push_back({std::move(key), std::move(value)});
            }
            i = skip(i);
            if (i < text_.size() && text_[i] == '}') {
                pos = i + 1;
                return true;
            }
            if (i >= text_.size() || text_[i] != ',') {
                return fail("Expecting ',' delimiter", i);
            }
            i = skip(i + 1);
        }
    }

    bool scan_array(std::size_t& pos, py_value& out) {
        out.type = py_value::kind::LIST;
        std::size_t i = skip(pos + 1);
        if (i < text_.size() && text_[i] == ']') {
            pos = i + 1;
            return true;
        }
        while (true) {
            py_value value;
            if (!scan(i, value)) {
                return false;
            }
            out.items.push_back(std::move(value));
            i = skip(i);
            if (i < text_.size() && text_[i] == ']') {
                pos = i + 1;
                return true;
            }
            if (i >= text_.size() || text_[i] != ',') {
                return fail("Expecting ',' delimiter", i);
            }
            i = skip(i + 1);
        }
    }

    std::string_view text_;
    json_error err_;
    int depth_ = 0;
};

std::size_t count_occurrences(std::string_view text, std::string_view what) {
    std::size_t n = 0;
    for (std::size_t at = text.find(what); at != std::string_view::npos; at = text.find(what, at + what.size())) {
        ++n;
    }
    return n;
}

// Python's str.splitlines() (no ends kept).
std::vector<std::string_view> python_splitlines(std::string_view text) {
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t at = pos;
        const char32_t cp = utf8_decode(text, pos);
        const bool boundary = cp == '\n' || cp == '\r' || cp == 0x0B || cp == 0x0C || cp == 0x1C || cp == 0x1D ||
                              cp == 0x1E || cp == 0x85 || cp == 0x2028 || cp == 0x2029;
        if (!boundary) {
            continue;
        }
        lines.push_back(text.substr(start, at - start));
        if (cp == '\r' && pos < text.size() && text[pos] == '\n') {
            ++pos;
        }
        start = pos;
    }
    if (start < text.size()) {
        lines.push_back(text.substr(start));
    }
    return lines;
}

// extract_first_json: the first balanced {...} outside strings. A '}' before any
// '{' drives the depth negative, as in the reference.
std::optional<std::string_view> first_balanced_object(std::string_view s) {
    bool in_string = false;
    bool escape_next = false;
    long depth = 0;
    std::optional<std::size_t> start;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char ch = s[i];
        if (in_string) {
            if (escape_next) {
                escape_next = false;
            } else if (ch == '\\') {
                escape_next = true;
            } else if (ch == '"') {
                in_string = false;
            }
            continue;
        }
        if (ch == '"') {
            in_string = true;
        } else if (ch == '{') {
            if (depth == 0) {
                start = i;
            }
            ++depth;
        } else if (ch == '}') {
            --depth;
            if (depth == 0 && start) {
                return s.substr(*start, i - *start + 1);
            }
        }
    }
    return std::nullopt;
}

// Stage 5a: a raw \r or \n inside a string becomes the two characters "\n".
std::string repair_newlines(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    bool in_string = false;
    bool esc = false;
    for (const char ch : s) {
        if (in_string) {
            if (esc) {
                esc = false;
            } else if (ch == '\\') {
                esc = true;
            } else if (ch == '"') {
                in_string = false;
            } else if (ch == '\r' || ch == '\n') {
                out += "\\n";
                continue;
            }
        } else if (ch == '"') {
            in_string = true;
        }
        out += ch;
    }
    return out;
}

// Stage 5b: a quote inside a string that is not followed (after whitespace) by
// , } ] or : gets a backslash.
std::string repair_inner_quotes(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 16);
    bool in_string = false;
    bool esc = false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char ch = s[i];
        if (in_string) {
            if (esc) {
                esc = false;
            } else if (ch == '\\') {
                esc = true;
            } else if (ch == '"') {
                std::size_t j = i + 1;
                while (j < s.size()) {
                    std::size_t next = j;
                    if (!python_is_space(utf8_decode(s, next))) {
                        break;
                    }
                    j = next;
                }
                if (j < s.size() && s[j] != ',' && s[j] != '}' && s[j] != ']' && s[j] != ':') {
                    out += '\\';
                } else {
                    in_string = false;
                }
            }
        } else if (ch == '"') {
            in_string = true;
        }
        out += ch;
    }
    return out;
}

// Approximates str.isprintable() for one code point: false for controls,
// separators other than the space, surrogates, private use, noncharacters and
// the common format characters.
bool python_printable(char32_t cp) {
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0xA0) || cp == 0xAD) {
        return false;
    }
    if (cp == ' ') {
        return true;
    }
    if (python_is_space(cp)) {
        return false;
    }
    return !((cp >= 0x600 && cp <= 0x605) || cp == 0x61C || cp == 0x6DD || cp == 0x70F || cp == 0x180E ||
             (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x206F) ||
             (cp >= 0xD800 && cp <= 0xF8FF) || cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFB) ||
             (cp & 0xFFFE) == 0xFFFE || (cp >= 0xFDD0 && cp <= 0xFDEF) || cp >= 0xF0000 || cp == 0xE0001 ||
             (cp >= 0xE0020 && cp <= 0xE007F));
}

void append_hex(std::string& out, char prefix, char32_t cp, int digits) {
    constexpr const char* hex = "0123456789abcdef";
    out += '\\';
    out += prefix;
    for (int k = digits - 1; k >= 0; --k) {
        out += hex[(cp >> (4 * k)) & 0xF];
    }
}

// Python's repr() of a str.
std::string python_repr_str(std::string_view text) {
    const bool has_single = text.find('\'') != std::string_view::npos;
    const bool has_double = text.find('"') != std::string_view::npos;
    const char quote = has_single && !has_double ? '"' : '\'';
    std::string out(1, quote);
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t at = pos;
        char32_t cp = utf8_decode(text, pos);
        // A lone surrogate is stored in its 3-byte form, which utf8_decode refuses.
        if (cp == 0xFFFD && at + 2 < text.size() && static_cast<unsigned char>(text[at]) == 0xED &&
            (static_cast<unsigned char>(text[at + 1]) & 0xE0) == 0xA0) {
            cp = 0xD000 | ((static_cast<char32_t>(text[at + 1]) & 0x3F) << 6) |
                 (static_cast<char32_t>(text[at + 2]) & 0x3F);
            pos = at + 3;
        }
        if (cp == static_cast<char32_t>(quote) || cp == '\\') {
            out += '\\';
            out += static_cast<char>(cp);
        } else if (cp == '\t') {
            out += "\\t";
        } else if (cp == '\n') {
            out += "\\n";
        } else if (cp == '\r') {
            out += "\\r";
        } else if (cp < 0x80 && cp >= 0x20 && cp != 0x7F) {
            out += static_cast<char>(cp);
        } else if (python_printable(cp)) {
            out.append(text.substr(at, pos - at));
        } else if (cp <= 0xFF) {
            append_hex(out, 'x', cp, 2);
        } else if (cp <= 0xFFFF) {
            append_hex(out, 'u', cp, 4);
        } else {
            append_hex(out, 'U', cp, 8);
        }
    }
    out += quote;
    return out;
}

std::string python_repr(const py_value& value) {
    if (value.type == py_value::kind::STRING) {
        return python_repr_str(value.text);
    }
    return python_str(value);
}

}  // namespace

const py_value* py_value::find(std::string_view key) const {
    for (const auto& m : members) {
        if (m.key == key) {
            return &m.value;
        }
    }
    return nullptr;
}

json_loads_result python_json_loads(std::string_view text) {
    return json_scanner(text).loads();
}

result<py_value> judge_json_read(std::string_view judge_answer) {
    std::string_view raw = judge_answer;
    if (count_occurrences(raw, json_fence) > 1) {
        raw = raw.substr(raw.rfind(json_fence) + json_fence.size());
    }
    std::string joined;
    bool first = true;
    for (const std::string_view line : python_splitlines(raw)) {
        if (python_lstrip(line).substr(0, fence.size()) == fence) {
            continue;
        }
        if (!first) {
            joined += '\n';
        }
        joined += line;
        first = false;
    }
    const std::string cleaned = python_strip(joined);
    const auto object = first_balanced_object(cleaned);
    if (!object) {
        return error{"no balanced JSON object in the judge's answer"};
    }
    auto parsed = python_json_loads(*object);
    if (parsed.ok) {
        return std::move(parsed.value);
    }
    if (parsed.err.failure == json_failure::OTHER) {
        return error{"the judge's JSON cannot be read: " + parsed.err.message};
    }
    auto repaired = python_json_loads(repair_inner_quotes(repair_newlines(*object)));
    if (!repaired.ok) {
        return error{"the judge's JSON cannot be read, even repaired: " + repaired.err.message};
    }
    return std::move(repaired.value);
}

std::string python_str(const py_value& value) {
    switch (value.type) {
        case py_value::kind::NONE:
            return "None";
        case py_value::kind::BOOL:
            return value.boolean ? "True" : "False";
        case py_value::kind::INT:
            return value.text;
        case py_value::kind::FLOAT:
            return python_float_repr(value.number);
        case py_value::kind::STRING:
            return value.text;
        case py_value::kind::LIST: {
            std::string out = "[";
            for (std::size_t i = 0; i < value.items.size(); ++i) {
                if (i > 0) {
                    out += ", ";
                }
                out += python_repr(value.items[i]);
            }
            return out + "]";
        }
        case py_value::kind::DICT: {
            std::string out = "{";
            for (std::size_t i = 0; i < value.members.size(); ++i) {
                if (i > 0) {
                    out += ", ";
                }
                out += python_repr_str(value.members[i].key) + ": " + python_repr(value.members[i].value);
            }
            return out + "}";
        }
    }
    return {};
}

}  // namespace eqb::eq3
