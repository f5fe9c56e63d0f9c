// `eqbench data check`: each kind of finding on a small hand-made set, and the
// shipped sets: en, de and ja are clean; jahalf asks about English names
// ("Robert") while its dialogue says ロバート.

#include <gtest/gtest.h>

#include <set>

#include "data/check.hpp"
#include "lang/language-pack.hpp"
#include "tests/support/test-support.hpp"

namespace {

const char* const english_prompt =
    "Your task is to predict the likely emotional responses of a character in this dialogue:\\n\\n"
    "Robert: Hello.\\nClaudia: Hi.\\n[End dialogue]\\n\\nAt the end of this dialogue, Robert would feel...\\n"
    "Remorseful\\nIndifferent\\nAffectionate\\nAnnoyed\\n\\nGive each of these possible emotions a score from 0-10 "
    "for the relative intensity that they are likely to be feeling each. Then critique your answer by thinking it "
    "through step by step. Finally, give your revised scores.\\n\\nYou must output in the following format, "
    "including headings (of course, you should give your own scores), with no additional commentary:\\n\\n"
    "First pass scores:\\nRemorseful: <score>\\nIndifferent: <score>\\nAffectionate: <score>\\nAnnoyed: <score>\\n\\n"
    "Critique: <your critique here>\\n\\nRevised scores:\\nRemorseful: <revised score>\\nIndifferent: <revised "
    "score>\\nAffectionate: <revised score>\\nAnnoyed: <revised score>\\n\\n[End of answer]\\n\\nRemember: zero is a "
    "valid score, meaning they are likely not feeling that emotion. You must score at least one emotion > 0.\\n\\n"
    "Your answer:";

std::string block(const char* e4, int s1) {
    return std::string(R"({"emotion1": "Remorseful", "emotion1_score": )") + std::to_string(s1) +
           R"(, "emotion2": "Indifferent", "emotion2_score": 0, "emotion3": "Affectionate", "emotion3_score": "3", )"
           R"("emotion4": ")" +
           e4 + R"(", "emotion4_score": 4})";
}

std::string question(const std::string& prompt, const char* e4 = "Annoyed", int s1 = 2) {
    return R"({"prompt": ")" + prompt + R"(", "reference_answer": )" + block(e4, s1) +
           R"(, "reference_answer_fullscale": )" + block(e4, s1) + "}";
}

std::set<std::pair<std::string, std::string>> kinds(const std::vector<eqb::dataset_finding>& findings) {
    std::set<std::pair<std::string, std::string>> out;
    for (const auto& f : findings) {
        out.insert({f.id, f.kind});
    }
    return out;
}

TEST(data_check, each_kind_of_problem_is_reported_with_its_question) {
    const auto en = eqb::language_pack_builtin("en");
    ASSERT_TRUE(en);
    std::string renamed = english_prompt;
    renamed.replace(renamed.find("dialogue, Robert"), 16, "dialogue, Roberta");
    std::string no_markers = english_prompt;
    no_markers.replace(no_markers.find("Critique: <your critique here>"), 6, "Review");
    const std::string set = std::string("{") + R"("1": )" + question(english_prompt) + R"(, "2": )" +
                            question(english_prompt, "Jealous") + R"(, "3": )" + question(renamed) + R"(, "4": )" +
                            question(no_markers) + R"(, "5": {"prompt": 7}, "6": )" +
                            question(english_prompt, "Annoyed", 9) + "}";
    const std::string source = std::string("{") + R"("1": )" + question(english_prompt) + R"(, "2": )" +
                               question(english_prompt) + R"(, "3": )" + question(english_prompt) + R"(, "4": )" +
                               question(english_prompt) + R"(, "6": )" + question(english_prompt) + "}";
    const auto findings = eqb::dataset_check(set, "test.json", *en, source);
    const auto got = kinds(findings);
    EXPECT_EQ(got.count({"1", "structure"}), 0u);
    EXPECT_EQ(got.count({"2", "emotion_not_in_prompt"}), 1u);
    EXPECT_EQ(got.count({"3", "name_not_in_dialogue"}), 1u);
    EXPECT_EQ(got.count({"4", "marker_missing"}), 1u);
    EXPECT_EQ(got.count({"5", "structure"}), 1u);
    EXPECT_EQ(got.count({"5", "missing_in_source"}), 0u);  // structure first: nothing else is checked
    EXPECT_EQ(got.count({"6", "score_differs_from_source"}), 1u);
    for (const auto& f : findings) {
        EXPECT_NE(f.id, "1") << f.kind << ": " << f.detail;
    }
    EXPECT_EQ(eqb::dataset_check("[1, 2]", "x.json", *en, "").front().kind, "structure");
    EXPECT_EQ(eqb::dataset_check("not json", "x.json", *en, "").front().kind, "structure");
}

TEST(data_check, english_left_in_a_full_translation_is_untranslated) {
    const auto ja = eqb::language_pack_builtin("ja");
    ASSERT_TRUE(ja);
    const auto findings =
        eqb::dataset_check(std::string("{\"1\": ") + question(english_prompt) + "}", "t_ja.json", *ja, "");
    const auto got = kinds(findings);
    EXPECT_EQ(got.count({"1", "untranslated"}), 1u);
}

TEST(data_check, the_shipped_sets) {
    EQB_SKIP_UNLESS_DATA("eq_bench_v2_questions_171.json", "eq_bench_v2_questions_171_de.json",
                         "eq_bench_v2_questions_171_ja.json", "eq_bench_v2_questions_171_jahalf.json");
    const auto source = eqb::test::read_file(eqb::test::data_dir() / "eq_bench_v2_questions_171.json");
    for (const auto& [file, code] :
         std::vector<std::pair<std::string, std::string>>{{"eq_bench_v2_questions_171.json", "en"},
                                                          {"eq_bench_v2_questions_171_de.json", "de"},
                                                          {"eq_bench_v2_questions_171_ja.json", "ja"}}) {
        const auto pack = eqb::language_pack_builtin(code);
        ASSERT_TRUE(pack);
        const auto findings =
            eqb::dataset_check(eqb::test::read_file(eqb::test::data_dir() / file), file, *pack, source);
        EXPECT_TRUE(findings.empty()) << file << ": " << findings.size() << " findings, first: "
                                      << (findings.empty() ? ""
                                                           : findings.front().kind + " " + findings.front().detail);
    }
    const auto jahalf = eqb::language_pack_builtin("jahalf");
    ASSERT_TRUE(jahalf);
    const auto findings =
        eqb::dataset_check(eqb::test::read_file(eqb::test::data_dir() / "eq_bench_v2_questions_171_jahalf.json"),
                           "jahalf", *jahalf, source);
    std::size_t names = 0;
    bool robert = false;
    for (const auto& f : findings) {
        if (f.kind.find("name") != std::string::npos) {
            ++names;
            robert = robert || (f.id == "1" && f.detail.find("'Robert'") != std::string::npos);
        }
    }
    EXPECT_GE(names, 160u);
    EXPECT_TRUE(robert);
}

}  // namespace
