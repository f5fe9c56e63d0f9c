// EQ-Bench 3's data files read as the reference reads them: the shipped
// scenario file (45 scenarios, 409 dropped), the types, notes and criteria, and
// synthetic files for the parser's corner cases (expectations worked out from
// the reference's parse_scenario_prompts and load_scenario_notes, and checked
// against them under Python 3.11).

#include <gtest/gtest.h>

#include <fstream>

#include "bench/eq-bench-3/requests.hpp"
#include "bench/eq-bench-3/scenarios.hpp"
#include "tests/support/process.hpp"
#include "tests/support/test-support.hpp"

namespace {

namespace eq3 = eqb::eq3;

std::filesystem::path eq3_data_dir() {
    return eqb::test::data_dir() / "eqbench3";
}

TEST(eq3_scenario_types, follow_the_reference_id_sets) {
    EXPECT_EQ(eq3::scenario_type_of("1"), eq3::scenario_type::ROLE_PLAY);
    EXPECT_EQ(eq3::scenario_type_of("145"), eq3::scenario_type::ROLE_PLAY);
    EXPECT_EQ(eq3::scenario_type_of("208"), eq3::scenario_type::MESSAGE_DRAFTING);
    EXPECT_EQ(eq3::scenario_type_of("201"), eq3::scenario_type::MESSAGE_DRAFTING);
    EXPECT_EQ(eq3::scenario_type_of("210"), eq3::scenario_type::ROLE_PLAY);
    EXPECT_EQ(eq3::scenario_type_of("401"), eq3::scenario_type::ANALYSIS);
    EXPECT_EQ(eq3::scenario_type_of("420"), eq3::scenario_type::ANALYSIS);
    EXPECT_EQ(eq3::scenario_type_of("421"), eq3::scenario_type::ROLE_PLAY);
    EXPECT_EQ(eq3::scenario_type_of("400"), eq3::scenario_type::ROLE_PLAY);
    EXPECT_EQ(eq3::scenario_type_of("10"), eq3::scenario_type::DIRECT);
    EXPECT_EQ(eq3::scenario_type_of("08"), eq3::scenario_type::ROLE_PLAY);
    EXPECT_FALSE(eq3::scenario_type_has_debrief(eq3::scenario_type::ANALYSIS));
    EXPECT_TRUE(eq3::scenario_type_has_debrief(eq3::scenario_type::MESSAGE_DRAFTING));
    EXPECT_STREQ(eq3::scenario_type_name(eq3::scenario_type::MESSAGE_DRAFTING), "message-drafting");
}

TEST(eq3_scenarios_parse, follows_the_reference_line_rules) {
    const std::string text =
        "preamble line\n####### Prompt1\norphan prompt\n######## 7 | x\n####### Prompt1\n  first line\n\n  second  \n"
        "####### Prompt2\n\n####### Prompt3\r\nthird\r\n######## 8\n####### 1\nno prompt header\n######## 7\n"
        "####### Prompt1\nreplaced\n######## 401 | y\n#######Prompt9\nanalysis\n"
        "######## \xc3\xa9t\xc3\xa9\xc2\xa0| z\n####### Prompt\xd9\xa3\nunicode digit\n#########\n####### "
        "Prompt1\nhash id";
    const auto set = eq3::scenarios_parse(text, "synthetic.txt");
    ASSERT_TRUE(set.ok()) << set.err().message;
    ASSERT_EQ(set->scenarios.size(), 4u);
    // A repeated id keeps its first place and takes the later prompts.
    EXPECT_EQ(set->scenarios[0].id, "7");
    EXPECT_EQ(set->scenarios[0].prompts, std::vector<std::string>{"replaced"});
    EXPECT_EQ(set->scenarios[1].id, "401");
    EXPECT_EQ(set->scenarios[1].type, eq3::scenario_type::ANALYSIS);
    EXPECT_EQ(set->scenarios[1].prompts, std::vector<std::string>{"analysis"});
    // \S+ stops at a no-break space; a Unicode digit counts for Prompt(\d+).
    EXPECT_EQ(set->scenarios[2].id, "\xc3\xa9t\xc3\xa9");
    EXPECT_EQ(set->scenarios[2].prompts, std::vector<std::string>{"unicode digit"});
    EXPECT_EQ(set->scenarios[3].id, "#");
    ASSERT_EQ(set->dropped.size(), 1u);
    EXPECT_EQ(set->dropped[0].id, "8");
    EXPECT_EQ(set->dropped[0].line, 13u);
    const auto messages = eq3::dropped_scenario_messages(*set);
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_NE(messages[0].find("synthetic.txt:13: scenario 8"), std::string::npos);
}

TEST(eq3_scenarios_parse, strips_prompts_and_skips_empty_ones) {
    const auto set = eq3::scenarios_parse(
        "######## 7\n####### Prompt1\n  first line\n\n  second  \n####### Prompt2\n  \n####### Prompt3\r\nthird\r\n",
        "s.txt");
    ASSERT_TRUE(set.ok()) << set.err().message;
    ASSERT_EQ(set->scenarios.size(), 1u);
    EXPECT_EQ(set->scenarios[0].prompts, (std::vector<std::string>{"first line\n\n  second", "third"}));
    EXPECT_EQ(set->scenarios[0].line, 1u);
}

TEST(eq3_scenarios_parse, errors_name_the_file_and_line) {
    const auto bad = eq3::scenarios_parse("######## 1\n####### Prompt1\n\xff oops\n", "bad.txt");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.err().message.find("bad.txt:3"), std::string::npos) << bad.err().message;
    const auto none = eq3::scenarios_parse("######## 1\nno prompt\n", "none.txt");
    ASSERT_FALSE(none.ok());
    EXPECT_NE(none.err().message.find("none.txt"), std::string::npos);
}

