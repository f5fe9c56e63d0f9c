#pragma once
// Creative Writing v2 on the engine (SPEC section 7): one task per (iteration,
// prompt) with two steps, "generate" (the model under test writes) and "judge"
// (the judge scores the piece). Generations live in the run of the reference's
// key, judgements in a judge run of their own (key + "--judge--" + judge), so
// --rejudge or another judge never asks for a piece again.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "bench/creative-writing/prompts.hpp"
#include "bench/eq-bench/benchmark.hpp"
#include "core/language.hpp"
#include "run/benchmark.hpp"

namespace eqb {

constexpr int creative_writing_max_tokens = 3000;
constexpr double creative_writing_api_temperature = 0.7;
constexpr double creative_writing_local_temperature = 1.0;
constexpr double creative_writing_temperature_step = 0.1;
constexpr double creative_writing_api_temperature_cap = 1.0;
constexpr double creative_writing_local_temperature_cap = 1.5;
constexpr int creative_writing_generation_tries = 4;
constexpr std::size_t creative_writing_min_chars = 300;  // shorter answers are asked again

// The judge of Creative Writing and Judgemark.
struct judge_settings {
    std::string model;
    std::string engine_name;             // as the user named it
    std::vector<std::string> endpoints;  // base URLs, for the metadata
    reasoning_settings reasoning;        // what the judge is asked to think
};

struct creative_writing_settings {
    reference_run run;
    judge_settings judge;
    // Written and judged in a language pack's language; "" (and an empty
    // `language.test_template`) is the reference's English benchmark.
    std::string language_code;
    creative_writing_language language;
};

// The benchmark's label: "creative-writing", or "creative-writing_ja" in a language.
std::string creative_writing_label(const std::string& language_code);

// The reference's run key:
// {run_id}--{label}--{model}--{lora}--{template}--{quant}--{engine}--{ooba}--{filters}.
std::string creative_writing_run_key(const reference_run& run, const std::string& language_code = "");

result<std::unique_ptr<benchmark>> creative_writing_create(const creative_writing_settings& settings,
                                                           const writing_prompt_set& prompts,
                                                           const creative_writing_templates& templates);

}  // namespace eqb
