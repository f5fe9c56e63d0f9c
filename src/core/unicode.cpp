#include "core/unicode.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <iterator>

namespace eqb {
namespace {

#include "core/unicode-tables.inc"

// Python's str.isspace() set, which `re` uses for \s, as an RE2 class body.
constexpr std::string_view python_space_class =
    "\\t\\n\\x{0b}\\f\\r\\x{1c}-\\x{1f} \\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}"
    "\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}";
constexpr std::string_view python_word_class = "\\p{L}\\p{N}_";
constexpr std::string_view python_digit_class = "\\p{Nd}";

bool python_isspace_impl(char32_t cp) {
    return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20) || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
           cp == 0x3000;
}

}  // namespace

bool python_is_space(char32_t cp) {
    return python_isspace_impl(cp);
}

bool python_is_word(char32_t cp) {
    if (cp < 0x80) {
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') || cp == '_';
    }
    const auto* it = std::upper_bound(std::begin(unicode_word_ranges), std::end(unicode_word_ranges), cp,
                                      [](char32_t key, const unicode_range& r) { return key < r.first; });
    return it != std::begin(unicode_word_ranges) && cp <= std::prev(it)->last;
}

bool python_is_digit(char32_t cp) {
    return unicode_digit_value(cp) >= 0;
}

result<std::string> python_regex_to_re2(std::string_view pattern) {
    std::string out;
    out.reserve(pattern.size() * 2);
    bool in_class = false;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        const char c = pattern[i];
        if (c == '\\' && i + 1 < pattern.size()) {
            const char e = pattern[++i];
            std::string_view body;
            bool negated = false;
            switch (e) {
                case 'w':
                    body = python_word_class;
                    break;
                case 'd':
                    body = python_digit_class;
                    break;
                case 's':
                    body = python_space_class;
                    break;
                case 'W':
                    body = python_word_class;
                    negated = true;
                    break;
                case 'D':
                    body = python_digit_class;
                    negated = true;
                    break;
                case 'S':
                    body = python_space_class;
                    negated = true;
                    break;
                default:
                    out += '\\';
                    out += e;
                    continue;
            }
            if (in_class) {
                if (negated) {
                    return error{"pattern '" + std::string(pattern) + "': \\" + std::string(1, e) +
                                 " inside a character class is not supported"};
                }
                out += body;
            } else {
                out += negated ? "[^" : "[";
                out += body;
                out += ']';
            }
            continue;
        }
        if (!in_class && c == '[') {
            in_class = true;
            out += c;
            // A ']' right after '[' or '[^' is a literal member.
            if (i + 1 < pattern.size() && pattern[i + 1] == '^') {
                out += pattern[++i];
            }
            if (i + 1 < pattern.size() && pattern[i + 1] == ']') {
                out += "\\]";
                ++i;
            }
            continue;
        }
        if (in_class && c == ']') {
            in_class = false;
        }
        out += c;
    }
    return out;
}

char32_t utf8_decode(std::string_view text, std::size_t& pos) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char b0 = byte(pos);
    if (b0 < 0x80) {
        ++pos;
        return b0;
    }
    std::size_t len = 0;
    char32_t cp = 0;
    char32_t min = 0;
    if ((b0 & 0xE0) == 0xC0) {
        len = 2;
        cp = b0 & 0x1Fu;
        min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
        len = 3;
        cp = b0 & 0x0Fu;
        min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
        len = 4;
        cp = b0 & 0x07u;
        min = 0x10000;
    } else {
        ++pos;
        return 0xFFFD;
    }
    if (pos + len > text.size()) {
        ++pos;
        return 0xFFFD;
    }
    for (std::size_t k = 1; k < len; ++k) {
        const unsigned char b = byte(pos + k);
        if ((b & 0xC0) != 0x80) {
            ++pos;
            return 0xFFFD;
        }
        cp = (cp << 6) | (b & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        ++pos;
        return 0xFFFD;
    }
    pos += len;
    return cp;
}

