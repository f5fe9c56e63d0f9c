// Creative Writing and Judgemark end to end against the fake server acting as
// both the model under test and the judge: a 2-iteration creative-writing run
// completes with the score the judge's answers give; a run killed mid-way
// resumes without asking for a stored generation again; --rejudge judges the
// stored pieces again without generating; a judgemark run judges all 360
// stored answers and resumes without asking again.

#include <gtest/gtest.h>
#include <signal.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <mutex>
#include <regex>
#include <set>

#include "bench/creative-writing/benchmark.hpp"
#include "bench/creative-writing/prompts.hpp"
#include "bench/judgemark/benchmark.hpp"
#include "bench/judgemark/reference-table.hpp"
#include "core/python-float.hpp"
#include "core/python-str.hpp"
#include "parse/judge-answer.hpp"
#include "scoring/creative-writing.hpp"
#include "scoring/judgemark.hpp"
#include "store/store.hpp"
#include "tests/fake-server/fake-server.hpp"
#include "tests/support/process.hpp"
#include "tests/support/test-support.hpp"

namespace {

namespace fs = std::filesystem;
using eqb::test::fake_request;
using eqb::test::fake_server;
using eqb::test::fake_server_config;

bool is_judge(const fake_request& r) {
    return r.prompt.find("[TEST MODEL RESPONSE]") != std::string::npos;
}

// The judge gives 8 to "Overall Impression", 6 to "Coherent" and 2 to "Trite"
// (a negative criterion: counts 8), so every prompt scores (8 + 6 + 8) / 3.
const char* const judge_answer =
    "[Analysis]\n\nSolid.\n\n[Scores]\n\nOverall Impression: 8\n\nCoherent: 6\n\nTrite: 2\n";
constexpr double expected_prompt_score = 22.0 / 3.0;

std::unique_ptr<fake_server> start(fake_server_config config) {
    config.responder = [](const fake_request& r) {
        if (is_judge(r)) {
            return std::string(judge_answer);
        }
        std::string story = "Chapter one. ";
        while (story.size() < 600) {
            story += "The rain kept falling on the quiet town while the lamps came on one by one. ";
        }
        return story;
    };
    auto server = std::make_unique<fake_server>(std::move(config));
    auto started = server->start();
    if (!started) {
        throw std::runtime_error(started.err().message);
    }
    return server;
}

std::vector<std::string> cw_args(const fake_server& server, const fs::path& results,
                                 const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args{"run",
                                  "--model",
                                  "writer-model",
                                  "--base-url",
                                  server.base_url() + "/v1",
                                  "--benchmarks",
                                  "creative-writing",
                                  "--judge-model",
                                  "judge-model",
                                  "--judge-engine",
                                  "openai",
                                  "--judge-base-url",
                                  server.base_url() + "/v1",
                                  "--iterations",
                                  "2",
                                  "--concurrency",
                                  "4",
                                  "--results-dir",
                                  results.string(),
                                  "--data-dir",
                                  eqb::test::data_dir().string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

double line_number(const std::string& out, const std::string& label) {
    std::smatch m;
    if (!std::regex_search(out, m, std::regex(label + R"(: ([0-9.\-]+))"))) {
        return -1e9;
    }
    return std::stod(m[1]);
}

// The requests that arrived after the first `skip`.
std::vector<fake_request> requests_since(const fake_server& server, std::size_t skip) {
    auto all = server.requests();
    all.erase(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(std::min(skip, all.size())));
    return all;
}

std::size_t count_if(const std::vector<fake_request>& requests, bool judge) {
    std::size_t n = 0;
    for (const auto& r : requests) {
        n += is_judge(r) == judge ? 1U : 0U;
    }
    return n;
}

TEST(creative_writing_run, a_two_iteration_run_completes_with_the_judges_score) {
    EQB_SKIP_UNLESS_DATA("creative_writing_prompts_v2.2.json");
    eqb::test::temp_dir dir;
    auto server = start({});
    const auto out =
        eqb::test::eqbench_run(cw_args(*server, dir.path() / "results"), dir.path(), {{"OPENAI_API_KEY", ""}});
    ASSERT_EQ(out.exit_code, 0) << out.out << out.err;
    EXPECT_NE(out.out.find("----creative-writing Benchmark Complete----"), std::string::npos) << out.out;
    EXPECT_EQ(line_number(out.out, "Creative Writing Score"), 73.33) << out.out;
    EXPECT_NE(out.out.find("Judge: judge-model"), std::string::npos);
    EXPECT_NE(out.out.find("Iteration 2: 73.33"), std::string::npos) << out.out;
    EXPECT_NE(out.out.find("Judged: 48 of 48 pieces scored, 3.0 criteria parsed per piece"), std::string::npos)
        << out.out;
    const auto requests = server->requests();
    EXPECT_EQ(count_if(requests, false), 48u);  // 24 prompts x 2 iterations, generated once each
    EXPECT_EQ(count_if(requests, true), 48u);
    for (const auto& r : requests) {
        if (is_judge(r)) {
            EXPECT_DOUBLE_EQ(r.temperature, 0.01);
            EXPECT_EQ(r.max_tokens, 3000);
            EXPECT_EQ(r.model, "judge-model");
        } else {
            EXPECT_DOUBLE_EQ(r.temperature, 0.7);
            EXPECT_EQ(r.model, "writer-model");
        }
    }
    const auto raw = nlohmann::json::parse(eqb::test::read_file(dir.path() / "results" / "raw_results.json"));
    const std::string key = "1--creative-writing--writer-model--------openai----";
    ASSERT_TRUE(raw.contains(key)) << raw.dump().substr(0, 400);
    EXPECT_EQ(raw[key]["iterations"]["2"]["individual_scores"].size(), 24u);
    EXPECT_NEAR(raw[key]["iterations"]["1"]["creative_writing_score"].get<double>(), expected_prompt_score, 1e-12);
    const std::string text = eqb::test::read_file(dir.path() / "results" / "creative-writing-1-writer-model.txt");
    EXPECT_NE(text.find("Average: 73.33 (73.33, 73.33)"), std::string::npos) << text.substr(0, 400);
    EXPECT_NE(text.find("Trite: 2"), std::string::npos);
    const std::string csv = eqb::test::read_file(dir.path() / "results" / "benchmark_results.csv");
    EXPECT_NE(csv.find("creative-writing"), std::string::npos);
    EXPECT_NE(csv.find("73.33"), std::string::npos);

    // Resume: nothing is asked again. --rejudge: every piece is judged again, nothing generated.
    const std::size_t before = server->request_count();
    const auto again = eqb::test::eqbench_run(cw_args(*server, dir.path() / "results"), dir.path());
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(server->request_count(), before);
    EXPECT_EQ(line_number(again.out, "Creative Writing Score"), 73.33);
    const auto rejudged = eqb::test::eqbench_run(cw_args(*server, dir.path() / "results", {"--rejudge"}), dir.path());
    ASSERT_EQ(rejudged.exit_code, 0) << rejudged.err;
    EXPECT_EQ(count_if(requests_since(*server, before), false), 0u);
    EXPECT_EQ(count_if(requests_since(*server, before), true), 48u);

    // The closing block counts what each invocation sent, checked against the server.
    EXPECT_NE(out.out.find("Requests sent: 96\n"), std::string::npos) << out.out;
    EXPECT_NE(again.out.find("Requests sent: 0, resumed from the store: 48 of 48 items"), std::string::npos)
        << again.out;
    EXPECT_NE(rejudged.out.find("Requests sent: 48"), std::string::npos) << rejudged.out;
    EXPECT_NE(out.out.find("(the judge: "), std::string::npos) << out.out;
    EXPECT_NE(out.out.find("Cost: price unknown for judge-model"), std::string::npos) << out.out;
}

TEST(creative_writing_run, the_reference_batch_form_reads_the_judge_from_config_cfg) {
    EQB_SKIP_UNLESS_DATA("creative_writing_prompts_v2.2.json");
    eqb::test::temp_dir dir;
    auto server = start({});
    std::ofstream(dir.path() / "config.cfg")
        << "[OpenAI]\napi_key =\nopenai_compatible_url = " << server->base_url() << "/v1\n\n"
        << "[Creative Writing Benchmark]\njudge_model_api = openai\njudge_model = config-judge\n"
        << "judge_model_api_key =\njudge_model_url = " << server->base_url() << "/v1\n\n"
        << "[Benchmarks to run]\ncw1, , writer-model, , , 1, openai, ,\n";
    const auto out = eqb::test::eqbench_run(
        {"--benchmarks", "creative-writing", "--config", (dir.path() / "config.cfg").string(), "--results-dir",
         (dir.path() / "results").string(), "--data-dir", eqb::test::data_dir().string()},
        dir.path(), {{"OPENAI_API_KEY", ""}});
    ASSERT_EQ(out.exit_code, 0) << out.out << out.err;
    EXPECT_EQ(line_number(out.out, "Creative Writing Score"), 73.33) << out.out;
    EXPECT_NE(out.out.find("Judge: config-judge"), std::string::npos) << out.out;
    EXPECT_EQ(count_if(server->requests(), true), 24u);
    // Without a judge, the batch is refused before anything runs.
    std::ofstream(dir.path() / "nojudge.cfg") << "[OpenAI]\nopenai_compatible_url = " << server->base_url()
                                              << "/v1\n\n[Benchmarks to run]\ncw1, , writer-model, , , 1, openai, ,\n";
    const std::size_t before = server->request_count();
    const auto refused =
        eqb::test::eqbench_run({"--benchmarks", "creative-writing", "--config", (dir.path() / "nojudge.cfg").string(),
                                "--data-dir", eqb::test::data_dir().string()},
                               dir.path());
    EXPECT_EQ(refused.exit_code, 2) << refused.out << refused.err;
    EXPECT_NE(refused.err.find("need a judge"), std::string::npos) << refused.err;
    EXPECT_EQ(server->request_count(), before);
}

TEST(creative_writing_run, a_short_answer_is_asked_again_warmer_with_the_content_variant) {
    EQB_SKIP_UNLESS_DATA("creative_writing_prompts_v2.2.json");
    eqb::test::temp_dir dir;
    fake_server_config config;
    auto seen = std::make_shared<std::pair<std::mutex, std::set<std::string>>>();
    config.responder = [seen](const fake_request& r) {
        if (is_judge(r)) {
            return std::string(judge_answer);
        }
        std::lock_guard lock(seen->first);
        if (seen->second.insert(r.prompt.substr(0, r.prompt.find("\n\nKeep it PG-13"))).second) {
            return std::string("Too short to count.");  // the first answer to every prompt
        }
        return std::string(700, 'x');
    };
    fake_server server(std::move(config));
    ASSERT_TRUE(server.start());
    const auto out = eqb::test::eqbench_run(cw_args(server, dir.path() / "results"), dir.path());
    ASSERT_EQ(out.exit_code, 0) << out.out << out.err;
    EXPECT_EQ(line_number(out.out, "Creative Writing Score"), 73.33) << out.out;
    std::size_t first = 0;
    std::size_t retried = 0;
    for (const auto& r : server.requests()) {
        if (is_judge(r)) {
            continue;
        }
        if (r.prompt.find("PG-13") == std::string::npos) {
            ++first;
            EXPECT_DOUBLE_EQ(r.temperature, 0.7);
        } else {
            ++retried;
            EXPECT_NEAR(r.temperature, 0.8, 1e-12);
        }
    }
    EXPECT_EQ(first, 48u);
    EXPECT_EQ(retried, 48u);
    // The short answers were never judged.
    for (const auto& r : server.requests()) {
        EXPECT_EQ(r.prompt.find("Too short to count."), std::string::npos);
    }
}

// Generations stored in `results` (iteration, prompt id).
std::set<std::pair<int, std::string>> stored_generations(const fs::path& results) {
    std::set<std::pair<int, std::string>> out;
    auto db = eqb::store::open(results);
    if (!db) {
        return out;
    }
    auto run = (*db)->run_find("1--creative-writing--writer-model--------openai----");
    if (!run || !*run) {
        return out;
    }
    const auto items = (*db)->items_list((*run)->id);  // kept alive: the loop reads into it
    if (!items) {
        return out;
    }
    for (const auto& item : *items) {
        if (item.state == "done") {
            out.insert({item.iteration, item.item_id});
        }
    }
    return out;
}

TEST(creative_writing_run, a_killed_run_resumes_without_generating_a_stored_piece_again) {
    EQB_SKIP_UNLESS_DATA("creative_writing_prompts_v2.2.json");
    eqb::test::temp_dir dir;
    fake_server_config config;
    config.latency_min_ms = 40;
    config.latency_max_ms = 40;
    auto server = start(config);
    const fs::path results = dir.path() / "results";
    {
        eqb::test::child_process child(eqb::test::eqbench_command(cw_args(*server, results)), {}, dir.path());
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (count_if(server->requests(), true) < 20) {
            ASSERT_LT(std::chrono::steady_clock::now(), deadline);
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        child.signal(SIGKILL);
        child.wait(30.0);
    }
    const auto kept = stored_generations(results);
    ASSERT_GE(kept.size(), 10u);
    ASSERT_LT(kept.size(), 48u);

    // Which (iteration, prompt) each generation request was for.
    const auto prompts = eqb::writing_prompts_load(eqb::test::data_dir() / "creative_writing_prompts_v2.2.json");
    ASSERT_TRUE(prompts);
    std::map<std::string, std::pair<int, std::string>> by_text;
    for (int it = 1; it <= 2; ++it) {
        for (const auto& p : prompts->prompts) {
            by_text[eqb::writing_prompt_for_iteration(p, it)] = {it, p.id};
        }
    }
    const std::size_t before = server->request_count();
    const auto out = eqb::test::eqbench_run(cw_args(*server, results), dir.path());
    ASSERT_EQ(out.exit_code, 0) << out.out << out.err;
    EXPECT_EQ(line_number(out.out, "Creative Writing Score"), 73.33) << out.out;
    std::set<std::pair<int, std::string>> asked;
    for (const auto& r : requests_since(*server, before)) {
        if (is_judge(r)) {
            continue;
        }
        std::optional<std::pair<int, std::string>> which;
        for (const auto& [text, key] : by_text) {
            if (r.prompt.find(text) != std::string::npos) {
                which = key;
            }
        }
        ASSERT_TRUE(which.has_value()) << r.prompt.substr(0, 200);
        EXPECT_EQ(kept.count(*which), 0u)
            << "generated again: iteration " << which->first << " prompt " << which->second;
        EXPECT_TRUE(asked.insert(*which).second) << "asked twice in one run";
    }
    EXPECT_EQ(asked.size() + kept.size(), 48u);
}

// A judge whose score depends on the answer it reads (its length), so models differ.
std::string varying_judge(const fake_request& r) {
    const auto begin = r.prompt.find("[TEST MODEL RESPONSE]");
    const auto end = r.prompt.find("[TEST MODEL RESPONSE END]");
    const std::size_t length = end - begin;
    return "[Scores]\n\nOverall Impression: " + std::to_string(2 + length % 7) +
           "\n\nCoherent: " + std::to_string(3 + length % 5) + "\n\nTrite: " + std::to_string(length % 4) + "\n";
}

TEST(judgemark_run, the_judge_scores_every_stored_answer_and_a_rerun_asks_nothing) {
    EQB_SKIP_UNLESS_DATA("judgemark_test_set.json", "judgemark_reference.json");
    eqb::test::temp_dir dir;
    fake_server_config config;
    config.responder = varying_judge;
    fake_server server(std::move(config));
    ASSERT_TRUE(server.start());
    const fs::path results = dir.path() / "results";
    const std::vector<std::string> args{"run",
                                        "--benchmarks",
                                        "judgemark",
                                        "--judge-model",
                                        "claude-3-opus-20240229",
                                        "--judge-engine",
                                        "openai",
                                        "--judge-base-url",
                                        server.base_url() + "/v1",
                                        "--concurrency",
                                        "8",
                                        "--results-dir",
                                        results.string(),
                                        "--data-dir",
                                        eqb::test::data_dir().string()};
    const auto out = eqb::test::eqbench_run(args, dir.path(), {{"OPENAI_API_KEY", ""}});
    ASSERT_EQ(out.exit_code, 0) << out.out << out.err;
    EXPECT_EQ(server.request_count(), 360u);
    EXPECT_NE(out.out.find("----judgemark Benchmark Complete----"), std::string::npos) << out.out;
    EXPECT_NE(out.out.find("Judge: claude-3-opus-20240229"), std::string::npos);
    EXPECT_NE(out.out.find("Final Judgemark Benchmark Results:"), std::string::npos);

    // The same prompt scores through the scoring library give the printed numbers.
    const auto test_set = eqb::judgemark_test_set_load(eqb::test::data_dir() / "judgemark_test_set.json");
    ASSERT_TRUE(test_set);
    const auto table = eqb::judgemark_reference_load(eqb::test::data_dir() / "judgemark_reference.json");
    ASSERT_TRUE(table) << table.err().message;
    std::vector<std::pair<std::string, std::vector<double>>> prompt_scores;
    for (const auto& [model, answers] : test_set->models) {
        std::vector<double> scores;
        for (const auto& [pid, answer] : answers) {
            fake_request r;
            r.prompt = "[TEST MODEL RESPONSE]\n\n" + answer + "\n\n[TEST MODEL RESPONSE END]";
            scores.push_back(
                eqb::creative_writing_prompt_score(eqb::creative_writing_judge_parse(varying_judge(r)))->score);
        }
        prompt_scores.emplace_back(model, std::move(scores));
    }
    const auto expected = eqb::judgemark_compute("claude-3-opus-20240229", prompt_scores, *table);
    ASSERT_TRUE(expected) << expected.err().message;
    EXPECT_EQ(line_number(out.out, "Judgemark Score"), eqb::python_round(expected->judgemark, 2)) << out.out;
    EXPECT_EQ(line_number(out.out, "Mean Score"), eqb::python_round(expected->mean, 2)) << out.out;
    EXPECT_EQ(line_number(out.out, "Std. Dev."), eqb::python_round(expected->sd, 2)) << out.out;
    for (const auto& m : eqb::judgemark_metrics(*expected)) {
        EXPECT_NE(out.out.find("\n" + m.name + " "), std::string::npos) << m.name;
    }
    const auto raw = nlohmann::json::parse(eqb::test::read_file(results / "raw_results.json"));
    ASSERT_TRUE(raw.contains("1--judgemark--claude-3-opus-20240229"));
    EXPECT_EQ(raw["1--judgemark--claude-3-opus-20240229"]["judgemark_results"]["model_scores"].size(), 19u);
    EXPECT_TRUE(fs::exists(results / "judgemark-1-claude-3-opus-20240229-scores.svg"));
    EXPECT_NE(eqb::test::read_file(results / "judgemark-1-claude-3-opus-20240229-bias.svg").find("<svg"),
              std::string::npos);

    const auto again = eqb::test::eqbench_run(args, dir.path());
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(server.request_count(), 360u);
    EXPECT_EQ(line_number(again.out, "Judgemark Score"), eqb::python_round(expected->judgemark, 2));
}

}  // namespace

namespace {

// A thinking writer and a thinking judge: the judge sees only the piece (never
// the writer's thought), the judge's own thought (decoy scores, every digit
// changed) is not read as its scores, and the score is the reference
// arithmetic on the judge's answers.
TEST(creative_writing_run, a_thinking_writer_and_judge_are_scored_on_their_answers) {
    EQB_SKIP_UNLESS_DATA("creative_writing_prompts_v2.2.json");
    eqb::test::temp_dir dir;
    fake_server_config config;
    config.thought = eqb::test::fake_thought::INLINE;
    config.thought_tokens = 200;
    auto server = start(config);
    const auto out = eqb::test::eqbench_run(
        cw_args(*server, dir.path() / "results", {"--reasoning-budget", "1024", "--judge-reasoning-budget", "1024"}),
        dir.path(), {{"OPENAI_API_KEY", ""}});
    ASSERT_EQ(out.exit_code, 0) << out.out << out.err;
    EXPECT_EQ(line_number(out.out, "Creative Writing Score"), 73.33) << out.out;
    EXPECT_NE(out.out.find("Truncated in reasoning: 0"), std::string::npos) << out.out;
    for (const auto& r : server->requests()) {
        if (is_judge(r)) {
            EXPECT_EQ(r.prompt.find("Let me think about this"), std::string::npos);
            EXPECT_EQ(r.prompt.find("<think>"), std::string::npos);
            EXPECT_EQ(r.max_tokens, 3000 + 1024);
        }
    }
    const auto raw = nlohmann::json::parse(eqb::test::read_file(dir.path() / "results" / "raw_results.json"));
    const auto& it = raw.begin().value()["iterations"]["1"];
    for (const auto& [id, piece] : it["test_model_response"].items()) {
        EXPECT_EQ(piece.get<std::string>().rfind("Chapter one. ", 0), 0U) << id;
    }
    for (const auto& [id, answers] : it["judge_model_response"].items()) {
        // As the reference keeps a judge's answer: stripped.
        EXPECT_EQ(answers[0].get<std::string>(), eqb::python_strip(judge_answer)) << id;
    }
}

}  // namespace
