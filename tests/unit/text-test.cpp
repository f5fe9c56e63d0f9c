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

}  // namespace
