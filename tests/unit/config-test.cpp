// config.cfg reading beyond the golden files: configparser's INI semantics,
// the run-line splitter's corner cases, and the reference's filter syntax.

#include <gtest/gtest.h>

#include <sstream>

#include "bench/registry.hpp"
#include "config/config.hpp"
#include "config/ini.hpp"
#include "config/plan.hpp"
#include "core/text.hpp"
#include "tests/support/test-support.hpp"

namespace {

TEST(config_ini, reads_like_configparser) {
    std::vector<eqb::ini_problem> problems;
    const auto doc = eqb::ini_parse(
        "# comment\r\n[Section One]\r\nCamelKey = Value With Spaces  \r\ncolon: v2\r\nbare\r\n; other comment\r\n"
        "multi = first\r\n  second\r\n\r\n  third\r\nafter=x\r\n[DEFAULT]\r\nfallback = yes\r\n",
        {}, problems);
    EXPECT_TRUE(problems.empty());
    const auto* key = doc.find("Section One", "CamelKey");
    ASSERT_NE(key, nullptr);
    EXPECT_EQ(*key->value, "Value With Spaces");
    EXPECT_EQ(key->line, 3);
    EXPECT_EQ(doc.find("Section One", "camelkey"), nullptr);  // keys keep their case
    EXPECT_EQ(*doc.find("Section One", "colon")->value, "v2");
    EXPECT_FALSE(doc.find("Section One", "bare")->value.has_value());
    EXPECT_EQ(*doc.find("Section One", "multi")->value, "first\nsecond\n\nthird");
    EXPECT_EQ(*doc.find("Section One", "after")->value, "x");
    EXPECT_EQ(*doc.find("Section One", "fallback")->value, "yes");  // [DEFAULT] applies to every section
}

TEST(config_ini, reports_each_problem_with_its_line) {
    std::vector<eqb::ini_problem> problems;
    eqb::ini_parse("orphan = 1\n[A]\nk = 1\nk = 2\n= novalue\nbare\n  continued\n[A]\n", {}, problems);
    ASSERT_EQ(problems.size(), 5u);
    EXPECT_EQ(problems[0].line, 1);
    EXPECT_NE(problems[0].message.find("before any [section]"), std::string::npos);
    EXPECT_EQ(problems[1].line, 4);
    EXPECT_NE(problems[1].message.find("appears a second time"), std::string::npos);
    EXPECT_EQ(problems[2].line, 5);
    EXPECT_EQ(problems[3].line, 7);
    EXPECT_NE(problems[3].message.find("has no value"), std::string::npos);
    EXPECT_EQ(problems[4].line, 8);
}

TEST(config_ini, raw_sections_keep_lines_with_colons_and_equals) {
    std::vector<eqb::ini_problem> problems;
    const auto doc = eqb::ini_parse(
        "[Benchmarks to run]\nr1, ChatML, llama3:8b, , , 1, openai, ,\n# skipped\nr2, T, m, , , 1, ooba, "
        "--n_ctx=2048,\n"
        "r1, ChatML, llama3:8b, , , 1, openai, ,\n",
        {"Benchmarks to run"}, problems);
    EXPECT_TRUE(problems.empty());
    const auto* runs = doc.section("Benchmarks to run");
    ASSERT_NE(runs, nullptr);
    ASSERT_EQ(runs->lines.size(), 3u);
    EXPECT_EQ(runs->lines[0].text, "r1, ChatML, llama3:8b, , , 1, openai, ,");
    EXPECT_EQ(runs->lines[1].line, 4);
    EXPECT_EQ(runs->lines[1].text, "r2, T, m, , , 1, ooba, --n_ctx=2048,");
}

TEST(config_run_line, splits_fields_as_the_reference) {
    const auto run = eqb::config_run_line_parse(
        "  myrun4, Mistral, TheBloke/M-GGUF, , NONE, 0_3, OOBA, --loader llama.cpp --tensor_split 1,3,5,7, "
        "--include [\"*Q3_K_M.gguf\", \"*.json\"]",
        "/tmp");
    ASSERT_TRUE(run) << run.err().message;
    EXPECT_EQ(run->run_id, "myrun4");
    EXPECT_EQ(run->quantization, "none");
    EXPECT_EQ(run->iterations, 3);  // Python's int() reads "0_3"
    EXPECT_EQ(run->engine, "ooba");
    EXPECT_EQ(run->ooba_params, "--loader llama.cpp --tensor_split 1,3,5,7");
    EXPECT_EQ(run->ooba_params_key, " --loader llama.cpp --tensor_split 1,3,5,7");
    EXPECT_EQ(run->include_patterns, (std::vector<std::string>{"*Q3_K_M.gguf", "*.json"}));
    EXPECT_TRUE(run->exclude_patterns.empty());
    // Single quotes are not a filter the reference finds (it would leave them in
    // ooba_params): refused, with the expected forms.
    const auto quoted = eqb::config_run_line_parse("r, T, m, , , 1, ooba, , --exclude '*.bin'", "/tmp");
    ASSERT_FALSE(quoted);
    EXPECT_NE(quoted.err().message.find("downloader_filters: expected --include"), std::string::npos);
    EXPECT_EQ(eqb::config_filters_string(run->include_patterns, {"*.bin"}),
              "--include [\"*Q3_K_M.gguf\", \"*.json\"] --exclude [\"*.bin\"]");
}

TEST(config_run_line, relative_model_paths_that_exist_become_absolute) {
    const auto tmp = std::filesystem::temp_directory_path();
    const auto dir = tmp / "eqb-config-test-model";
    std::filesystem::create_directories(dir);
    const auto run = eqb::config_run_line_parse("r, ChatML, eqb-config-test-model, lora, , 1, transformers, ,", tmp);
    ASSERT_TRUE(run) << run.err().message;
    EXPECT_EQ(run->model_path, dir.string());
    EXPECT_EQ(run->lora_path, (tmp / "lora").string());  // the reference makes LoRA paths absolute always
    const auto hf = eqb::config_run_line_parse("r, ChatML, org/not-here, , , 1, transformers, ,", tmp);
    EXPECT_EQ(hf->model_path, "org/not-here");
    std::filesystem::remove_all(dir);
}

TEST(config_plan, substitutes_server_placeholders_and_quotes_for_sh) {
    EXPECT_EQ(eqb::plan_substitute("srv -m {model} --port {port} --gpus {gpus}", "/m/x.gguf", 8123, "0,1"),
              "srv -m /m/x.gguf --port 8123 --gpus 0,1");
    EXPECT_EQ(eqb::plan_substitute("srv --port {port}", "m", 0, ""), "srv --port {port}");
    EXPECT_EQ(eqb::shell_quote("/plain/path-1.gguf"), "/plain/path-1.gguf");
    EXPECT_EQ(eqb::shell_quote("it's here"), "'it'\\''s here'");
    EXPECT_EQ(eqb::shell_quote(""), "''");
}

TEST(config_plan, flags_are_validated_before_anything_runs) {
    eqb::reference_config cfg;
    eqb::plan_options options;
    options.known_benchmarks = eqb::benchmark_registry_traits();
    options.benchmarks = {"eq-bench", "creative-writing", "typo-bench"};
    options.language = "pl";
    options.v1 = true;
    std::vector<eqb::config_problem> problems;
    eqb::plan_build(cfg, options, problems);
    const std::string message = eqb::config_problems_message("config.cfg", problems);
    EXPECT_NE(
        message.find(
            "--benchmarks: expected eq-bench, creative-writing, creative-writing-v3 or judgemark, got 'typo-bench'"),
        std::string::npos)
        << message;
    EXPECT_NE(message.find("-l: expected en, de, ja or jahalf, got 'pl'"), std::string::npos) << message;
    EXPECT_NE(message.find("-v1: EQ-Bench v1 exists only in English"), std::string::npos) << message;
}

}  // namespace

