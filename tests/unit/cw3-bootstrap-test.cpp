// Creative Writing v3's rubric score and bootstrap interval against the
// reference's own function run after random.seed(0) on the recorded pieces
// (../shared/conformance/creative-writing-v3: expected.json steps[].bootstrap.seed0
// and rubric; the pieces' judge answers from requests.jsonl.gz). The judge
// answers are read here with the reference's two patterns
// (core/scoring.py parse_judge_scores_creative) as test scaffolding.

#include <gtest/gtest.h>
#include <re2/re2.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/python-float.hpp"
#include "core/python-str.hpp"
#include "core/text.hpp"
#include "core/unicode.hpp"
#include "data/gzip.hpp"
#include "scoring/cw3-bootstrap.hpp"
#include "tests/support/test-support.hpp"

namespace {

using ojson = nlohmann::ordered_json;

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty()) {
            out.push_back(line);
        }
    }
    return out;
}

std::string between(const std::string& text, const std::string& open, const std::string& close) {
    const auto a = text.find(open);
    const auto b = text.find(close, a == std::string::npos ? 0 : a + open.size());
    if (a == std::string::npos || b == std::string::npos) {
        return {};
    }
    return text.substr(a + open.size(), b - a - open.size());
}

// parse_judge_scores_creative: pattern-1 matches in text order, then pattern-2;
// a name seen again keeps its place and takes the later value; values over 20 dropped.
std::vector<std::pair<std::string, double>> judge_scores(const std::string& answer) {
    std::vector<std::pair<std::string, double>> out;
    for (const char* pattern : {R"((.*?):\s*(?:Score\s+)?(-?\d+(?:\.\d+)?))", R"((.*?):\s*\[(-?\d+(?:\.\d+)?)\])"}) {
        const auto translated = eqb::python_regex_to_re2(pattern);
        EXPECT_TRUE(translated.ok());
        const RE2 re(*translated);
        EXPECT_TRUE(re.ok()) << re.error();
        re2::StringPiece input(answer);
        std::string name;
        std::string number;
        while (RE2::FindAndConsume(&input, re, &name, &number)) {
            const auto value = eqb::python_float(number);
            if (!value || *value > eqb::cw3_score_max) {
                continue;
            }
            const auto metric = eqb::python_strip(name);
            const auto it = std::find_if(out.begin(), out.end(), [&](const auto& p) { return p.first == metric; });
            if (it != out.end()) {
                it->second = *value;
            } else {
                out.emplace_back(metric, *value);
            }
        }
    }
    return out;
}

struct step_tasks {
    std::string model;
    std::vector<std::vector<double>> tasks;  // scored tasks, iteration by iteration in prompt-file order
};

class cw3_bootstrap_conformance : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        const auto dir = eqb::test::shared_dir() / "conformance" / "creative-writing-v3";
        const auto data = eqb::test::data_dir() / "creative-writing-v3";
        for (const auto& p : {dir / "expected.json", dir / "requests.jsonl.gz",
                              data / "creative_writing_prompts_v3.json", data / "negative_criteria.txt"}) {
            if (!std::filesystem::exists(p)) {
                return;
            }
        }
        auto requests = eqb::gzip_file_read(dir / "requests.jsonl.gz");
        if (!requests) {
            return;
        }
        expected_ = std::make_unique<ojson>(ojson::parse(eqb::test::read_file(dir / "expected.json")));
        const auto prompts = ojson::parse(eqb::test::read_file(data / "creative_writing_prompts_v3.json"));
        std::set<std::string> negative;
        for (const auto& line : lines_of(eqb::test::read_file(data / "negative_criteria.txt"))) {
            if (const auto name = eqb::python_strip(line); !name.empty()) {
                negative.insert(name);
            }
        }
        std::vector<std::string> prompt_ids;
        std::map<std::string, std::string> writing_prompt_id;           // base prompt (with <SEED>) -> id
        std::map<std::string, std::pair<std::string, int>> sent_piece;  // prompt as sent -> (id, iteration)
        for (const auto& [pid, p] : prompts.items()) {
            prompt_ids.push_back(pid);
            const auto base = p["writing_prompt"].get<std::string>();
            writing_prompt_id[base] = pid;
            const auto& seeds = p["seed_modifiers"];
            for (int i = 1; i <= 3; ++i) {
                sent_piece[eqb::text_replace_all(
                    base, "<SEED>", seeds[static_cast<std::size_t>(i - 1) % seeds.size()].get<std::string>())] = {pid,
                                                                                                                  i};
            }
        }
        // Walk the transcript: each step's writes, then its rubric judgements.
        std::map<std::pair<std::string, int>, std::string> piece_text;  // (id, iteration) -> last answer, as stored
        std::map<std::pair<std::string, int>, std::vector<double>> piece_scores;
        std::string step_model;
        std::string last_kind;
        const auto flush = [&]() {
            if (step_model.empty()) {
                return;
            }
            step_tasks s;
            s.model = step_model;
            for (int i = 1; i <= 3; ++i) {
                for (const auto& pid : prompt_ids) {
                    const auto it = piece_scores.find({pid, i});
                    if (it != piece_scores.end()) {
                        s.tasks.push_back(it->second);
                    }
                }
            }
            steps_.push_back(std::move(s));
            piece_text.clear();
            piece_scores.clear();
        };
        for (const auto& line : lines_of(*requests)) {
            const auto r = ojson::parse(line);
            const auto kind = r["kind"].get<std::string>();
            const auto content = r["messages"][0]["content"].get<std::string>();
            if (kind == "write") {
                if (last_kind != "write") {
                    flush();
                    step_model = r["model"].get<std::string>();
                }
                std::string answer = r["answer"].get<std::string>();
                if (answer.find("<think>") != std::string::npos && answer.find("</think>") != std::string::npos) {
                    answer = answer.substr(answer.find("</think>") + 8);
                }
                piece_text[sent_piece.at(content)] = eqb::python_strip(answer);
            } else if (kind == "rubric") {
                const auto pid = writing_prompt_id.at(between(content, "[PROMPT START]\n\n", "\n\n[PROMPT END]"));
                const auto response = between(content, "[TEST MODEL RESPONSE]\n\n", "\n\n[TEST MODEL RESPONSE END]");
                int iteration = 0;
                for (int i = 1; i <= 3; ++i) {
                    const auto it = piece_text.find({pid, i});
                    if (it != piece_text.end() && it->second == response) {
                        iteration = i;
                    }
                }
                EXPECT_NE(iteration, 0) << "a rubric request for no piece of prompt " << pid;
                std::vector<double> values;
                for (const auto& [metric, value] : judge_scores(r["answer"].get<std::string>())) {
                    values.push_back(negative.count(metric) != 0 ? 20.0 - value : value);
                }
                std::vector<double> pieces;
                if (const auto score = eqb::cw3_piece_score(values)) {
                    pieces.push_back(*score);
                }
                if (!values.empty()) {
                    piece_scores[{pid, iteration}] = pieces;
                }
            }
            last_kind = kind;
        }
        flush();
    }
    static void TearDownTestSuite() {
        expected_.reset();
        steps_.clear();
    }
    void SetUp() override {
        if (!expected_) {
            GTEST_SKIP() << "needs ../shared/conformance/creative-writing-v3 and ../shared/data/creative-writing-v3";
        }
    }
    static std::unique_ptr<ojson> expected_;
    static std::vector<step_tasks> steps_;
};

