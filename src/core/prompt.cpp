#include "core/prompt.hpp"

#include <re2/re2.h>

#include <array>
#include <memory>
#include <utility>

#include "core/unicode.hpp"

namespace eqb {
namespace {

constexpr std::array<std::pair<prompt_rule::kind, std::string_view>, 4> rule_kind_names = {{
    {prompt_rule::kind::DELETE, "delete"},
    {prompt_rule::kind::REPLACE_TO_LINE_END, "replace_to_line_end"},
    {prompt_rule::kind::CUT_BETWEEN, "cut_between"},
    {prompt_rule::kind::APPEND, "append"},
}};

// How many characters of a marker a report quotes.
constexpr std::size_t marker_quote_limit = 60;

struct marker_match {
    std::size_t pos = 0;
    std::size_t len = 0;
};

result<std::unique_ptr<RE2>> pattern_compile(const std::string& pattern) {
    auto translated = python_regex_to_re2(pattern);
    if (!translated) {
        return translated.err();
    }
    RE2::Options options;
    options.set_log_errors(false);
    auto re = std::make_unique<RE2>(*translated, options);
    if (!re->ok()) {
        return error{"invalid pattern '" + pattern + "': " + re->error()};
    }
    return re;
}

std::string marker_quote(const prompt_marker& marker) {
    std::string quoted;
    for (const char c : marker.value) {
        if (quoted.size() >= marker_quote_limit) {
            quoted += "...";
            break;
        }
        if (c == '\n') {
            quoted += "\\n";
        } else {
            quoted += c;
        }
    }
    return (marker.type == prompt_marker::syntax::PATTERN ? "pattern '" : "'") + quoted + "'";
}

// A list of marker alternatives, patterns compiled once per rewrite.
class marker_finder {
  public:
    static result<marker_finder> create(const std::vector<prompt_marker>& markers) {
        marker_finder finder;
        for (const auto& marker : markers) {
            alternative alt{&marker, nullptr};
            if (marker.type == prompt_marker::syntax::PATTERN) {
                auto re = pattern_compile(marker.value);
                if (!re) {
                    return re.err();
                }
                alt.re = std::move(*re);
            }
            finder.alternatives_.push_back(std::move(alt));
        }
        return finder;
    }

    // The earliest non-empty match at or after `from`; on a tie the alternative listed first.
    std::optional<marker_match> find(std::string_view text, std::size_t from) const {
        std::optional<marker_match> best;
        for (const auto& alt : alternatives_) {
            const auto found = alt.re ? find_pattern(*alt.re, text, from) : find_text(alt.marker->value, text, from);
            if (found && (!best || found->pos < best->pos)) {
                best = found;
            }
        }
        return best;
    }

  private:
    struct alternative {
        const prompt_marker* marker;
        std::unique_ptr<RE2> re;
    };

    static std::optional<marker_match> find_text(const std::string& marker, std::string_view text, std::size_t from) {
        if (marker.empty() || from > text.size()) {
            return std::nullopt;
        }
        const auto pos = text.find(marker, from);
        if (pos == std::string_view::npos) {
            return std::nullopt;
        }
        return marker_match{pos, marker.size()};
    }

    // The whole text is the match context, so ^ and \b see what precedes `from`.
    // With a capturing group, group 1 is the marker and the rest only context
    // (RE2 has no lookbehind).
    static std::optional<marker_match> find_pattern(const RE2& re, std::string_view text, std::size_t from) {
        const re2::StringPiece input(text.data(), text.size());
        const int group = re.NumberOfCapturingGroups() >= 1 ? 1 : 0;
        std::array<re2::StringPiece, 2> groups;
        std::size_t start = from;
        while (start <= text.size()) {
            if (!re.Match(input, start, text.size(), RE2::UNANCHORED, groups.data(), group + 1)) {
                return std::nullopt;
            }
            const auto whole = static_cast<std::size_t>(groups[0].data() - text.data());
            const auto& match = groups[static_cast<std::size_t>(group)];
            if (match.data() != nullptr && !match.empty()) {
                return marker_match{static_cast<std::size_t>(match.data() - text.data()), match.size()};
            }
            // An empty match removes nothing and would never advance: look further on.
            start = whole + 1;
        }
        return std::nullopt;
    }

