// The hand-written matchers for the shipped reference patterns must read
// exactly what the regex engine reads: every answer of the conformance corpus
// and a set of Unicode edge cases, with each shipped pack, revision on and off.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "lang/language-pack.hpp"
#include "parse/eq-bench-answer.hpp"
#include "tests/support/test-support.hpp"

namespace {

void expect_same(const eqb::emotion_pairs& fast, const eqb::emotion_pairs& regex, const std::string& what) {
    ASSERT_EQ(fast.size(), regex.size()) << what;
    for (std::size_t i = 0; i < fast.size(); ++i) {
        EXPECT_EQ(fast.items()[i].name, regex.items()[i].name) << what;
        EXPECT_EQ(fast.items()[i].text, regex.items()[i].text) << what;
        EXPECT_EQ(fast.items()[i].value, regex.items()[i].value) << what;
    }
}

std::vector<std::string> texts() {
    // Full-width digit and NBSP; Japanese names (怒り: 3, 悲しみ:　７); runs, empty
    // names, digits then word; Ⅻ (Nl), é and a combining diaeresis; headings;
    // Arabic-Indic digits; Python-only whitespace (U+001C, U+0085).
    std::vector<std::string> out;
    out.emplace_back("Angry: 5\nSad:\t\t7\nCalm:\n3");
    out.emplace_back(
        "Angry:5 Sad: \xef\xbc\x95 Calm: \xc2\xa0"
        "4 Glad: 1");
    out.emplace_back("\xe6\x80\x92\xe3\x82\x8a: 3\n\xe6\x82\xb2\xe3\x81\x97\xe3\x81\xbf:\xe3\x80\x80\xef\xbc\x97");
    out.emplace_back("a:b:5 x::6 y: :7 z:  8z");
    out.emplace_back("\xe2\x85\xab: 2 caf\xc3\xa9: 4 na\xcc\x88ve: 6");
    out.emplace_back("First pass scores:\nAngry: 1\nRevised scores:\nAngry: 2\n");
    out.emplace_back("First pass scores: Angry: 1 Revised scores: Angry: 2 Revised scores: Sad: 3");
    out.emplace_back("");
    out.emplace_back(":");
    out.emplace_back("5");
    out.emplace_back("Angry: ");
    out.emplace_back("\xd9\xa3: \xd9\xa4");
    out.emplace_back(
        "x\x1c: 9 y\xc2\x85: 8 z:\xc2\x85"
        "7");
    for (const auto& file : eqb::test::files_in(eqb::test::shared_dir() / "conformance" / "eq-bench", ".json")) {
        const auto doc = nlohmann::json::parse(eqb::test::read_file(file));
        for (const auto& [qid, text] : doc["iterations"]["1"].items()) {
            if (text.is_string()) {
                out.push_back(text.get<std::string>());
            }
        }
    }
    return out;
}

TEST(eq_bench_fast_path, agrees_with_the_regex_engine) {
    EQB_SKIP_UNLESS_SHARED("conformance/eq-bench");
    const auto all = texts();
    ASSERT_GT(all.size(), 8000u);
    for (const auto& code : eqb::language_pack_builtin_codes()) {
        auto pack = eqb::language_pack_builtin(code);
        ASSERT_TRUE(pack.ok());
        auto fast = eqb::eq_bench_parser::create(*pack, eqb::parser_kind::REFERENCE, true);
        auto regex = eqb::eq_bench_parser::create(*pack, eqb::parser_kind::REFERENCE, false);
        ASSERT_TRUE(fast.ok() && regex.ok());
        for (const bool revise : {false, true}) {
            for (const auto& text : all) {
                const auto a = (*fast)->parse(text, revise, nullptr);
                const auto b = (*regex)->parse(text, revise, nullptr);
                expect_same(a.first_pass, b.first_pass, code + " first pass: " + text.substr(0, 80));
                expect_same(a.revised, b.revised, code + " revised: " + text.substr(0, 80));
                if (HasFailure()) {
                    return;
                }
            }
        }
    }
}

}  // namespace
