#pragma once
// From the command line's request to a finished batch: the plan (one run from
// flags, or config.cfg's runs), every problem found before the first run starts
// (keys, data files, templates, servers), the dry run's report with its
// estimate, and the batch itself.

#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include "batch/batch.hpp"
#include "config/config.hpp"
#include "config/plan.hpp"

namespace eqb {

// Everything `eqbench run` takes: the reference's flags, a run from flags, both.
struct batch_request {
    // Batch mode (config.cfg) and the reference's flags
    std::string config_path;
    bool dry_run = false;
    std::vector<std::string> benchmarks = {"eq-bench"};  // "a,b" splits too
    int run_retries = 5;
    bool delete_downloads = false;
    bool fast_download = false;
    std::string serve_cmd;
    std::string gpus;
    std::string judge_engine;
    std::string judge_model;
    std::string judge_base_url;
    std::string judge_prompt;
    bool rejudge = false;
    pairwise_options pairwise;
    config_reasoning reasoning;        // --reasoning, --reasoning-budget, --reasoning-effort
    config_reasoning judge_reasoning;  // --judge-reasoning...
    // One run from flags
    std::string model;
    std::vector<std::string> base_urls;
    std::string api_key_env;
    std::string engine = "openai";
    std::string instruction_template;
    std::string run_id = "1";
    int iterations = 1;
    // Both
    std::string language = "en";
    std::string language_pack_file;
    bool revise = false;
    bool v1 = false;
    std::string parser = "reference";
    bool legacy_scorer = false;
    std::string scale = "reference";  // --scale: reference or anchored
    std::string compat;               // --compat: "" or jp-fork
    std::string creative_prompts;     // --creative-prompts FILE: translated writing prompts
    int concurrency = 8;
    std::string results_dir = ".";
    bool overwrite = false;
    int retries = 5;
    double timeout = 120.0;
    bool verbose = false;
    std::string prices_file;
    double price_input = -1.0;  // < 0: from the price table
    double price_output = -1.0;
};

// A string option of `eqbench run` that picks a benchmark variant, described
// here so the CLI registers them all alike. `target` points into the request.
struct batch_choice_option {
    std::string name;  // "--scale"
    std::string help;
    std::string* target = nullptr;
    std::vector<std::string> choices;  // empty: any value (a file)
};

// The variant options (--parser, --scale, --compat, --creative-prompts), bound to `request`.
std::vector<batch_choice_option> batch_choice_options(batch_request& request);

struct batch_plan {
    run_plan plan;
    reference_config config;
};

// The plan: one run from flags (--model), else config.cfg's batch. The error
// lists every problem of the config and the flags, with file and line.
result<batch_plan> batch_plan_load(const batch_request& request, const std::filesystem::path& data_dir);

// Adds what the run itself would hit to the plan's `unavailable` lists: every
// run's benchmark is made (its data files read; a missing one is named).
void batch_plan_check(batch_plan& plan, const batch_request& request);

// Every problem that stops the batch, one line each ("" runs are fine).
std::vector<std::string> batch_plan_problems(const batch_plan& plan);

// The same, one problem a line; "" when there is none.
std::string batch_plan_problems_text(const batch_plan& plan);

// The dry run: the plan as JSON, with the estimate of requests, tokens and cost.
std::string batch_dry_run_json(const batch_plan& plan, const batch_request& request);

// Runs the batch (after batch_plan_check found no problem). Errors: setup
// (language pack, store) and what batch_run returns.
result<batch_outcome> batch_launch(const batch_plan& plan, const batch_request& request, batch_listener& listener,
                                   const std::atomic<bool>& stop);

}  // namespace eqb
