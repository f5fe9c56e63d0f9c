// eqbench translate: a question set into another language, concurrently,
// validated item by item, resumable.

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <chrono>
#include <csignal>
#include <cstdlib>

#include "bench/translate/translate.hpp"
#include "cli/commands.hpp"
#include "client/chat-client.hpp"
#include "core/secret.hpp"
#include "lang/language-pack.hpp"
#include "report/progress.hpp"
#include "run/engine.hpp"

namespace eqb {
namespace {

cancel_flag g_translate_stop{false};

extern "C" void on_translate_stop(int) {
    g_translate_stop.store(true);
}

struct translate_options {
    std::string source;
    std::string to;
    std::string mode = "full";
    std::string engine = "openai";
    std::string model;
    std::vector<std::string> base_urls;
    std::string api_key_env;
    std::string out;
    std::string language_pack;
    std::string results_dir = ".";
    int concurrency = 8;
    int tries = 3;
    int retries = 5;
    double timeout = 300.0;
    bool overwrite = false;
    bool verbose = false;
    bool translate_criteria = false;
};

// The pack answers are checked with: --language-pack, else (half) the source's
// pack, else the target's built-in pack; nullopt when there is none.
std::optional<language_pack> check_pack_for(const translate_options& opts) {
    if (!opts.language_pack.empty()) {
        auto pack = language_pack_load_file(opts.language_pack);
        if (!pack) {
            throw fatal_error(pack.err().message);
        }
        return *pack;
    }
    if (opts.mode == "half") {
        const std::string stem = std::filesystem::path(opts.source).stem().string();
        for (const char* code : {"de", "ja"}) {
            const std::string suffix = std::string("_") + code;
            if (stem.size() > suffix.size() && stem.compare(stem.size() - suffix.size(), suffix.size(), suffix) == 0) {
                return *language_pack_builtin(code);
            }
        }
        return *language_pack_builtin("en");
    }
    if (auto pack = language_pack_builtin(opts.to)) {
        return *pack;
    }
    return std::nullopt;
}

void translate_main(const translate_options& opts, cli_context& ctx) {
    const auto engine = engine_kind_from_string(opts.engine);
    if (!engine) {
        throw fatal_error("--engine " + opts.engine +
                          ": expected openai, anthropic, gemini, mistralai, llama.cpp or ooba");
    }
    const auto pack = check_pack_for(opts);
    translate_settings settings;
    settings.source = opts.source;
    settings.out = opts.out;
    settings.to = opts.to;
    settings.half = opts.mode == "half";
    settings.model = opts.model;
    settings.tries = opts.tries;
    settings.check_markers = pack.has_value();
    settings.translate_criteria = opts.translate_criteria;
    language_pack empty_pack;
    empty_pack.code = opts.to;
    auto bench = translate_create(settings, pack ? *pack : empty_pack);
    if (!bench) {
        throw fatal_error(bench.err().message);
    }

    const std::string key_env = !opts.api_key_env.empty() ? opts.api_key_env : engine_api_key_env(opts.engine);
    const char* key = std::getenv(key_env.c_str());
    std::vector<std::unique_ptr<chat_client>> clients;
    std::vector<std::string> urls = opts.base_urls;
    if (urls.empty()) {
        urls.push_back(endpoint_default_base_url(*engine));
    }
    for (const auto& url : urls) {
        endpoint_config cfg;
        cfg.engine = *engine;
        cfg.base_url = url;
        cfg.api_key = key != nullptr ? key : "";
        cfg.model = opts.model;
        cfg.timeout_s = opts.timeout;
        auto client = chat_client_create(cfg);
        if (!client) {
            throw fatal_error(client.err().message);
        }
        clients.push_back(std::move(*client));
    }
    if (const std::string note = secret_short_key_note(key != nullptr ? key : "", key_env); !note.empty()) {
        fmt::print(stderr, "eqbench: {}\n", note);
    }
    endpoint_pool pool(std::move(clients), opts.concurrency);
    auto db = store::open(opts.results_dir);
    if (!db) {
        throw fatal_error(db.err().message);
    }
    std::signal(SIGINT, on_translate_stop);
    std::signal(SIGTERM, on_translate_stop);
    run_counters counters;
    progress_printer printer(stdout);
    const auto started = std::chrono::steady_clock::now();
    const auto snapshot = [&] {
        progress_snapshot s;
        s.label = "translate";
        s.total = counters.total.load();
        s.done = counters.done.load();
        s.already_done = counters.already_done.load();
        s.parse_failures = counters.answer_retries.load();
        s.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        return s;
    };
    engine_settings es;
    es.overwrite = opts.overwrite;
    es.retries.max_attempts = opts.retries + 1;
    if (opts.verbose) {
        es.verbose = [](const std::string& line) { fmt::print(stderr, "{}\n", line); };
    }
    es.tick = [&] { printer.update(snapshot()); };
    auto outcome = engine_run(**bench, {&pool, nullptr}, **db, es, counters, g_translate_stop);
    printer.finish(snapshot());
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    if (!outcome) {
        throw fatal_error(outcome.err().message);
    }
    if (auto written = engine_write_exports(**bench, **db, outcome->summary); !written) {
        throw fatal_error(written.err().message);
    }
    const auto& out = (*bench)->outcome();
    fmt::print("translate: {} of {} questions accepted ({} from the store), {} failed; written to {}\n", out.accepted,
               out.total, out.reused, out.failures.size(), opts.out);
    for (const auto& [id, why] : out.failures) {
        fmt::print("  question {}: {}\n", id, why);
    }
    if (!pack) {
        fmt::print(
            "Note: no language pack for '{}': the markers and the name line were not checked "
            "(--language-pack FILE checks them)\n",
            opts.to);
    }
    if (out.interrupted) {
        fmt::print(stderr,
                   "Interrupted. Every accepted item is stored in {}/eqbench.db; run the same command again "
                   "to resume.\n",
                   opts.results_dir);
        ctx.exit_code = 130;
        return;
    }
    ctx.exit_code = out.failures.empty() ? 0 : 1;
}

}  // namespace

void cmd_translate_register(CLI::App& app, cli_context& ctx) {
    auto opts = std::make_shared<translate_options>();
    auto* cmd = app.add_subcommand(
        "translate",
        "Translate a question set or a Creative Writing prompt file with any engine (validated, resumable)");
    cmd->add_option("--source", opts->source, "The question set to translate (JSON)")->required();
    cmd->add_option("--to", opts->to, "The target language, as the model should read it (e.g. Japanese, ja)")
        ->required();
    cmd->add_option("--mode", opts->mode, "full (everything) or half (dialogue and the name only)")
        ->check(CLI::IsMember({"full", "half"}));
    cmd->add_option("--engine", opts->engine, "openai, anthropic, gemini, mistralai, llama.cpp, ooba");
    cmd->add_option("--model", opts->model, "The translating model")->required();
    cmd->add_option("--base-url", opts->base_urls, "Server base URL; repeat to balance over several");
    cmd->add_option("--api-key-env", opts->api_key_env, "Environment variable holding the API key");
    cmd->add_option("--out", opts->out, "The translated set (JSON)")->required();
    cmd->add_option("--language-pack", opts->language_pack, "Check answers with this pack (markers, name line)");
    cmd->add_option("--results-dir", opts->results_dir, "Where the store goes (default: current directory)");
    cmd->add_option("--concurrency", opts->concurrency, "Requests in flight per endpoint (default 8)")
        ->check(CLI::Range(1, 1024));
    cmd->add_option("--tries", opts->tries, "Answers per item before it is reported (default 3)")
        ->check(CLI::Range(1, 20));
    cmd->add_option("--retries", opts->retries, "Transport retries per request (default 5)")->check(CLI::Range(0, 100));
    cmd->add_option("--timeout", opts->timeout, "Seconds per request (default 300)")->check(CLI::PositiveNumber);
    cmd->add_flag("--overwrite", opts->overwrite, "Ask every item again");
    cmd->add_flag("--translate-criteria", opts->translate_criteria,
                  "Creative Writing prompt files: translate the judging criteria too (default: kept in English)");
    cmd->add_flag("--verbose", opts->verbose, "Print every rejected answer and why");
    cmd->callback([opts, &ctx] { translate_main(*opts, ctx); });
}

}  // namespace eqb
