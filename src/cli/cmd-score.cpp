// eqbench score FILE...: re-scores recorded EQ-Bench runs offline.

#include <fmt/core.h>
#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <memory>

#include "bench/eq-bench/rescore.hpp"
#include "cli/commands.hpp"
#include "core/python-float.hpp"
#include "data/data-dir.hpp"

namespace eqb {
namespace {

struct score_options {
    std::vector<std::string> files;
    std::string parser = "reference";
    bool legacy_scorer = false;
    bool json = false;
};

// Prints one scored run (a line of JSON, or the console block).
void score_print(const std::string& file, const recorded_run& run, const recorded_score& scored,
                 const recorded_scorer& scorer, v2_scorer kind, bool json) {
    const rescored_run& shown = scored.shown();
    if (json) {
        nlohmann::ordered_json line;
        line["file"] = file;
        line["run"] = run.key;
        line["score"] = shown.run.score;
        line["parseable"] = shown.run.parseable;
        line["scorer"] = std::string(v2_scorer_name(kind));
        line["parser"] = std::string(parser_kind_name(scorer.kind()));
        line["version"] = run.version == eq_bench_version::V1 ? "v1" : "v2";
        line["language"] = run.language;
        line["revise"] = run.revise;
        line["iterations"] = run.n_iterations;
        line["questions"] = scored.questions;
        line["failed"] = shown.run.failed;
        if (shown.run.failed) {
            line["error"] = shown.run.error;
        }
        if (scored.extended) {
            line["reference_score"] = scored.reference.run.score;
            line["reference_parseable"] = scored.reference.run.parseable;
            line["extra_answers_read"] = scored.extra_answers;
        }
        if (!shown.unknown_questions.empty()) {
            line["unknown_questions"] = shown.unknown_questions;
        }
        fmt::print("{}\n", line.dump());
        return;
    }
    fmt::print("{}: {}\n", file, run.key);
    fmt::print("  Score ({}): {}\n", scored.label, python_float_repr(scored.reference.run.score));
    fmt::print("  Parseable: {}\n", python_float_repr(scored.reference.run.parseable));
    fmt::print("  Scorer: {}, parser: reference, revise: {}, iterations: {}\n", v2_scorer_name(kind),
               run.revise ? "on" : "off", run.n_iterations);
    if (scored.reference.run.failed) {
        fmt::print("  FAILED: {}\n", scored.reference.run.error);
    }
    if (scored.extended) {
        const int extra = scored.extra_answers;
        fmt::print("  Extended parser: {} more answer{} read; score {}, parseable {}\n", extra, extra == 1 ? "" : "s",
                   python_float_repr(scored.extended->run.score), python_float_repr(scored.extended->run.parseable));
    }
    if (!shown.unknown_questions.empty()) {
        fmt::print("  Warning: {} answers name questions absent from the question set\n",
                   shown.unknown_questions.size());
    }
}

void score_main(const score_options& opts, cli_context& ctx) {
    const auto kind = parser_kind_from_string(opts.parser);
    recorded_scorer scoring(data_dir_resolve(ctx.data_dir).path, kind.value_or(parser_kind::REFERENCE));
    const v2_scorer scorer = opts.legacy_scorer ? v2_scorer::LEGACY : v2_scorer::V2_4;
    int failures = 0;
    for (const auto& file : opts.files) {
        std::vector<std::string> skipped;
        auto runs = recorded_runs_load(file, &skipped);
        if (!skipped.empty()) {
            std::fflush(stdout);
            fmt::print(stderr, "{}: skipped {} run{} of other benchmarks ({})\n", file, skipped.size(),
                       skipped.size() == 1 ? "" : "s", fmt::join(skipped, ", "));
        }
        if (!runs) {
            fmt::print(stderr, "eqbench: error: {}\n", runs.err().message);
            ++failures;
            continue;
        }
        for (const auto& run : *runs) {
            auto scored = scoring.score(run, scorer);
            if (!scored) {
                fmt::print(stderr, "eqbench: error: {}: run \"{}\": {}\n", file, run.key, scored.err().message);
                ++failures;
                continue;
            }
            score_print(file, run, *scored, scoring, scorer, opts.json);
        }
    }
    std::fflush(stdout);
    ctx.exit_code = failures > 0 ? 1 : 0;
}

}  // namespace

void cmd_score_register(CLI::App& app, cli_context& ctx) {
    auto opts = std::make_shared<score_options>();
    auto* cmd = app.add_subcommand("score", "Re-score recorded EQ-Bench runs (raw_results.json or conformance files)");
    cmd->footer(help_footer({"eqbench score results/raw_results.json",
                             "eqbench score --legacy-scorer --json ../shared/conformance/eq-bench/*.json"}));
    cmd->add_option("files", opts->files, "Recorded run files")->required();
    cmd->add_option("--parser", opts->parser, "Answer parser: reference (default) or extended")
        ->check(CLI::IsMember({"reference", "extended"}));
    cmd->add_flag("--legacy-scorer", opts->legacy_scorer,
                  "Score d = 5 as 5.0 (d < 5), as the 2024 leaderboard did; default is pipeline v2.4 (d <= 5)");
    cmd->add_flag("--json", opts->json, "One JSON object per line per run");
    cmd->callback([opts, &ctx] { score_main(*opts, ctx); });
}

}  // namespace eqb
