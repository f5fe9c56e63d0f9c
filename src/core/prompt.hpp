#pragma once
// The EQ-Bench prompt as sent with revision off: the critique and revision
// parts cut out by a language pack's prompt rules (SPEC section 2).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/language.hpp"
#include "core/result.hpp"

namespace eqb {

// What prompt_remove_revision did to one prompt.
struct prompt_rewrite_result {
    // The prompt to send: rewritten when `complete`, else the input unchanged.
    std::string text;
    // True when one of the pack's variants found every required marker.
    bool complete = false;
    // The name of the variant applied; empty when none applied.
    std::string variant;
    // When not complete: one line per variant tried, naming the rule whose
    // required marker was not found ("english instructions: rule 3 (cut_between): ...").
    std::vector<std::string> missing;
};

// Cuts the revision instructions out of `prompt` with the first of the pack's
// prompt variants whose required markers are all found. If none fits (or the
// pack has none), the prompt is returned whole and `complete` is false, so the
// caller can count and report it. Pure; safe to call from any thread.
prompt_rewrite_result prompt_remove_revision(std::string_view prompt, const language_pack& pack);

// Adds the pack's scale anchors after the end of the line holding the 0-10
// instruction (`--scale anchored`). When the pack has no anchors or the
// instruction is not found, the prompt is returned whole and `complete` is
// false, with the reason in `missing`. Pure; safe to call from any thread.
prompt_rewrite_result prompt_add_scale_anchors(std::string_view prompt, const language_pack& pack);

// Checks one rule: the fields its kind needs, no empty marker, patterns that
// compile. The error message starts with the offending field ("pattern[1]: ...",
// "until: ...", "replacement: ..."), so a loader can prefix the file and rule.
std::optional<error> prompt_rule_check(const prompt_rule& rule);

// The JSON name of a rule kind ("delete", "replace_to_line_end", "cut_between", "append").
std::string_view prompt_rule_kind_name(prompt_rule::kind kind);

// The rule kind with this JSON name, or nullopt.
std::optional<prompt_rule::kind> prompt_rule_kind_from_name(std::string_view name);

}  // namespace eqb
