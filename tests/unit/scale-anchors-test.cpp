// The anchored rating scale (`--scale anchored`): the anchors go after the
// line of the 0-10 instruction, byte-exact on hand-written prompts; every
// shipped pack has six levels 0..10; on all 171 questions of en, de, ja and
// jahalf (revision off and on) the anchors follow that instruction, once.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/prompt.hpp"
#include "data/questions.hpp"
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

// The block the pack adds, written out independently of prompt.cpp.
std::string block_of(const eqb::language_pack& pack) {
    std::string out = pack.anchors.intro.empty() ? "" : "\n" + pack.anchors.intro;
    for (const auto& line : pack.anchors.lines) {
        out += "\n" + line;
    }
    return out;
}

TEST(scale_anchors, en_goes_after_the_instruction_line_byte_exact) {
    const std::string prompt =
        "Dialogue.\n[End dialogue]\n\nGive each of these possible emotions a score from 0-10 for the relative "
        "intensity that they are likely to be feeling each.\n\nYou must output in the following format";
    const auto out = eqb::prompt_add_scale_anchors(prompt, pack_of("en"));
    ASSERT_TRUE(out.complete);
    EXPECT_EQ(out.text,
              "Dialogue.\n[End dialogue]\n\nGive each of these possible emotions a score from 0-10 for the relative "
              "intensity that they are likely to be feeling each.\nScale anchors:\n0 = not at all\n2 = faint\n"
              "4 = mild\n6 = clear\n8 = strong\n10 = overwhelming\n\nYou must output in the following format");
}

TEST(scale_anchors, ja_finds_full_width_ranges_too) {
    const std::string prompt = "対話\n\n強さを０～１０の間で採点してください。\n\n以下の形式で";
    const auto pack = pack_of("ja");
    const auto out = eqb::prompt_add_scale_anchors(prompt, pack);
    ASSERT_TRUE(out.complete);
    EXPECT_EQ(out.text, "対話\n\n強さを０～１０の間で採点してください。" + block_of(pack) + "\n\n以下の形式で");
}

TEST(scale_anchors, instruction_not_found_or_no_anchors_sends_the_prompt_whole) {
    const std::string prompt = "No range here.";
    const auto out = eqb::prompt_add_scale_anchors(prompt, pack_of("en"));
    EXPECT_FALSE(out.complete);
    EXPECT_EQ(out.text, prompt);
    ASSERT_EQ(out.missing.size(), 1u);
    EXPECT_NE(out.missing[0].find("not found"), std::string::npos) << out.missing[0];

    eqb::language_pack bare = pack_of("en");
    bare.anchors = {};
    const auto none = eqb::prompt_add_scale_anchors("from 0-10.", bare);
    EXPECT_FALSE(none.complete);
    EXPECT_EQ(none.text, "from 0-10.");
}

TEST(scale_anchors, every_shipped_pack_has_six_levels_from_0_to_10) {
    for (const auto& code : eqb::language_pack_builtin_codes()) {
        const auto pack = pack_of(code);
        ASSERT_EQ(pack.anchors.lines.size(), 6u) << code;
        for (std::size_t i = 0; i < pack.anchors.lines.size(); ++i) {
            const std::string level = std::to_string(2 * i) + " = ";
            EXPECT_EQ(pack.anchors.lines[i].rfind(level, 0), 0u) << code << ": " << pack.anchors.lines[i];
        }
        EXPECT_FALSE(pack.anchors.intro.empty()) << code;
    }
}

TEST(scale_anchors, a_pack_file_without_lines_is_an_error_naming_the_field) {
    auto text = eqb::test::read_file(eqb::test::source_dir() / "src" / "lang" / "packs" / "en.json");
    const std::string field = "\"lines\": [";
    const auto at = text.find(field);
    ASSERT_NE(at, std::string::npos);
    text.replace(at, text.find(']', at) - at + 1, "\"lines\": []");
    const auto loaded = eqb::language_pack_parse(text, "x.json");
    ASSERT_FALSE(loaded);
    EXPECT_NE(loaded.err().message.find("scale_anchors.lines"), std::string::npos) << loaded.err().message;
}

class every_question : public ::testing::TestWithParam<std::string> {};

TEST_P(every_question, anchors_follow_the_0_10_instruction_revision_off_and_on) {
    const std::string code = GetParam();
    const std::string file =
        code == "en" ? "eq_bench_v2_questions_171.json" : "eq_bench_v2_questions_171_" + code + ".json";
    const auto path = eqb::test::data_dir() / file;
    if (!std::filesystem::exists(path)) {
        GTEST_SKIP() << "needs " << path;
    }
    const auto set = eqb::questions_load(path);
    ASSERT_TRUE(set) << set.err().message;
    ASSERT_EQ(set->questions.size(), 171u);
    const auto pack = pack_of(code);
    const std::string block = block_of(pack);
    for (const auto& q : set->questions) {
        const auto rewritten = eqb::prompt_remove_revision(q.prompt, pack);
        for (const std::string& base : {rewritten.text, q.prompt}) {
            const auto out = eqb::prompt_add_scale_anchors(base, pack);
            ASSERT_TRUE(out.complete) << code << " question " << q.id;
            // Exactly the base with the block inserted once, at a line end,
            // after the range "0-10" (or its full-width form), before the answer format.
            ASSERT_EQ(out.text.size(), base.size() + block.size());
            const auto at = out.text.find(block);
            ASSERT_NE(at, std::string::npos) << code << " question " << q.id;
            EXPECT_EQ(out.text.find(block, at + 1), std::string::npos);
            EXPECT_EQ(out.text.substr(0, at) + out.text.substr(at + block.size()), base);
            ASSERT_TRUE(at == base.size() || base[at] == '\n') << code << " question " << q.id;
            const auto line_start = base.rfind('\n', at - 1);
            const std::string line = base.substr(line_start + 1, at - line_start - 1);
            const bool range = line.find("0-10") != std::string::npos || line.find("０") != std::string::npos;
            EXPECT_TRUE(range) << code << " question " << q.id << ": " << line;
            std::size_t dialogue_end = std::string::npos;
            for (const auto& marker : pack.dialogue_end_markers) {
                dialogue_end = std::min(dialogue_end, base.find(marker));
            }
            if (dialogue_end != std::string::npos) {  // a few translated dialogues lost their end marker
                EXPECT_LT(dialogue_end, at) << code << " question " << q.id;
            }
        }
    }
}

INSTANTIATE_TEST_SUITE_P(languages, every_question, ::testing::Values("en", "de", "ja", "jahalf"));

}  // namespace
