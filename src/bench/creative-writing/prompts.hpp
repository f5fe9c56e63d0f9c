#pragma once
// Creative Writing prompt files (v2.2 for the benchmark, v1 for Judgemark) and
// the two prompt templates (test model, judge), SPEC section 7.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/language.hpp"
#include "core/result.hpp"

namespace eqb {

struct writing_prompt {
    std::string id;
    std::string text;                         // may hold <SEED>
    std::vector<std::string> seed_modifiers;  // may be empty
    std::vector<std::string> criteria;        // all sets' criteria concatenated, then reversed (as judged)
    std::string reference_output;
};

struct writing_prompt_set {
    std::string source;                   // the file read
    std::vector<writing_prompt> prompts;  // file order
};

// Loads a prompt file: {id: {writing_prompt, seed_modifiers, judging_criteria,
// reference_output}}. seed_modifiers and judging_criteria may be JSON or, as in
// the v1 file, Python literals in a string. Errors name the file, prompt and field.
result<writing_prompt_set> writing_prompts_load(const std::filesystem::path& path);
result<writing_prompt_set> writing_prompts_parse(std::string_view json_text, const std::string& source);

// The writing prompt of `iteration` (1-based): <SEED> replaced by
// seed_modifiers[(iteration - 1) mod n] (unchanged when there are none).
std::string writing_prompt_for_iteration(const writing_prompt& prompt, int iteration);

// The judge prompt's fixed prefix before the criteria list.
constexpr const char* creative_writing_criteria_prefix =
    "Now, rate the supplied model output on the following criteria:";

struct creative_writing_templates {
    std::string test;         // placeholder {writing_prompt}
    std::string judge;        // {writing_prompt} {reference_output} {test_model_response} {prefix_text} {criteria}
    std::string test_source;  // the file used, or "built-in"
    std::string judge_source;
};

// The templates: DATA/prompts/creative_writing_{test,judge}_v2.txt when present,
// else eqbench's own (same structure and placeholders); `judge_override`
// (--judge-prompt) replaces the judge template. Errors name an unreadable file.
result<creative_writing_templates> creative_writing_templates_load(const std::filesystem::path& data_dir,
                                                                   const std::string& judge_override);

// The test model's prompt for one piece: the test template around the seeded
// writing prompt.
std::string creative_writing_test_prompt(const creative_writing_templates& t, const std::string& seeded_prompt);
// The judge's prompt for one piece. Its {writing_prompt} is the whole prompt the
// model under test received (the test template around the seeded writing
// prompt), as the reference's create_judging_prompt gets it. A non-empty
// `judge_note` (a language pack's) goes before the criteria prefix.
std::string creative_writing_judge_prompt(const creative_writing_templates& t, const std::string& seeded_prompt,
                                          const std::string& reference_output, const std::string& response,
                                          const std::vector<std::string>& criteria, const std::string& judge_note = "");

// The share of `text`'s letters (Python \w less digits and '_') that lie in
// the script's code point ranges; 0 for a text without letters.
double creative_writing_script_share(std::string_view text, const creative_writing_language& language);

// Python literal (str, list, dict, int, float, True/False/None) as JSON; the
// error says where it stopped.
result<std::string> python_literal_to_json(std::string_view text);

}  // namespace eqb
