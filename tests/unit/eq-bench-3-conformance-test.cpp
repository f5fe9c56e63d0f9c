// Replays the reference's EQ-Bench 3 run (../shared/conformance/eqbench3:
// requests.jsonl.gz holds every request the reference sent, in order, with the
// answer it got; expected.json what it recorded after each step). Step by step,
// from the logged answers only, the builders must produce every logged
// request's messages byte for byte (turns with their history, debriefs, rubric
// prompts, pairwise prompts rebuilt from both models' transcripts), and the
// parsed rubric scores, task statuses and rubric scores must equal the
// reference's.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>

#include "bench/eq-bench-3/answers.hpp"
#include "bench/eq-bench-3/pairwise.hpp"
#include "bench/eq-bench-3/requests.hpp"
#include "bench/eq-bench-3/rubric.hpp"
#include "bench/eq-bench-3/scenarios.hpp"
#include "data/gzip.hpp"
#include "tests/support/test-support.hpp"

namespace {

namespace eq3 = eqb::eq3;
using ojson = nlohmann::ordered_json;

constexpr std::size_t logged_request_total = 1666;
constexpr int analysis_first_id = 400;  // the reference downscales pairs of ids >= 400 to 1-0 / 0-1 / 0-0

std::filesystem::path conformance_dir() {
    return eqb::test::shared_dir() / "conformance" / "eqbench3";
}

std::filesystem::path eq3_data_dir() {
    return eqb::test::data_dir() / "eqbench3";
}

struct logged_request {
    int n = 0;
    int step = 0;
    std::string kind;
    std::string model;
    double temperature = 0.0;
    int max_tokens = 0;
    std::optional<double> min_p;
    std::vector<std::string> keys;
    std::vector<eq3::message> messages;
    std::string answer;
};

std::vector<logged_request> requests_read(const std::filesystem::path& path) {
    auto text = eqb::gzip_file_read(path);
    if (!text) {
        throw std::runtime_error(text.err().message);
    }
    std::vector<logged_request> out;
    std::size_t start = 0;
    while (start < text->size()) {
        std::size_t end = text->find('\n', start);
        if (end == std::string::npos) {
            end = text->size();
        }
        if (end > start) {
            const auto j = nlohmann::json::parse(text->substr(start, end - start));
            logged_request r;
            r.n = j["n"].get<int>();
            r.step = j["step"].get<int>();
            r.kind = j["kind"].get<std::string>();
            r.model = j["model"].get<std::string>();
            r.temperature = j["temperature"].get<double>();
            r.max_tokens = j["max_tokens"].get<int>();
            if (!j["min_p"].is_null()) {
                r.min_p = j["min_p"].get<double>();
            }
            r.keys = j["request_keys"].get<std::vector<std::string>>();
            for (const auto& m : j["messages"]) {
                r.messages.push_back({m["role"].get<std::string>(), m["content"].get<std::string>()});
            }
            r.answer = j["answer"].get<std::string>();
            out.push_back(std::move(r));
        }
        start = end + 1;
    }
    return out;
}

// Where two message lists first differ, for a readable failure.
std::string messages_diff(const std::vector<eq3::message>& want, const std::vector<eq3::message>& got) {
    if (want.size() != got.size()) {
        return "message count " + std::to_string(got.size()) + ", logged " + std::to_string(want.size());
    }
    for (std::size_t i = 0; i < want.size(); ++i) {
        if (want[i].role != got[i].role) {
            return "message " + std::to_string(i) + " role " + got[i].role + ", logged " + want[i].role;
        }
        const auto& a = want[i].content;
        const auto& b = got[i].content;
        if (a != b) {
            std::size_t k = 0;
            while (k < a.size() && k < b.size() && a[k] == b[k]) {
                ++k;
            }
            const std::size_t from = k < 80 ? 0 : k - 80;
            return "message " + std::to_string(i) + " differs at byte " + std::to_string(k) +
                   "\n  logged: " + a.substr(from, 200) + "\n  built:  " + b.substr(from, 200);
        }
    }
    return {};
}

struct task_state {
    eq3::transcript t;
    std::string status;
    std::optional<eq3::rubric_scores> scores;
};

class eq3_replay : public ::testing::Test {
  protected:
    void SetUp() override {
        for (const auto& p : {conformance_dir() / "requests.jsonl.gz", conformance_dir() / "expected.json",
                              eq3_data_dir() / "scenario_prompts.txt"}) {
            if (!std::filesystem::exists(p)) {
                GTEST_SKIP() << "needs " << p;
            }
        }
        auto loaded = eq3::benchmark_data_load(eq3_data_dir());
        ASSERT_TRUE(loaded.ok()) << loaded.err().message;
        data_ = std::move(*loaded);
        requests_ = requests_read(conformance_dir() / "requests.jsonl.gz");
        expected_ = ojson::parse(eqb::test::read_file(conformance_dir() / "expected.json"));
    }

