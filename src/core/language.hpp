#pragma once
// Languages of the EQ-Bench question sets and the data-driven language pack
// that describes how prompts are rewritten and answers read in each.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace eqb {

// Where a prompt rule looks: literal text, or a regex in Python syntax (\w \d \s
// as in Python 3 on str; `(?m)` makes ^ and $ match at line ends). A pattern
// with a capturing group marks only group 1; the rest of the match is context.
struct prompt_marker {
    enum class syntax {
        TEXT,
        PATTERN,
    };
    syntax type = syntax::TEXT;
    std::string value;  // never empty; a pattern never counts an empty match
};

// One prompt-rewriting step, applied in order when revision is off. A marker
// list holds alternatives: the earliest match in the prompt is used (on a tie,
// the one listed first).
struct prompt_rule {
    enum class kind {
        DELETE,               // delete every match of `markers`, left to right
        REPLACE_TO_LINE_END,  // replace from the first match to the end of its line
                              // (the newline stays) by `replacement`
        CUT_BETWEEN,          // replace from the first match of `markers` up to, not
                              // including, the first match of `until` after it
        APPEND,               // append `replacement`
    };
    kind type = kind::DELETE;
    std::vector<prompt_marker> markers;  // empty only for APPEND
    std::vector<prompt_marker> until;    // CUT_BETWEEN only
    std::string replacement;             // REPLACE_TO_LINE_END, CUT_BETWEEN, APPEND
    bool required = true;                // a required marker not found: the prompt is sent whole
};

// The rules for one wording of a question set's instructions. A pack lists one
// or more; the first whose required markers are all found is applied.
struct prompt_variant {
    std::string name;  // for reports, e.g. "english instructions"
    std::vector<prompt_rule> rules;
};

// The anchored rating scale (`--scale anchored`): one line per level, added
// after the prompt's 0-10 instruction. Empty `lines`: the pack has none.
struct scale_anchors {
    // Where the 0-10 instruction is (alternatives, as a rule's markers); the
    // anchors go after the end of the line holding the first match.
    std::vector<prompt_marker> instruction;
    std::string intro;               // a line before the levels; may be empty
    std::vector<std::string> lines;  // "0 = not at all", ..., "10 = overwhelming"
};

// Creative Writing in this language: the pack's part for `--language CODE
// --benchmarks creative-writing`. An empty test_template: the pack has none.
struct creative_writing_language {
    std::string
        test_template;        // the test model's prompt, {writing_prompt} in it, asking for the piece in this language
    std::string judge_note;   // to the judge, before the criteria: the language, how to read it, keep the format
    std::string script_name;  // "kana and kanji", for messages
    std::vector<std::pair<char32_t, char32_t>> script_ranges;  // code point ranges [first, last] of the script
    double script_share_min = 0.5;                             // the least share of the answer's letters in the script
    std::size_t min_chars = 300;                               // code points; a shorter piece is asked again
    std::string language_reminder;  // appended to the request after an answer in another script
};

// Everything language-specific about EQ-Bench prompts and answers. Loaded from
// JSON (src/lang/packs/*.json, or a user's file); no code path per language.
struct language_pack {
    std::string code;  // en, de, ja, jahalf, ...
    std::string name;  // human name
    // Question file name in the data directory, e.g. eq_bench_v2_questions_171_de.json.
    std::string question_file;
    // Benchmark version label suffix for CSV, e.g. "_de" ("" for en).
    std::string version_suffix;

    // Revision off: how the critique and revision parts are cut out (SPEC 2).
    std::vector<prompt_variant> prompt_variants;

    // Reference parser: a regex with two groups (name, score), Python
    // syntax for \w \d \s (Unicode-aware as in Python 3).
    std::string reference_pair_pattern;
    // Revision-mode headings as the reference matches them (exact, case-sensitive).
    std::string reference_first_pass_heading;
    std::string reference_revised_heading;

    // Extended parser: how a pair is written, a regex with two groups (name,
    // score) in Python syntax; "" uses eqbench's (':' or '=', full-width folded,
    // decimals, "/10"). Lets a language with other separators parse without C++.
    std::string lenient_pair_pattern;
    // Extended parser: further headings accepted (case-insensitive, any colon).
    std::vector<std::string> first_pass_headings;
    std::vector<std::string> revised_headings;
    // Dataset checks (`eqbench data check`): where the dialogue ends, and the
    // name line ("At the end of this dialogue, X would feel...") as Python-syntax
    // regexes whose group 1 is the character. Optional: empty skips those checks.
    std::vector<std::string> dialogue_end_markers;
    std::vector<std::string> name_line_patterns;

    // `--scale anchored`: the criteria of each score, in this language.
    scale_anchors anchors;
    // Creative Writing written and judged in this language.
    creative_writing_language creative;
};

}  // namespace eqb
