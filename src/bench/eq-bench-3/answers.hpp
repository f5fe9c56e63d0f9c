#pragma once
// What EQ-Bench 3 keeps of the model's answers and how it reads them: the
// reasoning-block rule of the reference's API client, the sections of
// role-play and message-drafting answers (core/conversation.py
// _parse_response), and which tasks get judged at all.

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "bench/eq-bench-3/requests.hpp"
#include "bench/eq-bench-3/scenarios.hpp"

namespace eqb::eq3 {

// What the reference's client returns for a message content (and so stores and
// parses, for the model under test and the judge alike): when the content holds
// both "<think>" and "</think>", only the text after the first "</think>",
// stripped; then the same for "<reasoning>"/"</reasoning>". Otherwise the
// content verbatim (trailing newlines kept).
std::string answer_stored(std::string_view content);

// A debrief as stored: answer_stored, then stripped (Python str.strip).
std::string debrief_stored(std::string_view content);

// The sections of one answer, as the reference's case-insensitive patterns
// find them (empty when a pattern does not match); each stripped.
//   role-play: `#\s*I['’]m thinking & feeling\s*\n(.*?)(?=#|\Z)`,
//              `#\s*They['’]re thinking & feeling\s*\n(.*?)(?=#|\Z)`,
//              `#\s*My response\s*\n(.*?)(?=--|\Z)`
//   drafting:  `#\s*Perspective[- ]taking\s*\n(.*?)(?=#|\Z)`,
//              `#\s*Draft brainstorming\s*\n(.*?)(?=#|\Z)`, `#\s*Draft\s*\n(.*?)(?=--|\Z)`
struct answer_sections {
    bool sectioned = false;               // role-play and drafting answers; analysis and direct answers are used raw
    std::array<std::string, 3> sections;  // in the order above
};

// The sections of a stored answer of a scenario of `type` (unsectioned for
// ANALYSIS and DIRECT).
answer_sections answer_sections_parse(std::string_view stored_answer, scenario_type type);

// The section names the reference's records use, in order: thinking_feeling,
// their_thinking_feeling, response (role-play) or perspective_taking,
// draft_brainstorming, draft (drafting); static strings.
std::array<const char*, 3> section_keys(scenario_type type);

// The headings the reference writes when it renders sections back (rubric and
// pairwise prompts): "# I'm thinking & feeling", "# They're thinking &
// feeling", "# My response", or "# Perspective-taking", "# Draft
// brainstorming", "# Draft"; static strings.
std::array<const char*, 3> section_headings(scenario_type type);

// An assistant message must have this many code points after stripping for
// the task to be judged.
inline constexpr std::size_t judged_min_chars = 100;

// Whether the reference judges a task with this history (rubric, and pairwise
// for Elo): some assistant message has at least judged_min_chars code points
// after Python's strip().
bool transcript_judgeable(const std::vector<message>& history);

}  // namespace eqb::eq3
