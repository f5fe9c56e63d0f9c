// Re-scores every recorded run of the conformance corpus
// (../shared/conformance/eq-bench, README there) and requires the reference
// pipeline's results: run score and parseable count to 0.01 (v2.4 and legacy
// scorers), iteration aggregates and per-question scores to 1e-9, and the
// reference parser's pairs in the reference's order.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>

#include "bench/eq-bench/rescore.hpp"
#include "data/questions.hpp"
#include "lang/language-pack.hpp"
#include "tests/support/test-support.hpp"

namespace {

using ojson = nlohmann::ordered_json;

std::vector<std::string> corpus_files() {
    std::vector<std::string> out;
    for (const auto& p : eqb::test::files_in(eqb::test::shared_dir() / "conformance" / "eq-bench", ".json")) {
        out.push_back(p.filename().string());
    }
    return out;
}

struct fixture {
    eqb::question_set questions;
    std::unique_ptr<const eqb::eq_bench_parser> parser;

    static const fixture& get() {
        static const fixture f = [] {
            fixture x;
            auto qs = eqb::questions_load(eqb::test::data_dir() / "eq_bench_v2_questions_171.json");
            if (!qs) {
                throw std::runtime_error(qs.err().message);
            }
            x.questions = std::move(*qs);
            auto pack = eqb::language_pack_builtin("en");
            if (!pack) {
                throw std::runtime_error(pack.err().message);
            }
            auto parser = eqb::eq_bench_parser::create(*pack, eqb::parser_kind::REFERENCE);
            if (!parser) {
                throw std::runtime_error(parser.err().message);
            }
            x.parser = std::move(*parser);
            return x;
        }();
        return f;
    }
};

void expect_score(const ojson& expected, const std::optional<double>& got, const std::string& what) {
    if (expected.is_null()) {
        EXPECT_FALSE(got.has_value()) << what << ": expected None, got " << got.value_or(0.0);
    } else {
        ASSERT_TRUE(got.has_value()) << what << ": expected " << expected.dump() << ", got None";
        EXPECT_NEAR(*got, expected.get<double>(), 1e-9) << what;
    }
}

void expect_pairs(const ojson& expected, const eqb::emotion_pairs& got, const std::string& what) {
    ASSERT_EQ(got.size(), expected.size()) << what << ": " << expected.dump();
    std::size_t i = 0;
    for (const auto& [name, text] : expected.items()) {
        EXPECT_EQ(got.items()[i].name, name) << what << " pair " << i;
        EXPECT_EQ(got.items()[i].text, text.get<std::string>()) << what << " pair " << i;
        ++i;
    }
}

// One recorded run of the corpus, rescored.
void expect_file(const std::string& file) {
    SCOPED_TRACE(file);
    const auto path = eqb::test::shared_dir() / "conformance" / "eq-bench" / file;
    const ojson doc = ojson::parse(eqb::test::read_file(path));
    const auto& fx = fixture::get();
    auto runs = eqb::recorded_runs_load(path);
    ASSERT_TRUE(runs.ok()) << runs.err().message;
    ASSERT_EQ(runs->size(), 1u);
    auto run = (*runs)[0];
    ojson expected = doc["expected"];
    if (doc.contains("revise_qids")) {
        // A run that mixes formats is scored with revision off.
        run.revise = false;
        expected = doc["expected_if_revise_false"];
    }
    EXPECT_EQ(run.n_iterations, doc["total_iterations"].get<int>());

    const auto result = eqb::eq_bench_rescore(run, fx.questions, *fx.parser, eqb::v2_scorer::V2_4);
    EXPECT_TRUE(result.unknown_questions.empty());
    EXPECT_NEAR(result.run.score, expected["score"].get<double>(), 0.005);
    EXPECT_EQ(result.run.score, expected["score"].get<double>());
    EXPECT_EQ(result.run.parseable, expected["parseable"].get<double>());

    for (const auto& it : result.iterations) {
        const auto& totals = expected["iteration_results"][it.id];
        EXPECT_NEAR(it.totals.first_pass_score, totals["first_pass_score"].get<double>(), 1e-9);
        EXPECT_EQ(it.totals.first_pass_parseable, totals["first_pass_parseable"].get<int>());
        EXPECT_NEAR(it.totals.revised_score, totals["revised_score"].get<double>(), 1e-9);
        EXPECT_EQ(it.totals.revised_parseable, totals["revised_parseable"].get<int>());
        EXPECT_NEAR(it.totals.final_score, totals["final_score"].get<double>(), 1e-9);
        EXPECT_EQ(it.totals.final_parseable, totals["final_parseable"].get<int>());
        for (const auto& [qid, score] : it.questions) {
            expect_score(expected["per_question"][it.id][qid], score.first_pass, "question " + qid);
            if (expected.contains("per_question_revised")) {
                expect_score(expected["per_question_revised"][it.id][qid], score.revised,
                             "question " + qid + " revised");
            }
        }
        for (const auto& [qid, answer] : it.parsed) {
            const auto& parsed = expected["parsed"][it.id][qid];
            expect_pairs(parsed["first_pass"], answer.first_pass, "question " + qid + " first pass");
            expect_pairs(parsed["revised"], answer.revised, "question " + qid + " revised");
        }
    }

    const auto legacy = eqb::eq_bench_rescore(run, fx.questions, *fx.parser, eqb::v2_scorer::LEGACY);
    EXPECT_EQ(legacy.run.score, doc["legacy_d_lt_5"]["score"].get<double>());
    EXPECT_EQ(legacy.run.parseable, doc["legacy_d_lt_5"]["parseable"].get<double>());
}

// One test over the whole corpus, not one per file: ctest lists the tests once
// per build, so the list must not depend on whether the shared folder is there.
TEST(eq_bench_conformance, rescoring_reproduces_the_reference) {
    EQB_SKIP_UNLESS_SHARED("conformance/eq-bench");
    EQB_SKIP_UNLESS_DATA("eq_bench_v2_questions_171.json");
    const auto files = corpus_files();
    ASSERT_FALSE(files.empty());
    for (const auto& file : files) {
        expect_file(file);
    }
}

TEST(eq_bench_conformance_corpus, is_present_and_complete) {
    // The corpus is the ground truth of this suite: an empty folder must fail.
    EQB_SKIP_UNLESS_SHARED("conformance/eq-bench");
    EXPECT_GE(corpus_files().size(), 50u);
}

}  // namespace
