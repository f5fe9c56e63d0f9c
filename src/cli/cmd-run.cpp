// eqbench run: config.cfg batches (the reference's command line) or one run
// from flags, against API servers or local servers eqbench starts itself.

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <utility>

#include "batch/batch.hpp"
#include "bench/registry.hpp"
#include "cli/commands.hpp"
#include "config/config.hpp"
#include "config/plan.hpp"
#include "data/data-dir.hpp"
#include "lang/language-pack.hpp"
#include "report/pricing.hpp"
#include "report/progress.hpp"

namespace eqb {
namespace {

cancel_flag g_stop{false};

extern "C" void on_stop_signal(int) {
    g_stop.store(true);
}

struct run_options {
    // Batch mode (config.cfg) and the reference's flags
    std::string config_path;
    bool dry_run = false;
    std::vector<std::string> benchmarks = {"eq-bench"};
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

plan_options plan_options_from(const run_options& opts, const std::filesystem::path& data_dir) {
    plan_options p;
    p.benchmarks.clear();
    for (const auto& b : opts.benchmarks) {  // "--benchmarks a,b" as well as "--benchmarks a b"
        std::size_t start = 0;
        while (start <= b.size()) {
            const auto comma = b.find(',', start);
            const std::string one = b.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            if (!one.empty()) {
                p.benchmarks.push_back(one);
            }
            if (comma == std::string::npos) {
                break;
            }
            start = comma + 1;
        }
    }
    p.known_benchmarks = benchmark_registry_traits();
    p.language = opts.language;
    p.language_pack_file = opts.language_pack_file;
    p.v1 = opts.v1;
    p.revise = opts.revise;
    p.overwrite = opts.overwrite;
    p.delete_downloads = opts.delete_downloads;
    p.fast_download = opts.fast_download;
    p.run_retries = opts.run_retries;
    p.concurrency = opts.concurrency;
    p.results_dir = opts.results_dir;
    p.data_dir = data_dir;
    p.serve_cmd = opts.serve_cmd;
    p.gpus = opts.gpus;
    p.judge_engine = opts.judge_engine;
    p.judge_model = opts.judge_model;
    p.judge_base_url = opts.judge_base_url;
    p.judge_prompt = opts.judge_prompt;
    p.rejudge = opts.rejudge;
    p.pairwise = opts.pairwise;
    return p;
}

// The plan of a single run given by flags (--model ...).
run_plan plan_from_flags(const run_options& opts, const std::filesystem::path& data_dir) {
    const auto engine = engine_kind_from_string(opts.engine);
    if (!engine) {
        throw fatal_error("--engine " + opts.engine +
                          ": expected openai, openai-completions, anthropic, gemini, mistralai, llama.cpp or ooba");
    }
    run_plan plan;
    plan.options = plan_options_from(opts, data_dir);
    run_plan_entry e;
    e.run_id = opts.run_id;
    e.instruction_template = opts.instruction_template;
    e.template_path = opts.instruction_template;
    e.model = opts.model;
    e.request_model = opts.model;
    e.iterations = opts.iterations;
    e.engine = opts.engine;
    e.client = engine_kind_name(*engine);
    e.benchmarks = plan.options.benchmarks;
    e.language = opts.language;
    e.timeout_s = opts.timeout;
    std::error_code ec;
    e.model_is_local = std::filesystem::exists(opts.model, ec);
    e.endpoint = opts.base_urls.empty() ? endpoint_default_base_url(*engine) : opts.base_urls.front();
    const std::string key_env = opts.api_key_env.empty() ? engine_api_key_env(opts.engine) : opts.api_key_env;
    if (const char* v = std::getenv(key_env.c_str()); v != nullptr && *v != '\0') {
        e.api_key = v;
        e.api_key_source = "environment " + key_env;
    } else if (!opts.api_key_env.empty()) {
        throw fatal_error("--api-key-env " + opts.api_key_env + ": the variable is not set or empty");
    }
    if (!opts.serve_cmd.empty()) {
        server_plan s;
        s.kind = "command";
        s.command = plan_substitute(opts.serve_cmd, opts.model, 0, opts.gpus);
        s.gpus = opts.gpus;
        s.health_paths = {"/health", "/v1/models"};
        e.server = std::move(s);
        e.endpoint = *engine == engine_kind::OPENAI || *engine == engine_kind::OPENAI_COMPLETIONS
                         ? "http://127.0.0.1:{port}/v1"
                         : "http://127.0.0.1:{port}";
    }
    plan.runs.push_back(std::move(e));
    return plan;
}

// The console: lines as they come, the progress line in place.
class console_listener final : public batch_listener {
  public:
    void line(const std::string& text) override {
        fmt::print("{}\n", text);
        std::fflush(stdout);
    }
    void problem(const std::string& text) override {
        std::fflush(stdout);
        fmt::print(stderr, "{}\n", text);
    }
    void progress(const progress_snapshot& snapshot, bool final) override {
        if (!printer_) {
            printer_.emplace(stdout);
        }
        if (final) {
            printer_->finish(snapshot);
            printer_.reset();  // the next run's line starts afresh
        } else {
            printer_->update(snapshot);
        }
    }

