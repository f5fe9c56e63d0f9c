// Golden cases for Creative Writing v3 (tests/golden/creative-writing-3, see its
// README): rubric answers parsed and scored, judge / pairwise / writing prompts
// filled, pairwise verdicts read. A new case is a new file.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cctype>

#include "bench/creative-writing-3/pairwise.hpp"
#include "bench/creative-writing-3/rubric.hpp"
#include "bench/creative-writing-3/writing.hpp"
#include "tests/support/test-support.hpp"

namespace {

using ojson = nlohmann::ordered_json;

std::filesystem::path golden_dir(const char* part) {
    return eqb::test::source_dir() / "tests" / "golden" / "creative-writing-3" / part;
}

std::vector<std::string> stems(const char* part, const char* ext) {
    std::vector<std::string> out;
    for (const auto& p : eqb::test::files_in(golden_dir(part), ext)) {
        out.push_back(p.stem().string());
    }
    return out;
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
    std::string name;
    for (const char c : info.param) {
        name += std::isalnum(static_cast<unsigned char>(c)) != 0 ? c : '_';
    }
    return name;
}

class rubric_golden : public ::testing::TestWithParam<std::string> {};

TEST_P(rubric_golden, parses_and_scores_as_python) {
    const auto spec = ojson::parse(eqb::test::read_file(golden_dir("rubric") / (GetParam() + ".json")));
    const auto answer = eqb::test::read_file(golden_dir("rubric") / (GetParam() + ".txt"));
    const auto scores = eqb::cw3_rubric_parse(answer);
    ASSERT_EQ(scores.size(), spec["scores"].size());
    for (std::size_t i = 0; i < scores.size(); ++i) {
        EXPECT_EQ(scores.items()[i].name, spec["scores"][i][0].get<std::string>()) << i;
        EXPECT_EQ(scores.items()[i].value, spec["scores"][i][1].get<double>()) << i;
    }
    const auto negative = spec["negative_criteria"].get<std::vector<std::string>>();
    const auto piece = eqb::cw3_piece_score(scores, negative);
    if (spec["piece_score"].is_null()) {
        EXPECT_FALSE(piece.has_value());
    } else {
        ASSERT_TRUE(piece.has_value());
        EXPECT_EQ(*piece, spec["piece_score"].get<double>());
    }
}

INSTANTIATE_TEST_SUITE_P(golden, rubric_golden, ::testing::ValuesIn(stems("rubric", ".json")), test_name);

class prompt_golden : public ::testing::TestWithParam<std::string> {};

TEST_P(prompt_golden, fills_as_python) {
    const auto spec = ojson::parse(eqb::test::read_file(golden_dir("prompts") / (GetParam() + ".json")));
    const auto kind = spec["kind"].get<std::string>();
    if (kind == "judge") {
        const auto filled =
            eqb::cw3_judge_prompt(spec["template"].get<std::string>(), spec["writing_prompt"].get<std::string>(),
                                  spec["piece"].get<std::string>(), spec["criteria"].get<std::vector<std::string>>(),
                                  spec["negative_criteria"].get<std::vector<std::string>>());
        if (spec.value("error", false)) {
            EXPECT_FALSE(filled.ok());
            return;
        }
        ASSERT_TRUE(filled.ok()) << filled.err().message;
        EXPECT_EQ(*filled, spec["expected"].get<std::string>());
    } else if (kind == "pairwise") {
        const auto messages =
            eqb::cw3_pairwise_prompts(spec["template"].get<std::string>(), spec["writing_prompt"].get<std::string>(),
                                      spec["test_piece"].get<std::string>(), spec["opponent_piece"].get<std::string>());
        EXPECT_EQ(messages.forward, spec["forward"].get<std::string>());
        EXPECT_EQ(messages.reversed, spec["reversed"].get<std::string>());
    } else {
        ASSERT_EQ(kind, "writing");
        eqb::cw3_prompt prompt;
        prompt.id = "1";
        prompt.writing_prompt = spec["writing_prompt"].get<std::string>();
        prompt.seed_modifiers = spec["seed_modifiers"].get<std::vector<std::string>>();
        for (const auto& c : spec["cases"]) {
            EXPECT_EQ(eqb::cw3_writing_prompt(prompt, c[0].get<int>()), c[1].get<std::string>()) << c[0];
        }
    }
}

INSTANTIATE_TEST_SUITE_P(golden, prompt_golden, ::testing::ValuesIn(stems("prompts", ".json")), test_name);

const char* kind_name(eqb::cw3_json_kind kind) {
    switch (kind) {
        case eqb::cw3_json_kind::STRING:
            return "string";
        case eqb::cw3_json_kind::NUMBER:
            return "number";
        case eqb::cw3_json_kind::BOOLEAN:
            return "boolean";
        case eqb::cw3_json_kind::NUL:
            return "null";
        case eqb::cw3_json_kind::ARRAY:
            return "array";
        case eqb::cw3_json_kind::OBJECT:
            return "object";
    }
    return "?";
}

class verdict_golden : public ::testing::TestWithParam<std::string> {};

TEST_P(verdict_golden, reads_as_json_loads) {
    const auto spec = ojson::parse(eqb::test::read_file(golden_dir("verdicts") / (GetParam() + ".json")));
    const auto answer = eqb::test::read_file(golden_dir("verdicts") / (GetParam() + ".txt"));
    const auto verdict = eqb::cw3_verdict_read(answer);
    if (spec.contains("error")) {
        ASSERT_FALSE(verdict.ok());
        const bool malformed = verdict.err().message.find("Malformed") != std::string::npos;
        EXPECT_EQ(malformed, spec["error"].get<std::string>() == "malformed") << verdict.err().message;
        return;
    }
    ASSERT_TRUE(verdict.ok()) << verdict.err().message;
    ASSERT_EQ(verdict->size(), spec["members"].size());
    for (std::size_t i = 0; i < verdict->size(); ++i) {
        const auto& want = spec["members"][i];
        EXPECT_EQ((*verdict)[i].key, want[0].get<std::string>()) << i;
        EXPECT_STREQ(kind_name((*verdict)[i].kind), want[1].get<std::string>().c_str()) << i;
        EXPECT_EQ((*verdict)[i].text, want[2].get<std::string>()) << i;
    }
}

INSTANTIATE_TEST_SUITE_P(golden, verdict_golden, ::testing::ValuesIn(stems("verdicts", ".json")), test_name);

TEST(cw3_golden_files, every_case_is_complete) {
    EXPECT_EQ(stems("rubric", ".txt").size(), stems("rubric", ".json").size());
    EXPECT_EQ(stems("verdicts", ".txt").size(), stems("verdicts", ".json").size());
    EXPECT_GE(stems("rubric", ".json").size(), 10u);
    EXPECT_GE(stems("prompts", ".json").size(), 8u);
    EXPECT_GE(stems("verdicts", ".json").size(), 9u);
}

}  // namespace