TEST(eq3_notes_parse, follows_load_scenario_notes) {
    const auto notes = eq3::scenario_notes_parse(
        "intro\n# 1\nnote one\n  more  \n# 2\n# 3\n\n  \n# 4 #\nfour\n#5 not a header\n# scenario6\nsix\n");
    const std::map<std::string, std::string> want = {
        {"1", "note one\n  more"}, {"3", ""}, {"4", "four\n#5 not a header"}, {"scenario6", "six"}};
    EXPECT_EQ(notes, want);
    eq3::prompt_files files;
    files.notes = notes;
    EXPECT_EQ(eq3::scenario_note_for(files, "1"), "note one\n  more");
    EXPECT_EQ(eq3::scenario_note_for(files, "scenario1_iter2"), "note one\n  more");
    EXPECT_EQ(eq3::scenario_note_for(files, "3"), "");
    EXPECT_EQ(eq3::scenario_note_for(files, "2"), "[No scenario notes available]");
}

TEST(eq3_criteria_parse, keeps_stripped_lines_that_are_not_comments) {
    EXPECT_EQ(eq3::rubric_criteria_parse("  a  \n\n# comment\nb\n #c\n\t\n"), (std::vector<std::string>{"a", "b"}));
}

TEST(eq3_text_decode, normalises_newlines_as_python_text_mode) {
    const auto text = eq3::python_text_decode("a\r\nb\rc\n\r\n", "f");
    ASSERT_TRUE(text.ok());
    EXPECT_EQ(*text, "a\nb\nc\n\n");
}

class eq3_shipped_data : public ::testing::Test {
  protected:
    void SetUp() override {
        if (!std::filesystem::exists(eq3_data_dir() / "scenario_prompts.txt")) {
            GTEST_SKIP() << "needs " << eq3_data_dir();
        }
        auto loaded = eq3::benchmark_data_load(eq3_data_dir());
        ASSERT_TRUE(loaded.ok()) << loaded.err().message;
        data_ = std::move(*loaded);
    }
    eq3::benchmark_data data_;
};

// The counts the conformance README states for the reference's run.
TEST_F(eq3_shipped_data, has_45_scenarios_without_409) {
    const auto& set = data_.scenarios;
    EXPECT_EQ(set.scenarios.size(), 45u);
    ASSERT_EQ(set.dropped.size(), 1u);
    EXPECT_EQ(set.dropped[0].id, "409");
    EXPECT_EQ(set.dropped[0].line, 1077u);
    EXPECT_EQ(set.find("409"), nullptr);
    std::size_t role_play = 0;
    std::size_t drafting = 0;
    std::size_t analysis = 0;
    std::size_t sectioned_turns = 0;
    for (const auto& s : set.scenarios) {
        switch (s.type) {
            case eq3::scenario_type::ROLE_PLAY:
                ++role_play;
                sectioned_turns += s.prompts.size();
                break;
            case eq3::scenario_type::MESSAGE_DRAFTING:
                ++drafting;
                sectioned_turns += s.prompts.size();
                EXPECT_EQ(s.id, "208");
                break;
            case eq3::scenario_type::ANALYSIS:
                ++analysis;
                EXPECT_EQ(s.prompts.size(), 1u) << s.id;
                break;
            case eq3::scenario_type::DIRECT:
                ADD_FAILURE() << "no direct scenario ships: " << s.id;
                break;
        }
    }
    EXPECT_EQ(role_play, 25u);
    EXPECT_EQ(drafting, 1u);
    EXPECT_EQ(analysis, 19u);
    EXPECT_EQ(sectioned_turns, 73u);
    EXPECT_EQ(set.scenarios.front().id, "1");
    EXPECT_EQ(set.scenarios.back().id, "420");
}

