// eqbench runs: the runs of a results directory, one line each (the report's leaderboard rows).

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <memory>

#include "cli/commands.hpp"
#include "data/data-dir.hpp"
#include "report/report-document.hpp"
#include "report/report-model.hpp"

namespace eqb {
namespace {

struct runs_options {
    std::string results_dir = ".";
    bool json = false;
};

void runs_main(const runs_options& opts, cli_context& ctx) {
    auto store = report_store_load(opts.results_dir);
    if (!store) {
        fmt::print(stderr, "eqbench: error: {}\n", store.err().message);
        ctx.exit_code = 1;
        return;
    }
    report_sources sources;
    sources.data_dir = data_dir_resolve(ctx.data_dir).path;
    const report_model model = report_model_build(std::move(*store), sources);
    const std::string text = report_redact(opts.json ? report_runs_jsonl(model) : report_runs_text(model),
                                           report_secrets_from_environment());
    fmt::print("{}", text);
    std::fflush(stdout);
}

}  // namespace

void cmd_runs_register(CLI::App& app, cli_context& ctx) {
    auto opts = std::make_shared<runs_options>();
    auto* cmd =
        app.add_subcommand("runs", "List the runs of a results directory: date, benchmark, model, score, status");
    cmd->footer(
        "Examples:\n"
        "  eqbench runs --results-dir results\n"
        "  eqbench runs --json | head -1\n"
        "--data-dir DIR: where the Judgemark reference table is (for Judgemark scores).");
    cmd->add_option("--results-dir", opts->results_dir,
                    "Results directory holding eqbench.db (default: current directory)");
    cmd->add_flag("--json", opts->json, "One JSON object per line per run (the report's leaderboard row)");
    cmd->callback([opts, &ctx] { runs_main(*opts, ctx); });
}

}  // namespace eqb
