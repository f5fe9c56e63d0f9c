// eqbench: benchmarks language models the way the EQ-Bench pipeline does.

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "core/result.hpp"

int main(int argc, char** argv) {
    // A peer closing a connection must surface as a transport error, not kill
    // the process (libcurl is told not to touch signals: CURLOPT_NOSIGNAL).
    std::signal(SIGPIPE, SIG_IGN);
    // The reference's command line works unchanged: its single-dash long flags,
    // and no command at all (`eqbench --benchmarks eq-bench -l jahalf` is `eqbench run ...`).
    std::vector<std::string> args(argv, argv + static_cast<std::ptrdiff_t>(argc));
    for (auto& a : args) {
        if (a == "-v1") {
            a = "--v1";
        } else if (a == "-revise") {
            a = "--revise";
        }
    }
    {
        // Skip the top-level options (and their values); the next word is a
        // command, a top-level --help/--version, or the start of run's flags.
        static const std::set<std::string> valued = {"--data-dir", "--mirror"};
        static const std::set<std::string> commands = {"data",   "score",   "run",  "translate",
                                                       "report", "compare", "runs", "help"};
        std::size_t i = 1;
        while (i < args.size() && (valued.count(args[i]) != 0 || args[i].rfind("--data-dir=", 0) == 0 ||
                                   args[i].rfind("--mirror=", 0) == 0)) {
            i += valued.count(args[i]) != 0 ? 2U : 1U;
        }
        const bool top_level = i < args.size() && (commands.count(args[i]) != 0 || args[i] == "--help" ||
                                                   args[i] == "-h" || args[i] == "--version");
        if (!top_level) {
            args.insert(args.begin() + 1, "run");
        }
    }
    std::vector<char*> new_argv;
    for (auto& a : args) {
        new_argv.push_back(a.data());
    }
    CLI::App app{"eqbench: EQ-Bench, Creative Writing and Judgemark, faithful and fast"};
    app.set_version_flag("--version", "eqbench 0.1.0");
    app.require_subcommand(1);
    app.fallthrough();
    eqb::cli_context ctx;
    app.add_option("--data-dir", ctx.data_dir, "Data directory (default: $EQBENCH_DATA_DIR, else the cache)");
    eqb::cmd_data_register(app, ctx);
    eqb::cmd_score_register(app, ctx);
    eqb::cmd_run_register(app, ctx);
    eqb::cmd_translate_register(app, ctx);
    eqb::cmd_report_register(app, ctx);
    eqb::cmd_runs_register(app, ctx);
    eqb::cmd_compare_register(app, ctx);
    try {
        app.parse(static_cast<int>(new_argv.size()), new_argv.data());
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    } catch (const eqb::fatal_error& e) {
        fmt::print(stderr, "eqbench: error: {}\n", e.message);
        return 2;
    }
    return ctx.exit_code;
}
