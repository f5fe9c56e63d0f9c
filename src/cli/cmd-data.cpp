// eqbench data fetch|verify|path: the datasets in the data directory.

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/console.hpp"
#include "data/commands.hpp"
#include "data/data-dir.hpp"
#include "data/fetch.hpp"

namespace eqb {
namespace {

// The console for the data commands.
data_output console() {
    static console_listener listener;
    return {[](const std::string& text) { listener.line(text); },
            [](const std::string& text) { listener.problem(text); }};
}

}  // namespace

void cmd_data_register(CLI::App& app, cli_context& ctx) {
    auto opts = std::make_shared<data_request>();
    const std::string mirror_help = "Fetch from URL/OWNER/REPO/COMMIT/PATH (default: $EQBENCH_DATA_MIRROR, else " +
                                    std::string(data_default_mirror) + ")";
    // Accepted before the command too (`eqbench --mirror URL data fetch`).
    app.add_option("--mirror", opts->mirror, mirror_help)->group("data fetch");

    auto* data = app.add_subcommand("data", "Datasets in the data directory: fetch, verify, check, path");
    data->require_subcommand(1);
    data->fallthrough();
    data->footer(help_footer({"eqbench data fetch", "eqbench data verify", "eqbench data check my_questions_de.json"}));

    auto* fetch = data->add_subcommand("fetch", "Download the pinned dataset files and check their SHA-256");
    fetch->add_option("names", opts->fetch_names, "Files or name prefixes (e.g. instruction-templates/); default: all");
    fetch->add_option("--mirror", opts->mirror, mirror_help);
    fetch->fallthrough();
    fetch->footer(help_footer({"eqbench data fetch", "eqbench data fetch instruction-templates/",
                               "eqbench data fetch eqbench3-leaderboard creative-writing-v3-leaderboard"}));
    fetch->callback([opts, &ctx] {
        opts->data_dir = ctx.data_dir;
        ctx.exit_code = data_fetch_run(*opts, console());
    });

    auto* verify = data->add_subcommand("verify", "Check the dataset files present against their SHA-256");
    verify->add_option("names", opts->verify_names, "Files or name prefixes; default: all");
    verify->add_flag("--allow-missing", opts->allow_missing, "Missing files are not an error");
    verify->fallthrough();
    verify->footer(
        help_footer({"eqbench data verify", "eqbench --data-dir ~/eqbench-data data verify --allow-missing"}));
    verify->callback([opts, &ctx] {
        opts->data_dir = ctx.data_dir;
        ctx.exit_code = data_verify_run(*opts, console());
    });

    auto* check = data->add_subcommand("check", "Check a question set: structure, emotions, scores, markers, names");
    check->add_option("file", opts->check_file, "The question file (JSON)")->required();
    check->add_option("--language", opts->check_language,
                      "Language pack: en, de, ja, jahalf (default: from the file name)");
    check->add_option("--language-pack", opts->check_pack, "A language pack file");
    check->add_option("--source", opts->check_source,
                      "The English question set to compare reference scores with (default: the data directory's)");
    check->add_flag("--json", opts->check_json, "One finding per line: {\"id\", \"kind\", \"detail\"}");
    check->fallthrough();
    check->footer(help_footer({"eqbench data check q_de.json --language de",
                               "eqbench data check q_xx.json --language-pack xx.json --json | head -5"}));
    check->callback([opts, &ctx] {
        opts->data_dir = ctx.data_dir;
        ctx.exit_code = data_check_run(*opts, console());
    });

    auto* path = data->add_subcommand("path", "Print the data directory");
    path->fallthrough();
    path->footer(help_footer({"eqbench data path", "ls \"$(eqbench data path)\""}));
    path->callback([&ctx] {
        fmt::print("{}\n", data_dir_resolve(ctx.data_dir).path.string());
        ctx.exit_code = 0;
    });
}

}  // namespace eqb
