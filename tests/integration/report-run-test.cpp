// eqbench runs, report and compare on stores written by real runs against the
// fake server replaying recorded models: the listing and the report show the
// scores the runs printed; compare's mean difference equals one computed
// independently from the runs' raw_results.json; a run against itself gives 0,
// [0, 0] and p = 1; two clearly different models give p < 0.01; Creative
// Writing and Judgemark runs report the scores their consoles printed.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <regex>
#include <sstream>

#include "bench/creative-writing/benchmark.hpp"
#include "bench/judgemark/reference-table.hpp"
#include "parse/judge-answer.hpp"
#include "scoring/creative-writing.hpp"
#include "scoring/judgemark.hpp"
#include "tests/fake-server/fake-server.hpp"
#include "tests/support/process.hpp"
#include "tests/support/replay.hpp"

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using eqb::test::fake_request;
using eqb::test::fake_server;
using eqb::test::fake_server_config;

// Two non-revise recordings 9 points apart (63.48 and 54.43), 170 and 171 parseable.
const char* const model_a_file = "Qwen__Qwen-14B-Chat_eqbench_v2_results.json";
const char* const model_b_file = "lxuechen__phi-2-dpo_eqbench_v2_results.json";

fs::path conformance(const char* file) {
    return eqb::test::shared_dir() / "conformance" / "eq-bench" / file;
}

double line_number(const std::string& out, const std::string& label) {
    std::smatch m;
    if (!std::regex_search(out, m, std::regex(label + R"(: ([0-9.\-]+))"))) {
        return -1e9;
    }
    return std::stod(m[1]);
}

// Runs a replay of `file` as model `model` into `results`; returns the console output.
std::string replay_run(const char* file, const std::string& model, const fs::path& results, int iterations,
                       const fs::path& capture, std::size_t* requests = nullptr) {
    const eqb::test::conformance_replay replay(conformance(file),
                                               eqb::test::data_dir() / "eq_bench_v2_questions_171.json");
    fake_server_config config;
    config.responder = [&replay](const fake_request& r) { return replay.answer(r.prompt); };
    fake_server server(std::move(config));
    if (!server.start()) {
        ADD_FAILURE() << "the fake server did not start";
        return {};
    }
    const auto out = eqb::test::eqbench_run(
        {"run", "--model", model, "--base-url", server.base_url() + "/v1", "--iterations", std::to_string(iterations),
         "--concurrency", "8", "--results-dir", results.string(), "--data-dir", eqb::test::data_dir().string()},
        capture, {{"OPENAI_API_KEY", ""}});
    EXPECT_EQ(out.exit_code, 0) << out.out << out.err;
    if (requests != nullptr) {
        *requests = server.request_count();
    }
    return out.out;
}

// Question id -> 10 x its first-pass score averaged over iterations, from raw_results.json
// (the reference's export format), for the items the run scored.
std::map<std::string, double> points_from_export(const fs::path& results, const std::string& key) {
    const json raw = json::parse(eqb::test::read_file(results / "raw_results.json"));
    std::map<std::string, std::vector<double>> by;
    for (const auto& [iteration, it] : raw[key]["iterations"].items()) {
        for (const auto& [qid, s] : it["individual_scores_fullscale"].items()) {
            if (s["first_pass_score"].is_number()) {
                by[qid].push_back(10.0 * s["first_pass_score"].get<double>());
            }
        }
    }
    std::map<std::string, double> out;
    for (const auto& [qid, values] : by) {
        double sum = 0.0;
        for (const double v : values) {
            sum += v;
        }
        out[qid] = sum / static_cast<double>(values.size());
    }
    return out;
}

std::vector<json> json_lines(const std::string& text) {
    std::vector<json> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty()) {
            out.push_back(json::parse(line));
        }
    }
    return out;
}

