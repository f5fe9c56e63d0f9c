#pragma once
// EQ-Bench 3's pairwise judging prompt and the reading of the judge's answer,
// as the reference does them (core/pairwise_judging.py do_pairwise_judge,
// core/elo_helpers.py format_conversation_history). The verdict arithmetic
// (plus counts, fractions) and the matchup schedule live elsewhere.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bench/eq-bench-3/requests.hpp"
#include "bench/eq-bench-3/scenarios.hpp"
#include "core/result.hpp"

namespace eqb::eq3 {

// Which respondent code the model under test gets: the reference judges each
// pair twice, first "forward" (test model as A0493), then "reversed" (A0488).
enum class pairwise_order {
    TEST_FIRST,   // A0493 = test model, A0488 = other ("forward")
    TEST_SECOND,  // A0493 = other, A0488 = test model ("reversed")
};

// "forward" or "reversed", as the reference records the direction; a static string.
const char* pairwise_order_name(pairwise_order order);

// Limits of the pairwise prompt, in code points.
inline constexpr std::size_t pairwise_debrief_limit = 4000;
inline constexpr std::size_t pairwise_analysis_limit = 6000;
inline constexpr std::size_t pairwise_direct_limit = 4000;
// The reference's budget in words for a whole rendered history (never reached in practice).
inline constexpr std::size_t pairwise_history_word_budget = 9999999;

// One side's history as format_conversation_history renders it: each message
// "User:\n{text}\n---" or "Assistant:\n{text}\n---", joined with \n, with every
// '*' and '#' removed from each text; a role-play or drafting answer becomes its
// sections, each cut to 2200 / 1600 / 1600 code points ("... [truncated]"
// appended), joined with blank lines between the headings and a final "--"; an
// analysis answer is cut to 6000, a direct one to 4000.
std::string pairwise_history_render(const std::vector<message>& history, scenario_type type);

// The pairwise prompt with `a` as respondent A0493 and `b` as A0488: the
// template of the scenario's kind, its placeholders replaced in the reference's
// order by plain text replacement ({scenario_description} = the scenario's first
// prompt, {scenario_notes}, {conversation_history_A}, {conversation_history_B},
// then {debrief_A} {debrief_B}, or for analysis {transcript_being_analysed} =
// the first prompt stripped, {response_A} {response_B} = the first assistant
// answer without '*' and '#', cut to 6000). A debrief loses its '*' and '#' and is
// cut to 4000; a missing or empty one reads "[No Debrief Provided]".
std::string pairwise_prompt(const scenario& s, const transcript& a, const transcript& b, const prompt_files& files);

// The same with the test model placed by `order`.
std::string pairwise_prompt(const scenario& s, const transcript& test, const transcript& other, pairwise_order order,
                            const prompt_files& files);

// One top-level member of the pairwise judge's JSON object: its key, and its
// value when that is a string (the verdict arithmetic skips the others).
struct pairwise_member {
    std::string key;
    std::optional<std::string> text;
    bool operator==(const pairwise_member& other) const = default;
};

// The members of a pairwise judge's stored answer, in order, read as the
// reference reads them (judge_json_read). The error, which makes the
// comparison an error comparison in the reference, when no object can be read,
// the object is empty, or it has a member named "error".
result<std::vector<pairwise_member>> pairwise_answer_read(std::string_view stored_judge_answer);

}  // namespace eqb::eq3
