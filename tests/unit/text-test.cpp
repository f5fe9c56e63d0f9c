// The shared text helpers: one-pass substitution and replace-all.

#include <gtest/gtest.h>

#include "core/text.hpp"

namespace {

TEST(text_test, substitution_is_one_pass_and_the_first_listed_key_wins) {
    EXPECT_EQ(eqb::text_substitute("<a> and <b>", {{"<a>", "<b>"}, {"<b>", "B"}}), "<b> and B");
    EXPECT_EQ(eqb::text_substitute("{x}{x}", {{"{x}", "{x}"}}), "{x}{x}");
    EXPECT_EQ(eqb::text_substitute("<|user|>", {{"<|user", "U"}, {"<|user|>", "V"}}), "U|>");
    EXPECT_EQ(eqb::text_substitute("no keys", {}), "no keys");
    EXPECT_EQ(eqb::text_substitute("empty key", {{"", "X"}}), "empty key");
}

TEST(text_test, replace_all_rescans_nothing_it_inserted) {
    EXPECT_EQ(eqb::text_replace_all("aaa", "a", "aa"), "aaaaaa");
    EXPECT_EQ(eqb::text_replace_all("a\\nb\\n", "\\n", "\n"), "a\nb\n");
    EXPECT_EQ(eqb::text_replace_all("abc", "", "x"), "abc");
}

TEST(text_test, the_closest_candidate_is_suggested_within_two_edits) {
    const std::vector<std::string> commands = {"data", "score", "run", "translate", "report", "compare", "runs"};
    EXPECT_EQ(eqb::text_closest("list", commands), "");
    EXPECT_EQ(eqb::text_closest("rnus", commands), "runs");  // a swap is one edit
    EXPECT_EQ(eqb::text_closest("scroe", commands), "score");
    EXPECT_EQ(eqb::text_closest("--modle", {"--model", "--mode"}), "--model");
    EXPECT_EQ(eqb::text_closest("--model", {"--model", "--mode"}), "--model");
    EXPECT_EQ(eqb::text_closest("zzzzzz", commands), "");
}

}  // namespace
