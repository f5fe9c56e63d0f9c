// eqbench run: one EQ-Bench run against model servers, resumable.

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdlib>
#include <ctime>
#include <thread>

#include "bench/eq-bench/runner.hpp"
#include "cli/commands.hpp"
#include "core/python-float.hpp"
#include "data/data-dir.hpp"
#include "data/questions.hpp"
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
    std::string model;
    std::vector<std::string> base_urls;
    std::string api_key_env;
    std::string engine = "openai";
    std::string instruction_template;
    std::string run_id = "1";
    int iterations = 1;
    std::string language = "en";
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

// The run's prices: --price-input/--price-output, else the price file
// (--prices or $EQBENCH_PRICES) or the built-in table; unknown models cost 0.
model_price run_price(const run_options& opts) {
    std::string file = opts.prices_file;
    if (file.empty()) {
        if (const char* env = std::getenv("EQBENCH_PRICES"); env != nullptr) {
            file = env;
        }
    }
    price_table table = price_table_builtin();
    if (!file.empty()) {
        auto loaded = price_table_load(file);
        if (!loaded) {
            throw fatal_error(loaded.err().message);
        }
        table = std::move(*loaded);
    }
    model_price price = price_table_find(table, opts.model).value_or(model_price{});
    if (opts.price_input >= 0.0) {
        price.input_per_million = opts.price_input;
    }
    if (opts.price_output >= 0.0) {
        price.output_per_million = opts.price_output;
    }
    return price;
}

std::string default_key_env(const std::string& engine) {
    if (engine == "anthropic") {
        return "ANTHROPIC_API_KEY";
    }
    if (engine == "gemini") {
        return "GEMINI_API_KEY";
    }
    if (engine == "mistralai") {
        return "MISTRAL_API_KEY";
    }
    return "OPENAI_API_KEY";
}

std::string date_now() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
}

void run_main(const run_options& opts, cli_context& ctx) {
    const auto started = std::chrono::steady_clock::now();
    const auto engine = engine_kind_from_string(opts.engine);
    if (!engine) {
        throw fatal_error("--engine " + opts.engine +
                          ": expected openai, openai-completions, anthropic, gemini, mistralai, llama.cpp or ooba");
    }
    const auto data_dir = data_dir_resolve(ctx.data_dir).path;
    auto pack = language_pack_builtin(opts.language);
    if (!pack) {
        throw fatal_error(pack.err().message);
    }
    if (opts.v1 && opts.language != "en") {
        throw fatal_error("--v1: EQ-Bench v1 exists only in English (--language en)");
    }
    const std::string questions_file = opts.v1 ? "eq_bench_v1_questions_60.json" : pack->question_file;
    auto questions = questions_load(data_dir / questions_file);
    if (!questions) {
        throw fatal_error(questions.err().message + " (data directory: " + data_dir.string() +
                          "; `eqbench data fetch` downloads the question files)");
    }

    std::string key_env = opts.api_key_env.empty() ? default_key_env(opts.engine) : opts.api_key_env;
    const char* key_value = std::getenv(key_env.c_str());
    const std::string api_key = key_value != nullptr ? key_value : "";
    if (!opts.api_key_env.empty() && api_key.empty()) {
        throw fatal_error("--api-key-env " + opts.api_key_env + ": the variable is not set or empty");
    }

    std::vector<std::unique_ptr<chat_client>> clients;
    std::vector<std::string> urls = opts.base_urls;
    if (urls.empty()) {
        urls.push_back(endpoint_default_base_url(*engine, opts.engine));
    }
    for (const auto& url : urls) {
        endpoint_config cfg;
        cfg.engine = *engine;
        cfg.base_url = url;
        cfg.api_key = api_key;
        cfg.model = opts.model;
        cfg.instruction_template_path = opts.instruction_template;
        cfg.timeout_s = opts.timeout;
        auto client = chat_client_create(cfg);
        if (!client) {
            throw fatal_error(client.err().message);
        }
        clients.push_back(std::move(*client));
    }
    endpoint_pool pool(std::move(clients), opts.concurrency);

    eq_bench_run_settings settings;
    settings.run_id = opts.run_id;
    settings.model = opts.model;
    settings.engine_name = opts.engine;
    settings.instruction_template = opts.instruction_template;
    settings.local_engine = *engine == engine_kind::LLAMA_CPP || *engine == engine_kind::OOBA;
    settings.iterations = opts.iterations;
    settings.revise = opts.revise;
    settings.v1 = opts.v1;
    settings.parser = parser_kind_from_string(opts.parser).value_or(parser_kind::REFERENCE);
    settings.scorer = opts.legacy_scorer ? v2_scorer::LEGACY : v2_scorer::V2_4;
    settings.retries.max_attempts = opts.retries + 1;
    settings.overwrite = opts.overwrite;
    settings.verbose = opts.verbose;
    settings.results_dir = opts.results_dir;
    settings.endpoints = urls;
    const model_price price = run_price(opts);
    settings.price_input_per_million = price.input_per_million;
    settings.price_output_per_million = price.output_per_million;

    auto db = store::open(settings.results_dir);
    if (!db) {
        throw fatal_error(db.err().message);
    }

    fmt::print("--------------\nRunning eq-bench benchmark 1 of 1\n\n{}\n{}\n--------------\n", opts.run_id,
               opts.model);
    fmt::print("Iterations: {}, questions: {}, endpoints: {}, concurrency: {} per endpoint\n", opts.iterations,
               questions->questions.size(), urls.size(), opts.concurrency);
    std::fflush(stdout);

    std::signal(SIGINT, on_stop_signal);
    std::signal(SIGTERM, on_stop_signal);
    run_progress progress;
    result<eq_bench_run_outcome> outcome = error{""};
    std::atomic<bool> finished{false};
    std::thread runner([&] {
        outcome = eq_bench_run(settings, *questions, *pack, pool, **db, progress, g_stop);
        finished = true;
    });
    progress_printer printer(stdout);
    const auto snapshot = [&] {
        progress_snapshot s;
        s.label = "eq-bench";
        s.total = progress.total.load();
        s.done = progress.done.load();
        s.already_done = progress.already_done.load();
        s.transport_retries = progress.transport_retries.load();
        s.parse_failures = progress.parse_failures.load();
        s.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        return s;
    };
    while (!finished.load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        if (progress.total.load() > 0) {
            printer.update(snapshot());
        }
    }
    runner.join();
    printer.finish(snapshot());
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    if (!outcome) {
        throw fatal_error(outcome.err().message);
    }
    const auto& out = *outcome;
    if (out.prompts_sent_whole > 0) {
        fmt::print("Note: {} prompts were sent whole (their revision markers were not found)\n",
                   out.prompts_sent_whole);
    }
    if (out.interrupted) {
        fmt::print(stderr,
                   "Interrupted: {}. Everything answered so far is stored in {}/eqbench.db; run the same command "
                   "again to resume.\n",
                   out.error, opts.results_dir);
        ctx.exit_code = 130;
        return;
    }
    if (auto exported = eq_bench_export(settings, *questions, out); !exported) {
        fmt::print(stderr, "eqbench: error: {}\n", exported.err().message);
        ctx.exit_code = 1;
    }
    const double minutes = out.seconds / 60.0;
    const std::string version = opts.v1 ? "v1" : "v2";
    const std::string label = opts.language == "en" ? version : version + "_" + opts.language;
    fmt::print("----eq-bench Benchmark Complete----\n{}\nTime taken: {:.1f} mins\nPrompt Format: {}\nModel: {}\n",
               date_now(), minutes, opts.instruction_template, opts.model);
    if (out.failed) {
        fmt::print("Benchmark Failed: {}\n", out.error);
    }
    fmt::print("{}\nScore ({}): {}\nParseable: {}\n", version, label, python_float_repr(out.scores.run.score),
               python_float_repr(out.scores.run.parseable));
    fmt::print("Requests sent: {}, tokens: {} in / {} out, cost: ${:.4f}\n", out.usage.requests, out.usage.input_tokens,
               out.usage.output_tokens, out.cost);
    const double total_minutes =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() / 60.0;
    fmt::print("Batch completed\nTime taken: {:.1f} mins\n", total_minutes);
    std::fflush(stdout);
    if (out.failed) {
        ctx.exit_code = 1;
    }
}

}  // namespace

