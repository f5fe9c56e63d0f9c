// EQ-Bench 3's answer storing, judge JSON reading, rubric and pairwise
// prompts and the rubric score, on inputs written for the purpose. Expected
// values follow the reference's code (utils/api.py, utils/utils.py,
// core/conversation.py, core/elo_helpers.py, core/pairwise_judging.py,
// core/benchmark.py) and were checked under Python 3.11 where arithmetic is
// involved (statistics.mean, round).

#include <gtest/gtest.h>

#include <cmath>

#include "bench/eq-bench-3/answers.hpp"
#include "bench/eq-bench-3/judge-json.hpp"
#include "bench/eq-bench-3/pairwise.hpp"
#include "bench/eq-bench-3/python-statistics.hpp"
#include "bench/eq-bench-3/requests.hpp"
#include "bench/eq-bench-3/rubric.hpp"

namespace {

namespace eq3 = eqb::eq3;

std::string repeat(const std::string& unit, std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) {
        out += unit;
    }
    return out;
}

const std::string e_acute = "\xc3\xa9";  // one code point, two bytes

TEST(eq3_answer_stored, strips_reasoning_blocks_as_the_client_does) {
    EXPECT_EQ(eq3::answer_stored("<think>plan</think>\n\n  answer \n"), "answer");
    EXPECT_EQ(eq3::answer_stored("answer with trailing newlines\n\n"), "answer with trailing newlines\n\n");
    EXPECT_EQ(eq3::answer_stored("<think> never closed\nanswer\n"), "<think> never closed\nanswer\n");
    EXPECT_EQ(eq3::answer_stored("closed only</think> answer\n"), "closed only</think> answer\n");
    // Only the text after the first closing tag, once.
    EXPECT_EQ(eq3::answer_stored("x</think>y <think>z</think>w"), "y <think>z</think>w");
    EXPECT_EQ(eq3::answer_stored("<reasoning>r</reasoning>\nok"), "ok");
    EXPECT_EQ(eq3::answer_stored("<think>a</think> <reasoning>b</reasoning> c "), "c");
    EXPECT_EQ(eq3::debrief_stored(" \n reflection \xe3\x80\x80\n"), "reflection");
}

TEST(eq3_judgeable, needs_one_assistant_answer_of_100_code_points) {
    const std::vector<eq3::message> short_answer = {{"user", repeat("u", 500)},
                                                    {"assistant", "  " + repeat(e_acute, 99) + " \n"}};
    EXPECT_FALSE(eq3::transcript_judgeable(short_answer));
    std::vector<eq3::message> long_answer = short_answer;
    long_answer.push_back({"user", "more"});
    long_answer.push_back({"assistant", repeat(e_acute, 100)});
    EXPECT_TRUE(eq3::transcript_judgeable(long_answer));
    EXPECT_FALSE(eq3::transcript_judgeable({}));
}

TEST(eq3_requests, build_turns_and_debriefs_with_the_history) {
    eq3::prompt_files files;
    files.master_role_play = "<{scenario_prompt}>";
    files.debrief = "Debrief please.\n";
    const eq3::scenario s{"3", eq3::scenario_type::ROLE_PLAY, {"first", "second"}, 1};
    const std::vector<eq3::message> history = {{"user", "<first>"}, {"assistant", "reply\n"}};
    const auto turn2 = eq3::turn_messages(s, 1, history, files);
    ASSERT_TRUE(turn2.ok());
    EXPECT_EQ(*turn2, (std::vector<eq3::message>{{"user", "<first>"}, {"assistant", "reply\n"}, {"user", "<second>"}}));
    EXPECT_FALSE(eq3::turn_messages(s, 2, history, files).ok());
    const eq3::scenario direct{"8", eq3::scenario_type::DIRECT, {"bare {x}"}, 1};
    EXPECT_EQ(*eq3::turn_user_content(direct, 0, files), "bare {x}");
    EXPECT_EQ(eq3::debrief_messages(history, files).back(), (eq3::message{"user", "Debrief please.\n"}));
    EXPECT_EQ(eq3::judge_messages("p"), (std::vector<eq3::message>{{"user", "p"}}));
    EXPECT_EQ(eq3::turn_sampling().temperature, 0.7);
    EXPECT_EQ(eq3::turn_sampling().max_tokens, 12000);
    EXPECT_EQ(eq3::turn_sampling().min_p, 0.1);
    EXPECT_EQ(eq3::debrief_sampling().temperature, 0.5);
    EXPECT_FALSE(eq3::debrief_sampling().min_p.has_value());
    EXPECT_EQ(eq3::judge_sampling().max_tokens, 8000);
    EXPECT_EQ(eq3::judge_sampling().temperature, 0.0);
    EXPECT_FALSE(eq3::judge_sampling().min_p.has_value());
    EXPECT_STREQ(eq3::request_body_key_order[0], "model");
    EXPECT_STREQ(eq3::request_body_key_order[4], "min_p");
}

