#include "parse/eq-bench-answer.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <array>

#include "core/unicode.hpp"

namespace eqb {
namespace {

// The lenient reader's pair, on one line: a label without ':' '=' ',' ';', a
// colon (ASCII after full-width folding) or '=', and a number with an optional
// decimal part (point or comma) and an optional "/10".
constexpr std::string_view lenient_pair_pattern =
    R"(([^:=,;\n]+?)[ \t\x{a0}\x{3000}]*[:=][ \t\x{a0}\x{3000}]*(\d+(?:[.,]\d+)?)(?:[ \t]*/[ \t]*10\b)?)";

std::string remove_chars(std::string_view text, std::string_view chars) {
    std::array<bool, 256> drop{};
    for (const char c : chars) {
        drop[static_cast<unsigned char>(c)] = true;
    }
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        if (!drop[static_cast<unsigned char>(c)]) {
            out += c;
        }
    }
    return out;
}

std::size_t utf8_step(std::string_view text, std::size_t pos) {
    std::size_t next = pos;
    utf8_decode(text, next);
    return next;
}

// Python's re.findall over `section` with a two-group pattern, into a dict.
// Values are converted as float() would; a value that is not a number (only
// possible with a user's pattern) drops the pair.
void find_pairs(const RE2& re, std::string_view section, bool comma_decimal, emotion_pairs& out) {
    std::array<re2::StringPiece, 3> groups;
    const re2::StringPiece input(section.data(), section.size());
    std::size_t pos = 0;
    while (pos <= section.size()) {
        if (!re.Match(input, pos, section.size(), RE2::UNANCHORED, groups.data(), 3)) {
            break;
        }
        const auto end = static_cast<std::size_t>(groups[0].data() + groups[0].size() - section.data());
        std::string text(groups[2].data(), groups[2].size());
        std::string number = text;
        if (comma_decimal) {
            std::replace(number.begin(), number.end(), ',', '.');
        }
        if (const auto value = python_float(number)) {
            out.set(score_pair{std::string(groups[1].data(), groups[1].size()), std::move(text), *value});
        }
        pos = groups[0].empty() ? utf8_step(section, end) : end;
        if (groups[0].empty() && end >= section.size()) {
            break;
        }
    }
}

// The reference patterns, matched by hand: the same findall semantics as the
// regex (leftmost, non-overlapping, greedy runs) with Python's Unicode classes,
// several times faster than a regex engine with captures. Any other pattern
// (a user's pack) goes through RE2.
constexpr std::string_view word_pair_pattern = R"((\w+):\s+(\d+))";          // en, jahalf, de
constexpr std::string_view noncolon_pair_pattern = R"(([^:\s]+):\s*(\d+))";  // ja

enum class pair_engine { REGEX, WORD_NAMES, NONCOLON_NAMES };

// utf8_decode with the ASCII case inline (nearly all answer text).
inline char32_t decode_at(std::string_view text, std::size_t& pos) {
    const auto byte = static_cast<unsigned char>(text[pos]);
    if (byte < 0x80) {
        ++pos;
        return byte;
    }
    return utf8_decode(text, pos);
}

// Python's \w, \s, \d for ASCII, as one table lookup.
constexpr unsigned char ascii_word = 1;
constexpr unsigned char ascii_space = 2;
constexpr unsigned char ascii_digit = 4;
constexpr std::array<unsigned char, 128> ascii_classes = [] {
    std::array<unsigned char, 128> t{};
    for (int c = 0; c < 128; ++c) {
        const bool digit = c >= '0' && c <= '9';
        const bool word = digit || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        const bool space = (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20);
        t[static_cast<std::size_t>(c)] =
            static_cast<unsigned char>((word ? ascii_word : 0) | (space ? ascii_space : 0) | (digit ? ascii_digit : 0));
    }
    return t;
}();

inline bool is_word(char32_t cp) {
    return cp < 0x80 ? (ascii_classes[cp] & ascii_word) != 0 : python_is_word(cp);
}

inline bool is_space(char32_t cp) {
    return cp < 0x80 ? (ascii_classes[cp] & ascii_space) != 0 : python_is_space(cp);
}

inline bool is_digit(char32_t cp) {
    return cp < 0x80 ? (ascii_classes[cp] & ascii_digit) != 0 : python_is_digit(cp);
}

// Every match needs a ':' right after its name, and a start's greedy name run
// always ends at the next ':' or other non-name character. So the leftmost
// match is found colon by colon: the name is the run of name characters just
// before the colon (not reaching back past the previous match), and the colon
// matches when spaces (at least one for \w names) and digits follow it. Jumping
// from colon to colon (memchr) skips the prose between pairs.
void find_pairs_fast(std::string_view section, bool word_names, emotion_pairs& out) {
    const auto is_name = [word_names](char32_t cp) { return word_names ? is_word(cp) : cp != ':' && !is_space(cp); };
    const std::size_t n = section.size();
    std::size_t floor = 0;  // where the last match ended: names may not start before it
    std::size_t search = 0;
    while (true) {
        const std::size_t colon = section.find(':', search);
        if (colon == std::string_view::npos) {
            return;
        }
        search = colon + 1;
        std::size_t start = colon;
        while (start > floor) {
            std::size_t lead = start - 1;
            while (lead > floor && (static_cast<unsigned char>(section[lead]) & 0xC0) == 0x80) {
                --lead;
            }
            std::size_t after = lead;
            const char32_t cp = decode_at(section, after);
            if (after != start || !is_name(cp)) {
                break;  // not a name character (or not a whole UTF-8 sequence)
            }
            start = lead;
        }
        if (start == colon) {
            continue;
        }
        std::size_t cur = colon + 1;
        std::size_t spaces = 0;
        while (cur < n) {
            std::size_t q = cur;
            if (!is_space(decode_at(section, q))) {
                break;
            }
            cur = q;
            ++spaces;
        }
        const std::size_t digits_begin = cur;
        while (cur < n) {
            std::size_t q = cur;
            if (!is_digit(decode_at(section, q))) {
                break;
            }
            cur = q;
        }
        if ((word_names && spaces == 0) || cur == digits_begin) {
            continue;
        }
        std::string text(section.substr(digits_begin, cur - digits_begin));
        if (const auto value = python_float(text)) {
            out.set(score_pair{std::string(section.substr(start, colon - start)), std::move(text), *value});
        }
        floor = cur;
        search = cur;
    }
}

std::string trim(std::string_view s) {
    constexpr std::string_view space = " \t\r\n\v\f";
    const auto b = s.find_first_not_of(space);
    if (b == std::string_view::npos) {
        return {};
    }
    const auto e = s.find_last_not_of(space);
    return std::string(s.substr(b, e - b + 1));
}

// The label as the lenient reader sees it: without list markers, numbering,
// quotes and surrounding space.
std::string clean_label(std::string_view raw) {
    std::string s = trim(raw);
    bool changed = true;
    while (changed && !s.empty()) {
        changed = false;
        for (const std::string_view lead :
             {"-", "+", ">", "_", "\xe2\x80\xa2" /* • */, "\xe3\x83\xbb" /* ・ */, "\"", "'", "`"}) {
            if (s.rfind(lead, 0) == 0) {
                s = trim(std::string_view(s).substr(lead.size()));
                changed = true;
            }
        }
        // "1." / "2)" numbering
        std::size_t digits = 0;
        while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') {
            ++digits;
        }
        if (digits > 0 && digits < s.size() && (s[digits] == '.' || s[digits] == ')')) {
            s = trim(std::string_view(s).substr(digits + 1));
            changed = true;
        }
    }
    while (!s.empty() && (s.back() == '"' || s.back() == '\'' || s.back() == '`' || s.back() == '_')) {
        s.pop_back();
        s = trim(s);
    }
    return s;
}