namespace {

// examples/config.cfg is what the README points a new user at: it must parse as
// it stands, and every commented-out section, key and run line in it must parse
// once uncommented (so the samples do not rot).
TEST(config_example, the_sample_config_parses_with_and_without_its_comments) {
    const auto path = eqb::test::source_dir() / "examples" / "config.cfg";
    const std::string text = eqb::test::read_file(path);
    const auto as_shipped = eqb::config_parse(text, "examples/config.cfg", path.parent_path());
    ASSERT_TRUE(as_shipped.ok()) << as_shipped.err().message;
    ASSERT_EQ(as_shipped.value().runs.size(), 1u);
    EXPECT_EQ(as_shipped.value().runs[0].model_path, "qwen2.5:7b");

    std::string uncommented;
    int samples = 0;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        const bool sample = line.rfind("# [", 0) == 0 || line.rfind("# api_key =", 0) == 0 ||
                            line.rfind("# command =", 0) == 0 || line.rfind("# gpus =", 0) == 0 ||
                            line.rfind("# startup_timeout =", 0) == 0 || line.rfind("# max_restarts =", 0) == 0 ||
                            line.rfind("# judge_model_url =", 0) == 0 || line.rfind("# mode =", 0) == 0 ||
                            line.rfind("# budget =", 0) == 0 ||
                            (line.rfind("# ", 0) == 0 && line.find(", ") != std::string::npos &&
                             line.find(", 1, ") != std::string::npos) ||
                            line.find(", 3, openai") != std::string::npos;
        samples += sample ? 1 : 0;
        uncommented += (sample ? line.substr(2) : line) + "\n";
    }
    EXPECT_GE(samples, 12);
    const auto everything = eqb::config_parse(uncommented, "examples/config.cfg", path.parent_path());
    ASSERT_TRUE(everything.ok()) << everything.err().message;
    EXPECT_EQ(everything.value().runs.size(), 3u);
    EXPECT_EQ(everything.value().server_command, "llama-server -m {model} --port {port} -ngl 99");
    EXPECT_EQ(everything.value().judge_model_url, "http://127.0.0.1:8000/v1");
    EXPECT_EQ(everything.value().reasoning.mode, "on");
    EXPECT_EQ(everything.value().reasoning.budget, 1024);
}

}  // namespace