class report_run : public ::testing::Test {
  protected:
    void SetUp() override {
        for (const char* f : {model_a_file, model_b_file}) {
            if (!fs::exists(conformance(f))) {
                GTEST_SKIP() << "needs " << conformance(f);
            }
        }
        if (!fs::exists(eqb::test::data_dir() / "eq_bench_v2_questions_171.json")) {
            GTEST_SKIP() << "needs " << eqb::test::data_dir() / "eq_bench_v2_questions_171.json";
        }
    }
    std::vector<std::string> with_data(std::vector<std::string> args) const {
        args.push_back("--data-dir");
        args.push_back(eqb::test::data_dir().string());
        return args;
    }
};

const std::string key_a = "1--v2--en--model-a--------openai----";
const std::string key_b = "1--v2--en--model-b--------openai----";

TEST_F(report_run, runs_report_and_compare_agree_with_the_runs) {
    eqb::test::temp_dir dir;
    const fs::path results = dir.path() / "results";
    std::size_t requests_a = 0;
    std::size_t requests_b = 0;
    const std::string out_a = replay_run(model_a_file, "model-a", results, 2, dir.path(), &requests_a);
    const std::string out_b = replay_run(model_b_file, "model-b", results, 1, dir.path(), &requests_b);
    const double score_a = line_number(out_a, R"(Score \(v2\))");
    const double score_b = line_number(out_b, R"(Score \(v2\))");
    ASSERT_GT(score_a, 0.0) << out_a;
    ASSERT_GT(score_b, 0.0) << out_b;

    // eqbench runs: both runs, with the printed scores and the requests the server saw.
    const auto listed =
        eqb::test::eqbench_run(with_data({"runs", "--results-dir", results.string(), "--json"}), dir.path());
    ASSERT_EQ(listed.exit_code, 0) << listed.err;
    const auto rows = json_lines(listed.out);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0]["key"], key_a);
    EXPECT_EQ(rows[0]["score"], score_a);
    EXPECT_EQ(rows[0]["requests"], requests_a);
    EXPECT_EQ(rows[0]["ci_method"], "iterations");
    EXPECT_EQ(rows[1]["score"], score_b);
    EXPECT_EQ(rows[1]["requests"], requests_b);
    EXPECT_EQ(rows[1]["ci_method"], "bootstrap");
    EXPECT_LT(rows[1]["ci_low"].get<double>(), score_b);
    EXPECT_GT(rows[1]["ci_high"].get<double>(), score_b);
    const auto table = eqb::test::eqbench_run(with_data({"runs", "--results-dir", results.string()}), dir.path());
    ASSERT_EQ(table.exit_code, 0) << table.err;
    EXPECT_NE(table.out.find("KEY"), std::string::npos);
    EXPECT_NE(table.out.find(key_b), std::string::npos);
    EXPECT_NE(table.out.find("completed"), std::string::npos);

    // A run against itself.
    const auto self = eqb::test::eqbench_run(
        with_data({"compare", key_a, "1--v2--en--model-a", "--results-dir", results.string(), "--json"}), dir.path());
    ASSERT_EQ(self.exit_code, 0) << self.err;
    const json s = json::parse(self.out);
    EXPECT_EQ(s["mean_diff"], 0.0);
    EXPECT_EQ(s["ci_low"], 0.0);
    EXPECT_EQ(s["ci_high"], 0.0);
    EXPECT_EQ(s["p_value"], 1.0);
    EXPECT_EQ(s["n"], 170);
    EXPECT_TRUE(s["warnings"].empty());

    // Two different models: the mean difference as computed from the exports.
    const auto diff = eqb::test::eqbench_run(
        with_data({"compare", key_a, key_b, "--results-dir", results.string(), "--json"}), dir.path());
    ASSERT_EQ(diff.exit_code, 0) << diff.err;
    const json d = json::parse(diff.out);
    const auto pa = points_from_export(results, key_a);
    const auto pb = points_from_export(results, key_b);
    double sum = 0.0;
    int n = 0;
    int wins_a = 0;
    for (const auto& [qid, v] : pa) {
        if (const auto it = pb.find(qid); it != pb.end()) {
            sum += v - it->second;
            ++n;
            wins_a += v - it->second > 1e-9 ? 1 : 0;
        }
    }
    EXPECT_EQ(d["n"], n);
    EXPECT_NEAR(d["mean_diff"].get<double>(), sum / n, 1e-9);
    EXPECT_EQ(d["wins_a"], wins_a);
    EXPECT_EQ(d["score_a"], score_a);
    EXPECT_EQ(d["score_b"], score_b);
    EXPECT_LT(d["p_value"].get<double>(), 0.01);
    EXPECT_LT(d["ci_low"].get<double>(), d["mean_diff"].get<double>());
    EXPECT_GT(d["ci_high"].get<double>(), d["mean_diff"].get<double>());
    EXPECT_EQ(d["method"], "random sign-flip test");
    const auto text =
        eqb::test::eqbench_run(with_data({"compare", key_a, key_b, "--results-dir", results.string()}), dir.path());
    ASSERT_EQ(text.exit_code, 0) << text.err;
    EXPECT_NE(text.out.find("A is higher than B by "), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("; unlikely to be noise (p "), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("warning: different item sets"), std::string::npos) << text.out;

    // An ambiguous prefix and an unknown key are errors that name the candidates.
    const auto ambiguous =
        eqb::test::eqbench_run(with_data({"compare", "1--v2", key_b, "--results-dir", results.string()}), dir.path());
    EXPECT_EQ(ambiguous.exit_code, 1);
    EXPECT_NE(ambiguous.err.find(key_a), std::string::npos) << ambiguous.err;

    // The report's document shows the same scores; samples.jsonl has every item.
    const auto report =
        eqb::test::eqbench_run(with_data({"report", "--results-dir", results.string(), "--json"}), dir.path());
    ASSERT_EQ(report.exit_code, 0) << report.err;
    const json doc = json::parse(eqb::test::read_file(results / "eqbench-report.json"));
    EXPECT_EQ(doc["schema"], 1);
    EXPECT_EQ(doc["runs"][0]["score"], score_a);
    EXPECT_EQ(doc["runs"][1]["score"], score_b);
    EXPECT_EQ(doc["sections"][0]["questions"].size(), 2u * 171u);
    EXPECT_EQ(json_lines(eqb::test::read_file(results / "samples.jsonl")).size(), 3u * 171u);
    const auto html = eqb::test::eqbench_run(with_data({"report", "--results-dir", results.string()}), dir.path());
    ASSERT_EQ(html.exit_code, 0) << html.err;
    EXPECT_NE(eqb::test::read_file(results / "eqbench-report.html").find("<!doctype html>"), std::string::npos);
}

