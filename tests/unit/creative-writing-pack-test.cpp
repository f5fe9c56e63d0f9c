// The Creative Writing part of a language pack: the ja pack ships it (test
// template with {writing_prompt}, judge note, script, length, reminder); a
// pack file with a bad part is an error naming the field; the script share
// counts letters only, on hand-counted texts; the judge note goes before the
// criteria prefix and nowhere else.

#include <gtest/gtest.h>

#include "bench/creative-writing/prompts.hpp"
#include "lang/language-pack.hpp"
#include "tests/support/test-support.hpp"

namespace {

eqb::language_pack pack_of(const std::string& code) {
    auto loaded = eqb::language_pack_builtin(code);
    if (!loaded) {
        ADD_FAILURE() << loaded.err().message;
        return {};
    }
    return *loaded;
}

TEST(creative_writing_language, the_ja_pack_ships_every_field) {
    const auto cw = pack_of("ja").creative;
    EXPECT_NE(cw.test_template.find("{writing_prompt}"), std::string::npos);
    EXPECT_NE(cw.test_template.find("日本語"), std::string::npos);
    EXPECT_NE(cw.judge_note.find("Japanese"), std::string::npos);
    EXPECT_NE(cw.judge_note.find("format"), std::string::npos);
    EXPECT_EQ(cw.script_name, "kana and kanji");
    EXPECT_DOUBLE_EQ(cw.script_share_min, 0.5);
    EXPECT_GT(cw.min_chars, 0u);
    EXPECT_NE(cw.language_reminder.find("日本語"), std::string::npos);
    // en has none: the reference's English benchmark.
    EXPECT_TRUE(pack_of("en").creative.test_template.empty());
}

TEST(creative_writing_language, script_share_counts_letters_only) {
    const auto cw = pack_of("ja").creative;
    // 4 letters in script (ひ, ら, カ, 漢), 2 outside (a, b); digits, '_', spaces and 。 are not letters.
    EXPECT_DOUBLE_EQ(eqb::creative_writing_script_share("ひらカ漢 ab 123_。", cw), 4.0 / 6.0);
    EXPECT_DOUBLE_EQ(eqb::creative_writing_script_share("The rain fell.", cw), 0.0);
    EXPECT_DOUBLE_EQ(eqb::creative_writing_script_share("雨が降った。", cw), 1.0);
    EXPECT_DOUBLE_EQ(eqb::creative_writing_script_share("... 123", cw), 0.0);
    // Half-width katakana and the iteration mark count as Japanese.
    EXPECT_DOUBLE_EQ(eqb::creative_writing_script_share("ｶﾀｶﾅ人々", cw), 1.0);
}

TEST(creative_writing_language, the_judge_note_goes_before_the_criteria_prefix) {
    eqb::creative_writing_templates t;
    t.test = "T {writing_prompt}";
    t.judge = "J {writing_prompt} | {test_model_response} | {prefix_text} | {criteria}";
    const std::string plain = eqb::creative_writing_judge_prompt(t, "P", "R", "A", {"c1", "c2"});
    EXPECT_EQ(plain, std::string("J T P | A | ") + eqb::creative_writing_criteria_prefix + " | c1\nc2");
    const std::string noted = eqb::creative_writing_judge_prompt(t, "P", "R", "A", {"c1"}, "NOTE");
    EXPECT_EQ(noted, std::string("J T P | A | NOTE\n\n") + eqb::creative_writing_criteria_prefix + " | c1");
}

// The ja pack file with one field of its Creative Writing part replaced.
std::string ja_with(const std::string& field_json, const std::string& replacement) {
    auto text = eqb::test::read_file(eqb::test::source_dir() / "src" / "lang" / "packs" / "ja.json");
    const auto at = text.find(field_json);
    EXPECT_NE(at, std::string::npos) << field_json;
    if (at != std::string::npos) {
        text.replace(at, field_json.size(), replacement);
    }
    return text;
}

TEST(creative_writing_language, a_bad_part_is_an_error_naming_the_field) {
    struct bad {
        std::string field;
        std::string replacement;
        std::string named;
    };
    const std::vector<bad> cases = {
        {"\"min_chars\": 150", "\"min_chars\": 0", "creative_writing.min_chars"},
        {"\"min_share\": 0.5", "\"min_share\": 1.5", "creative_writing.script.min_share"},
        {"\"3040-309F\"", "\"309F-3040\"", "creative_writing.script.ranges[1]"},
        {"\"3040-309F\"", "\"zz\"", "creative_writing.script.ranges[1]"},
        {"{writing_prompt}", "{prompt}", "creative_writing.test_template"},
        {"\"language_reminder\"", "\"reminder\"", "creative_writing.reminder"},
    };
    for (const auto& c : cases) {
        const auto loaded = eqb::language_pack_parse(ja_with(c.field, c.replacement), "ja-x.json");
        ASSERT_FALSE(loaded) << c.replacement;
        EXPECT_NE(loaded.err().message.find("ja-x.json: field '" + c.named + "'"), std::string::npos)
            << loaded.err().message;
    }
}

}  // namespace