TEST(eq3_python_json, reads_what_python_reads) {
    const auto pair = eq3::python_json_loads(R"({"a": "\ud83d\ude00", "b": "\ud800x", "c": [1, 2.5, true, null]})");
    ASSERT_TRUE(pair.ok) << pair.err.message;
    EXPECT_EQ(pair.value.find("a")->text, "\xf0\x9f\x98\x80");
    EXPECT_EQ(pair.value.find("b")->text, "\xed\xa0\x80x");  // a lone surrogate is kept
    EXPECT_EQ(eq3::python_str(*pair.value.find("c")), "[1, 2.5, True, None]");
    EXPECT_EQ(eq3::python_str(pair.value), "{'a': '\xf0\x9f\x98\x80', 'b': '\\ud800x', 'c': [1, 2.5, True, None]}");

    const auto quotes = eq3::python_json_loads(R"(["it's", "say \"hi\"", "both ' \"", "tab\tnl\n", 1e16, -0])");
    ASSERT_TRUE(quotes.ok) << quotes.err.message;
    EXPECT_EQ(eq3::python_str(quotes.value), "[\"it's\", 'say \"hi\"', 'both \\' \"', 'tab\\tnl\\n', 1e+16, 0]");

    EXPECT_FALSE(eq3::python_json_loads("{\"a\": 1} x").ok);
    EXPECT_FALSE(eq3::python_json_loads("{\"a\": \"raw\nnewline\"}").ok);
    EXPECT_FALSE(eq3::python_json_loads("[1,]").ok);
    EXPECT_FALSE(eq3::python_json_loads("{\"a\": 01}").ok);
    EXPECT_FALSE(eq3::python_json_loads("\xef\xbb\xbf{}").ok);
    EXPECT_TRUE(eq3::python_json_loads(" \t\n{}\r\n").ok);
    // "1." and "1e" are an int followed by junk.
    EXPECT_FALSE(eq3::python_json_loads("[1.]").ok);
    EXPECT_FALSE(eq3::python_json_loads("[1e]").ok);

    const auto big = eq3::python_json_loads("[" + std::string(400, '9') + "]");
    ASSERT_TRUE(big.ok);
    EXPECT_EQ(big.value.items[0].type, eq3::py_value::kind::INT);
    EXPECT_TRUE(big.value.items[0].int_overflow);
    const auto huge = eq3::python_json_loads("[" + std::string(4301, '1') + "]");
    ASSERT_FALSE(huge.ok);
    EXPECT_EQ(huge.err.failure, eq3::json_failure::OTHER);
    const auto deep = eq3::python_json_loads(std::string(2000, '[') + std::string(2000, ']'));
    ASSERT_FALSE(deep.ok);
    EXPECT_EQ(deep.err.failure, eq3::json_failure::OTHER);
}

TEST(eq3_judge_json, repairs_then_gives_up_as_the_reference) {
    EXPECT_FALSE(eq3::judge_json_read("{\"warmth\": " + std::string(4400, '1') + ", \"note\": \"raw\nline\"}").ok());
    const auto repaired = eq3::judge_json_read("{\"note\": \"raw\r\nline \"quoted\" \", \"warmth\": 3}");
    ASSERT_TRUE(repaired.ok()) << repaired.err().message;
    // splitlines() has made the \r\n one newline before the repair escapes it.
    EXPECT_EQ(repaired->find("note")->text, "raw\nline \"quoted\" ");
}