bool utf8_valid(std::string_view text) {
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t start = pos;
        if (utf8_decode(text, pos) == 0xFFFD && text.substr(start, 3) != "\xef\xbf\xbd") {
            return false;
        }
    }
    return true;
}

void utf8_append(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

int unicode_digit_value(char32_t cp) {
    const auto* it = std::upper_bound(std::begin(unicode_digit_zeros), std::end(unicode_digit_zeros), cp);
    if (it == std::begin(unicode_digit_zeros)) {
        return -1;
    }
    const char32_t zero = *std::prev(it);
    return cp - zero < 10 ? static_cast<int>(cp - zero) : -1;
}

std::optional<double> python_float(std::string_view text) {
    // Fast path: up to 15 ASCII digits is an integer a double holds exactly,
    // the same value strtod gives.
    if (!text.empty() && text.size() <= 15) {
        std::int64_t n = 0;
        bool digits_only = true;
        for (const char c : text) {
            if (c < '0' || c > '9') {
                digits_only = false;
                break;
            }
            n = n * 10 + (c - '0');
        }
        if (digits_only) {
            return static_cast<double>(n);
        }
    }
    std::string ascii;
    ascii.reserve(text.size());
    std::size_t pos = 0;
    bool any_digit = false;
    while (pos < text.size()) {
        const char32_t cp = utf8_decode(text, pos);
        const int digit = unicode_digit_value(cp);
        if (digit >= 0) {
            ascii += static_cast<char>('0' + digit);
            any_digit = true;
        } else if (cp == '.' || cp == '-' || cp == '+') {
            ascii += static_cast<char>(cp);
        } else if (python_is_space(cp)) {
            if (!ascii.empty() && pos < text.size()) {
                // Inner whitespace: only trailing whitespace may follow.
                std::size_t rest = pos;
                while (rest < text.size()) {
                    if (!python_is_space(utf8_decode(text, rest))) {
                        return std::nullopt;
                    }
                }
                break;
            }
        } else {
            return std::nullopt;
        }
    }
    if (!any_digit) {
        return std::nullopt;
    }
    // Python accepts [sign] digits [. digits] | [sign] . digits; strtod would
    // also take hex and exponents, which cannot appear here.
    const char* begin = ascii.c_str();
    char* end = nullptr;
    const double value = std::strtod(begin, &end);
    if (end != begin + ascii.size()) {
        return std::nullopt;
    }
    return value;
}

namespace {

// NFKC of the half-width katakana U+FF66..U+FF9D, in order.
constexpr char32_t halfwidth_katakana[] = {
    0x30F2, 0x30A1, 0x30A3, 0x30A5, 0x30A7, 0x30A9, 0x30E3, 0x30E5, 0x30E7, 0x30C3, 0x30FC, 0x30A2, 0x30A4, 0x30A6,
    0x30A8, 0x30AA, 0x30AB, 0x30AD, 0x30AF, 0x30B1, 0x30B3, 0x30B5, 0x30B7, 0x30B9, 0x30BB, 0x30BD, 0x30BF, 0x30C1,
    0x30C4, 0x30C6, 0x30C8, 0x30CA, 0x30CB, 0x30CC, 0x30CD, 0x30CE, 0x30CF, 0x30D2, 0x30D5, 0x30D8, 0x30DB, 0x30DE,
    0x30DF, 0x30E0, 0x30E1, 0x30E2, 0x30E4, 0x30E6, 0x30E8, 0x30E9, 0x30EA, 0x30EB, 0x30EC, 0x30ED, 0x30EF, 0x30F3};
// Half-width punctuation U+FF61..U+FF65: 。「」、・
constexpr char32_t halfwidth_punctuation[] = {0x3002, 0x300C, 0x300D, 0x3001, 0x30FB};

// The voiced (dakuten, `semi` false) or semi-voiced form of full-width katakana `cp`, or 0.
char32_t katakana_voiced(char32_t cp, bool semi) {
    const bool ha_row = cp >= 0x30CF && cp <= 0x30DB && (cp - 0x30CF) % 3 == 0;
    if (semi) {
        return ha_row ? cp + 2 : 0;
    }
    if (cp == 0x30A6) {
        return 0x30F4;  // ウ -> ヴ
    }
    const bool ka_to =
        cp >= 0x30AB && cp <= 0x30C8 && cp != 0x30C3 && (cp <= 0x30C1 ? (cp - 0x30AB) % 2 == 0 : cp % 2 == 0);
    return ka_to || ha_row ? cp + 1 : 0;
}

}  // namespace

std::string fold_fullwidth(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t start = pos;
        const char32_t cp = utf8_decode(text, pos);
        if (cp >= 0xFF01 && cp <= 0xFF5E) {
            out += static_cast<char>(cp - 0xFF01 + 0x21);
        } else if (cp == 0x3000) {
            out += ' ';
        } else if (cp >= 0xFF61 && cp <= 0xFF65) {
            utf8_append(out, halfwidth_punctuation[cp - 0xFF61]);
        } else if (cp >= 0xFF66 && cp <= 0xFF9D) {
            char32_t kana = halfwidth_katakana[cp - 0xFF66];
            // A following (semi-)voiced sound mark composes with it, as NFKC does.
            std::size_t next = pos;
            if (next < text.size()) {
                const char32_t mark = utf8_decode(text, next);
                if (mark == 0xFF9E || mark == 0xFF9F) {
                    if (const char32_t voiced = katakana_voiced(kana, mark == 0xFF9F); voiced != 0) {
                        kana = voiced;
                        pos = next;
                    }
                }
            }
            utf8_append(out, kana);
        } else if (cp == 0xFF9E || cp == 0xFF9F) {
            utf8_append(out, cp == 0xFF9E ? 0x3099 : 0x309A);  // a lone mark: the combining form
        } else {
            out.append(text.substr(start, pos - start));
        }
    }
    return out;
}

