// Golden files for EQ-Bench 3's readers, under tests/golden/eq-bench-3/ (the
// expectations were computed with the reference's own functions under Python
// 3.11: conversation.py's section patterns, utils.py robust_json_loads with
// _parse_rubric_scores and do_pairwise_judge's checks, str.format):
//   sections/NAME.txt          an answer; NAME.json {"type", "sections": [3]}
//   rubric-answers/NAME.txt    a judge's answer as received; NAME.json
//                              {"scores": [[criterion, value | "nan" | "inf" | "-inf"]]} or {"error": true}
//   pairwise-answers/NAME.txt  a judge's answer as received; NAME.json
//                              {"members": [[key, string | null]]} or {"error": true}
//   format/NAME.json           {"template", "prompt", "expected" | "error": true}: a master
//                              template filled with one scenario prompt
// A new case is a new file (pair).

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cctype>
#include <cmath>

#include "bench/eq-bench-3/answers.hpp"
#include "bench/eq-bench-3/pairwise.hpp"
#include "bench/eq-bench-3/requests.hpp"
#include "bench/eq-bench-3/rubric.hpp"
#include "tests/support/test-support.hpp"

namespace {

namespace eq3 = eqb::eq3;
using ojson = nlohmann::ordered_json;

std::filesystem::path golden_dir(const std::string& kind) {
    return eqb::test::source_dir() / "tests" / "golden" / "eq-bench-3" / kind;
}

std::vector<std::string> cases(const std::string& kind, const std::string& ext) {
    std::vector<std::string> out;
    for (const auto& p : eqb::test::files_in(golden_dir(kind), ext)) {
        out.push_back(p.stem().string());
    }
    return out;
}

std::string case_name(const ::testing::TestParamInfo<std::string>& info) {
    std::string name;
    for (const char c : info.param) {
        name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    }
    return name;
}

ojson expectation(const std::string& kind, const std::string& name) {
    return ojson::parse(eqb::test::read_file(golden_dir(kind) / (name + ".json")));
}

std::string input(const std::string& kind, const std::string& name) {
    return eqb::test::read_file(golden_dir(kind) / (name + ".txt"));
}

class sections_golden : public ::testing::TestWithParam<std::string> {};

TEST_P(sections_golden, parse_matches_the_reference_patterns) {
    const auto spec = expectation("sections", GetParam());
    const auto type =
        spec["type"] == "message-drafting" ? eq3::scenario_type::MESSAGE_DRAFTING : eq3::scenario_type::ROLE_PLAY;
    const auto parsed = eq3::answer_sections_parse(input("sections", GetParam()), type);
    ASSERT_TRUE(parsed.sectioned);
    ASSERT_EQ(spec["sections"].size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(parsed.sections[i], spec["sections"][i].get<std::string>()) << eq3::section_keys(type)[i];
    }
}

INSTANTIATE_TEST_SUITE_P(golden, sections_golden, ::testing::ValuesIn(cases("sections", ".json")), case_name);

class rubric_answers_golden : public ::testing::TestWithParam<std::string> {};

TEST_P(rubric_answers_golden, scores_match_the_reference_reader) {
    const auto spec = expectation("rubric-answers", GetParam());
    const auto scores = eq3::rubric_answer_parse(eq3::answer_stored(input("rubric-answers", GetParam())));
    if (spec.contains("error")) {
        EXPECT_FALSE(scores.ok());
        return;
    }
    ASSERT_TRUE(scores.ok()) << scores.err().message;
    ASSERT_EQ(scores->size(), spec["scores"].size());
    for (std::size_t i = 0; i < scores->size(); ++i) {
        const auto& want = spec["scores"][i];
        EXPECT_EQ((*scores)[i].criterion, want[0].get<std::string>());
        const double got = (*scores)[i].value;
        if (want[1].is_string()) {
            const auto special = want[1].get<std::string>();
            if (special == "nan") {
                EXPECT_TRUE(std::isnan(got));
            } else {
                EXPECT_TRUE(std::isinf(got));
                EXPECT_EQ(got > 0, special == "inf");
            }
        } else {
            EXPECT_EQ(got, want[1].get<double>()) << want[0];
        }
    }
}

INSTANTIATE_TEST_SUITE_P(golden, rubric_answers_golden, ::testing::ValuesIn(cases("rubric-answers", ".json")),
                         case_name);

class pairwise_answers_golden : public ::testing::TestWithParam<std::string> {};

TEST_P(pairwise_answers_golden, members_match_the_reference_reader) {
    const auto spec = expectation("pairwise-answers", GetParam());
    const auto members = eq3::pairwise_answer_read(eq3::answer_stored(input("pairwise-answers", GetParam())));
    if (spec.contains("error")) {
        EXPECT_FALSE(members.ok());
        return;
    }
    ASSERT_TRUE(members.ok()) << members.err().message;
    ASSERT_EQ(members->size(), spec["members"].size());
    for (std::size_t i = 0; i < members->size(); ++i) {
        const auto& want = spec["members"][i];
        EXPECT_EQ((*members)[i].key, want[0].get<std::string>());
        if (want[1].is_null()) {
            EXPECT_FALSE((*members)[i].text.has_value()) << want[0];
        } else {
            ASSERT_TRUE((*members)[i].text.has_value()) << want[0];
            EXPECT_EQ(*(*members)[i].text, want[1].get<std::string>());
        }
    }
}

INSTANTIATE_TEST_SUITE_P(golden, pairwise_answers_golden, ::testing::ValuesIn(cases("pairwise-answers", ".json")),
                         case_name);

class format_golden : public ::testing::TestWithParam<std::string> {};

TEST_P(format_golden, master_template_fills_as_str_format) {
    const auto spec = expectation("format", GetParam());
    eq3::prompt_files files;
    files.master_role_play = spec["template"].get<std::string>();
    const eq3::scenario s{"1", eq3::scenario_type::ROLE_PLAY, {spec["prompt"].get<std::string>()}, 1};
    const auto filled = eq3::turn_user_content(s, 0, files);
    if (spec.contains("error")) {
        EXPECT_FALSE(filled.ok());
        return;
    }
    ASSERT_TRUE(filled.ok()) << filled.err().message;
    EXPECT_EQ(*filled, spec["expected"].get<std::string>());
}

INSTANTIATE_TEST_SUITE_P(golden, format_golden, ::testing::ValuesIn(cases("format", ".json")), case_name);

TEST(eq3_golden_files, every_input_has_its_expectation) {
    for (const char* kind : {"sections", "rubric-answers", "pairwise-answers"}) {
        EXPECT_EQ(cases(kind, ".txt"), cases(kind, ".json")) << kind;
    }
    EXPECT_GE(cases("sections", ".txt").size(), 10u);
    EXPECT_GE(cases("rubric-answers", ".txt").size(), 15u);
    EXPECT_GE(cases("pairwise-answers", ".txt").size(), 5u);
    EXPECT_GE(cases("format", ".json").size(), 5u);
}

}  // namespace
