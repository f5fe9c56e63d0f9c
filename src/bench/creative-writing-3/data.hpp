#pragma once
// Creative Writing v3's data files (the reference's data/ folder): the prompts
// with their seed modifiers, the rubric criteria and the lower-is-better ones,
// the rubric judging prompt and the pairwise prompt.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace eqb {

// The reference's file names (its defaults under data/).
constexpr const char* cw3_prompts_file = "creative_writing_prompts_v3.json";
constexpr const char* cw3_criteria_file = "creative_writing_criteria.txt";
constexpr const char* cw3_negative_criteria_file = "negative_criteria.txt";
constexpr const char* cw3_judging_prompt_file = "creative_writing_judging_prompt.txt";
constexpr const char* cw3_pairwise_prompt_file = "pairwise_prompt.txt";

struct cw3_prompt {
    std::string id;                           // the file's key ("1".."33"; "27" is absent)
    std::string writing_prompt;               // with its <SEED> marker, as the judges see it
    std::vector<std::string> seed_modifiers;  // empty: the reference skips the prompt
    std::string category;                     // "" when absent
    std::string title;                        // "" when absent
};

struct cw3_data {
    std::vector<cw3_prompt> prompts;             // file order
    std::vector<std::string> criteria;           // rubric criteria, file order
    std::vector<std::string> negative_criteria;  // lower is better, file order
    std::string judging_prompt;                  // str.format template of the rubric judge
    std::string pairwise_prompt;                 // str.replace template of the pairwise judge
};

// Parses the prompts file: {id: {writing_prompt, seed_modifiers, category, title}}
// in file order (a repeated key keeps its first position and its last value, as
// json.load does). Errors name `source`, the prompt and the field.
result<std::vector<cw3_prompt>> cw3_prompts_parse(std::string_view json_text, const std::string& source);

// Reads and parses a prompts file; errors name the file.
result<std::vector<cw3_prompt>> cw3_prompts_load(const std::filesystem::path& path);

// The stripped non-empty lines of a criteria file, as `[l.strip() for l in f if
// l.strip()]` reads them (lines end at \n, \r\n or \r).
std::vector<std::string> cw3_criteria_parse(std::string_view text);

// A text file as Python's open(path, encoding="utf-8").read() gives it: UTF-8
// checked, \r\n and \r read as \n. Errors name the file.
result<std::string> cw3_text_file_read(const std::filesystem::path& path);

// The five files from `dir` under their reference names; errors name the file
// (and, for the prompts, the prompt and field). An empty criteria file is an error.
result<cw3_data> cw3_data_load(const std::filesystem::path& dir);

// The prompt with this id, or nullptr.
const cw3_prompt* cw3_prompt_find(const std::vector<cw3_prompt>& prompts, std::string_view id);

}  // namespace eqb