TEST_F(report_run, compare_accepts_results_directories_holding_one_run) {
    eqb::test::temp_dir dir;
    replay_run(model_a_file, "model-a", dir.path() / "a", 1, dir.path());
    replay_run(model_b_file, "model-b", dir.path() / "b", 1, dir.path());
    const auto out = eqb::test::eqbench_run(
        with_data({"compare", (dir.path() / "a").string(), (dir.path() / "b").string(), "--json"}), dir.path());
    ASSERT_EQ(out.exit_code, 0) << out.err;
    const json d = json::parse(out.out);
    EXPECT_EQ(d["a"], key_a);
    EXPECT_EQ(d["b"], key_b);
    EXPECT_LT(d["p_value"].get<double>(), 0.01);
}

// A judge whose score depends on the answer it reads (its length), so test models differ.
std::string varying_judge(const fake_request& r) {
    const auto begin = r.prompt.find("[TEST MODEL RESPONSE]");
    const auto end = r.prompt.find("[TEST MODEL RESPONSE END]");
    if (begin == std::string::npos) {
        std::string story = "Chapter one. ";
        while (story.size() < 400) {
            story += "The harbour lights went out one by one while the ferry waited. ";
        }
        return story + std::to_string(r.prompt.size() % 97);
    }
    const std::size_t length = end - begin;
    return "[Scores]\n\nOverall Impression: " + std::to_string(2 + length % 7) +
           "\n\nCoherent: " + std::to_string(3 + length % 5) + "\n\nTrite: " + std::to_string(length % 4) + "\n";
}

