// The thought splitter over golden files of thought shapes
// (tests/golden/thoughts/*.json: a new shape is a new file), and the formats
// file's own checks.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "client/thought-split.hpp"
#include "tests/support/test-support.hpp"

namespace {

TEST(thought_split, every_golden_shape_splits_as_written) {
    const auto files = eqb::test::files_in(eqb::test::source_dir() / "tests" / "golden" / "thoughts", ".json");
    ASSERT_GE(files.size(), 15u);
    for (const auto& file : files) {
        SCOPED_TRACE(file.filename().string());
        const auto golden = nlohmann::json::parse(eqb::test::read_file(file));
        const auto split = eqb::thought_split(golden.at("text").get<std::string>());
        EXPECT_EQ(split.answer, golden.at("answer").get<std::string>());
        EXPECT_EQ(split.thought, golden.at("thought").get<std::string>());
        EXPECT_EQ(split.unterminated, golden.at("unterminated").get<bool>());
        EXPECT_EQ(split.format, golden.at("format").get<std::string>());
    }
}

TEST(thought_split, the_shipped_formats_load) {
    const auto& formats = eqb::thought_formats_builtin();
    EXPECT_GE(formats.blocks.size(), 4u);
    ASSERT_EQ(formats.channels.size(), 1u);
    EXPECT_EQ(formats.channels[0].answer_channel, "final");
}

TEST(thought_split, a_user_format_needs_no_code) {
    const auto formats = eqb::thought_formats_parse(R"({"blocks": [{"name": "x", "open": "[[", "close": "]]"}]})", "f");
    ASSERT_TRUE(formats.ok()) << formats.err().message;
    const auto split = eqb::thought_split("[[Happy: 9]] Happy: 2", *formats);
    EXPECT_EQ(split.answer, "Happy: 2");
    EXPECT_EQ(split.thought, "Happy: 9");
}

TEST(thought_split, a_broken_formats_file_names_the_field) {
    const auto missing = eqb::thought_formats_parse(R"({"blocks": [{"name": "x", "open": "<a>"}]})", "mine.json");
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.err().message, "mine.json: blocks[0].close: expected a string");
    const auto empty = eqb::thought_formats_parse(R"({"blocks": [{"name": "x", "open": "", "close": "</a>"}]})", "m");
    ASSERT_FALSE(empty.ok());
    EXPECT_NE(empty.err().message.find("blocks[0]: open and close must not be empty"), std::string::npos);
    EXPECT_FALSE(eqb::thought_formats_parse("[1]", "m").ok());
}

}  // namespace