  private:
    std::optional<progress_printer> printer_;
};

// The price table: --prices, else $EQBENCH_PRICES, else the built-in list prices.
price_table prices_for(const run_options& opts) {
    std::string file = opts.prices_file;
    if (file.empty()) {
        if (const char* env = std::getenv("EQBENCH_PRICES"); env != nullptr) {
            file = env;
        }
    }
    if (file.empty()) {
        return price_table_builtin();
    }
    auto loaded = price_table_load(file);
    if (!loaded) {
        throw fatal_error(loaded.err().message);
    }
    return std::move(*loaded);
}

// The plan: one run from flags (--model), else config.cfg's batch.
std::pair<run_plan, reference_config> plan_for(const run_options& opts, const std::filesystem::path& data_dir) {
    reference_config cfg;
    const bool judgemark_only = opts.benchmarks.size() == 1 && opts.benchmarks.front() == "judgemark";
    const bool from_flags = !opts.model.empty() || (judgemark_only && !opts.judge_model.empty() &&
                                                    opts.config_path.empty() && !std::filesystem::exists("config.cfg"));
    if (from_flags) {
        if (!opts.config_path.empty()) {
            throw fatal_error("--config and --model: give one (a config.cfg batch, or one run from flags)");
        }
        run_plan plan = plan_from_flags(opts, data_dir);
        std::vector<config_problem> problems;
        plan.judge = plan_judge(cfg, plan.options, problems);
        if (!problems.empty()) {
            throw fatal_error(config_problems_message("command line", std::move(problems)));
        }
        return {std::move(plan), std::move(cfg)};
    }
    const std::filesystem::path path = opts.config_path.empty() ? "config.cfg" : opts.config_path;
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        throw fatal_error(path.string() + ": no such config file" +
                          (opts.config_path.empty()
                               ? std::string(" in ") + std::filesystem::current_path(ec).string() +
                                     " (give --config FILE, or --model MODEL for one run from flags)"
                               : std::string()));
    }
    std::vector<config_problem> problems;
    auto loaded = config_load_lenient(path, problems);
    if (!loaded) {
        throw fatal_error(loaded.err().message);
    }
    cfg = std::move(*loaded);
    run_plan plan = plan_build(cfg, plan_options_from(opts, data_dir), problems);
    if (!problems.empty()) {
        throw fatal_error(config_problems_message(path.string(), std::move(problems)));
    }
    return {std::move(plan), std::move(cfg)};
}

// Everything that would stop a run, reported before the first one starts.
void refuse_unavailable(const run_plan& plan) {
    std::string message;
    const auto add = [&message](const std::string& p) { message += (message.empty() ? "" : "\n") + p; };
    bool test_model_needed = false;
    for (const auto& b : plan.options.benchmarks) {
        const benchmark_entry* entry = benchmark_find(b);
        test_model_needed = test_model_needed || (entry != nullptr && entry->needs_test_model);
    }
    if (plan.judge && !plan.judge->unavailable.empty()) {
        add(plan.judge->unavailable);
    }
    for (const auto& e : plan.runs) {
        if (!e.unavailable.empty() && test_model_needed) {
            add((e.line > 0 ? plan.config_path + ":" + std::to_string(e.line) + ": " : std::string()) + "run " +
                e.run_id + ": " + e.unavailable);
        }
    }
    if (!message.empty()) {
        throw fatal_error(message);
    }
}

void run_main(const run_options& opts, cli_context& ctx) {
    const auto data_dir = data_dir_resolve(ctx.data_dir).path;
    auto [plan, cfg] = plan_for(opts, data_dir);
    if (opts.dry_run) {
        fmt::print("{}\n", plan_to_json(plan));
        return;
    }
    if (plan.runs.empty()) {
        throw fatal_error(plan.config_path +
                          ": [Benchmarks to run] has no runs (one per line: run_id, "
                          "instruction_template, model_path, lora_path, quantization, n_iterations, inference_engine, "
                          "ooba_params, downloader_filters)");
    }
    refuse_unavailable(plan);
    auto pack = opts.language_pack_file.empty() ? language_pack_builtin(opts.language)
                                                : language_pack_load_file(opts.language_pack_file);
    if (!pack) {
        throw fatal_error(pack.err().message);
    }
    if (opts.v1 && opts.language != "en") {
        throw fatal_error("-v1: EQ-Bench v1 exists only in English (-l en)");
    }
    auto db = store::open(opts.results_dir);
    if (!db) {
        throw fatal_error(db.err().message);
    }
    batch_settings settings;
    settings.base_urls = opts.base_urls;
    settings.retries = opts.retries;
    settings.timeout_s = opts.timeout;
    settings.verbose = opts.verbose;
    settings.parser = parser_kind_from_string(opts.parser).value_or(parser_kind::REFERENCE);
    settings.scorer = opts.legacy_scorer ? v2_scorer::LEGACY : v2_scorer::V2_4;
    settings.prices = prices_for(opts);
    settings.price_input = opts.price_input;
    settings.price_output = opts.price_output;

    console_listener console;
    std::signal(SIGINT, on_stop_signal);
    std::signal(SIGTERM, on_stop_signal);
    auto outcome = batch_run(plan, cfg, *pack, settings, **db, console, g_stop);
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    if (!outcome) {
        throw fatal_error(outcome.err().message);
    }
    if (outcome->end == batch_end::INTERRUPTED) {
        ctx.exit_code = 130;
    } else if (outcome->end == batch_end::FAILED || outcome->export_errors) {
        ctx.exit_code = 1;
    }
}

}  // namespace

void cmd_run_register(CLI::App& app, cli_context& ctx) {
    auto opts = std::make_shared<run_options>();
    auto* cmd = app.add_subcommand(
        "run",
        "Run the benchmarks of config.cfg (the reference's [Benchmarks to run]), or one run given by --model. "
        "`eqbench [flags]` without a command is `eqbench run [flags]`.");
    cmd->add_option("--config", opts->config_path, "The config file (default: ./config.cfg)");
    cmd->add_flag("--dry-run", opts->dry_run, "Print the parsed run plan as JSON and send nothing");
    cmd->add_option("--benchmarks", opts->benchmarks, "eq-bench, creative-writing, judgemark (default eq-bench)")
        ->expected(1, -1);
    cmd->add_option("-l,--language", opts->language, "en, de, ja or jahalf (default en)");
    cmd->add_option("--language-pack", opts->language_pack_file,
                    "A language pack file (JSON, as src/lang/packs/*.json) for a language eqbench does not ship");
    cmd->add_flag("--revise", opts->revise, "Keep the critique and revision instructions (600 tokens); also -revise");
    cmd->add_flag("--v1", opts->v1, "EQ-Bench v1 (60 questions, English); also -v1");
    cmd->add_flag("-w,--overwrite", opts->overwrite, "Start runs again, discarding their stored answers");
    cmd->add_flag("-d,--delete-downloads", opts->delete_downloads,
                  "After each run, delete the model files its server downloaded (never a local path you gave)");
    cmd->add_flag("-f,--fast-download", opts->fast_download, "Let servers download with hf_transfer");
    cmd->add_flag("-v,--verbose", opts->verbose, "Print each failed attempt and each answer that did not parse");
    cmd->add_option("-r,--run-retries", opts->run_retries, "Retries of a failed run (default 5)")
        ->check(CLI::Range(0, 100));
    cmd->add_option("--serve-cmd", opts->serve_cmd,
                    "Start this model server for local runs: a shell command with {model}, {port}, {gpus}");
    cmd->add_option("--gpus", opts->gpus, "GPUs for the started server (CUDA_VISIBLE_DEVICES), e.g. 0,1");
    cmd->add_option("--judge-engine", opts->judge_engine,
                    "Judge API for creative-writing and judgemark: openai, mistralai, anthropic, gemini "
                    "(default: [Creative Writing Benchmark] judge_model_api)");
    cmd->add_option("--judge-model", opts->judge_model, "The judge model (default: judge_model in config.cfg)");
    cmd->add_option("--judge-base-url", opts->judge_base_url,
                    "An OpenAI-compatible judge endpoint (default: judge_model_url in config.cfg)");
    cmd->add_option("--judge-prompt", opts->judge_prompt,
                    "Judge prompt template file (placeholders {writing_prompt} {reference_output} "
                    "{test_model_response} {prefix_text} {criteria})");
    cmd->add_flag("--rejudge", opts->rejudge, "Judge every stored generation again (e.g. with another judge)");
    cmd->add_flag("--no-elo", opts->pairwise.no_elo,
                  "eqbench3, creative-writing-v3: the rubric score only, no pairwise Elo");
    cmd->add_flag("--no-rubric", opts->pairwise.no_rubric, "eqbench3: the pairwise Elo only, no rubric score");
    cmd->add_flag(
        "--ignore-canonical", opts->pairwise.ignore_canonical,
        "eqbench3, creative-writing-v3: rate against the results directory's runs only, not the leaderboard's");
    cmd->add_flag("--redo-rubric,--redo-judging", opts->pairwise.redo_judging,
                  "eqbench3, creative-writing-v3: judge the stored transcripts or pieces again");
    cmd->add_option("--elo-seed", opts->pairwise.elo_seed,
                    "creative-writing-v3: the seed of the matchup sampling (default 42; the reference's is unseeded)");
    cmd->add_option("--model", opts->model, "One run from flags: the model name as the server knows it");
    cmd->add_option("--base-url", opts->base_urls, "Server base URL; repeat to balance over several");
    cmd->add_option("--api-key-env", opts->api_key_env,
                    "Environment variable holding the API key (default by engine: OPENAI_API_KEY, ANTHROPIC_API_KEY, "
                    "GEMINI_API_KEY, MISTRAL_API_KEY)");
    cmd->add_option("--engine", opts->engine,
                    "openai, openai-completions, anthropic, gemini, mistralai, llama.cpp, ooba");
    cmd->add_option("--instruction-template", opts->instruction_template,
                    "Instruction template (llama.cpp: YAML file; ooba: template name)");
    cmd->add_option("--run-id", opts->run_id, "Run id, the first part of the run key (default 1)");
    cmd->add_option("--iterations", opts->iterations, "Iterations (default 1)")->check(CLI::Range(1, 1000));
    cmd->add_option("--parser", opts->parser, "reference (default) or extended")
        ->check(CLI::IsMember({"reference", "extended"}));
    cmd->add_flag("--legacy-scorer", opts->legacy_scorer, "Score d = 5 as the 2024 leaderboard did (d < 5)");
    cmd->add_option("--concurrency", opts->concurrency, "Requests in flight per endpoint (default 8)")
        ->check(CLI::Range(1, 1024));
    cmd->add_option("--results-dir", opts->results_dir, "Where the store and exports go (default: current directory)");
    cmd->add_option("--retries", opts->retries, "Transport retries per request (default 5)")->check(CLI::Range(0, 100));
    cmd->add_option("--timeout", opts->timeout, "Seconds per request (default 120)")->check(CLI::PositiveNumber);
    cmd->add_option("--prices", opts->prices_file,
                    "Price file: {\"model\": {\"input\": USD, \"output\": USD}} per million tokens "
                    "(default: $EQBENCH_PRICES, over the built-in list prices)");
    cmd->add_option("--price-input", opts->price_input, "USD per million input tokens (overrides the table)");
    cmd->add_option("--price-output", opts->price_output, "USD per million output tokens (overrides the table)");
    cmd->callback([opts, &ctx] { run_main(*opts, ctx); });
}

}  // namespace eqb
