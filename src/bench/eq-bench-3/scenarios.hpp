#pragma once
// EQ-Bench 3's data files (reference EQ-bench/eqbench3 at 3c21bcc, data/): the
// scenarios with their user turns, read exactly as the reference's
// parse_scenario_prompts reads them, the master prompts, the debrief prompt, the
// rubric and pairwise prompts, the rubric criteria and the scenario notes.
// Pure file reading; nothing here talks to a model.

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace eqb::eq3 {

// How the reference treats a scenario, decided by its id alone (utils/constants.py).
enum class scenario_type {
    ROLE_PLAY,         // every other id: master prompt scenario_master_prompt.txt, three sections, debrief
    MESSAGE_DRAFTING,  // ids 201-209: scenario_master_prompt_message_drafting.txt, drafting sections, debrief
    ANALYSIS,          // ids 401-420: scenario_master_prompt_analysis.txt, one raw answer, no debrief
    DIRECT,            // ids 8, 10, 12, 14 (NO_RP, none in the shipped file): the prompt sent bare, raw answer, debrief
};

// The type of scenario `id` ("1", "208", "401"), as the reference's id sets decide it.
scenario_type scenario_type_of(std::string_view id);

// "role-play", "message-drafting", "analysis" or "direct"; a static string.
const char* scenario_type_name(scenario_type type);

// Whether the type has a debrief turn (every type but ANALYSIS).
bool scenario_type_has_debrief(scenario_type type);

struct scenario {
    std::string id;  // the header's first word after "########", e.g. "208"
    scenario_type type = scenario_type::ROLE_PLAY;
    std::vector<std::string> prompts;  // the user turns in file order, each stripped (the raw scenario text)
    std::size_t line = 0;              // 1-based line of the header that gave the prompts
};

// A scenario header that yielded no prompts, so the reference silently drops it
// (scenario 409 writes "####### 1" instead of "####### Prompt1").
struct dropped_scenario {
    std::string id;
    std::size_t line = 0;  // 1-based line of the header
};

struct scenario_set {
    std::string source;                               // the file read
    std::vector<scenario> scenarios;                  // the reference's dict order: first appearance of each id
    std::vector<dropped_scenario> dropped;            // headers with no prompts whose id never got any
    const scenario* find(std::string_view id) const;  // nullptr when absent
};

// Parses scenario_prompts.txt (the file's bytes) as the reference does: lines split on \n, \r\n or
// \r; a stripped line matching `^########\s*(\S+)` starts a scenario, one
// matching `^#######\s*Prompt(\d+)` starts a prompt (its number is ignored);
// other lines belong to the current prompt (trailing newline removed); each
// prompt is joined with \n and stripped, empty ones are skipped; a scenario with
// no prompts is dropped; a repeated id keeps its first place and takes the later
// prompts. Errors name the file and line: invalid UTF-8, or no scenario at all.
result<scenario_set> scenarios_parse(std::string_view text, const std::string& source);
result<scenario_set> scenarios_load(const std::filesystem::path& path);

// One line a message for the CLI, e.g. "scenario 409 (line 1077) has no prompts
// and is skipped, as the reference skips it"; empty when nothing was dropped.
std::vector<std::string> dropped_scenario_messages(const scenario_set& set);

// Parses scenario_notes.txt (text as python_text_decode returns it) as the
// reference's load_scenario_notes does: a line
// starting "# " opens the notes of the id it names (the line stripped of '#',
// ' ' and '\n' at both ends); the following lines, joined with \n and stripped,
// are its notes; an id followed directly by another header gets none.
std::map<std::string, std::string> scenario_notes_parse(std::string_view text);

// Rubric criteria (text as python_text_decode returns it) as the reference
// reads them: every stripped, non-empty line not starting with '#', in file order.
std::vector<std::string> rubric_criteria_parse(std::string_view text);

// Every prompt file of the benchmark, as text (newlines normalised to \n, as
// Python's text mode reads them).
struct prompt_files {
    std::string master_role_play;                // scenario_master_prompt.txt, field {scenario_prompt}
    std::string master_drafting;                 // scenario_master_prompt_message_drafting.txt
    std::string master_analysis;                 // scenario_master_prompt_analysis.txt
    std::string debrief;                         // debrief_prompt.txt, sent as it is
    std::string rubric_standard;                 // rubric_scoring_prompt.txt: {transcript} {debrief} {output_format}
    std::string rubric_analysis;                 // rubric_scoring_prompt_analysis.txt: {transcript} {output_format}
    std::vector<std::string> criteria_standard;  // rubric_scoring_criteria.txt
    std::vector<std::string> criteria_analysis;  // rubric_scoring_criteria_analysis.txt
    std::string pairwise_standard;               // pairwise_prompt_eqbench3.txt
    std::string pairwise_analysis;               // pairwise_prompt_eqbench3_analysis.txt
    std::map<std::string, std::string> notes;    // scenario_notes.txt (the reference reads it for both kinds)
};

// The whole data folder (the reference's data/ or DATA/eqbench3/).
struct benchmark_data {
    scenario_set scenarios;
    prompt_files files;
};

// Loads every file from `dir`. Errors name the file (and line where there is
// one): a missing or unreadable file, invalid UTF-8, an empty master, debrief or
// criteria file, a rubric template without its fields, as the reference refuses
// them. A missing scenario_notes.txt gives no notes, as in the reference.
result<benchmark_data> benchmark_data_load(const std::filesystem::path& dir);

// The master template of a type: role-play, drafting or analysis (DIRECT uses
// none; the role-play one is returned but not applied).
const std::string& master_template_of(const prompt_files& files, scenario_type type);

// The notes the pairwise judge gets for `scenario_id`: the note of
// scenario_id with "scenario" removed and cut at the first '_', else
// "[No scenario notes available]".
std::string scenario_note_for(const prompt_files& files, std::string_view scenario_id);

// Python's text-mode reading of UTF-8 bytes: \r\n and lone \r become \n. The
// error names `source` and the line of the first invalid UTF-8 sequence.
result<std::string> python_text_decode(std::string_view bytes, const std::string& source);

}  // namespace eqb::eq3
