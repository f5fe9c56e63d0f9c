// eqbench run: config.cfg batches (the reference's command line) or one run
// from flags. Flags become a batch_request; src/batch does the rest; this file
// prints.

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>
#include <tuple>

#include "batch/launch.hpp"
#include "bench/registry.hpp"
#include "cli/commands.hpp"
#include "cli/console.hpp"
#include "data/data-dir.hpp"

namespace eqb {
namespace {

cancel_flag g_stop{false};

extern "C" void on_stop_signal(int) {
    g_stop.store(true);
}

void run_main(const batch_request& request, cli_context& ctx) {
    auto plan = batch_plan_load(request, data_dir_resolve(ctx.data_dir).path);
    if (!plan) {
        throw fatal_error(plan.err().message);
    }
    batch_plan_check(*plan, request);
    if (request.dry_run) {
        fmt::print("{}\n", batch_dry_run_json(*plan, request));
        return;
    }
    if (const std::string problems = batch_plan_problems_text(*plan); !problems.empty()) {
        throw fatal_error(problems);
    }
    console_listener console;
    std::signal(SIGINT, on_stop_signal);
    std::signal(SIGTERM, on_stop_signal);
    auto outcome = batch_launch(*plan, request, console, g_stop);
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
    auto opts = std::make_shared<batch_request>();
    auto* cmd = app.add_subcommand(
        "run",
        "Run the benchmarks of config.cfg (the reference's [Benchmarks to run]), or one run given by --model. "
        "`eqbench [flags]` without a command is `eqbench run [flags]`.");
    cmd->footer(help_footer({"eqbench run --model qwen2.5:7b --base-url http://127.0.0.1:11434/v1",
                             "eqbench run --config config.cfg --benchmarks eq-bench creative-writing",
                             "eqbench --benchmarks eq-bench -l de --dry-run"}));
    cmd->add_option("--config", opts->config_path, "The config file (default: ./config.cfg)");
    cmd->add_flag("--dry-run", opts->dry_run, "Print the parsed run plan as JSON and send nothing");
    cmd->add_option("--benchmarks", opts->benchmarks, benchmark_names_text() + " (default eq-bench)")->expected(1, -1);
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
    cmd->add_option("--reasoning-budget", opts->reasoning.budget,
                    "Thinking tokens added to every output limit of the model (implies on)")
        ->check(CLI::Range(0, 10000000));
    cmd->add_option("--judge-reasoning-budget", opts->judge_reasoning.budget,
                    "Thinking tokens added to every output limit of the judge (implies on)")
        ->check(CLI::Range(0, 10000000));
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
    for (const auto& o : batch_choice_options(*opts)) {
        cmd->add_option(o.name, *o.target, o.help)
            ->check(o.choices.empty() ? CLI::Validator() : CLI::IsMember(o.choices));
    }
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