    std::vector<alternative> alternatives_;
};

// One rule applied to `text`; false when its marker was not found (text then unchanged).
result<bool> rule_apply(const prompt_rule& rule, std::string& text) {
    if (rule.type == prompt_rule::kind::APPEND) {
        text += rule.replacement;
        return true;
    }
    auto markers = marker_finder::create(rule.markers);
    if (!markers) {
        return markers.err();
    }
    const auto first = markers->find(text, 0);
    if (!first) {
        return false;
    }
    switch (rule.type) {
        case prompt_rule::kind::DELETE: {
            // Left to right, non-overlapping, as Python's str.replace(marker, '').
            std::string out;
            std::size_t pos = 0;
            for (auto found = first; found; found = markers->find(text, pos)) {
                out.append(text, pos, found->pos - pos);
                pos = found->pos + found->len;
            }
            out.append(text, pos);
            text = std::move(out);
            return true;
        }
        case prompt_rule::kind::REPLACE_TO_LINE_END: {
            auto end = text.find('\n', first->pos);
            if (end == std::string::npos) {
                end = text.size();
            }
            text.replace(first->pos, end - first->pos, rule.replacement);
            return true;
        }
        case prompt_rule::kind::CUT_BETWEEN: {
            auto until = marker_finder::create(rule.until);
            if (!until) {
                return until.err();
            }
            const auto last = until->find(text, first->pos + first->len);
            if (!last) {
                return false;
            }
            text.replace(first->pos, last->pos - first->pos, rule.replacement);
            return true;
        }
        case prompt_rule::kind::APPEND:
            break;
    }
    return true;
}

std::string markers_describe(const std::vector<prompt_marker>& markers) {
    std::string out;
    for (const auto& marker : markers) {
        out += out.empty() ? "" : " or ";
        out += marker_quote(marker);
    }
    return out;
}

std::string rule_describe(const prompt_rule& rule, std::size_t index) {
    std::string out = "rule " + std::to_string(index + 1) + " (" + std::string(prompt_rule_kind_name(rule.type)) + ")";
    if (!rule.markers.empty()) {
        out += ": " + markers_describe(rule.markers);
    }
    if (!rule.until.empty()) {
        out += " ... " + markers_describe(rule.until);
    }
    return out;
}

std::optional<error> markers_check(const std::vector<prompt_marker>& markers, const char* field) {
    for (const auto& marker : markers) {
        if (marker.value.empty()) {
            return error{std::string(field) + ": a marker must not be empty"};
        }
        if (marker.type == prompt_marker::syntax::PATTERN) {
            auto re = pattern_compile(marker.value);
            if (!re) {
                return error{std::string(field) + ": " + re.err().message};
            }
        }
    }
    return std::nullopt;
}

}  // namespace

std::string_view prompt_rule_kind_name(prompt_rule::kind kind) {
    for (const auto& [k, name] : rule_kind_names) {
        if (k == kind) {
            return name;
        }
    }
    return "unknown";
}

std::optional<prompt_rule::kind> prompt_rule_kind_from_name(std::string_view name) {
    for (const auto& [k, n] : rule_kind_names) {
        if (n == name) {
            return k;
        }
    }
    return std::nullopt;
}

std::optional<error> prompt_rule_check(const prompt_rule& rule) {
    const bool is_append = rule.type == prompt_rule::kind::APPEND;
    const bool is_cut = rule.type == prompt_rule::kind::CUT_BETWEEN;
    if (is_append && !rule.markers.empty()) {
        return error{"text/pattern: an append rule takes no marker"};
    }
    if (!is_append && rule.markers.empty()) {
        return error{"text/pattern: the rule needs at least one marker"};
    }
    if (is_cut && rule.until.empty()) {
        return error{"until/until_pattern: a cut_between rule needs an end marker"};
    }
    if (!is_cut && !rule.until.empty()) {
        return error{"until/until_pattern: only a cut_between rule takes an end marker"};
    }
    if (rule.type == prompt_rule::kind::DELETE && !rule.replacement.empty()) {
        return error{"replacement: a delete rule takes no replacement"};
    }
    if (is_append && rule.replacement.empty()) {
        return error{"replacement: an append rule needs a non-empty replacement"};
    }
    if (auto err = markers_check(rule.markers, "text/pattern")) {
        return err;
    }
    return markers_check(rule.until, "until/until_pattern");
}

prompt_rewrite_result prompt_remove_revision(std::string_view prompt, const language_pack& pack) {
    prompt_rewrite_result out;
    for (const auto& variant : pack.prompt_variants) {
        std::string text(prompt);
        std::optional<std::string> failure;
        for (std::size_t i = 0; i < variant.rules.size() && !failure; ++i) {
            const auto& rule = variant.rules[i];
            const auto applied = rule_apply(rule, text);
            if (!applied) {
                failure = rule_describe(rule, i) + ": " + applied.err().message;
            } else if (!*applied && rule.required) {
                failure = rule_describe(rule, i) + ": not found";
            }
        }
        if (!failure) {
            out.text = std::move(text);
            out.complete = true;
            out.variant = variant.name;
            out.missing.clear();
            return out;
        }
        out.missing.push_back(variant.name + ": " + *failure);
    }
    if (pack.prompt_variants.empty()) {
        out.missing.push_back("language pack '" + pack.code + "' has no prompt rules");
    }
    out.text = std::string(prompt);
    return out;
}

prompt_rewrite_result prompt_add_scale_anchors(std::string_view prompt, const language_pack& pack) {
    prompt_rewrite_result out;
    out.text = std::string(prompt);
    const scale_anchors& anchors = pack.anchors;
    if (anchors.lines.empty() || anchors.instruction.empty()) {
        out.missing.push_back("language pack '" + pack.code + "' has no scale anchors");
        return out;
    }
    auto finder = marker_finder::create(anchors.instruction);
    if (!finder) {
        out.missing.push_back("scale_anchors: " + finder.err().message);
        return out;
    }
    const auto found = finder->find(out.text, 0);
    if (!found) {
        out.missing.push_back("scale_anchors: " + markers_describe(anchors.instruction) + ": not found");
        return out;
    }
    std::string block;
    if (!anchors.intro.empty()) {
        block += "\n" + anchors.intro;
    }
    for (const auto& line : anchors.lines) {
        block += "\n" + line;
    }
    auto end = out.text.find('\n', found->pos + found->len);
    if (end == std::string::npos) {
        end = out.text.size();
    }
    out.text.insert(end, block);
    out.complete = true;
    out.variant = "scale anchors";
    return out;
}

}  // namespace eqb
