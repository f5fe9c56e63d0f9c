// Creative Writing v3 end to end against the fake server replaying the
// reference's own run (../shared/conformance/creative-writing-v3): the eight
// models of expected.json, one `eqbench run --benchmarks creative-writing-v3`
// after another into one results directory, send exactly the requests the
// reference sent (every body found in the log by its replay key, each key as
// often as the reference sent it) and give the reference's rubric score,
// seeded bootstrap interval and Elo entries of every model after every step.
// A run killed with SIGKILL in its Elo stage resumes to the same numbers
// without sending a stored request again, and once finished asks nothing more.

#include <gtest/gtest.h>
#include <signal.h>
#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <regex>
#include <sstream>
#include <thread>

#include "data/gzip.hpp"
#include "store/store.hpp"
#include "tests/fake-server/fake-server.hpp"
#include "tests/support/process.hpp"
#include "tests/support/request-replay.hpp"
#include "tests/support/test-support.hpp"

namespace {

namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;
using eqb::test::fake_request;
using eqb::test::fake_server;
using eqb::test::fake_server_config;

constexpr double percent_scale = 5.0;
constexpr double run_timeout_s = 600.0;

fs::path conformance_dir() {
    return eqb::test::shared_dir() / "conformance" / "creative-writing-v3";
}

// The log, the expected numbers, and each key's kind and logged count.
struct corpus {
    std::unique_ptr<eqb::test::request_replay> replay;
    ojson expected;
    std::map<std::string, std::string> kind_of;  // key -> write / rubric / pairwise
    std::map<std::string, int> logged;           // key -> requests the reference sent
};

const corpus& shared_corpus() {
    static const corpus c = [] {
        corpus out;
        out.replay = std::make_unique<eqb::test::request_replay>(conformance_dir() / "requests.jsonl.gz");
        out.expected = ojson::parse(eqb::test::read_file(conformance_dir() / "expected.json"));
        for (const auto& line : out.replay->lines()) {
            const auto key = line["key"].get<std::string>();
            out.kind_of[key] = line["kind"].get<std::string>();
            ++out.logged[key];
        }
        return out;
    }();
    return c;
}

// A replaying server; every request is recorded by the fake server itself.
struct replay_server {
    eqb::test::request_replay replay;
    std::unique_ptr<fake_server> server;

    replay_server() : replay(conformance_dir() / "requests.jsonl.gz") {
        fake_server_config config;
        config.responder = [this](const fake_request& r) { return replay.answer(r.body).value_or(""); };
        server = std::make_unique<fake_server>(std::move(config));
        if (!server->start()) {
            throw std::runtime_error("the fake server did not start");
        }
    }
};

std::vector<std::string> cw3_args(const fake_server& server, const fs::path& results, const std::string& model,
                                  const std::string& judge, const std::string& concurrency = "4") {
    return {"run",
            "--model",
            model,
            "--base-url",
            server.base_url() + "/v1",
            "--benchmarks",
            "creative-writing-v3",
            "--judge-model",
            judge,
            "--judge-engine",
            "openai",
            "--judge-base-url",
            server.base_url() + "/v1",
            "--iterations",
            "3",
            "--run-id",
            "cw3oracle",
            "--concurrency",
            concurrency,
            "--results-dir",
            results.string(),
            "--data-dir",
            eqb::test::data_dir().string()};
}

std::string fmt_2(double x) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2f", x);
    return buf;
}

std::string fmt_interval(double lo, double hi) {
    return fmt_2(lo) + " - " + fmt_2(hi);
}

double line_number(const std::string& out, const std::string& label) {
    std::smatch m;
    if (!std::regex_search(out, m, std::regex(label + R"(: ([0-9.\-]+))"))) {
        return -1e9;
    }
    return std::stod(m[1]);
}

// The keys of requests [from, to) the server received, counted.
std::map<std::string, int> keys_between(const fake_server& server, std::size_t from, std::size_t to) {
    std::map<std::string, int> out;
    const auto all = server.requests();
    for (std::size_t i = from; i < std::min(to, all.size()); ++i) {
        ++out[eqb::test::request_replay::key_of(nlohmann::json::parse(all[i].body))];
    }
    return out;
}

