// Golden files for the answer parsers: tests/golden/eq-bench-answers/NAME.txt
// is a verbatim answer, NAME.json the settings and the expected parse
// ({"pack", "parser", "revise", "emotions": [4 names], "first_pass": [[name,
// value]...], "revised": [...]}). A new case is a new pair of files.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cctype>

#include "lang/language-pack.hpp"
#include "parse/eq-bench-answer.hpp"
#include "tests/support/test-support.hpp"

namespace {

std::filesystem::path golden_dir() {
    return eqb::test::source_dir() / "tests" / "golden" / "eq-bench-answers";
}

std::vector<std::string> golden_cases() {
    std::vector<std::string> out;
    for (const auto& p : eqb::test::files_in(golden_dir(), ".json")) {
        out.push_back(p.stem().string());
    }
    return out;
}

void expect_pairs(const nlohmann::json& expected, const eqb::emotion_pairs& got, const char* part) {
    ASSERT_EQ(got.size(), expected.size()) << part;
    for (std::size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(got.items()[i].name, expected[i][0].get<std::string>()) << part << " pair " << i;
        EXPECT_DOUBLE_EQ(got.items()[i].value, expected[i][1].get<double>()) << part << " pair " << i;
    }
}

class answer_golden : public ::testing::TestWithParam<std::string> {};

TEST_P(answer_golden, parse_matches_expected) {
    const auto spec = nlohmann::json::parse(eqb::test::read_file(golden_dir() / (GetParam() + ".json")));
    const std::string text = eqb::test::read_file(golden_dir() / (GetParam() + ".txt"));
    auto pack = eqb::language_pack_builtin(spec["pack"].get<std::string>());
    ASSERT_TRUE(pack.ok()) << pack.err().message;
    const auto kind = eqb::parser_kind_from_string(spec["parser"].get<std::string>());
    ASSERT_TRUE(kind.has_value());
    auto parser = eqb::eq_bench_parser::create(*pack, *kind);
    ASSERT_TRUE(parser.ok()) << parser.err().message;
    eqb::emotion_reference expected;
    for (std::size_t i = 0; i < 4; ++i) {
        expected.names[i] = spec["emotions"][i].get<std::string>();
    }
    const auto answer = (*parser)->parse(text, spec["revise"].get<bool>(), &expected);
    expect_pairs(spec["first_pass"], answer.first_pass, "first pass");
    expect_pairs(spec["revised"], answer.revised, "revised");
}

INSTANTIATE_TEST_SUITE_P(golden, answer_golden, ::testing::ValuesIn(golden_cases()),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                             std::string name;
                             for (const char c : param_info.param) {
                                 name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                             }
                             return name;
                         });

TEST(answer_golden_files, every_answer_has_its_expectation) {
    const auto answers = eqb::test::files_in(golden_dir(), ".txt");
    EXPECT_EQ(answers.size(), golden_cases().size());
    EXPECT_GE(answers.size(), 10u);
}

}  // namespace
