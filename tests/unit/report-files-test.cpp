// Result files: valid CSV (the reference's header, quoted fields), and
// raw_results.json merged by run key without losing other runs.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>

#include "report/files.hpp"
#include "report/pricing.hpp"
#include "report/progress.hpp"
#include "tests/support/process.hpp"

namespace {

TEST(report_files, csv_fields_are_quoted_only_when_needed) {
    EXPECT_EQ(eqb::csv_field("plain"), "plain");
    EXPECT_EQ(eqb::csv_field("a,b"), "\"a,b\"");
    EXPECT_EQ(eqb::csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(eqb::csv_field("two\nlines"), "\"two\nlines\"");
    EXPECT_EQ(eqb::csv_field("--include [\"*Q3_K_M.gguf\", \"*.json\"]"),
              "\"--include [\"\"*Q3_K_M.gguf\"\", \"\"*.json\"\"]\"");
}

TEST(report_files, csv_append_writes_the_reference_header_once) {
    eqb::test::temp_dir dir;
    const auto path = dir.path() / "benchmark_results.csv";
    ASSERT_TRUE(eqb::benchmark_csv_append(path, {"1", "now", "ChatML", "m", "", "", "70.1", "eq-bench_v2", "171.0", "1",
                                                 "openai", "a=1,b=2", "", ""})
                    .ok());
    ASSERT_TRUE(eqb::benchmark_csv_append(path, {"2"}).ok());
    const std::string text = eqb::test::read_file(path);
    EXPECT_EQ(text.rfind("Run ID, Benchmark Completed, Prompt Format, Model Path, Lora Path, Quantization, "
                         "Benchmark Score, Benchmark Version, Num Questions Parseable, Num Iterations, "
                         "Inference Engine, Ooba Params, Download Filters, Error\n",
                         0),
              0u);
    EXPECT_NE(text.find(",\"a=1,b=2\","), std::string::npos);
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 3);
}

TEST(report_files, raw_results_merge_keeps_other_runs_and_refuses_a_broken_file) {
    eqb::test::temp_dir dir;
    const auto path = dir.path() / "raw_results.json";
    ASSERT_TRUE(eqb::raw_results_merge(path, "run-a", R"({"x": 1})").ok());
    ASSERT_TRUE(eqb::raw_results_merge(path, "run-b", R"({"x": 2})").ok());
    ASSERT_TRUE(eqb::raw_results_merge(path, "run-a", R"({"x": 3})").ok());
    const auto doc = nlohmann::json::parse(eqb::test::read_file(path));
    EXPECT_EQ(doc["run-a"]["x"], 3);
    EXPECT_EQ(doc["run-b"]["x"], 2);
    { std::ofstream(path) << "{ truncated"; }
    const auto refused = eqb::raw_results_merge(path, "run-c", R"({"x": 4})");
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.err().message.find(path.string()), std::string::npos);
    EXPECT_EQ(eqb::test::read_file(path), "{ truncated");  // the user's file is left alone
}

TEST(report_pricing, prefix_match_and_user_file) {
    const auto& table = eqb::price_table_builtin();
    const auto gpt4o = eqb::price_table_find(table, "openai/gpt-4o-2024-08-06");
    ASSERT_TRUE(gpt4o.has_value());
    EXPECT_DOUBLE_EQ(gpt4o->input_per_million, 2.5);
    const auto mini = eqb::price_table_find(table, "gpt-4o-mini");
    ASSERT_TRUE(mini.has_value());
    EXPECT_DOUBLE_EQ(mini->input_per_million, 0.15);  // the longer prefix wins
    EXPECT_FALSE(eqb::price_table_find(table, "my-local-model").has_value());
    EXPECT_DOUBLE_EQ(eqb::price_cost({2.0, 4.0}, 1'000'000, 500'000), 4.0);

    eqb::test::temp_dir dir;
    const auto file = dir.path() / "prices.json";
    { std::ofstream(file) << R"({"my-local-model": {"input": 0.1, "output": 0.2}, "bad": {"input": "x"}})"; }
    const auto loaded = eqb::price_table_load(file);
    ASSERT_FALSE(loaded.ok());
    EXPECT_NE(loaded.err().message.find("\"bad\""), std::string::npos);
}

TEST(report_progress, line_shows_rate_eta_retries_and_failures) {
    eqb::progress_snapshot s;
    s.label = "eq-bench";
    s.total = 342;
    s.done = 171;
    s.already_done = 71;
    s.transport_retries = 3;
    s.parse_failures = 2;
    s.elapsed_s = 10.0;
    EXPECT_EQ(eqb::progress_format(s),
              "[eq-bench] 171/342 (50%) | 10.0 answers/s | ETA 0:17 | retries 3 | parse failures 2 | 71 resumed");
}

}  // namespace