// Index of the expected emotion `label` names: equal ignoring case, or
// (multi-word labels) ending in the emotion as a whole word; -1 if none.
int match_expected(const std::string& label, const emotion_reference& expected) {
    const std::string lower = unicode_lower(label);
    int suffix_match = -1;
    for (int i = 0; i < 4; ++i) {
        const std::string name = unicode_lower(expected.names[static_cast<std::size_t>(i)]);
        if (lower == name) {
            return i;
        }
        if (lower.size() > name.size() && lower.compare(lower.size() - name.size(), name.size(), name) == 0) {
            const char before = lower[lower.size() - name.size() - 1];
            if (before == ' ' || before == '-') {
                suffix_match = i;
            }
        }
    }
    return suffix_match;
}

// True when `pairs` are four names that match the four expected emotions (the
// reference's v2 acceptance rule), so the reference reading already scores.
bool matches_expected(const emotion_pairs& pairs, const emotion_reference& expected) {
    if (pairs.size() != 4) {
        return false;
    }
    std::array<bool, 4> seen{};
    for (const auto& p : pairs.items()) {
        for (std::size_t i = 0; i < 4; ++i) {
            if (unicode_equal_lower(p.name, expected.names[i])) {
                seen[i] = true;
            }
        }
    }
    return std::all_of(seen.begin(), seen.end(), [](bool b) { return b; });
}

