// The command line as a user meets it: every --help (golden files in
// tests/golden/help/: a new command is a new file) with its examples and
// --data-dir, `eqbench help`, suggestions for mistyped commands and options,
// and a closed pipe ending quietly.

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/process.hpp"
#include "tests/support/test-support.hpp"

namespace {

namespace fs = std::filesystem;

fs::path golden_dir() {
    return eqb::test::source_dir() / "tests" / "golden" / "help";
}

// "data-fetch.txt" is `eqbench data fetch --help`; "eqbench.txt" is `eqbench --help`.
std::vector<std::string> help_args(const std::string& stem) {
    std::vector<std::string> out;
    if (stem != "eqbench") {
        std::stringstream words(stem);
        std::string word;
        while (std::getline(words, word, '-')) {
            out.push_back(word);
        }
    }
    out.push_back("--help");
    return out;
}

TEST(cli_help, every_help_matches_its_golden_file_and_shows_examples_and_the_data_dir) {
    const auto files = eqb::test::files_in(golden_dir(), ".txt");
    ASSERT_GE(files.size(), 10U);
    const bool update = std::getenv("EQB_UPDATE_GOLDEN") != nullptr;
    eqb::test::temp_dir dir;
    for (const auto& file : files) {
        SCOPED_TRACE(file.filename().string());
        const auto out = eqb::test::eqbench_run(help_args(file.stem().string()), dir.path());
        EXPECT_EQ(out.exit_code, 0) << out.err;
        EXPECT_NE(out.out.find("Examples:\n  eqbench "), std::string::npos) << out.out;
        EXPECT_NE(out.out.find("--data-dir"), std::string::npos) << out.out;
        if (update) {
            std::ofstream(file, std::ios::binary) << out.out;
            continue;
        }
        EXPECT_EQ(out.out, eqb::test::read_file(file)) << "EQB_UPDATE_GOLDEN=1 rewrites the golden files";
    }
}

TEST(cli_help, help_is_a_command_too) {
    eqb::test::temp_dir dir;
    const auto top = eqb::test::eqbench_run({"help"}, dir.path());
    EXPECT_EQ(top.exit_code, 0);
    EXPECT_EQ(top.out, eqb::test::eqbench_run({"--help"}, dir.path()).out);
    const auto run = eqb::test::eqbench_run({"help", "data", "fetch"}, dir.path());
    EXPECT_EQ(run.exit_code, 0);
    EXPECT_EQ(run.out, eqb::test::eqbench_run({"data", "fetch", "--help"}, dir.path()).out);
    const auto none = eqb::test::eqbench_run({"help", "nosuch"}, dir.path());
    EXPECT_NE(none.exit_code, 0);
    EXPECT_NE(none.err.find("no command 'nosuch'"), std::string::npos) << none.err;
}

TEST(cli_help, mistyped_commands_and_options_get_a_suggestion) {
    eqb::test::temp_dir dir;
    const auto list = eqb::test::eqbench_run({"list"}, dir.path());
    EXPECT_EQ(list.exit_code, 2);
    EXPECT_NE(list.err.find("unknown command 'list'; did you mean `eqbench runs`?"), std::string::npos) << list.err;
    const auto scroe = eqb::test::eqbench_run({"scroe", "x.json"}, dir.path());
    EXPECT_NE(scroe.err.find("did you mean `eqbench score`?"), std::string::npos) << scroe.err;
    const auto modle = eqb::test::eqbench_run({"run", "--modle", "x"}, dir.path());
    EXPECT_EQ(modle.exit_code, 2);
    EXPECT_NE(modle.err.find("--modle: did you mean --model?"), std::string::npos) << modle.err;
    // The reference's bare form still reaches run.
    const auto bare = eqb::test::eqbench_run({"--benchmarks", "eq-bench", "--modle", "x"}, dir.path());
    EXPECT_NE(bare.err.find("did you mean --model?"), std::string::npos) << bare.err;
}

TEST(cli_help, a_closed_pipe_ends_quietly) {
    eqb::test::temp_dir dir;
    // The shell's `| head -c 1`: the reader leaves after one byte.
    const std::string cmd = std::string("set -o pipefail; ") + EQB_EXECUTABLE + " --help 2>" +
                            (dir.path() / "err.txt").string() + " | head -c 1 >/dev/null";
    const int status = std::system(("bash -c '" + cmd + "'").c_str());
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    EXPECT_TRUE(code == 0 || code == 141) << code;
    const std::string err = eqb::test::read_file(dir.path() / "err.txt");
    EXPECT_EQ(err.find("terminate called"), std::string::npos) << err;
    EXPECT_EQ(err.find("Broken pipe"), std::string::npos) << err;
}

}  // namespace
