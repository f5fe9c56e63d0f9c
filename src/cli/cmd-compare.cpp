// eqbench compare A B: is run A really better than run B, or is it noise?

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <memory>

#include "cli/commands.hpp"
#include "data/data-dir.hpp"
#include "report/report-compare.hpp"

namespace eqb {
namespace {

struct compare_options {
    std::string a;
    std::string b;
    std::string results_dir = ".";
    bool json = false;
    int resamples = resampling_default_count;
    std::uint32_t seed = resampling_default_seed;
};

void compare_main(const compare_options& opts, cli_context& ctx) {
    report_sources sources;
    sources.data_dir = data_dir_resolve(ctx.data_dir).path;
    auto a = report_run_resolve(opts.a, opts.results_dir, sources);
    if (!a) {
        fmt::print(stderr, "eqbench: error: A: {}\n", a.err().message);
        ctx.exit_code = 1;
        return;
    }
    auto b = report_run_resolve(opts.b, opts.results_dir, sources);
    if (!b) {
        fmt::print(stderr, "eqbench: error: B: {}\n", b.err().message);
        ctx.exit_code = 1;
        return;
    }
    resampling_options resampling;
    resampling.resamples = opts.resamples;
    resampling.seed = opts.seed;
    auto c = report_compare_runs(a->model, a->index, b->model, b->index, resampling);
    if (!c) {
        fmt::print(stderr, "eqbench: error: {}\n", c.err().message);
        ctx.exit_code = 1;
        return;
    }
    fmt::print("{}", opts.json ? report_compare_json(*c) + "\n" : report_compare_text(*c, resampling.confidence));
    std::fflush(stdout);
}

}  // namespace

void cmd_compare_register(CLI::App& app, cli_context& ctx) {
    auto opts = std::make_shared<compare_options>();
    auto* cmd = app.add_subcommand("compare", "Compare two runs item by item: mean difference, 95% interval, p-value");
    cmd->footer(
        "A and B are run keys, unique prefixes of keys, or results directories holding one run.\n"
        "Examples:\n"
        "  eqbench compare 1--v2--en--model-a 1--v2--en--model-b --results-dir results\n"
        "  eqbench compare results-a results-b --json\n"
        "--data-dir DIR: where the Judgemark reference table is (for Judgemark runs).");
    cmd->add_option("A", opts->a, "The first run")->required();
    cmd->add_option("B", opts->b, "The second run")->required();
    cmd->add_option("--results-dir", opts->results_dir, "Where run keys are looked up (default: current directory)");
    cmd->add_flag("--json", opts->json, "One JSON object");
    cmd->add_option("--resamples", opts->resamples, "Bootstrap resamples and random sign flips (default 10000)")
        ->check(CLI::Range(1, 1000000));
    cmd->add_option("--seed", opts->seed, "Seed of the resampling (default 2024)");
    cmd->callback([opts, &ctx] { compare_main(*opts, ctx); });
}

}  // namespace eqb