std::string ascii_lower_copy(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c + 32);
        }
    }
    return out;
}

struct heading_hit {
    std::size_t begin = std::string::npos;
    std::size_t end = std::string::npos;
};

// First occurrence at or after `from` of any heading, ignoring case, with an
// optional colon after it.
heading_hit find_heading(const std::string& lower_text, const std::vector<std::string>& headings, std::size_t from) {
    heading_hit best;
    for (const auto& h : headings) {
        const std::string lh = ascii_lower_copy(fold_fullwidth(h));
        if (lh.empty()) {
            continue;
        }
        const auto at = lower_text.find(lh, from);
        if (at != std::string::npos && (best.begin == std::string::npos || at < best.begin)) {
            std::size_t end = at + lh.size();
            while (end < lower_text.size() && lower_text[end] == ' ') {
                ++end;
            }
            if (end < lower_text.size() && lower_text[end] == ':') {
                ++end;
            }
            best = {at, end};
        }
    }
    return best;
}

}  // namespace

std::optional<parser_kind> parser_kind_from_string(std::string_view name) {
    if (name == "reference") {
        return parser_kind::REFERENCE;
    }
    if (name == "extended") {
        return parser_kind::EXTENDED;
    }
    return std::nullopt;
}

std::string_view parser_kind_name(parser_kind kind) {
    return kind == parser_kind::REFERENCE ? "reference" : "extended";
}

struct eq_bench_parser::impl {
    parser_kind kind = parser_kind::REFERENCE;
    pair_engine engine = pair_engine::REGEX;
    std::unique_ptr<RE2> reference_pair;
    std::unique_ptr<RE2> lenient_pair;
    std::string first_pass_heading;
    std::string revised_heading;
    std::vector<std::string> first_pass_headings;
    std::vector<std::string> revised_headings;

    parsed_answer parse_reference(std::string_view raw, bool revise) const;
    void reference_pairs(std::string_view section, emotion_pairs& out) const {
        if (engine == pair_engine::REGEX) {
            find_pairs(*reference_pair, section, false, out);
        } else {
            find_pairs_fast(section, engine == pair_engine::WORD_NAMES, out);
        }
    }
    parsed_answer parse_lenient(std::string_view raw, bool revise, const emotion_reference& expected) const;
};

parsed_answer eq_bench_parser::impl::parse_reference(std::string_view raw, bool revise) const {
    parsed_answer out;
    // text.replace('*', '').replace('#', ''): copied only when there is something to remove.
    std::string stripped;
    std::string_view text = raw;
    // (find_first_of would call memchr once per character.)
    if (std::any_of(raw.begin(), raw.end(), [](char c) { return c == '*' || c == '#'; })) {
        stripped = remove_chars(raw, "*#");
        text = stripped;
    }
    if (!revise) {
        reference_pairs(text, out.first_pass);
        return out;
    }
    // re.search(r'FIRST(.*?)REVISED', text, re.DOTALL): the first FIRST that has
    // a REVISED after it, up to the nearest such REVISED.
    const std::size_t fp = text.find(first_pass_heading);
    if (fp != std::string::npos) {
        const std::size_t body = fp + first_pass_heading.size();
        const std::size_t rv = text.find(revised_heading, body);
        if (rv != std::string::npos) {
            reference_pairs(std::string_view(text).substr(body, rv - body), out.first_pass);
        }
    }
    // re.search(r'REVISED(.*?)$', text, re.DOTALL): to the end, less one final newline.
    const std::size_t rv = text.find(revised_heading);
    if (rv != std::string::npos) {
        std::string_view rest = std::string_view(text).substr(rv + revised_heading.size());
        if (!rest.empty() && rest.back() == '\n') {
            rest.remove_suffix(1);
        }
        reference_pairs(rest, out.revised);
    }
    return out;
}