TEST(eq3_python_mean, is_exact_then_rounded_once) {
    const auto mean = [](std::vector<double> v) { return eq3::python_statistics_mean(v); };
    EXPECT_FALSE(mean({}).has_value());
    EXPECT_EQ(*mean({0.1, 0.2, 0.3}), 0.2);  // a float sum gives 0.20000000000000004
    EXPECT_EQ(*mean(std::vector<double>(10, 0.1)), 0x1.999999999999ap-4);
    EXPECT_EQ(*mean({1e308, 1e308}), 1e308);
    EXPECT_EQ(*mean({5e-324, 5e-324, 5e-324}), 5e-324);
    EXPECT_EQ(*mean({5e-324, 0.0}), 0.0);  // half the smallest subnormal rounds to even
    EXPECT_EQ(*mean({1.0, 2.0}), 1.5);
    EXPECT_FALSE(std::signbit(*mean({-0.0})));
    EXPECT_EQ(*mean({-1.5, -2.5}), -2.0);
    EXPECT_EQ(*mean({0x1.5000000000000p+3, 0x1.ca6ac17321252p+3, 0x1.8fdb5b3432bc6p+3, 0x1.0800000000000p+4,
                     0x1.8000000000000p+3, 0x1.67c521bb4b098p+2, 0x1.a000000000000p+3, 0x1.9a3b123aded8ap+3,
                     0x1.0000000000000p+2, 0x1.55020c25fc45cp+2}),
              0x1.5516e09515703p+3);
    EXPECT_EQ(*mean({0x1.7000000000000p+3, 0x1.0800000000000p+4, 0x1.c000000000000p+3, 0x1.b7ad107072176p+2,
                     0x1.0a8b30278f6f4p+4, 0x1.3486efe87e6e0p+3}),
              0x1.90e8a412a3b96p+3);
    EXPECT_EQ(*mean({15.5, 15.0, 14.0, 14.0, 17.5, 15.0}), 15.166666666666666);
    EXPECT_EQ(*mean({INFINITY, 1.0}), INFINITY);
    EXPECT_TRUE(std::isnan(*mean({INFINITY, -INFINITY})));
}

TEST(eq3_rubric_score, counts_the_reference_criteria) {
    eq3::prompt_files files;
    files.criteria_analysis = {"depth_of_insight", "correctness", "overall_eq"};
    const eq3::rubric_scores scores = {
        {"demonstrated_empathy", 14}, {"warmth", 3}, {"correctness", 20}, {"overall_eq", 2}, {"depth_of_insight", 11}};
    // Role-play: the reference's ten names, so correctness counts, warmth does not.
    EXPECT_EQ(*eq3::rubric_task_score(scores, eq3::scenario_type::ROLE_PLAY, files), (14.0 + 20.0 + 11.0) / 3);
    // Analysis: the file's criteria, overall_eq three times.
    EXPECT_EQ(*eq3::rubric_task_score(scores, eq3::scenario_type::ANALYSIS, files), (20.0 + 6.0 + 11.0) / 5);
    EXPECT_FALSE(eq3::rubric_task_score({{"warmth", 3}}, eq3::scenario_type::ROLE_PLAY, files).has_value());
    EXPECT_EQ(eq3::standard_counted_criteria().size(), 10u);
}

TEST(eq3_rubric_score, rounds_as_python) {
    const auto run = eq3::rubric_run_score({14.965, std::nullopt});
    ASSERT_TRUE(run.score_0_20.has_value());
    EXPECT_EQ(*run.score_0_20, 14.96);  // 14.965 is a little below the half
    EXPECT_EQ(*run.score_0_100, 74.80000000000001);
    EXPECT_EQ(run.tasks_counted, 1u);
    EXPECT_EQ(*eq3::rubric_run_score({12.345}).score_0_100, 61.75);
    const auto none = eq3::rubric_run_score({std::nullopt});
    EXPECT_FALSE(none.score_0_20.has_value());
    EXPECT_EQ(none.error, "No valid rubric scores found for allowed criteria in 1 potentially scored tasks.");
    EXPECT_EQ(eq3::rubric_run_score({}).error, "No tasks reached the 'rubric_scored' state.");
}