TEST(report_judged_runs, creative_writing_and_judgemark_report_the_printed_scores) {
    for (const char* f :
         {"judgemark_test_set.json", "judgemark_reference.json", "creative_writing_prompts_v2.2.json"}) {
        if (!fs::exists(eqb::test::data_dir() / f)) {
            GTEST_SKIP() << "needs " << eqb::test::data_dir() / f;
        }
    }
    eqb::test::temp_dir dir;
    fake_server_config config;
    config.responder = varying_judge;
    fake_server server(std::move(config));
    ASSERT_TRUE(server.start());
    const fs::path results = dir.path() / "results";
    const std::string url = server.base_url() + "/v1";
    const std::string data = eqb::test::data_dir().string();
    const auto cw = eqb::test::eqbench_run({"run",
                                            "--model",
                                            "writer-model",
                                            "--base-url",
                                            url,
                                            "--benchmarks",
                                            "creative-writing",
                                            "--judge-model",
                                            "judge-model",
                                            "--judge-engine",
                                            "openai",
                                            "--judge-base-url",
                                            url,
                                            "--iterations",
                                            "2",
                                            "--concurrency",
                                            "8",
                                            "--results-dir",
                                            results.string(),
                                            "--data-dir",
                                            data},
                                           dir.path(), {{"OPENAI_API_KEY", ""}});
    ASSERT_EQ(cw.exit_code, 0) << cw.out << cw.err;
    const auto jm = eqb::test::eqbench_run(
        {"run", "--benchmarks", "judgemark", "--judge-model", "claude-3-opus-20240229", "--judge-engine", "openai",
         "--judge-base-url", url, "--concurrency", "8", "--results-dir", results.string(), "--data-dir", data},
        dir.path(), {{"OPENAI_API_KEY", ""}});
    ASSERT_EQ(jm.exit_code, 0) << jm.out << jm.err;

    const auto report =
        eqb::test::eqbench_run({"report", "--results-dir", results.string(), "--json", "--data-dir", data}, dir.path());
    ASSERT_EQ(report.exit_code, 0) << report.err;
    const json doc = json::parse(eqb::test::read_file(results / "eqbench-report.json"));
    ASSERT_EQ(doc["runs"].size(), 2u);  // the judge run is part of the Creative Writing row
    const json& cw_row = doc["runs"][0];
    EXPECT_EQ(cw_row["benchmark"], "creative-writing");
    EXPECT_EQ(cw_row["score"], line_number(cw.out, "Creative Writing Score"));
    EXPECT_EQ(cw_row["judge"], "judge-model");
    EXPECT_EQ(cw_row["ci_method"], "iterations");
    EXPECT_EQ(cw_row["judge_requests"], 48);
    EXPECT_EQ(doc["sections"][0]["pieces"].size(), 48u);

    const json& jm_row = doc["runs"][1];
    EXPECT_EQ(jm_row["benchmark"], "judgemark");
    EXPECT_NEAR(jm_row["score"].get<double>(), line_number(jm.out, "Judgemark Score"), 0.005 + 1e-9);
    const json& section = doc["sections"][1];
    ASSERT_FALSE(section["metrics"].empty());
    EXPECT_EQ(section["model_scores"].size(), 19u);
    EXPECT_FALSE(section["bias"]["points"].empty());
    for (const auto& m : section["metrics"]) {
        if (m["name"] == "Judgemark") {
            EXPECT_NEAR(m["value"].get<double>(), line_number(jm.out, "Judgemark Score"), 0.005 + 1e-9);
        }
    }
}

}  // namespace