    // The next logged request, checked for step, kind, model and sampling; nullptr on a mismatch.
    const logged_request* take(int step, const std::string& kind, const std::string& model,
                               const eq3::sampling& sampling) {
        if (cursor_ >= requests_.size()) {
            ADD_FAILURE() << "the log has no request left for step " << step << " " << kind;
            return nullptr;
        }
        const logged_request& r = requests_[cursor_++];
        EXPECT_EQ(r.step, step) << "request " << r.n;
        EXPECT_EQ(r.kind, kind) << "request " << r.n;
        EXPECT_EQ(r.model, model) << "request " << r.n;
        EXPECT_EQ(r.temperature, sampling.temperature) << "request " << r.n;
        EXPECT_EQ(r.max_tokens, sampling.max_tokens) << "request " << r.n;
        EXPECT_EQ(r.min_p, sampling.min_p) << "request " << r.n;
        std::vector<std::string> keys;
        for (const char* k : eq3::request_body_key_order) {
            if (std::string_view(k) != "min_p" || sampling.min_p) {
                keys.emplace_back(k);
            }
        }
        std::sort(keys.begin(), keys.end());
        EXPECT_EQ(r.keys, keys) << "request " << r.n;
        if (r.step != step || r.kind != kind || r.model != model) {
            return nullptr;
        }
        return &r;
    }

    void expect_messages(const logged_request& r, const std::vector<eq3::message>& built, const std::string& what) {
        const std::string diff = messages_diff(r.messages, built);
        if (diff.empty()) {
            ++matched_;
        } else {
            ADD_FAILURE() << "request " << r.n << " (step " << r.step << ", " << r.kind << ", " << what
                          << "): " << diff;
        }
    }

    static std::string turn_kind(eq3::scenario_type type) {
        switch (type) {
            case eq3::scenario_type::ANALYSIS:
                return "analysis";
            case eq3::scenario_type::MESSAGE_DRAFTING:
                return "drafting";
            default:
                return "roleplay";
        }
    }

