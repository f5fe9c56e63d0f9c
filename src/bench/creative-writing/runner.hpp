#pragma once
// Creative Writing v2 and Judgemark live (SPEC sections 7-8): the model under
// test writes, an LLM judge scores, both concurrently; every generation and
// judgement is committed to the store before it is used, so a resumed run never
// asks for a stored generation again and `rejudge` judges stored pieces anew.

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bench/creative-writing/prompts.hpp"
#include "bench/eq-bench/runner.hpp"
#include "core/answer.hpp"
#include "sched/scheduler.hpp"
#include "scoring/creative-writing.hpp"
#include "store/store.hpp"

namespace eqb {

constexpr int creative_writing_max_tokens = 3000;
constexpr double creative_writing_api_temperature = 0.7;
constexpr double creative_writing_local_temperature = 1.0;
constexpr double creative_writing_temperature_step = 0.1;
constexpr double creative_writing_api_temperature_cap = 1.0;
constexpr double creative_writing_local_temperature_cap = 1.5;
constexpr int creative_writing_generation_tries = 4;
constexpr std::size_t creative_writing_min_chars = 300;  // shorter answers are asked again
constexpr double judge_temperature = 0.01;
constexpr double judge_temperature_step = 0.2;  // after an answer with no score in it
constexpr int judge_tries = 4;                  // judging tries when nothing parses
constexpr int judge_empty_tries = 3;            // tries when the judge's answer is empty
constexpr int judge_max_tokens = 3000;

// What a resumed or re-judged run keeps and what it asks again.
struct judged_run_common {
    std::string run_id = "1";
    std::string judge_model;
    std::string judge_engine_name;
    bool overwrite = false;  // -w: start over (generations and judgements)
    bool rejudge = false;    // judge every stored generation again
    bool verbose = false;
    double grace_s = 10.0;
    retry_policy retries;
    std::filesystem::path results_dir = ".";
    std::vector<std::string> judge_endpoints;
};

struct creative_writing_run_settings {
    judged_run_common common;
    std::string model;
    std::string engine_name = "openai";
    std::string instruction_template;
    std::string lora;
    std::string quantization;
    std::string ooba_params;
    std::string download_filters;
    bool local_engine =
        false;  // temperature 1.0 + min_p 0.1 and a 1.5 cap, as the reference does for transformers and ooba
    int iterations = 1;
    std::vector<std::string> endpoints;
};

// One judged piece: a prompt (and, for Judgemark, a test model) in one iteration.
struct judged_piece {
    int iteration = 1;
    std::string owner;  // Judgemark: the test model; "" for Creative Writing
    std::string prompt_id;
    std::string response;  // the piece judged
    bool generated = false;
    std::string judge_answer;
    emotion_pairs scores;
    std::optional<creative_writing_prompt_result> result;  // nullopt: not generated, not judged or nothing parsed
};

struct creative_writing_run_outcome {
    std::string key;
    std::string judge_key;
    std::vector<judged_piece> pieces;                     // iteration, then the prompt file's order
    std::vector<std::optional<double>> iteration_scores;  // 0-10 scale; nullopt: 10 prompts or fewer scored
    double score = 0.0;                                   // Creative Writing Score (0-100, 2 places)
    mean_interval interval;                               // over the iteration scores x 10
    bool interrupted = false;
    bool failed = false;
    std::string error;
    usage_totals usage;  // generation and judging together
    double seconds = 0.0;
};

// The reference's run key:
// {run_id}--creative-writing--{model}--{lora}--{template}--{quant}--{engine}--{ooba}--{filters}.
std::string creative_writing_run_key(const creative_writing_run_settings& s);

result<creative_writing_run_outcome> creative_writing_run(const creative_writing_run_settings& settings,
                                                          const writing_prompt_set& prompts,
                                                          const creative_writing_templates& templates,
                                                          endpoint_pool& test_pool, endpoint_pool& judge_pool,
                                                          store& db, run_progress& progress, const cancel_flag& stop);

// raw_results.json entry, a benchmark_results.csv row and the per-run text file
// (iteration scores, mean and interval, every piece with its judge's scores).
result<bool> creative_writing_export(const creative_writing_run_settings& settings,
                                     const creative_writing_run_outcome& outcome);

// Judgemark's stored answers: test model -> (prompt id, answer), file order.
struct judgemark_test_set {
    std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>> models;
};
result<judgemark_test_set> judgemark_test_set_load(const std::filesystem::path& path);

struct judgemark_run_outcome {
    std::string key;
    std::vector<judged_piece> pieces;  // test set order
    // Per test model, its prompt scores (0-10) in prompt order, judged and parsed ones only.
    std::vector<std::pair<std::string, std::vector<double>>> prompt_scores;
    bool interrupted = false;
    bool failed = false;
    std::string error;
    usage_totals usage;
    double seconds = 0.0;
};

// {run_id}--judgemark--{judge_model}
std::string judgemark_run_key(const judged_run_common& s);

result<judgemark_run_outcome> judgemark_run(const judged_run_common& settings, const writing_prompt_set& prompts,
                                            const judgemark_test_set& test_set,
                                            const creative_writing_templates& templates, endpoint_pool& judge_pool,
                                            store& db, run_progress& progress, const cancel_flag& stop);

}  // namespace eqb
