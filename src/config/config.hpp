#pragma once
// config.cfg, read the way the reference reads it (SPEC section 10), with every
// bad line or value reported at once with file, line, field and what was expected.

#include <filesystem>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace eqb {

// The engines a [Benchmarks to run] line may name.
const std::vector<std::string>& config_engine_names();

// One line of [Benchmarks to run]:
// run_id, instruction_template, model_path, lora_path, quantization, n_iterations,
// inference_engine, ooba_params, downloader_filters
struct config_run_line {
    int line = 0;
    std::string text;  // the line as written (stripped)
    std::string run_id;
    std::string instruction_template;
    std::string model_path;    // as written ('~' expanded, made absolute when it exists)
    std::string lora_path;     // '~' expanded, absolute (as the reference)
    std::string quantization;  // lower case: "8bit", "4bit", "none" or ""
    int iterations = 1;
    std::string engine;           // lower case, one of config_engine_names()
    std::string ooba_params;      // stripped
    std::string ooba_params_key;  // as the reference writes it into the run key (unstripped)
    std::vector<std::string> include_patterns;
    std::vector<std::string> exclude_patterns;
};

// Parses one run line (already stripped, not a comment). The error is
// "FIELD: expected ..., got '...'" (no file or line: the caller adds them).
// `cwd` resolves relative model and LoRA paths, as the reference's os.path.abspath.
result<config_run_line> config_run_line_parse(const std::string& line, const std::filesystem::path& cwd);

// The reference's download-filter string for the run key:
// --include ["a", "b"] --exclude ["c"]
std::string config_filters_string(const std::vector<std::string>& include, const std::vector<std::string>& exclude);

// Reasoning settings as a config file or the flags give them: "" / -1 where unset.
struct config_reasoning {
    std::string mode;  // "auto", "off", "on" or ""
    int budget = -1;
    std::string effort;  // "low", "medium", "high" or ""
};

struct reference_config {
    std::filesystem::path path;  // the file read ("" when none)
    // [OpenAI]
    std::string openai_api_key;
    std::string openai_compatible_url;
    // [Huggingface]
    std::string hf_access_token;
    std::string hf_cache_dir;
    // [Results upload]
    std::string google_spreadsheet_url;
    // [Creative Writing Benchmark]
    std::string judge_model_api;  // openai, mistralai, anthropic or ""
    std::string judge_model;
    std::string judge_model_api_key;
    std::string judge_model_url;  // eqbench's own: an OpenAI-compatible judge endpoint
    // [Options]
    bool trust_remote_code = false;
    // [Oobabooga config]
    std::string ooba_launch_script;  // '~' expanded, absolute
    std::string ooba_params_global;
    bool automatically_launch_ooba = true;
    int ooba_request_timeout = 300;  // seconds
    // [Local server] (eqbench's own): a server command eqbench starts and supervises
    std::string server_command;  // placeholders {model}, {port}, {gpus}
    std::string server_url;      // an already running local server (llama.cpp / ooba default otherwise)
    std::string gpus;            // "0,1" -> CUDA_VISIBLE_DEVICES
    int server_port = 0;         // 0: a free port
    double startup_timeout_s = 600.0;
    int max_restarts = 3;
    double health_interval_s = 5.0;
    double health_timeout_s = 30.0;
    // [Anthropic], [Mistral], [Gemini] (eqbench's own): api_key
    std::string anthropic_api_key;
    std::string mistral_api_key;
    std::string gemini_api_key;
    // [Reasoning] mode, budget, effort (eqbench's own); [Creative Writing Benchmark] judge_reasoning_*
    config_reasoning reasoning;
    config_reasoning judge_reasoning;
    // [Benchmarks to run]
    std::vector<config_run_line> runs;
};

// One problem in a config file, at a 1-based line (0: not tied to a line,
// e.g. a command-line flag); `message` starts with the section and field.
struct config_problem {
    int line = 0;
    std::string message;
};

// "N problems in LABEL:" and one "LABEL:LINE: message" line each, sorted by line.
std::string config_problems_message(const std::string& label, std::vector<config_problem> problems);

// Parses config text, collecting every problem (a bad run line is left out of
// `runs`, a bad value keeps its default).
reference_config config_parse_lenient(const std::string& text, const std::string& label,
                                      const std::filesystem::path& cwd, std::vector<config_problem>& problems);

// Parses config text. `label` names the file in errors; `cwd` resolves relative
// paths. The error lists every problem, one per line: "LABEL:LINE: [Section] field: ...".
result<reference_config> config_parse(const std::string& text, const std::string& label,
                                      const std::filesystem::path& cwd);

// Reads and parses `path` (errors name it).
result<reference_config> config_load(const std::filesystem::path& path);
// Reads `path` and parses it leniently; an error only when it cannot be read.
result<reference_config> config_load_lenient(const std::filesystem::path& path, std::vector<config_problem>& problems);

}  // namespace eqb