TEST(eq3_rubric_prompt, renders_and_fills_as_the_reference) {
    EXPECT_EQ(eq3::rubric_output_format({"x", "caf\xc3\xa9", "x", "y: 0"}),
              "{\n  \"chain_of_thought_reasoning\": \"detailed chain of thought reasoning about the coming scoring "
              "decisions\",\n  \"x\": 0-20,\n  \"caf\\u00e9\": 0-20,\n  \"y: 0-20\": 0-20\n}");
    eq3::prompt_files files;
    files.rubric_standard = "T:{transcript}|D:{debrief}|O:{output_format}";
    files.rubric_analysis = "T:{transcript}|O:{output_format}";
    files.criteria_standard = {"a"};
    files.criteria_analysis = {"b"};
    const eq3::scenario rp{"1", eq3::scenario_type::ROLE_PLAY, {"p"}, 1};
    eq3::transcript t;
    t.history = {{"user", "Hi *there* #1"},
                 {"assistant",
                  "# I'm thinking & feeling\nT\n# They're thinking & feeling\nU {debrief}\n# My response\nR\n--\nPS"}};
    t.debrief = "deb*";
    const auto prompt = eq3::rubric_prompt(rp, t, files);
    ASSERT_TRUE(prompt.ok()) << prompt.err().message;
    EXPECT_EQ(*prompt,
              "T:User:\nHi there 1\n---\nAssistant:\n I'm thinking & feeling\nT\n\n They're thinking & feeling\nU "
              "{debrief}\n\n My response\nR\n\n--\n|D:deb|O:{\n  \"chain_of_thought_reasoning\": \"detailed chain of "
              "thought reasoning about the coming scoring decisions\",\n  \"a\": 0-20\n}");
    eq3::transcript no_debrief = t;
    no_debrief.debrief.reset();
    EXPECT_FALSE(eq3::rubric_prompt(rp, no_debrief, files).ok());
    EXPECT_FALSE(eq3::rubric_prompt(rp, eq3::transcript{}, files).ok());

    const eq3::scenario analysis{"401", eq3::scenario_type::ANALYSIS, {"p"}, 1};
    eq3::transcript a;
    a.history = {{"user", "read this"}, {"assistant", "## Raw *analysis*"}};
    EXPECT_EQ(*eq3::rubric_prompt(analysis, a, files),
              "T:User:\nread this\n---\nAssistant:\n Raw analysis\n|O:{\n  \"chain_of_thought_reasoning\": "
              "\"detailed chain of thought reasoning about the coming scoring decisions\",\n  \"b\": 0-20\n}");
    files.rubric_analysis = "{transcript} {debrief}";
    EXPECT_FALSE(eq3::rubric_prompt(analysis, a, files).ok());  // KeyError: 'debrief'
}

TEST(eq3_rubric_prompt, truncates_only_when_asked) {
    eq3::prompt_files files;
    files.rubric_standard = "{transcript}{debrief}{output_format}";
    files.criteria_standard = {"a"};
    const eq3::scenario rp{"1", eq3::scenario_type::ROLE_PLAY, {"p"}, 1};
    eq3::transcript t;
    t.history = {{"user", "u"}, {"assistant", "# I'm thinking & feeling\n" + repeat(e_acute, 2201)}};
    t.debrief = repeat("d", 4001);
    const std::string format = eq3::rubric_output_format({"a"});
    const std::string head = "User:\nu\n---\nAssistant:\n I'm thinking & feeling\n";
    const std::string tail = "\n\n They're thinking & feeling\n\n\n My response\n\n\n--\n";
    EXPECT_EQ(*eq3::rubric_prompt(rp, t, files), head + repeat(e_acute, 2201) + tail + repeat("d", 4001) + format);
    EXPECT_EQ(*eq3::rubric_prompt(rp, t, files, true),
              head + repeat(e_acute, 2200) + "... [truncated]" + tail + repeat("d", 4000) + "...[truncated]" + format);
}

TEST(eq3_rubric_answer, reads_scores_from_strings_as_the_reference) {
    const auto scores = eq3::rubric_answer_parse(
        "\n```json\n{\"chain_of_thought_reasoning\": \"7 points\", \"a\": \"14/20\", \"b\": \"N/A\", \"c\": 9}\n```\n");
    ASSERT_TRUE(scores.ok()) << scores.err().message;
    EXPECT_EQ(*scores, (eq3::rubric_scores{{"a", 14.0}, {"c", 9.0}}));
    EXPECT_FALSE(eq3::rubric_answer_parse("{\"a\": \"N/A\"}").ok());
    EXPECT_FALSE(eq3::rubric_answer_parse("{\"a\": " + std::string(400, '9') + "}").ok());
}