std::unique_ptr<ojson> cw3_bootstrap_conformance::expected_;
std::vector<step_tasks> cw3_bootstrap_conformance::steps_;

TEST_F(cw3_bootstrap_conformance, rubric_scores_of_every_step) {
    const auto& steps = (*expected_)["steps"];
    ASSERT_EQ(steps_.size(), steps.size());
    for (std::size_t k = 0; k < steps.size(); ++k) {
        SCOPED_TRACE(steps_[k].model);
        EXPECT_EQ(steps_[k].model, steps[k]["model"].get<std::string>());
        EXPECT_EQ(steps_[k].tasks.size(), steps[k]["pieces"]["scored"].get<std::size_t>());
        const double score = eqb::cw3_creative_score(steps_[k].tasks);
        EXPECT_EQ(eqb::python_round(score, 2), steps[k]["rubric"]["creative_score_0_20"].get<double>());
        EXPECT_EQ(eqb::python_round(score * 5.0, 2), steps[k]["rubric"]["eqbench_creative_score"].get<double>());
    }
}

TEST_F(cw3_bootstrap_conformance, bootstrap_after_random_seed_0) {
    const auto& steps = (*expected_)["steps"];
    ASSERT_EQ(steps_.size(), steps.size());
    for (std::size_t k = 0; k < steps.size(); ++k) {
        SCOPED_TRACE(steps_[k].model);
        const auto& want = steps[k]["bootstrap"]["seed0"];
        const auto got = eqb::cw3_bootstrap_interval(steps_[k].tasks, 0);
        ASSERT_TRUE(got.has_value());
        EXPECT_EQ(got->original, want["original"].get<double>());
        EXPECT_EQ(got->bootstrap_mean, want["bootstrap_mean"].get<double>());
        EXPECT_EQ(got->bootstrap_std, want["bootstrap_std"].get<double>());
        EXPECT_EQ(got->bootstrap_std, want["standard_error"].get<double>());
        EXPECT_EQ(got->ci_lower, want["ci_lower"].get<double>());
        EXPECT_EQ(got->ci_upper, want["ci_upper"].get<double>());
        EXPECT_EQ(got->confidence_level, want["confidence_level"].get<double>());
        EXPECT_EQ(got->n_bootstrap, want["n_bootstrap"].get<std::size_t>());
    }
}

// numpy's summation order itself is checked through bootstrap_mean and
// bootstrap_std above; here only that it is not the plain loop.
TEST(cw3_bootstrap, numpy_sum_is_pairwise_not_left_to_right) {
    const std::vector<double> few = {0.1, 0.2, 0.3};  // under 8 values: the plain loop
    EXPECT_EQ(eqb::numpy_sum(few), (0.1 + 0.2) + 0.3);
    // 200 x 0.1 added left to right is 20.000000000000014 (CPython's loop).
    const std::vector<double> tenths(200, 0.1);
    EXPECT_NE(eqb::numpy_sum(tenths), 20.000000000000014);
    EXPECT_FALSE(eqb::cw3_bootstrap_interval(std::vector<std::vector<double>>{}).has_value());
    EXPECT_FALSE(eqb::cw3_piece_score(std::vector<double>{21.0, 25.0}).has_value());
    EXPECT_EQ(*eqb::cw3_piece_score(std::vector<double>{10.0, 25.0, 14.0}), 12.0);
}

}  // namespace