namespace {

bool is_ascii(std::string_view text) {
    for (const char c : text) {
        if (static_cast<unsigned char>(c) >= 0x80) {
            return false;
        }
    }
    return true;
}

char ascii_lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
}

}  // namespace

bool unicode_equal_lower(std::string_view a, std::string_view b) {
    // Lowercasing maps each code point on its own, so while both strings are
    // ASCII at the same offset a difference there is final; the first
    // non-ASCII byte hands over to the full comparison.
    const std::size_t n = std::min(a.size(), b.size());
    for (std::size_t i = 0; i < n; ++i) {
        const auto ca = static_cast<unsigned char>(a[i]);
        const auto cb = static_cast<unsigned char>(b[i]);
        if (ca >= 0x80 || cb >= 0x80) {
            return unicode_lower(a) == unicode_lower(b);
        }
        if (ascii_lower(static_cast<char>(ca)) != ascii_lower(static_cast<char>(cb))) {
            return false;
        }
    }
    if (a.size() == b.size()) {
        return true;
    }
    // One is a prefix of the other so far; only non-ASCII text in the rest
    // could lowercase to something equal.
    return !is_ascii(a.substr(n)) || !is_ascii(b.substr(n)) ? unicode_lower(a) == unicode_lower(b) : false;
}

std::string unicode_lower(std::string_view text) {
    if (is_ascii(text)) {
        std::string ascii(text);
        for (char& c : ascii) {
            c = ascii_lower(c);
        }
        return ascii;
    }
    std::string out;
    out.reserve(text.size());
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t start = pos;
        const char32_t cp = utf8_decode(text, pos);
        if (cp < 0x80) {
            out += static_cast<char>(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
            continue;
        }
        const auto* it = std::lower_bound(std::begin(unicode_lower_table), std::end(unicode_lower_table), cp,
                                          [](const unicode_lower_entry& e, char32_t key) { return e.cp < key; });
        if (it != std::end(unicode_lower_table) && it->cp == cp) {
            out += it->lower;
        } else {
            out.append(text.substr(start, pos - start));
        }
    }
    return out;
}

}  // namespace eqb
