// Creative Writing prompt files and templates: both shipped prompt files load
// (v1's Python-literal fields included), seeds rotate per iteration, and the
// judge prompt rendered from the data directory's template equals a rendering
// made independently (plain find-and-replace) from the template and a dataset item.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>

#include "bench/creative-writing/prompts.hpp"
#include "tests/support/process.hpp"
#include "tests/support/test-support.hpp"

namespace {

TEST(creative_writing_prompts, both_prompt_files_load_with_their_criteria) {
    EQB_SKIP_UNLESS_DATA("creative_writing_prompts_v2.2.json", "creative_writing_prompts.json");
    const auto v2 = eqb::writing_prompts_load(eqb::test::data_dir() / "creative_writing_prompts_v2.2.json");
    ASSERT_TRUE(v2) << v2.err().message;
    EXPECT_EQ(v2->prompts.size(), 24u);
    const auto v1 = eqb::writing_prompts_load(eqb::test::data_dir() / "creative_writing_prompts.json");
    ASSERT_TRUE(v1) << v1.err().message;
    EXPECT_EQ(v1->prompts.size(), 19u);
    for (const auto* set : {&*v1, &*v2}) {
        for (const auto& p : set->prompts) {
            EXPECT_FALSE(p.criteria.empty()) << p.id;
            EXPECT_FALSE(p.seed_modifiers.empty()) << p.id;
            EXPECT_FALSE(p.reference_output.empty()) << p.id;
        }
    }
    // The criteria are all sets' criteria concatenated, then reversed (SPEC section 7).
    const auto raw = nlohmann::ordered_json::parse(
        eqb::test::read_file(eqb::test::data_dir() / "creative_writing_prompts_v2.2.json"));
    std::vector<std::string> combined;
    for (const auto& set : raw[v2->prompts.front().id]["judging_criteria"]) {
        for (const auto& c : set["criteria"]) {
            combined.push_back(c.get<std::string>());
        }
    }
    std::reverse(combined.begin(), combined.end());
    EXPECT_EQ(v2->prompts.front().criteria, combined);
}

TEST(creative_writing_prompts, seeds_rotate_with_the_iteration) {
    eqb::writing_prompt p;
    p.text = "Write. <SEED> Go.";
    p.seed_modifiers = {"A", "B", "C"};
    EXPECT_EQ(eqb::writing_prompt_for_iteration(p, 1), "Write. A Go.");
    EXPECT_EQ(eqb::writing_prompt_for_iteration(p, 3), "Write. C Go.");
    EXPECT_EQ(eqb::writing_prompt_for_iteration(p, 4), "Write. A Go.");
    p.seed_modifiers.clear();
    EXPECT_EQ(eqb::writing_prompt_for_iteration(p, 2), "Write. <SEED> Go.");
}

TEST(creative_writing_prompts, python_literals_read_as_json) {
    const auto parsed = eqb::python_literal_to_json(
        R"([{'prefix_text': 'Rate:', 'criteria': ["Tell-Don't-Show", 'It\'s \"odd\"', 'caf\xe9']}, None, True, 3.5])");
    ASSERT_TRUE(parsed) << parsed.err().message;
    const auto j = nlohmann::json::parse(*parsed);
    EXPECT_EQ(j[0]["criteria"][0], "Tell-Don't-Show");
    EXPECT_EQ(j[0]["criteria"][1], "It's \"odd\"");
    EXPECT_EQ(j[0]["criteria"][2], "caf\xc3\xa9");
    EXPECT_TRUE(j[1].is_null());
    EXPECT_EQ(j[3], 3.5);
    EXPECT_FALSE(eqb::python_literal_to_json("['unterminated"));
    EXPECT_FALSE(eqb::python_literal_to_json("[1, 2"));
}

TEST(creative_writing_prompts, the_judge_prompt_matches_an_independent_rendering_of_the_template) {
    EQB_SKIP_UNLESS_DATA("prompts/creative_writing_judge_v2.txt", "prompts/creative_writing_test_v2.txt",
                         "creative_writing_prompts_v2.2.json");
    const auto templates = eqb::creative_writing_templates_load(eqb::test::data_dir(), "");
    ASSERT_TRUE(templates) << templates.err().message;
    EXPECT_NE(templates->judge_source.find("creative_writing_judge_v2.txt"), std::string::npos);
    const auto set = eqb::writing_prompts_load(eqb::test::data_dir() / "creative_writing_prompts_v2.2.json");
    ASSERT_TRUE(set);
    const auto& item = set->prompts.at(3);
    const std::string seeded = eqb::writing_prompt_for_iteration(item, 2);
    const std::string response = "The piece under test. {not a placeholder}";
    const std::string got =
        eqb::creative_writing_judge_prompt(*templates, seeded, item.reference_output, response, item.criteria);
    // Independent: replace each placeholder in the raw template file, response last.
    std::string want = eqb::test::read_file(eqb::test::data_dir() / "prompts" / "creative_writing_judge_v2.txt");
    const auto replace = [&want](const std::string& from, const std::string& to) {
        const auto at = want.find(from);
        ASSERT_NE(at, std::string::npos) << from;
        want.replace(at, from.size(), to);
        EXPECT_EQ(want.find(from, at + to.size()), std::string::npos) << from << " appears twice";
    };
    std::string criteria;
    for (const auto& c : item.criteria) {
        criteria += (criteria.empty() ? "" : "\n") + c;
    }
    replace("{criteria}", criteria);
    replace("{prefix_text}", "Now, rate the supplied model output on the following criteria:");
    replace("{writing_prompt}", seeded);
    replace("{reference_output}", item.reference_output);
    replace("{test_model_response}", response);
    EXPECT_EQ(got, want);

    const std::string test_prompt = eqb::creative_writing_test_prompt(*templates, seeded);
    std::string want_test = eqb::test::read_file(eqb::test::data_dir() / "prompts" / "creative_writing_test_v2.txt");
    want_test.replace(want_test.find("{writing_prompt}"), 16, seeded);
    EXPECT_EQ(test_prompt, want_test);
}

TEST(creative_writing_prompts, built_in_templates_have_every_placeholder_and_a_judge_prompt_file_overrides) {
    eqb::test::temp_dir guard;
    const auto builtin = eqb::creative_writing_templates_load("", "");
    ASSERT_TRUE(builtin);
    EXPECT_EQ(builtin->judge_source, "built-in");
    for (const char* p :
         {"{writing_prompt}", "{reference_output}", "{test_model_response}", "{prefix_text}", "{criteria}"}) {
        EXPECT_NE(builtin->judge.find(p), std::string::npos) << p;
    }
    EXPECT_NE(builtin->test.find("{writing_prompt}"), std::string::npos);
    const auto file = guard.path() / "judge.txt";
    std::ofstream(file) << "Judge {test_model_response} on:\n{criteria}";
    const auto custom = eqb::creative_writing_templates_load(eqb::test::data_dir(), file.string());
    ASSERT_TRUE(custom);
    EXPECT_EQ(eqb::creative_writing_judge_prompt(*custom, "p", "r", "RESP", {"A", "B"}), "Judge RESP on:\nA\nB");
    EXPECT_FALSE(eqb::creative_writing_templates_load("", (guard.path() / "missing.txt").string()));
}

}  // namespace