TEST(eq3_pairwise_history, renders_sections_as_format_conversation_history) {
    const std::vector<eq3::message> history = {
        {"user", "Hi *there* #1"},
        {"assistant", "# I'm thinking & feeling\nT\n# They're thinking & feeling\nU\n# My response\nR\n--"}};
    EXPECT_EQ(eq3::pairwise_history_render(history, eq3::scenario_type::ROLE_PLAY),
              "User:\nHi there 1\n---\nAssistant:\n I'm thinking & feeling\n\nT\n\n They're thinking & "
              "feeling\n\nU\n\n My response\n\nR\n\n--\n---");
    const std::vector<eq3::message> drafting = {
        {"user", "u"},
        {"assistant", "# Perspective taking\n" + repeat(e_acute, 2201) + "\n# Draft\n" + repeat("x", 1601)}};
    EXPECT_EQ(eq3::pairwise_history_render(drafting, eq3::scenario_type::MESSAGE_DRAFTING),
              "User:\nu\n---\nAssistant:\n Perspective-taking\n\n" + repeat(e_acute, 2200) +
                  "... [truncated]\n\n Draft brainstorming\n\n\n\n Draft\n\n" + repeat("x", 1600) +
                  "... [truncated]\n\n--\n---");
    const std::vector<eq3::message> direct = {{"user", "u"}, {"assistant", repeat("y", 4001)}};
    EXPECT_EQ(eq3::pairwise_history_render(direct, eq3::scenario_type::DIRECT),
              "User:\nu\n---\nAssistant:\n" + repeat("y", 4000) + "... [truncated]\n---");
}

TEST(eq3_pairwise_prompt, replaces_placeholders_in_the_reference_order) {
    eq3::prompt_files files;
    files.pairwise_standard =
        "N:{scenario_notes}|A:{conversation_history_A}|B:{conversation_history_B}|DA:{debrief_A}|DB:{debrief_B}|S:{"
        "scenario_description}";
    files.notes = {{"5", "note {debrief_A}"}};
    const eq3::scenario s{"5", eq3::scenario_type::DIRECT, {"desc {scenario_notes}"}, 1};
    eq3::transcript test;
    test.history = {{"user", "u*1"}, {"assistant", "a#1"}};
    test.debrief = "d*a";
    eq3::transcript other;
    other.history = {{"user", "u2"}, {"assistant", "b2"}};
    // Text inserted early is replaced again by later placeholders, as str.replace does in sequence.
    EXPECT_EQ(eq3::pairwise_prompt(s, test, other, eq3::pairwise_order::TEST_FIRST, files),
              "N:note da|A:User:\nu1\n---\nAssistant:\na1\n---|B:User:\nu2\n---\nAssistant:\nb2\n---|DA:da|DB:[No "
              "Debrief Provided]|S:desc note da");
    EXPECT_EQ(eq3::pairwise_prompt(s, test, other, eq3::pairwise_order::TEST_SECOND, files),
              "N:note [No Debrief Provided]|A:User:\nu2\n---\nAssistant:\nb2\n---|B:User:\nu1\n---\nAssistant:\na1\n---"
              "|DA:[No Debrief Provided]|DB:da|S:desc note [No Debrief Provided]");
    other.debrief = "";
    const std::string long_debrief = repeat(e_acute, 3999) + "**##xy";
    test.debrief = long_debrief;  // 4001 code points once '*' and '#' are gone
    const auto cut = eq3::pairwise_prompt(s, test, other, eq3::pairwise_order::TEST_FIRST, files);
    EXPECT_NE(cut.find("|DA:" + repeat(e_acute, 3999) + "x... [truncated]|DB:[No Debrief Provided]|"),
              std::string::npos);
    EXPECT_STREQ(eq3::pairwise_order_name(eq3::pairwise_order::TEST_SECOND), "reversed");
}

TEST(eq3_pairwise_prompt, fills_analysis_placeholders) {
    eq3::prompt_files files;
    files.pairwise_analysis =
        "T:{transcript_being_analysed}|A:{response_A}|B:{response_B}|N:{scenario_notes}|H:{conversation_history_A}";
    const eq3::scenario s{"401", eq3::scenario_type::ANALYSIS, {"  the transcript  "}, 1};
    eq3::transcript a;
    a.history = {{"user", "templated"}, {"assistant", "**##"}};
    eq3::transcript b;
    b.history = {{"user", "t"}, {"assistant", "x*y" + repeat(e_acute, 6000)}};
    EXPECT_EQ(eq3::pairwise_prompt(s, a, b, files),
              "T:the transcript|A:**##|B:xy" + repeat(e_acute, 5998) +
                  "... [truncated]|N:[No scenario notes available]|H:User:\ntemplated\n---\nAssistant:\n\n---");
}

}  // namespace