    void replay_model_step(int step, const std::string& model, const ojson& expected_step) {
        auto& tasks = runs_[model];
        const auto& scenarios = data_.scenarios.scenarios;
        // Scenario turns, one task after another (the reference ran with one thread).
        for (const auto& s : scenarios) {
            auto& t = tasks[s.id].t;
            for (std::size_t turn = 0; turn < s.prompts.size(); ++turn) {
                const auto* r = take(step, turn_kind(s.type), model, eq3::turn_sampling());
                ASSERT_NE(r, nullptr);
                auto built = eq3::turn_messages(s, turn, t.history, data_.files);
                ASSERT_TRUE(built.ok()) << built.err().message;
                expect_messages(*r, *built, "scenario " + s.id + " turn " + std::to_string(turn + 1));
                t.history = std::move(*built);
                t.history.push_back({"assistant", eq3::answer_stored(r->answer)});
            }
            tasks[s.id].status = s.type == eq3::scenario_type::ANALYSIS ? "scenario_completed" : "scenario_run";
        }
        // Debriefs.
        for (const auto& s : scenarios) {
            if (!eq3::scenario_type_has_debrief(s.type)) {
                continue;
            }
            auto& task = tasks[s.id];
            const auto* r = take(step, "debrief", model, eq3::debrief_sampling());
            ASSERT_NE(r, nullptr);
            expect_messages(*r, eq3::debrief_messages(task.t.history, data_.files), "debrief " + s.id);
            task.t.debrief = eq3::debrief_stored(r->answer);
            task.status = "completed";
        }
        // Rubric scoring of the tasks with an answer long enough.
        std::vector<std::optional<double>> scored;
        std::map<std::string, int> status_counts;
        for (const auto& s : scenarios) {
            auto& task = tasks[s.id];
            SCOPED_TRACE("step " + std::to_string(step) + " scenario " + s.id);
            if (eq3::transcript_judgeable(task.t.history)) {
                const bool analysis = s.type == eq3::scenario_type::ANALYSIS;
                const auto* r =
                    take(step, analysis ? "rubric_analysis" : "rubric", "fake-judge", eq3::judge_sampling());
                ASSERT_NE(r, nullptr);
                auto prompt = eq3::rubric_prompt(s, task.t, data_.files);
                ASSERT_TRUE(prompt.ok()) << prompt.err().message;
                expect_messages(*r, eq3::judge_messages(*prompt), "rubric " + s.id);
                auto scores = eq3::rubric_answer_parse(eq3::answer_stored(r->answer));
                if (scores) {
                    task.status = "rubric_scored";
                    task.scores = *scores;
                    scored.push_back(eq3::rubric_task_score(*scores, s.type, data_.files));
                } else {
                    task.status = "error";
                }
            }
            ++status_counts[task.status];
            const auto& want = expected_step["tasks"][s.id];
            EXPECT_EQ(task.status, want["status"].get<std::string>());
            if (want["rubric_scores"].is_null()) {
                EXPECT_FALSE(task.scores.has_value());
                continue;
            }
            ASSERT_TRUE(task.scores.has_value());
            ASSERT_EQ(task.scores->size(), want["rubric_scores"].size());
            std::size_t k = 0;
            for (const auto& [name, value] : want["rubric_scores"].items()) {
                EXPECT_EQ((*task.scores)[k].criterion, name);
                EXPECT_EQ((*task.scores)[k].value, value.get<double>()) << name;
                ++k;
            }
            ++tasks_checked_;
        }
        EXPECT_EQ(expected_step["tasks"].size(), scenarios.size());
        std::map<std::string, int> want_counts;
        for (const auto& [status, count] : expected_step["task_status"].items()) {
            want_counts[status] = count.get<int>();
        }
        EXPECT_EQ(status_counts, want_counts);
        const auto summary = eq3::rubric_run_score(scored);
        ASSERT_TRUE(summary.score_0_20.has_value()) << summary.error;
        EXPECT_EQ(*summary.score_0_20, expected_step["rubric_0_20"].get<double>());
        EXPECT_EQ(*summary.score_0_100, expected_step["rubric_0_100"].get<double>());
        ++scores_checked_;
    }

    // Plus signs for A0493 and A0488, counted independently of the library's
    // callers: in each string value but the reasoning, '+' signs count for A0493
    // if "A0493" occurs in it, else for A0488 if "A0488" does.
    static std::pair<int, int> plus_counts(const std::vector<eq3::pairwise_member>& members) {
        int a = 0;
        int b = 0;
        for (const auto& m : members) {
            if (m.key == "chain_of_thought_reasoning" || !m.text) {
                continue;
            }
            const int plus = static_cast<int>(std::count(m.text->begin(), m.text->end(), '+'));
            if (m.text->find("A0493") != std::string::npos) {
                a += plus;
            } else if (m.text->find("A0488") != std::string::npos) {
                b += plus;
            }
        }
        return {a, b};
    }

