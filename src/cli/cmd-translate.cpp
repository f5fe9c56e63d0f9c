// eqbench translate: a question set into another language, concurrently,
// validated item by item, resumable.

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <csignal>

#include "batch/translate.hpp"
#include "cli/commands.hpp"
#include "cli/console.hpp"

namespace eqb {
namespace {

cancel_flag g_translate_stop{false};

extern "C" void on_translate_stop(int) {
    g_translate_stop.store(true);
}

void translate_main(const translate_request& opts, cli_context& ctx) {
    console_listener console;
    std::signal(SIGINT, on_translate_stop);
    std::signal(SIGTERM, on_translate_stop);
    auto result = batch_translate(opts, console, g_translate_stop);
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    if (!result) {
        throw fatal_error(result.err().message);
    }
    const auto& out = result->outcome;
    const char* items = out.writing ? "prompts" : "questions";
    const char* item = out.writing ? "prompt" : "question";
    fmt::print(
        "translate: {} of {} {} accepted ({} from the store), {} failed, {} answers rejected and asked again; {}\n",
        out.accepted, out.total, items, out.reused, out.failures.size(), result->rejections,
        out.written ? "written to " + opts.out : "nothing accepted: " + opts.out + " left as it was");
    for (const auto& [id, why] : out.failures) {
        fmt::print("  {} {}: {}\n", item, id, why);
    }
    if (!result->pack_known) {
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
    auto opts = std::make_shared<translate_request>();
    auto* cmd = app.add_subcommand(
        "translate",
        "Translate a question set or a Creative Writing prompt file with any engine (validated, resumable)");
    cmd->footer(help_footer(
        {"eqbench translate --source eq_bench_v2_questions_171.json --to German --model gpt-4o --out q_de.json",
         "eqbench translate --source creative_writing_prompts_v2.2.json --to Japanese --model gpt-4o "
         "--out cw_ja.json"}));
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
