#pragma once
// Registration of eqbench's subcommands on the CLI11 app (one file per command).

#include <initializer_list>
#include <string>

namespace CLI {
class App;
}

namespace eqb {

// Options shared by every command, filled by CLI11 before a command runs.
struct cli_context {
    std::string data_dir;  // --data-dir; empty: EQBENCH_DATA_DIR, else the cache
    int exit_code = 0;     // set by the command that ran
};

// A --help footer: two or three example command lines, then the options every
// command takes (--data-dir).
std::string help_footer(std::initializer_list<const char*> examples);

// Each adds its subcommand to `app`; `ctx` outlives the parse and the run.
void cmd_data_register(CLI::App& app, cli_context& ctx);
void cmd_score_register(CLI::App& app, cli_context& ctx);
void cmd_run_register(CLI::App& app, cli_context& ctx);
void cmd_translate_register(CLI::App& app, cli_context& ctx);
void cmd_report_register(CLI::App& app, cli_context& ctx);
void cmd_runs_register(CLI::App& app, cli_context& ctx);
void cmd_compare_register(CLI::App& app, cli_context& ctx);

}  // namespace eqb
