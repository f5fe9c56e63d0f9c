// eqbench: benchmarks language models the way the EQ-Bench pipeline does.

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>

#include "cli/commands.hpp"
#include "core/result.hpp"

int main(int argc, char** argv) {
    // A peer closing a connection must surface as a transport error, not kill
    // the process (libcurl is told not to touch signals: CURLOPT_NOSIGNAL).
    std::signal(SIGPIPE, SIG_IGN);
    CLI::App app{"eqbench: EQ-Bench, Creative Writing and Judgemark, faithful and fast"};
    app.set_version_flag("--version", "eqbench 0.1.0");
    app.require_subcommand(1);
    app.fallthrough();
    eqb::cli_context ctx;
    app.add_option("--data-dir", ctx.data_dir, "Data directory (default: $EQBENCH_DATA_DIR, else the cache)");
    eqb::cmd_data_register(app, ctx);
    eqb::cmd_score_register(app, ctx);
    eqb::cmd_run_register(app, ctx);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    } catch (const eqb::fatal_error& e) {
        fmt::print(stderr, "eqbench: error: {}\n", e.message);
        return 2;
    }
    return ctx.exit_code;
}