TEST_F(eq3_shipped_data, has_the_criteria_and_notes) {
    const auto& f = data_.files;
    ASSERT_EQ(f.criteria_standard.size(), 18u);
    EXPECT_EQ(f.criteria_standard.front(), "demonstrated_empathy");
    EXPECT_EQ(f.criteria_standard[5], "message_tailoring");
    EXPECT_EQ(f.criteria_analysis,
              (std::vector<std::string>{"depth_of_insight", "emotional_reasoning", "theory_of_mind",
                                        "subtext_identification", "intellectual_grounding", "correctness"}));
    EXPECT_FALSE(eq3::scenario_note_for(f, "1").empty());
    EXPECT_NE(eq3::scenario_note_for(f, "1"), "[No scenario notes available]");
    EXPECT_EQ(eq3::scenario_note_for(f, "401"), "[No scenario notes available]");
    EXPECT_NE(f.master_role_play.find("{scenario_prompt}"), std::string::npos);
    EXPECT_NE(f.pairwise_standard.find("{debrief_A}"), std::string::npos);
    EXPECT_NE(f.pairwise_analysis.find("{response_B}"), std::string::npos);
}

TEST_F(eq3_shipped_data, turns_fill_the_master_prompt_of_their_type) {
    const auto* drafting = data_.scenarios.find("208");
    ASSERT_NE(drafting, nullptr);
    const auto content = eq3::turn_user_content(*drafting, 1, data_.files);
    ASSERT_TRUE(content.ok());
    EXPECT_EQ(content->find(drafting->prompts[1]), 0u);
    EXPECT_NE(content->find("# Perspective-taking"), std::string::npos);
    EXPECT_FALSE(eq3::turn_user_content(*drafting, drafting->prompts.size(), data_.files).ok());
    const auto* analysis = data_.scenarios.find("401");
    ASSERT_NE(analysis, nullptr);
    const auto first = eq3::turn_user_content(*analysis, 0, data_.files);
    ASSERT_TRUE(first.ok());
    EXPECT_EQ(first->rfind("[TRANSCRIPT]\n\n", 0), 0u);
}

void write(const std::filesystem::path& p, const std::string& text) {
    std::ofstream(p, std::ios::binary) << text;
}

TEST_F(eq3_shipped_data, loading_refuses_what_the_reference_refuses) {
    eqb::test::temp_dir dir;
    for (const auto& e : std::filesystem::directory_iterator(eq3_data_dir())) {
        std::filesystem::copy_file(e.path(), dir.path() / e.path().filename());
    }
    std::filesystem::remove(dir.path() / "scenario_notes.txt");
    auto without_notes = eq3::benchmark_data_load(dir.path());
    ASSERT_TRUE(without_notes.ok()) << without_notes.err().message;
    EXPECT_TRUE(without_notes->files.notes.empty());

    std::filesystem::permissions(dir.path() / "debrief_prompt.txt", std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::add);
    write(dir.path() / "debrief_prompt.txt", " \n");
    auto empty = eq3::benchmark_data_load(dir.path());
    ASSERT_FALSE(empty.ok());
    EXPECT_NE(empty.err().message.find("debrief_prompt.txt"), std::string::npos);
    write(dir.path() / "debrief_prompt.txt", "Debrief now.");

    std::filesystem::permissions(dir.path() / "rubric_scoring_prompt.txt", std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::add);
    write(dir.path() / "rubric_scoring_prompt.txt", "{transcript} {output_format}");
    auto no_debrief_field = eq3::benchmark_data_load(dir.path());
    ASSERT_FALSE(no_debrief_field.ok());
    EXPECT_NE(no_debrief_field.err().message.find("{debrief}"), std::string::npos);

    write(dir.path() / "rubric_scoring_prompt.txt", "{transcript} {debrief} {output_format}");
    ASSERT_TRUE(eq3::benchmark_data_load(dir.path()).ok());
    std::filesystem::remove(dir.path() / "pairwise_prompt_eqbench3.txt");
    auto missing = eq3::benchmark_data_load(dir.path());
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.err().message.find("pairwise_prompt_eqbench3.txt"), std::string::npos);
}

}  // namespace
