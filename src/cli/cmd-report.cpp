// eqbench report: the self-contained HTML report of a results directory, or
// its data as one JSON document and a per-item JSONL export.

#include <fmt/core.h>
#include <spawn.h>
#include <sys/wait.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "cli/commands.hpp"
#include "data/data-dir.hpp"
#include "report/files.hpp"
#include "report/report-document.hpp"
#include "report/report-html.hpp"
#include "report/report-model.hpp"

extern char** environ;

namespace eqb {
namespace {

struct report_options {
    std::string results_dir = ".";
    std::string out;
    bool open = false;
    bool json = false;
};

// Starts the desktop's opener on `file` without waiting; false when there is none.
bool open_in_browser(const std::filesystem::path& file) {
#ifdef __APPLE__
    const char* opener = "open";
#else
    const char* opener = "xdg-open";
#endif
    const std::string target = file.string();
    char* argv[] = {const_cast<char*>(opener), const_cast<char*>(target.c_str()), nullptr};
    pid_t pid = 0;
    return posix_spawnp(&pid, opener, nullptr, nullptr, argv, environ) == 0;
}

void report_main(const report_options& opts, cli_context& ctx) {
    const std::filesystem::path dir(opts.results_dir);
    auto store = report_store_load(dir);
    if (!store) {
        fmt::print(stderr, "eqbench: error: {}\n", store.err().message);
        ctx.exit_code = 1;
        return;
    }
    report_sources sources;
    sources.data_dir = data_dir_resolve(ctx.data_dir).path;
    report_model model = report_model_build(std::move(*store), sources);
    report_document_options doc;
    doc.generator = "eqbench " EQB_VERSION;
    doc.generated_at = report_now_iso();
    doc.secrets = report_secrets_from_environment();
    const std::string document = report_document_json(model, doc, opts.json ? 1 : -1);
    const std::filesystem::path out = !opts.out.empty()
                                          ? std::filesystem::path(opts.out)
                                          : dir / (opts.json ? "eqbench-report.json" : "eqbench-report.html");
    if (auto written = file_write_atomic(out, opts.json ? document + "\n" : report_html(document)); !written) {
        fmt::print(stderr, "eqbench: error: {}\n", written.err().message);
        ctx.exit_code = 1;
        return;
    }
    fmt::print("Report: {} ({} runs)\n", out.string(), model.runs.size());
    if (opts.json) {
        const auto samples = dir / "samples.jsonl";
        if (auto written = file_write_atomic(samples, report_samples_jsonl(model, doc.secrets)); !written) {
            fmt::print(stderr, "eqbench: error: {}\n", written.err().message);
            ctx.exit_code = 1;
            return;
        }
        fmt::print("Samples: {}\n", samples.string());
    }
    if (opts.open && !opts.json && !open_in_browser(out)) {
        fmt::print("No browser opener found; open {} in a browser\n", out.string());
    }
}

}  // namespace

void cmd_report_register(CLI::App& app, cli_context& ctx) {
    auto opts = std::make_shared<report_options>();
    auto* cmd = app.add_subcommand("report", "Write the HTML report of every run in a results directory");
    cmd->footer(
        "Examples:\n"
        "  eqbench report --results-dir results --open\n"
        "  eqbench report --results-dir results --json   # eqbench-report.json and samples.jsonl\n"
        "  eqbench report --out /tmp/report.html --data-dir ~/eqbench-data\n"
        "--data-dir DIR: the question files (reference ratings) and the Judgemark reference table.");
    cmd->add_option("--results-dir", opts->results_dir,
                    "Results directory holding eqbench.db (default: current directory)");
    cmd->add_option("--out", opts->out, "Output file (default: DIR/eqbench-report.html, or .json with --json)");
    cmd->add_flag("--open", opts->open, "Open the report in the default browser");
    cmd->add_flag("--json", opts->json,
                  "Write the report's data as one JSON document (schema 1) and DIR/samples.jsonl (one line per item)");
    cmd->callback([opts, &ctx] { report_main(*opts, ctx); });
}

}  // namespace eqb