parsed_answer eq_bench_parser::impl::parse_lenient(std::string_view raw, bool revise,
                                                   const emotion_reference& expected) const {
    const std::string text = remove_chars(fold_fullwidth(raw), "*#`");
    // ASCII-only lowercasing keeps every byte offset, so a heading found in
    // `lower` is at the same place in `text` (full Unicode lowercasing can
    // change lengths: U+023E is 2 bytes, its lowercase 3).
    const std::string lower = ascii_lower_copy(text);
    std::string_view first_section = text;
    std::string_view revised_section;
    if (revise) {
        const heading_hit fp = find_heading(lower, first_pass_headings, 0);
        const heading_hit rv = find_heading(lower, revised_headings, fp.begin == std::string::npos ? 0 : fp.end);
        const std::size_t first_begin = fp.begin == std::string::npos ? 0 : fp.end;
        const std::size_t first_end = rv.begin == std::string::npos ? text.size() : rv.begin;
        first_section = std::string_view(text).substr(first_begin, first_end - first_begin);
        if (rv.begin != std::string::npos) {
            revised_section = std::string_view(text).substr(rv.end);
        }
    }
    const auto read = [&](std::string_view section) {
        emotion_pairs raw_pairs;
        find_pairs(*lenient_pair, section, true, raw_pairs);
        emotion_pairs pairs;
        for (const auto& p : raw_pairs.items()) {
            std::string label = clean_label(p.name);
            const int idx = match_expected(label, expected);
            if (idx >= 0) {
                label = expected.names[static_cast<std::size_t>(idx)];
            }
            pairs.set(score_pair{std::move(label), p.text, p.value});
        }
        return pairs;
    };
    parsed_answer out;
    out.first_pass = read(first_section);
    if (revise) {
        out.revised = read(revised_section);
    }
    return out;
}

eq_bench_parser::eq_bench_parser(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
eq_bench_parser::~eq_bench_parser() = default;

result<std::unique_ptr<const eq_bench_parser>> eq_bench_parser::create(const language_pack& pack, parser_kind kind,
                                                                       bool allow_fast_path) {
    auto p = std::make_unique<impl>();
    p->kind = kind;
    if (allow_fast_path && pack.reference_pair_pattern == word_pair_pattern) {
        p->engine = pair_engine::WORD_NAMES;
    } else if (allow_fast_path && pack.reference_pair_pattern == noncolon_pair_pattern) {
        p->engine = pair_engine::NONCOLON_NAMES;
    }
    const auto compile = [&](std::string_view pattern, const char* field) -> result<std::unique_ptr<RE2>> {
        auto translated = python_regex_to_re2(pattern);
        if (!translated) {
            return error{"language pack '" + pack.code + "': " + field + ": " + translated.err().message};
        }
        RE2::Options options;
        options.set_log_errors(false);
        auto re = std::make_unique<RE2>(*translated, options);
        if (!re->ok()) {
            return error{"language pack '" + pack.code + "': " + field + ": invalid pattern '" + std::string(pattern) +
                         "': " + re->error()};
        }
        if (re->NumberOfCapturingGroups() != 2) {
            return error{"language pack '" + pack.code + "': " + field +
                         ": the pattern needs exactly two groups (name, score)"};
        }
        return re;
    };
    auto reference = compile(pack.reference_pair_pattern, "reference_pair_pattern");
    if (!reference) {
        return reference.err();
    }
    p->reference_pair = std::move(*reference);
    auto lenient = pack.lenient_pair_pattern.empty() ? compile(lenient_pair_pattern, "lenient pair pattern")
                                                     : compile(pack.lenient_pair_pattern, "lenient_pair_pattern");
    if (!lenient) {
        return lenient.err();
    }
    p->lenient_pair = std::move(*lenient);
    if (pack.reference_first_pass_heading.empty() || pack.reference_revised_heading.empty()) {
        return error{"language pack '" + pack.code +
                     "': reference_first_pass_heading and reference_revised_heading must not be empty"};
    }
    p->first_pass_heading = pack.reference_first_pass_heading;
    p->revised_heading = pack.reference_revised_heading;
    p->first_pass_headings = pack.first_pass_headings;
    p->first_pass_headings.push_back(pack.reference_first_pass_heading);
    p->revised_headings = pack.revised_headings;
    p->revised_headings.push_back(pack.reference_revised_heading);
    return std::unique_ptr<const eq_bench_parser>(new eq_bench_parser(std::move(p)));
}

parser_kind eq_bench_parser::kind() const {
    return impl_->kind;
}

parsed_answer eq_bench_parser::parse(std::string_view text, bool revise, const emotion_reference* expected) const {
    parsed_answer reference = impl_->parse_reference(text, revise);
    if (impl_->kind == parser_kind::REFERENCE || expected == nullptr) {
        return reference;
    }
    // Extended: per section, the lenient reading where it yields the four
    // expected emotions (it reads decimals the reference truncates), else the
    // reference's reading unchanged.
    parsed_answer lenient = impl_->parse_lenient(text, revise, *expected);
    if (matches_expected(lenient.first_pass, *expected)) {
        reference.first_pass = std::move(lenient.first_pass);
    }
    if (revise && matches_expected(lenient.revised, *expected)) {
        reference.revised = std::move(lenient.revised);
    }
    return reference;
}

}  // namespace eqb
