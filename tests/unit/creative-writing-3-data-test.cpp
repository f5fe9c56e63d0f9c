// Creative Writing v3 loading and writing requests: the prompts file in file
// order with errors naming the file, prompt and field; criteria as stripped
// non-empty lines; Python's universal newlines; the writing tasks, their
// prompts and the reference's cut of reasoning and its short-answer rule.

#include <gtest/gtest.h>

#include <fstream>

#include "bench/creative-writing-3/data.hpp"
#include "bench/creative-writing-3/writing.hpp"
#include "core/python-str.hpp"
#include "tests/support/process.hpp"

namespace {

TEST(cw3_prompts_parse, keeps_file_order_and_fields) {
    const auto prompts = eqb::cw3_prompts_parse(
        R"({"10": {"writing_prompt": "Ten <SEED>", "seed_modifiers": ["a", "b"], "category": "c", "title": "t"},
            "2": {"writing_prompt": "Two", "seed_modifiers": []},
            "7": {"writing_prompt": "Seven", "seed_modifiers": null, "title": null}})",
        "p.json");
    ASSERT_TRUE(prompts.ok()) << prompts.err().message;
    ASSERT_EQ(prompts->size(), 3u);
    EXPECT_EQ((*prompts)[0].id, "10");
    EXPECT_EQ((*prompts)[1].id, "2");
    EXPECT_EQ((*prompts)[2].id, "7");
    EXPECT_EQ((*prompts)[0].seed_modifiers, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ((*prompts)[0].category, "c");
    EXPECT_EQ((*prompts)[0].title, "t");
    EXPECT_TRUE((*prompts)[1].seed_modifiers.empty());
    EXPECT_TRUE((*prompts)[2].seed_modifiers.empty());
    EXPECT_EQ((*prompts)[2].title, "");
    EXPECT_EQ(eqb::cw3_prompt_find(*prompts, "2"), &(*prompts)[1]);
    EXPECT_EQ(eqb::cw3_prompt_find(*prompts, "3"), nullptr);
}

TEST(cw3_prompts_parse, a_repeated_key_keeps_its_place_and_last_value) {
    const auto prompts = eqb::cw3_prompts_parse(
        R"({"1": {"writing_prompt": "old"}, "2": {"writing_prompt": "two"}, "1": {"writing_prompt": "new"}})", "p");
    ASSERT_TRUE(prompts.ok()) << prompts.err().message;
    ASSERT_EQ(prompts->size(), 2u);
    EXPECT_EQ((*prompts)[0].id, "1");
    EXPECT_EQ((*prompts)[0].writing_prompt, "new");
}

TEST(cw3_prompts_parse, errors_name_the_file_prompt_and_field) {
    const struct {
        const char* text;
        const char* needle;
    } cases[] = {
        {"[1, 2]", "p.json: must be a JSON object"},
        {"{\"1\": \"text\"}", "p.json: prompt \"1\" must be a JSON object"},
        {"{\"4\": {\"seed_modifiers\": []}}", "p.json: prompt \"4\": writing_prompt must be a string"},
        {"{\"4\": {\"writing_prompt\": 3}}", "p.json: prompt \"4\": writing_prompt must be a string"},
        {"{\"5\": {\"writing_prompt\": \"x\", \"seed_modifiers\": \"a\"}}", "prompt \"5\": seed_modifiers must be"},
        {"{\"5\": {\"writing_prompt\": \"x\", \"seed_modifiers\": [\"a\", 2]}}", "seed_modifiers[1] must be a string"},
        {"{\"6\": {\"writing_prompt\": \"x\", \"title\": 1}}", "prompt \"6\": title must be a string"},
        {"{\"1\": ", "p.json: not valid JSON"},
    };
    for (const auto& c : cases) {
        const auto prompts = eqb::cw3_prompts_parse(c.text, "p.json");
        ASSERT_FALSE(prompts.ok()) << c.text;
        EXPECT_NE(prompts.err().message.find(c.needle), std::string::npos) << prompts.err().message;
    }
}

TEST(cw3_criteria_parse, strips_lines_and_drops_blank_ones) {
    EXPECT_EQ(eqb::cw3_criteria_parse("  Clarity \r\n\r\n\tStyle\rPacing\n \n\xc2\xa0"
                                      "Flow\xc2\xa0\nLast"),
              (std::vector<std::string>{"Clarity", "Style", "Pacing", "Flow", "Last"}));
    EXPECT_TRUE(eqb::cw3_criteria_parse("\n \n\t\n").empty());
    // Python's file iteration ends lines only at \n and \r, not at U+2028.
    EXPECT_EQ(eqb::cw3_criteria_parse("a\xe2\x80\xa8"
                                      "b\n"),
              (std::vector<std::string>{"a\xe2\x80\xa8"
                                        "b"}));
}

void write_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