std::map<std::string, int> by_kind(const std::map<std::string, int>& keys) {
    std::map<std::string, int> out;
    for (const auto& [key, n] : keys) {
        const auto found = shared_corpus().kind_of.find(key);
        out[found == shared_corpus().kind_of.end() ? "unknown" : found->second] += n;
    }
    return out;
}

void expect_entry(const ojson& got, const ojson& want, const std::string& model) {
    SCOPED_TRACE(model);
    for (const char* key : {"elo", "elo_norm", "sigma", "ci_low", "ci_high", "ci_low_norm", "ci_high_norm"}) {
        if (want.contains(key)) {
            ASSERT_TRUE(got.contains(key)) << key;
            EXPECT_EQ(got[key].get<double>(), want[key].get<double>()) << key;
        } else {
            EXPECT_FALSE(got.contains(key)) << key;
        }
    }
}

// The numbers of one step: closing block, runs file and elo_results.json.
void expect_step(const ojson& step, const std::string& out, const fs::path& results) {
    const auto model = step["model"].get<std::string>();
    const auto& rubric = step["rubric"];
    const auto& seed0 = step["bootstrap"]["seed0"];
    EXPECT_EQ(line_number(out, "Rubric score"), rubric["eqbench_creative_score"].get<double>()) << out;
    EXPECT_EQ(line_number(out, R"(Rubric score \(0-20\))"), rubric["creative_score_0_20"].get<double>());
    const std::string interval =
        fmt_interval(seed0["ci_lower"].get<double>() * percent_scale, seed0["ci_upper"].get<double>() * percent_scale);
    EXPECT_NE(out.find("Rubric score: " + fmt_2(rubric["eqbench_creative_score"].get<double>()) + " (95% CI " +
                       interval + ")"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("Elo (normalised): " + fmt_2(step["elo"]["elo_norm"].get<double>())), std::string::npos) << out;

    const auto runs = ojson::parse(eqb::test::read_file(results / "creative_bench_runs.json"));
    std::string key;
    for (const auto& [k, v] : runs.items()) {
        if (v["test_model"] == model) {
            key = k;
        }
    }
    ASSERT_FALSE(key.empty()) << model;
    const auto& bench = runs[key]["results"]["benchmark_results"];
    EXPECT_EQ(bench["creative_score_0_20"].get<double>(), rubric["creative_score_0_20"].get<double>());
    EXPECT_EQ(bench["eqbench_creative_score"].get<double>(), rubric["eqbench_creative_score"].get<double>());
    for (const char* field : {"ci_lower", "ci_upper", "original", "n_bootstrap"}) {
        EXPECT_EQ(bench["bootstrap_analysis"][field].get<double>(), seed0[field].get<double>()) << field;
    }
    EXPECT_NEAR(bench["bootstrap_analysis"]["bootstrap_mean"].get<double>(), seed0["bootstrap_mean"].get<double>(),
                1e-9);
    EXPECT_EQ(bench["elo_normalized"].get<double>(), step["elo"]["elo_norm"].get<double>());

    const auto elo = ojson::parse(eqb::test::read_file(results / "elo_results.json"));
    for (const auto& [name, want] : step["ladder_after"].items()) {
        ASSERT_TRUE(elo.contains(name)) << name;
        expect_entry(elo[name], want, name);
        EXPECT_EQ(elo[name]["creative_writing_rubric_score_agg"].get<double>(),
                  want["creative_writing_rubric_score_agg"].get<double>())
            << name;
    }
    expect_entry(elo[model], step["elo"], model);
    if (!step["stored_comparisons_after_dedup"].is_null()) {
        EXPECT_EQ(elo[model]["elo_analysis"]["pairwise_comparisons"].size(),
                  step["stored_comparisons_after_dedup"].get<std::size_t>());
    }
}

class cw3_run : public ::testing::Test {
  protected:
    void SetUp() override {
        for (const auto& p : {conformance_dir() / "requests.jsonl.gz", conformance_dir() / "expected.json",
                              eqb::test::data_dir() / "creative-writing-v3" / "creative_writing_prompts_v3.json"}) {
            if (!fs::exists(p)) {
                GTEST_SKIP() << "needs " << p;
            }
        }
    }
};

TEST_F(cw3_run, eight_models_one_after_another_send_the_references_requests_and_get_its_numbers) {
    const corpus& c = shared_corpus();
    replay_server replay;
    eqb::test::temp_dir dir;
    const fs::path results = dir.path() / "results";
    const auto judge = c.expected["settings"]["judge_model"].get<std::string>();
    std::map<std::string, int> sent;
    for (const auto& step : c.expected["steps"]) {
        const auto model = step["model"].get<std::string>();
        SCOPED_TRACE("step " + std::to_string(step["step"].get<int>()) + " " + model);
        const std::size_t before = replay.server->request_count();
        const auto out = eqb::test::eqbench_run(cw3_args(*replay.server, results, model, judge), dir.path(),
                                                {{"OPENAI_API_KEY", ""}}, run_timeout_s);
        ASSERT_EQ(out.exit_code, 0) << out.out << out.err;
        const auto keys = keys_between(*replay.server, before, replay.server->request_count());
        const auto kinds = by_kind(keys);
        const auto& want = step["requests"];
        EXPECT_EQ(kinds.count("unknown"), 0U);
        EXPECT_EQ(kinds.count("write") ? kinds.at("write") : 0, want["write"].get<int>());
        EXPECT_EQ(kinds.count("rubric") ? kinds.at("rubric") : 0, want["rubric"].get<int>());
        EXPECT_EQ(kinds.count("pairwise") ? kinds.at("pairwise") : 0, want["pairwise"].get<int>());
        for (const auto& [k, n] : keys) {
            sent[k] += n;
        }
        expect_step(step, out.out, results);
        ASSERT_TRUE(replay.replay.misses().empty()) << replay.replay.misses().front().substr(0, 600);
        if (HasFailure()) {
            return;
        }
    }
    // Every logged request, exactly as often as the reference sent it.
    EXPECT_EQ(sent, c.logged);
    const auto elo = ojson::parse(eqb::test::read_file(results / "elo_results.json"));
    for (const auto& [name, want] : c.expected["final_ladder"].items()) {
        EXPECT_EQ(elo[name]["elo"].get<double>(), want["elo"].get<double>()) << name;
    }
    // Every model's stored comparisons are the reference's, in its order.
    const auto stored = eqb::gzip_file_read(conformance_dir() / "comparisons.jsonl.gz");
    ASSERT_TRUE(stored.ok());
    std::map<std::string, std::vector<ojson>> reference;
    std::istringstream lines(*stored);
    for (std::string line; std::getline(lines, line);) {
        if (!line.empty()) {
            auto r = ojson::parse(line);
            reference[r["test_model"].get<std::string>()].push_back(std::move(r));
        }
    }
    std::size_t compared = 0;
    for (const auto& [name, want] : reference) {
        SCOPED_TRACE(name);
        const auto& got = elo[name]["elo_analysis"]["pairwise_comparisons"];
        ASSERT_EQ(got.size(), want.size());
        for (std::size_t i = 0; i < want.size(); ++i) {
            const auto& g = got[i];
            const auto& w = want[i];
            EXPECT_EQ(g["item_id"], w["item_id"]) << i;
            EXPECT_EQ(g["pair"]["neighbor_model"], w["neighbor_model"]) << i;
            EXPECT_EQ(g["pair"]["test_model_iteration_id"], w["test_iter"]) << i;
            EXPECT_EQ(g["pair"]["neighbor_model_iteration_id"], w["neighbor_iter"]) << i;
            EXPECT_EQ(g.value("order", ""), w["order"].is_null() ? "" : w["order"].get<std::string>()) << i;
            EXPECT_EQ(g["plus_for_test"], w["plus_for_test"]) << i;
            EXPECT_EQ(g["plus_for_other"], w["plus_for_other"]) << i;
            EXPECT_EQ(g["outcome_for_test_model"].get<double>(), w["outcome_for_test_model"].get<double>()) << i;
            EXPECT_EQ(g["fraction_for_test"].get<double>(), w["fraction_for_test"].get<double>()) << i;
            EXPECT_EQ(g["item_length"], w["item_length"]) << i;
            EXPECT_EQ(g["creative_writing_rubric_scores"], w["rubric_scores"]) << i;
            ++compared;
        }
    }
    EXPECT_EQ(compared, 1937U);
}

// The keys of the exchanges stored in `results` (every attempt committed), counted.
std::map<std::string, int> stored_keys(const fs::path& results) {
    std::map<std::string, int> out;
    auto db = eqb::store::open(results);
    if (!db) {
        return out;
    }
    auto runs = (*db)->runs_list();
    if (!runs) {
        return out;
    }
    for (const auto& run : *runs) {
        auto exchanges = (*db)->exchanges_list(run.id);
        if (!exchanges) {
            continue;
        }
        for (const auto& ex : *exchanges) {
            ++out[eqb::test::request_replay::key_of(nlohmann::json::parse(ex.request_json))];
        }
    }
    return out;
}

TEST_F(cw3_run, a_run_killed_in_its_elo_stage_resumes_to_the_same_numbers_without_asking_again) {
    const corpus& c = shared_corpus();
    replay_server replay;
    eqb::test::temp_dir dir;
    const fs::path results = dir.path() / "results";
    const auto judge = c.expected["settings"]["judge_model"].get<std::string>();
    const auto& steps = c.expected["steps"];
    const auto first = eqb::test::eqbench_run(
        cw3_args(*replay.server, results, steps[0]["model"].get<std::string>(), judge), dir.path(), {}, run_timeout_s);
    ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
    const std::size_t after_first = replay.server->request_count();

    // Step 2 writes and judges 197 pieces' requests, then compares: kill it in the comparisons.
    const auto& step = steps[1];
    const auto model = step["model"].get<std::string>();
    const int pieces_requests = step["requests"]["write"].get<int>() + step["requests"]["rubric"].get<int>();
    const std::size_t kill_at = after_first + static_cast<std::size_t>(pieces_requests) + 60;
    {
        eqb::test::child_process child(eqb::test::eqbench_command(cw3_args(*replay.server, results, model, judge, "1")),
                                       {}, dir.path());
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(300);
        while (replay.server->request_count() < kill_at && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        child.signal(SIGKILL);
        const auto killed = child.wait(30.0);
        ASSERT_EQ(killed.exit_code, 128 + SIGKILL) << killed.out << killed.err;
    }
    const auto before_resume = stored_keys(results);
    const std::size_t resume_from = replay.server->request_count();
    const auto resumed =
        eqb::test::eqbench_run(cw3_args(*replay.server, results, model, judge), dir.path(), {}, run_timeout_s);
    ASSERT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
    expect_step(step, resumed.out, results);

    // What was stored before the kill plus what the resume sent is what the
    // reference sent in both steps: nothing stored was asked again.
    auto total = before_resume;
    for (const auto& [k, n] : keys_between(*replay.server, resume_from, replay.server->request_count())) {
        total[k] += n;
    }
    std::map<std::string, int> want;
    for (const auto& line : replay.replay.lines()) {
        if (line["n"].get<int>() <= static_cast<int>(after_first) + steps[1]["requests"]["write"].get<int>() +
                                        steps[1]["requests"]["rubric"].get<int>() +
                                        steps[1]["requests"]["pairwise"].get<int>()) {
            ++want[line["key"].get<std::string>()];
        }
    }
    EXPECT_EQ(total, want);
    EXPECT_GE(resume_from, kill_at);
    EXPECT_TRUE(replay.replay.misses().empty());

    // Once finished, the same command asks nothing and gives the same numbers.
    const std::size_t finished = replay.server->request_count();
    const auto again =
        eqb::test::eqbench_run(cw3_args(*replay.server, results, model, judge), dir.path(), {}, run_timeout_s);
    ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
    EXPECT_EQ(replay.server->request_count(), finished);
    expect_step(step, again.out, results);
}

}  // namespace
