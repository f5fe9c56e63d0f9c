#include "core/python-str.hpp"

#include "core/unicode.hpp"

namespace eqb {
namespace {

// Byte offset of the first code point that is not whitespace, from the front.
std::size_t leading_space_end(std::string_view text) {
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t next = pos;
        if (!python_is_space(utf8_decode(text, next))) {
            break;
        }
        pos = next;
    }
    return pos;
}

// Byte offset just past the last code point that is not whitespace.
std::size_t trailing_space_begin(std::string_view text) {
    std::size_t end = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const char32_t cp = utf8_decode(text, pos);
        if (!python_is_space(cp)) {
            end = pos;
        }
    }
    return end;
}

}  // namespace

std::string python_lstrip(std::string_view text) {
    return std::string(text.substr(leading_space_end(text)));
}

std::string python_rstrip(std::string_view text) {
    return std::string(text.substr(0, trailing_space_begin(text)));
}

std::string python_strip(std::string_view text) {
    const std::size_t begin = leading_space_end(text);
    if (begin == text.size()) {
        return {};
    }
    const std::size_t end = trailing_space_begin(text);
    return std::string(text.substr(begin, end - begin));
}

result<std::string> python_format(std::string_view format_template, const std::map<std::string, std::string>& fields) {
    std::string out;
    out.reserve(format_template.size());
    std::size_t i = 0;
    while (i < format_template.size()) {
        const char c = format_template[i];
        if (c == '}') {
            if (i + 1 < format_template.size() && format_template[i + 1] == '}') {
                out += '}';
                i += 2;
                continue;
            }
            return error{"Single '}' encountered in format string"};
        }
        if (c != '{') {
            out += c;
            ++i;
            continue;
        }
        if (i + 1 < format_template.size() && format_template[i + 1] == '{') {
            out += '{';
            i += 2;
            continue;
        }
        const std::size_t close = format_template.find('}', i + 1);
        if (close == std::string_view::npos) {
            return error{"Single '{' encountered in format string"};
        }
        const std::string name(format_template.substr(i + 1, close - i - 1));
        if (name.empty() || name.find_first_of("{!:.[") != std::string::npos) {
            return error{"unsupported replacement field '{" + name + "}' in format string"};
        }
        const auto found = fields.find(name);
        if (found == fields.end()) {
            return error{"KeyError: '" + name + "' (no value for the field {" + name + "} of the template)"};
        }
        out += found->second;
        i = close + 1;
    }
    return out;
}

std::size_t python_len(std::string_view text) {
    std::size_t count = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        utf8_decode(text, pos);
        ++count;
    }
    return count;
}

std::string python_prefix(std::string_view text, std::size_t n) {
    std::size_t pos = 0;
    for (std::size_t k = 0; k < n && pos < text.size(); ++k) {
        utf8_decode(text, pos);
    }
    return std::string(text.substr(0, pos));
}

}  // namespace eqb
