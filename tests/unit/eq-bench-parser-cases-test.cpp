// The reference parser and scorers on the edge cases of
// ../shared/conformance/eq-bench-parser-cases.json: parsed pairs (names, text
// and order), the v2.4 fullscale scores and the live v1 gate.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "data/questions.hpp"
#include "lang/language-pack.hpp"
#include "parse/eq-bench-answer.hpp"
#include "scoring/eq-bench.hpp"
#include "tests/support/test-support.hpp"

namespace {

using ojson = nlohmann::ordered_json;

const ojson& cases() {
    static const ojson doc =
        ojson::parse(eqb::test::read_file(eqb::test::shared_dir() / "conformance" / "eq-bench-parser-cases.json"));
    return doc["cases"];
}

std::vector<int> case_indexes() {
    std::vector<int> out;
    for (std::size_t i = 0; i < cases().size(); ++i) {
        out.push_back(static_cast<int>(i));
    }
    return out;
}

void expect_pairs(const ojson& expected, const eqb::emotion_pairs& got) {
    ASSERT_EQ(got.size(), expected.size()) << expected.dump();
    std::size_t i = 0;
    for (const auto& [name, text] : expected.items()) {
        EXPECT_EQ(got.items()[i].name, name);
        EXPECT_EQ(got.items()[i].text, text.get<std::string>());
        ++i;
    }
}

void expect_score(const ojson& expected, const std::optional<double>& got) {
    if (expected.is_null()) {
        EXPECT_FALSE(got.has_value());
    } else {
        ASSERT_TRUE(got.has_value());
        EXPECT_NEAR(*got, expected.get<double>(), 1e-9);
    }
}

class parser_cases : public ::testing::TestWithParam<int> {};

TEST_P(parser_cases, reference_parser_and_scorer_agree) {
    static const auto questions = eqb::questions_load(eqb::test::data_dir() / "eq_bench_v2_questions_171.json");
    ASSERT_TRUE(questions.ok()) << questions.err().message;
    static const auto pack = eqb::language_pack_builtin("en");
    ASSERT_TRUE(pack.ok()) << pack.err().message;
    auto parser = eqb::eq_bench_parser::create(*pack, eqb::parser_kind::REFERENCE);
    ASSERT_TRUE(parser.ok()) << parser.err().message;

    const auto& c = cases()[static_cast<std::size_t>(GetParam())];
    SCOPED_TRACE(c["label"].get<std::string>());
    const auto* q = questions->find(c["qid"].get<std::string>());
    ASSERT_NE(q, nullptr);
    const bool revise = c["revise"].get<bool>();
    const auto answer = (*parser)->parse(c["text"].get<std::string>(), revise, nullptr);
    const auto& expected = c["expected"];
    expect_pairs(expected["first_pass"], answer.first_pass);
    expect_pairs(expected["revised"], answer.revised);
    const auto& fullscale = *q->reference_fullscale;
    expect_score(expected["first_pass_score"],
                 eqb::score_eq_bench_v2(fullscale, answer.first_pass, eqb::v2_scorer::V2_4));
    expect_score(expected["revised_score"], eqb::score_eq_bench_v2(fullscale, answer.revised, eqb::v2_scorer::V2_4));
    EXPECT_EQ(eqb::score_eq_bench_v1(q->reference, answer.first_pass).has_value(),
              expected["v1_gate_first_pass_ok"].get<bool>());
}

INSTANTIATE_TEST_SUITE_P(corpus, parser_cases, ::testing::ValuesIn(case_indexes()));

TEST(parser_cases_corpus, is_present) {
    EXPECT_GE(cases().size(), 40u);
}

}  // namespace
