#pragma once
// The run plan: config.cfg's runs (or one run from the command line) with the
// command-line options applied and every engine mapped to a real server: the
// endpoint to talk to, the client to use, the key's source, and the local
// server eqbench starts and supervises, if any. Built before anything runs, so
// every problem is reported up front; printed by `eqbench run --dry-run`.

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/config.hpp"
#include "core/benchmark-traits.hpp"
#include "core/reasoning.hpp"
#include "core/result.hpp"

namespace eqb {

struct plan_options {
    std::vector<std::string> benchmarks = {"eq-bench"};
    std::vector<benchmark_traits> known_benchmarks;  // every benchmark --benchmarks may name
    std::string language = "en";
    std::string language_pack_file;  // --language-pack: a user's pack (its code is the language)
    bool v1 = false;
    bool revise = false;
    bool anchored_scale = false;    // --scale anchored: its own version in run keys
    std::string compat;             // --compat: "" or "jp-fork"
    bool overwrite = false;         // -w
    bool delete_downloads = false;  // -d
    bool fast_download = false;     // -f
    int run_retries = 5;            // -r
    int concurrency = 8;
    std::string results_dir = ".";
    std::filesystem::path data_dir;  // instruction templates live in DATA/instruction-templates
    std::string serve_cmd;           // --serve-cmd: overrides [Local server] command
    std::string gpus;                // --gpus: overrides [Local server] gpus
    std::string judge_engine;        // --judge-engine: overrides [Creative Writing Benchmark] judge_model_api
    std::string judge_model;         // --judge-model
    std::string judge_base_url;      // --judge-base-url: overrides judge_model_url
    std::string judge_prompt;        // --judge-prompt FILE
    bool rejudge = false;            // --rejudge
    pairwise_options pairwise;       // EQ-Bench 3 and Creative Writing v3
    // Environment lookup (tests replace it); nullopt when unset.
    std::function<std::optional<std::string>(const std::string&)> env;
    // Whether a program is on PATH (tests replace it).
    std::function<bool(const std::string&)> on_path;
};

// A local model server eqbench starts for a run.
struct server_plan {
    std::string kind;                                      // "command" ([Local server] / --serve-cmd), "vllm" or "ooba"
    std::string command;                                   // shell command; {port} is filled in when it starts
    std::string cwd;                                       // "" = eqbench's
    std::string gpus;                                      // -> CUDA_VISIBLE_DEVICES
    std::vector<std::string> health_paths;                 // any 2xx means ready
    std::vector<std::pair<std::string, std::string>> env;  // set for the server only (may hold HF_TOKEN)
    int port = 0;                                          // 0: a free one
    double startup_timeout_s = 600.0;
    int max_restarts = 3;
    double health_interval_s = 5.0;
    double health_timeout_s = 30.0;
    std::string unavailable;  // why it cannot start here (e.g. vllm not installed); "" if it can
    bool downloads = false;   // the model is a Hugging Face id the server (or eqbench) downloads
};

struct run_plan_entry {
    int line = 0;  // config line, 0 for a command-line run
    std::string run_id;
    std::string instruction_template;  // as named
    std::string template_path;         // resolved YAML file, "" when the engine needs none
    std::string model;                 // model_path as the reference keeps it
    std::string lora;
    std::string quantization;
    int iterations = 1;
    std::string engine;             // as configured (transformers, openai, ooba, ...)
    std::string client;             // the client used: openai, openai-completions, anthropic, gemini, llama.cpp, ooba
    std::string engine_parameters;  // ooba params in effect (per run, else global)
    std::string ooba_params_key;    // the reference's run-key text for ooba_params
    std::vector<std::string> include_patterns;
    std::vector<std::string> exclude_patterns;
    std::vector<std::string> benchmarks;
    std::string language;
    std::string endpoint;         // base URL; "{port}" in it when a server is started
    std::string request_model;    // model name sent in requests
    std::string api_key;          // never printed
    std::string api_key_source;   // e.g. "config [OpenAI] api_key", "environment OPENAI_API_KEY", ""
    double timeout_s = 120.0;     // per request
    bool model_is_local = false;  // model names an existing path (never deleted by -d)
    std::optional<server_plan> server;
    reasoning_settings reasoning;  // [Reasoning] and --reasoning... (flags win)
    // Why this run cannot run here (no API key, server not installed, a missing
    // data file); empty if it can. Not a config error: --dry-run shows it, a real
    // run refuses to start.
    std::vector<std::string> unavailable;
    // What may not be what the user meant (an inline comment kept in a field); shown, never fatal.
    std::vector<std::string> warnings;
};

// The LLM judge of Creative Writing and Judgemark.
struct judge_plan {
    std::string engine;  // openai, mistralai, anthropic, gemini
    std::string model;
    std::string client;  // openai, anthropic, gemini
    std::string endpoint;
    std::string api_key;  // never printed
    std::string api_key_source;
    reasoning_settings reasoning;          // judge_reasoning_* and --judge-reasoning... (flags win)
    std::vector<std::string> unavailable;  // e.g. no key; empty if it can judge
};

struct run_plan {
    std::string config_path;
    plan_options options;
    std::vector<run_plan_entry> runs;
    std::optional<judge_plan> judge;  // when creative-writing or judgemark is asked for
};

// The judge from the config's [Creative Writing Benchmark] and the flags
// (flags win); a problem is added when a benchmark needs a judge and none is named.
std::optional<judge_plan> plan_judge(const reference_config& config, const plan_options& options,
                                     std::vector<config_problem>& problems);

// Maps the config's runs to a plan, adding every problem found to `problems`
// (line, field, what was expected); the plan is usable only when none were added.
run_plan plan_build(const reference_config& config, const plan_options& options, std::vector<config_problem>& problems);
// As above; the error lists every problem (config_problems_message).
result<run_plan> plan_build(const reference_config& config, const plan_options& options);

// The instruction template file for `name`: a path to a .yaml file, else
// DATA/instruction-templates/NAME.yaml (NAME with or without .yaml), else
// ./instruction-templates/NAME.yaml; absolute. nullopt when none exists.
std::optional<std::string> plan_template_find(const std::string& name, const std::filesystem::path& data_dir);

// The reference's EQ-Bench run key of a run (the same fields name its runs of every benchmark).
std::string plan_run_key(const run_plan_entry& e, const plan_options& options);

// The plan as indented JSON (keys never included).
std::string plan_to_json(const run_plan& plan);

// The settings of `flags` where given, else of `config`, resolved (a budget
// alone means on).
reasoning_settings plan_reasoning_merge(const config_reasoning& config, const config_reasoning& flags);

// Substitutes {model}, {port} and {gpus} in a server command template.
std::string plan_substitute(const std::string& command, const std::string& model, int port, const std::string& gpus);

}  // namespace eqb
