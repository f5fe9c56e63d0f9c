// Creative Writing prompt files and templates: both shipped prompt files load
// (v1's Python-literal fields included), seeds rotate per iteration, and the
// judge prompt rendered from the data directory's template equals a rendering
// made independently (plain find-and-replace) from the template and a dataset item.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <vector>

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

// The reference's create_judging_prompt, written independently: each
// placeholder of the raw template file replaced once, where its
// `writing_prompt` is everything the model under test received (the test
// template's opening line, then the seeded prompt).
std::string reference_judge_prompt(const std::string& writing_prompt, const eqb::writing_prompt& item,
                                   const std::string& response) {
    std::string want = eqb::test::read_file(eqb::test::data_dir() / "prompts" / "creative_writing_judge_v2.txt");
    std::string criteria;
    for (const auto& c : item.criteria) {
        criteria += (criteria.empty() ? "" : "\n") + c;
    }
    const std::vector<std::pair<std::string, std::string>> values = {
        {"{writing_prompt}", writing_prompt},
        {"{reference_output}", item.reference_output},
        {"{test_model_response}", response},
        {"{prefix_text}", "Now, rate the supplied model output on the following criteria:"},
        {"{criteria}", criteria}};
    // Each placeholder once in the raw template; replaced by position from the
    // last one back, so substituted text is never scanned again.
    std::vector<std::pair<std::size_t, std::size_t>> at;  // position, value index
    for (std::size_t i = 0; i < values.size(); ++i) {
        const auto pos = want.find(values[i].first);
        EXPECT_NE(pos, std::string::npos) << values[i].first;
        EXPECT_EQ(want.find(values[i].first, pos + 1), std::string::npos) << values[i].first << " appears twice";
        at.emplace_back(pos, i);
    }
    std::sort(at.rbegin(), at.rend());
    for (const auto& [pos, i] : at) {
        want.replace(pos, values[i].first.size(), values[i].second);
    }
    return want;
}

// The opening the reference puts before every writing prompt, read from the test template.
std::string reference_writing_prompt_opening() {
    const std::string test_template =
        eqb::test::read_file(eqb::test::data_dir() / "prompts" / "creative_writing_test_v2.txt");
    const auto at = test_template.find("{writing_prompt}");
    EXPECT_EQ(at + std::string("{writing_prompt}").size(), test_template.size());
    EXPECT_TRUE(test_template.substr(0, at).ends_with(".\n\n"));
    return test_template.substr(0, at);
}

TEST(creative_writing_prompts, every_judge_prompt_matches_the_references_rendering) {
    EQB_SKIP_UNLESS_DATA("prompts/creative_writing_judge_v2.txt", "prompts/creative_writing_test_v2.txt",
                         "creative_writing_prompts_v2.2.json");
    const auto templates = eqb::creative_writing_templates_load(eqb::test::data_dir(), "");
    ASSERT_TRUE(templates) << templates.err().message;
    EXPECT_NE(templates->judge_source.find("creative_writing_judge_v2.txt"), std::string::npos);
    const auto set = eqb::writing_prompts_load(eqb::test::data_dir() / "creative_writing_prompts_v2.2.json");
    ASSERT_TRUE(set);
    ASSERT_EQ(set->prompts.size(), 24U);
    const std::string opening = reference_writing_prompt_opening();
    int identical = 0;
    for (int iteration = 1; iteration <= 3; ++iteration) {
        for (const auto& item : set->prompts) {
            SCOPED_TRACE("prompt " + item.id + ", iteration " + std::to_string(iteration));
            const std::string seeded = eqb::writing_prompt_for_iteration(item, iteration);
            const std::string response = "The piece under test. {not a placeholder} {writing_prompt}";
            const std::string got =
                eqb::creative_writing_judge_prompt(*templates, seeded, item.reference_output, response, item.criteria);
            const std::string want = reference_judge_prompt(opening + seeded, item, response);
            EXPECT_EQ(got, want);
            identical += got == want ? 1 : 0;
            EXPECT_EQ(eqb::creative_writing_test_prompt(*templates, seeded), opening + seeded);
        }
    }
    EXPECT_EQ(identical, 72);
}

TEST(creative_writing_prompts, every_judgemark_judge_prompt_matches_the_references_rendering) {
    EQB_SKIP_UNLESS_DATA("prompts/creative_writing_judge_v2.txt", "prompts/creative_writing_test_v2.txt",
                         "creative_writing_prompts.json", "judgemark_test_set.json");
    const auto test_set_path = eqb::test::data_dir() / "judgemark_test_set.json";
    const auto templates = eqb::creative_writing_templates_load(eqb::test::data_dir(), "");
    ASSERT_TRUE(templates) << templates.err().message;
    const auto set = eqb::writing_prompts_load(eqb::test::data_dir() / "creative_writing_prompts.json");
    ASSERT_TRUE(set) << set.err().message;
    const auto test_set = nlohmann::ordered_json::parse(eqb::test::read_file(test_set_path));
    const std::string opening = reference_writing_prompt_opening();
    int checked = 0;
    int identical = 0;
    for (const auto& [model, answers] : test_set.items()) {
        for (const auto& [prompt_id, answer] : answers.items()) {
            const auto item = std::find_if(set->prompts.begin(), set->prompts.end(),
                                           [&](const eqb::writing_prompt& p) { return p.id == prompt_id; });
            ASSERT_NE(item, set->prompts.end()) << prompt_id;
            // Judgemark judges iteration 1: seed_modifiers[0].
            const std::string seeded = eqb::writing_prompt_for_iteration(*item, 1);
            const std::string text = answer.get<std::string>();
            const std::string got =
                eqb::creative_writing_judge_prompt(*templates, seeded, item->reference_output, text, item->criteria);
            ++checked;
            identical += got == reference_judge_prompt(opening + seeded, *item, text) ? 1 : 0;
        }
    }
    EXPECT_EQ(checked, 360);
    EXPECT_EQ(identical, 360);
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
