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

// One case of the file. The cases run in one loop, not as a parameterised test:
// listing the tests must never read the shared folder, and ctest lists them once
// per build, so the list must not depend on whether the folder is there.
void expect_case(const ojson& c, const eqb::question_set& questions, const eqb::eq_bench_parser& parser) {
    SCOPED_TRACE(c["label"].get<std::string>());
    const auto* q = questions.find(c["qid"].get<std::string>());
    ASSERT_NE(q, nullptr);
    const bool revise = c["revise"].get<bool>();
    const auto answer = parser.parse(c["text"].get<std::string>(), revise, nullptr);
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

TEST(parser_cases, reference_parser_and_scorer_agree) {
    EQB_SKIP_UNLESS_SHARED("conformance/eq-bench-parser-cases.json");
    EQB_SKIP_UNLESS_DATA("eq_bench_v2_questions_171.json");
    const auto questions = eqb::questions_load(eqb::test::data_dir() / "eq_bench_v2_questions_171.json");
    ASSERT_TRUE(questions.ok()) << questions.err().message;
    const auto pack = eqb::language_pack_builtin("en");
    ASSERT_TRUE(pack.ok()) << pack.err().message;
    auto parser = eqb::eq_bench_parser::create(*pack, eqb::parser_kind::REFERENCE);
    ASSERT_TRUE(parser.ok()) << parser.err().message;
    for (const auto& c : cases()) {
        expect_case(c, *questions, **parser);
    }
}

TEST(parser_cases_corpus, is_present) {
    EQB_SKIP_UNLESS_SHARED("conformance/eq-bench-parser-cases.json");
    EXPECT_GE(cases().size(), 40u);
}

}  // namespace
