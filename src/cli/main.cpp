// eqbench: benchmarks language models the way the EQ-Bench pipelines do.

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include "cli/commands.hpp"
#include "core/result.hpp"
#include "core/text.hpp"

namespace {

const std::vector<std::string> command_names = {"data",   "score",   "run",  "translate",
                                                "report", "compare", "runs", "help"};
// Words people type for a command, and the command they mean.
const std::map<std::string, std::string> command_synonyms = {
    {"list", "runs"}, {"ls", "runs"}, {"show", "report"}, {"fetch", "data fetch"}, {"diff", "compare"}};

// "did you mean" for a mistyped command; "" when nothing is close.
std::string command_hint(const std::string& word) {
    if (const auto found = command_synonyms.find(word); found != command_synonyms.end()) {
        return found->second;
    }
    return eqb::text_closest(word, command_names);
}

// The reference's command line works unchanged: its single-dash long flags,
// and no command at all (`eqbench --benchmarks eq-bench -l jahalf` is `eqbench run ...`).
// Returns "" or the error for a word that is no command.
std::string arguments_normalise(std::vector<std::string>& args) {
    for (auto& a : args) {
        if (a == "-v1") {
            a = "--v1";
        } else if (a == "-revise") {
            a = "--revise";
        }
    }
    // Skip the top-level options (and their values); the next word is a
    // command, a top-level --help/--version, or the start of run's flags.
    static const std::set<std::string> valued = {"--data-dir", "--mirror"};
    std::size_t i = 1;
    while (i < args.size() &&
           (valued.count(args[i]) != 0 || args[i].rfind("--data-dir=", 0) == 0 || args[i].rfind("--mirror=", 0) == 0)) {
        i += valued.count(args[i]) != 0 ? 2U : 1U;
    }
    if (i >= args.size()) {
        args.insert(args.begin() + 1, "run");
        return "";
    }
    const std::string& word = args[i];
    const bool command = std::find(command_names.begin(), command_names.end(), word) != command_names.end();
    if (command || word == "--help" || word == "-h" || word == "--version") {
        return "";
    }
    if (!word.empty() && word[0] != '-') {
        const std::string hint = command_hint(word);
        return "unknown command '" + word + "'" + (hint.empty() ? "" : "; did you mean `eqbench " + hint + "`?") +
               " (`eqbench help` lists the commands)";
    }
    args.insert(args.begin() + static_cast<std::ptrdiff_t>(i), "run");
    return "";
}

// CLI11's "The following arguments were not expected: --modle" with a hint.
std::string unknown_option_message(const CLI::App& app, const std::string& what) {
    std::vector<std::string> known;
    const CLI::App* deepest = &app;
    while (!deepest->get_subcommands().empty()) {
        deepest = deepest->get_subcommands().front();
    }
    for (const CLI::App* a = deepest; a != nullptr; a = a->get_parent()) {
        for (const auto* opt : a->get_options()) {
            for (const auto& name : opt->get_lnames()) {
                known.push_back("--" + name);
            }
        }
    }
    std::string out = "eqbench: error: " + what;
    std::size_t at = 0;
    while ((at = what.find("--", at)) != std::string::npos) {
        const std::size_t end = what.find_first_of(" =", at);
        const std::string word = what.substr(at, end == std::string::npos ? std::string::npos : end - at);
        if (const std::string hint = eqb::text_closest(word, known); !hint.empty() && hint != word) {
            out += "\n  " + word + ": did you mean " + hint + "?";
        }
        at += 2;
    }
    return out + "\n  `eqbench " + (deepest == &app ? std::string() : deepest->get_name() + " ") +
           "--help` lists the options";
}

}  // namespace

int main(int argc, char** argv) {
    // A peer closing a connection must surface as a transport error, not kill
    // the process (libcurl is told not to touch signals: CURLOPT_NOSIGNAL).
    std::signal(SIGPIPE, SIG_IGN);
    std::vector<std::string> args(argv, argv + static_cast<std::ptrdiff_t>(argc));
    if (const std::string problem = arguments_normalise(args); !problem.empty()) {
        fmt::print(stderr, "eqbench: error: {}\n", problem);
        return 2;
    }
    std::vector<char*> new_argv;
    for (auto& a : args) {
        new_argv.push_back(a.data());
    }
    CLI::App app{
        "eqbench: EQ-Bench, Creative Writing and Judgemark (and the 2025 EQ-Bench 3 and Creative Writing v3), "
        "the reference pipelines' numbers, faster",
        "eqbench"};
    app.set_version_flag("--version", "eqbench 0.1.0");
    app.require_subcommand(1);
    app.fallthrough();
    app.footer(
        eqb::help_footer({"eqbench data fetch", "eqbench run --model qwen2.5:7b --base-url http://127.0.0.1:11434/v1",
                          "eqbench report --results-dir . --open"}));
    eqb::cli_context ctx;
    app.add_option("--data-dir", ctx.data_dir, "Data directory (default: $EQBENCH_DATA_DIR, else the cache)");
    eqb::cmd_data_register(app, ctx);
    eqb::cmd_score_register(app, ctx);
    eqb::cmd_run_register(app, ctx);
    eqb::cmd_translate_register(app, ctx);
    eqb::cmd_report_register(app, ctx);
    eqb::cmd_runs_register(app, ctx);
    eqb::cmd_compare_register(app, ctx);
    auto* help = app.add_subcommand("help", "Show the help of eqbench or of one command (`eqbench help run`)");
    std::vector<std::string> help_topic;
    help->add_option("command", help_topic, "A command, e.g. run or data fetch");
    help->callback([&app, &help_topic] {
        const CLI::App* topic = &app;
        for (const auto& word : help_topic) {
            const CLI::App* next = nullptr;
            for (const auto* sub : topic->get_subcommands([](const CLI::App*) { return true; })) {
                next = sub->get_name() == word ? sub : next;
            }
            if (next == nullptr) {
                throw eqb::fatal_error("help: no command '" + word + "'");
            }
            topic = next;
        }
        // The topic's own help (App::help() would show the help command's, the one parsed).
        std::string name;
        for (const CLI::App* a = topic; a != nullptr; a = a->get_parent()) {
            name = a->get_name() + (name.empty() ? "" : " " + name);
        }
        fmt::print("{}", topic->get_formatter()->make_help(topic, name, CLI::AppFormatMode::Normal));
    });
    try {
        app.parse(static_cast<int>(new_argv.size()), new_argv.data());
    } catch (const CLI::ExtrasError& e) {
        fmt::print(stderr, "{}\n", unknown_option_message(app, e.what()));
        return 2;
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    } catch (const eqb::fatal_error& e) {
        fmt::print(stderr, "eqbench: error: {}\n", e.message);
        return 2;
    } catch (const std::system_error& e) {
        // The reader went away (`eqbench ... | head -1`): end as a closed pipe would.
        if (e.code().value() == EPIPE || errno == EPIPE) {
            return 141;
        }
        fmt::print(stderr, "eqbench: error: {}\n", e.what());
        return 1;
    }
    return ctx.exit_code;
}