TEST(cw3_data_load, reads_five_files_with_universal_newlines) {
    eqb::test::temp_dir dir;
    write_file(dir.path() / eqb::cw3_prompts_file,
               "{\"1\": {\"writing_prompt\": \"W <SEED>\", \"seed_modifiers\": [\"m\"]}}");
    write_file(dir.path() / eqb::cw3_criteria_file, "Clarity\r\nRambling\r\n");
    write_file(dir.path() / eqb::cw3_negative_criteria_file, "Rambling\n");
    write_file(dir.path() / eqb::cw3_judging_prompt_file, "Judge\r\n{test_model_response}\rend");
    write_file(dir.path() / eqb::cw3_pairwise_prompt_file, "A\r\nB");
    const auto data = eqb::cw3_data_load(dir.path());
    ASSERT_TRUE(data.ok()) << data.err().message;
    EXPECT_EQ(data->prompts.size(), 1u);
    EXPECT_EQ(data->criteria, (std::vector<std::string>{"Clarity", "Rambling"}));
    EXPECT_EQ(data->negative_criteria, (std::vector<std::string>{"Rambling"}));
    EXPECT_EQ(data->judging_prompt, "Judge\n{test_model_response}\nend");
    EXPECT_EQ(data->pairwise_prompt, "A\nB");

    std::filesystem::remove(dir.path() / eqb::cw3_pairwise_prompt_file);
    const auto missing = eqb::cw3_data_load(dir.path());
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.err().message.find(eqb::cw3_pairwise_prompt_file), std::string::npos);

    write_file(dir.path() / eqb::cw3_pairwise_prompt_file, "bad \xff byte");
    const auto bad = eqb::cw3_data_load(dir.path());
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.err().message.find("UTF-8"), std::string::npos);

    write_file(dir.path() / eqb::cw3_pairwise_prompt_file, "ok");
    write_file(dir.path() / eqb::cw3_criteria_file, "\n\n");
    const auto empty = eqb::cw3_data_load(dir.path());
    ASSERT_FALSE(empty.ok());
    EXPECT_NE(empty.err().message.find("no criteria"), std::string::npos);
}

TEST(cw3_writing, tasks_run_prompt_by_prompt_and_skip_prompts_without_modifiers) {
    std::vector<eqb::cw3_prompt> prompts(3);
    prompts[0] = {"4", "Four <SEED>", {"x", "y"}, "", ""};
    prompts[1] = {"9", "Nine <SEED>", {}, "", ""};
    prompts[2] = {"2", "Two <SEED>", {"p", "q", "r"}, "", ""};
    const auto tasks = eqb::cw3_writing_tasks(prompts, 3);
    ASSERT_EQ(tasks.size(), 6u);
    const std::vector<std::pair<std::string, int>> order{{"4", 1}, {"4", 2}, {"4", 3}, {"2", 1}, {"2", 2}, {"2", 3}};
    for (std::size_t i = 0; i < tasks.size(); ++i) {
        EXPECT_EQ(tasks[i].prompt_id, order[i].first) << i;
        EXPECT_EQ(tasks[i].iteration, order[i].second) << i;
    }
    EXPECT_EQ(tasks[2].seed_modifier, "x");
    EXPECT_EQ(tasks[2].prompt, "Four x");
    EXPECT_EQ(tasks[4].prompt, "Two q");
    EXPECT_TRUE(eqb::cw3_writing_tasks(prompts, 0).empty());
}

TEST(cw3_writing, sampling_constants_are_the_references) {
    EXPECT_EQ(eqb::cw3_writer_sampling.temperature, 0.7);
    EXPECT_EQ(eqb::cw3_writer_sampling.max_tokens, 4000);
    EXPECT_EQ(eqb::cw3_writer_sampling.min_p, 0.1);
    EXPECT_EQ(eqb::cw3_writer_max_tries, 3);
    EXPECT_EQ(eqb::cw3_piece_min_chars, 500u);
}

TEST(cw3_answer_content, cuts_reasoning_as_the_reference_client) {
    EXPECT_EQ(eqb::cw3_answer_content("<think>plan</think>\n\nStory"), "\n\nStory");
    EXPECT_EQ(eqb::cw3_answer_content("<think>a</think>b</think>c"), "b</think>c");  // the first close
    EXPECT_EQ(eqb::cw3_answer_content("<think>never closed"), "<think>never closed");
    EXPECT_EQ(eqb::cw3_answer_content("x</think>y"), "x</think>y");               // no opening tag: kept
    EXPECT_EQ(eqb::cw3_answer_content("pre</think>post<think>"), "post<think>");  // anywhere, any order
    EXPECT_EQ(eqb::cw3_answer_content("<reasoning>r</reasoning>R"), "R");
    EXPECT_EQ(eqb::cw3_answer_content("<think>t</think><reasoning>r</reasoning>both"), "both");
    EXPECT_EQ(eqb::cw3_answer_content("plain"), "plain");
}

TEST(cw3_piece_from_answer, counts_code_points_after_the_cut_and_strip) {
    std::string accents;
    for (int i = 0; i < 499; ++i) {
        accents += "\xc3\xa9";  // 998 bytes, 499 code points
    }
    EXPECT_FALSE(eqb::cw3_piece_from_answer("  \n" + accents + "\xe2\x80\x83\n").has_value());
    const auto piece = eqb::cw3_piece_from_answer("\n " + accents + "!\xc2\xa0");
    ASSERT_TRUE(piece.has_value());
    EXPECT_EQ(*piece, accents + "!");
    const std::string story(520, 'w');
    EXPECT_FALSE(eqb::cw3_piece_from_answer("<think>" + story + "</think> short").has_value());
    EXPECT_EQ(eqb::cw3_piece_from_answer("<think>x</think>\n" + story + "\n"), story);
}

}  // namespace