void cmd_run_register(CLI::App& app, cli_context& ctx) {
    auto opts = std::make_shared<run_options>();
    auto* cmd = app.add_subcommand("run", "Run EQ-Bench against a model server (resumable)");
    cmd->add_option("--model", opts->model, "Model name as the server knows it")->required();
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
    cmd->add_option("--language", opts->language, "en, de, ja or jahalf");
    cmd->add_flag("--revise", opts->revise, "Keep the critique and revision instructions (600 tokens)");
    cmd->add_flag("--v1", opts->v1, "EQ-Bench v1 (60 questions, English)");
    cmd->add_option("--parser", opts->parser, "reference (default) or extended")
        ->check(CLI::IsMember({"reference", "extended"}));
    cmd->add_flag("--legacy-scorer", opts->legacy_scorer, "Score d = 5 as the 2024 leaderboard did (d < 5)");
    cmd->add_option("--concurrency", opts->concurrency, "Requests in flight per endpoint (default 8)")
        ->check(CLI::Range(1, 1024));
    cmd->add_option("--results-dir", opts->results_dir, "Where the store and exports go (default: current directory)");
    cmd->add_flag("--overwrite", opts->overwrite, "Start the run again, discarding its stored answers");
    cmd->add_option("--retries", opts->retries, "Transport retries per request (default 5)")->check(CLI::Range(0, 100));
    cmd->add_option("--timeout", opts->timeout, "Seconds per request (default 120)")->check(CLI::PositiveNumber);
    cmd->add_flag("--verbose", opts->verbose, "Print each failed attempt and each answer that did not parse");
    cmd->add_option("--prices", opts->prices_file,
                    "Price file: {\"model\": {\"input\": USD, \"output\": USD}} per million tokens "
                    "(default: $EQBENCH_PRICES, over the built-in list prices)");
    cmd->add_option("--price-input", opts->price_input, "USD per million input tokens (overrides the table)");
    cmd->add_option("--price-output", opts->price_output, "USD per million output tokens (overrides the table)");
    cmd->callback([opts, &ctx] { run_main(*opts, ctx); });
}

}  // namespace eqb