    void replay_pairwise_step(int step, const ojson& expected_step) {
        for (const auto& c : expected_step["comparisons"]) {
            const auto sid = c[0].get<std::string>();
            const auto test = c[1].get<std::string>();
            const auto other = c[2].get<std::string>();
            const auto direction = c[4].get<std::string>();
            SCOPED_TRACE("step " + std::to_string(step) + " pair " + sid + " " + test + " vs " + other + " " +
                         direction);
            const auto* s = data_.scenarios.find(sid);
            ASSERT_NE(s, nullptr);
            const bool analysis = s->type == eq3::scenario_type::ANALYSIS;
            const auto* r =
                take(step, analysis ? "pairwise_analysis" : "pairwise", "fake-judge", eq3::judge_sampling());
            ASSERT_NE(r, nullptr);
            ASSERT_TRUE(runs_.count(test) && runs_[test].count(sid));
            ASSERT_TRUE(runs_.count(other) && runs_[other].count(sid));
            const auto order =
                direction == "forward" ? eq3::pairwise_order::TEST_FIRST : eq3::pairwise_order::TEST_SECOND;
            EXPECT_EQ(eq3::pairwise_order_name(order), direction);
            const auto prompt = eq3::pairwise_prompt(*s, runs_[test][sid].t, runs_[other][sid].t, order, data_.files);
            expect_messages(*r, eq3::judge_messages(prompt), "pairwise " + sid);
            const auto members = eq3::pairwise_answer_read(eq3::answer_stored(r->answer));
            const bool want_error = c.size() == 6 && c[5].is_string() && c[5].get<std::string>() == "error";
            EXPECT_EQ(!members.ok(), want_error);
            if (!members.ok() || want_error) {
                continue;
            }
            const auto [a, b] = plus_counts(*members);
            int plus_test = order == eq3::pairwise_order::TEST_FIRST ? a : b;
            int plus_other = order == eq3::pairwise_order::TEST_FIRST ? b : a;
            if (std::stoi(sid) >= analysis_first_id) {
                const int t = plus_test;
                const int o = plus_other;
                plus_test = t > o ? 1 : 0;
                plus_other = o > t ? 1 : 0;
            }
            EXPECT_EQ(plus_test, c[5].get<int>());
            EXPECT_EQ(plus_other, c[6].get<int>());
            ++comparisons_checked_;
        }
    }

    eq3::benchmark_data data_;
    std::vector<logged_request> requests_;
    ojson expected_;
    std::size_t cursor_ = 0;
    std::size_t matched_ = 0;
    std::size_t tasks_checked_ = 0;
    std::size_t scores_checked_ = 0;
    std::size_t comparisons_checked_ = 0;
    std::map<std::string, std::map<std::string, task_state>> runs_;  // model -> scenario -> task
};

TEST_F(eq3_replay, every_logged_request_is_rebuilt_and_every_score_matches) {
    ASSERT_EQ(requests_.size(), logged_request_total);
    ASSERT_EQ(data_.scenarios.scenarios.size(), 45u);
    for (const auto& step : expected_["sequence"]) {
        const int n = step["step"].get<int>();
        replay_model_step(n, step["model"].get<std::string>(), step);
        if (HasFatalFailure()) {
            return;
        }
        replay_pairwise_step(n, step);
        if (HasFatalFailure()) {
            return;
        }
        // Nothing of this step is left unexplained.
        if (cursor_ < requests_.size()) {
            EXPECT_GT(requests_[cursor_].step, n) << "request " << requests_[cursor_].n << " was not rebuilt";
        }
    }
    EXPECT_EQ(cursor_, logged_request_total);
    EXPECT_EQ(matched_, logged_request_total);
    std::size_t scored_tasks = 0;
    std::size_t comparisons = 0;
    for (const auto& step : expected_["sequence"]) {
        scored_tasks += step["task_status"].value("rubric_scored", 0u);
        comparisons += step["comparisons"].size() - step["comparison_errors"].get<std::size_t>();
    }
    EXPECT_EQ(tasks_checked_, scored_tasks);
    EXPECT_EQ(comparisons_checked_, comparisons);
    EXPECT_EQ(scores_checked_, 5u);
}

}  // namespace
