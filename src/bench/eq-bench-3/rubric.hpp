#pragma once
// EQ-Bench 3's rubric scoring as the reference does it (core/conversation.py
// prepare_rubric_prompt_text and _parse_rubric_scores, core/benchmark.py
// _execute_rubric_scoring_task and calculate_final_rubric_score): the judge
// prompt for a transcript, the scores read from the judge's answer, a task's
// score and the run's rubric score.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bench/eq-bench-3/requests.hpp"
#include "bench/eq-bench-3/scenarios.hpp"
#include "core/result.hpp"

namespace eqb::eq3 {

// The {output_format} of a rubric prompt: Python's json.dumps(indent=2) of
// {"chain_of_thought_reasoning": "detailed chain of thought reasoning about the
// coming scoring decisions", criterion: 0, ...} with every ": 0" made ": 0-20".
std::string rubric_output_format(const std::vector<std::string>& criteria);

// Character limits of the reference's optional truncation for the rubric
// (off in the reference's CLI; the pairwise prompt always truncates).
inline constexpr std::size_t rubric_debrief_limit = 4000;
inline constexpr std::size_t raw_response_limit = 4000;       // DIRECT answers
inline constexpr std::size_t analysis_response_limit = 6000;  // analysis answers

// The rubric prompt for a task: turns rendered "User:\n{text}\n" and
// "Assistant:\n{answer}\n" joined with "---\n", a role-play or drafting answer
// re-assembled from its sections ("# I'm thinking & feeling\n{..}\n\n# They're
// thinking & feeling\n{..}\n\n# My response\n{..}\n\n--"), an analysis or
// direct answer raw; the template of the scenario's kind filled by str.format
// with transcript, output_format and (not analysis) debrief; then every '*' and
// '#' removed. `truncate` applies the reference's optional rubric truncation.
// Errors: an empty history, a missing debrief (not analysis), a template
// str.format refuses; each names the scenario.
result<std::string> rubric_prompt(const scenario& s, const transcript& t, const prompt_files& files,
                                  bool truncate = false);

// One score from the judge, in the order of the judge's JSON.
struct rubric_score {
    std::string criterion;
    double value = 0.0;
    bool operator==(const rubric_score& other) const = default;
};
using rubric_scores = std::vector<rubric_score>;

// The scores in a judge's stored answer, as the reference reads them: the
// answer stripped, read by judge_json_read; numbers (and true/false) as
// floats; any other value but chain_of_thought_reasoning gives the first
// `\b(\d+(\.\d+)?)\b` of Python's str() of it ("14/20" -> 14), else is skipped
// ("N/A"). The error (the task becomes `error`) when there is no JSON object, it
// is empty, no score is found, or an int is too large for a float.
result<rubric_scores> rubric_answer_parse(std::string_view stored_judge_answer);

// The criteria counted for role-play, drafting and direct tasks (core/benchmark.py
// STANDARD_ALLOWED_RUBRIC_CRITERIA): demonstrated_empathy, pragmatic_ei,
// depth_of_insight, social_dexterity, emotional_reasoning, message_tailoring,
// theory_of_mind, subtext_identification, intellectual_grounding, correctness.
const std::vector<std::string>& standard_counted_criteria();

// A task's score: Python's statistics.mean of the scores of the counted
// criteria present (analysis: those of rubric_scoring_criteria_analysis.txt;
// others: standard_counted_criteria), "overall_eq" counted three times if
// counted at all; nullopt when none is present (the task then counts as scored
// but adds nothing).
std::optional<double> rubric_task_score(const rubric_scores& scores, scenario_type type, const prompt_files& files);

// The run's rubric score from every task that reached `rubric_scored` (one
// entry each: its rubric_task_score).
struct rubric_summary {
    std::optional<double> score_0_20;   // round(statistics.mean(task scores), 2)
    std::optional<double> score_0_100;  // score_0_20 x 5 (as a double: 74.80000000000001)
    std::size_t tasks_counted = 0;      // tasks with a score
    std::string error;                  // the reference's message when there is no score; empty otherwise
};
rubric_summary rubric_run_score(const std::vector<std::optional<double>>& scored_tasks);

// Python's json.dumps of a str (ensure_ascii): quoted, with \" \\ \n \r \t \b \f
// and \uXXXX for everything outside ' '..'~'.
std::string python_json_dumps_str(std::string_view text);

// `text` without any '*' or '#' (the reference's .replace('*', '').replace('#', '')).
std::string remove_stars_and_hashes(std::string_view text);

// Python's truncation helper: `text` when it has at most `limit` code points,
// else its first `limit` code points and "... [truncated]".
std::string truncate_code_points(std::string_view text, std::size_t limit);

}  // namespace eqb::eq3
