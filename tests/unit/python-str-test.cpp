// Python str semantics: strip over Unicode whitespace, str.format with named
// fields, len() and slicing in code points. Expected values are what CPython 3.11 gives.

#include <gtest/gtest.h>

#include <string>

#include "core/python-str.hpp"

namespace {

TEST(python_str_test, strip_removes_unicode_whitespace_only) {
    EXPECT_EQ(eqb::python_strip("  \t\nabc \r\n"), "abc");
    // U+3000 ideographic space, U+00A0 no-break space, U+2028 line separator are whitespace in Python.
    EXPECT_EQ(eqb::python_strip("\u3000\u00a0x y\u2028"), "x y");
    // U+200B zero-width space is not.
    EXPECT_EQ(eqb::python_strip("\u200bx\u200b"), "\u200bx\u200b");
    EXPECT_EQ(eqb::python_strip(" \n\t "), "");
    EXPECT_EQ(eqb::python_lstrip("  a  "), "a  ");
    EXPECT_EQ(eqb::python_rstrip("  a  "), "  a");
    EXPECT_EQ(eqb::python_rstrip("\x1c\x1d\x1e\x1f"), "");  // file/group/record/unit separators
}

TEST(python_str_test, format_fills_named_fields_in_one_pass) {
    const auto out = eqb::python_format("A {a} {{literal}} {b}!", {{"a", "{b}"}, {"b", "x}"}});
    ASSERT_TRUE(out.ok()) << out.err().message;
    EXPECT_EQ(*out, "A {b} {literal} x}!");
}

TEST(python_str_test, format_errors_as_python_raises_them) {
    EXPECT_FALSE(eqb::python_format("{missing}", {}).ok());
    EXPECT_FALSE(eqb::python_format("a } b", {}).ok());
    EXPECT_FALSE(eqb::python_format("a { b", {}).ok());
    EXPECT_FALSE(eqb::python_format("{a:>10}", {{"a", "x"}}).ok());
    const auto missing = eqb::python_format("x {name} y", {});
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.err().message.find("name"), std::string::npos);
}

TEST(python_str_test, len_and_prefix_count_code_points) {
    EXPECT_EQ(eqb::python_len("a\u00e9\u3042\U0001F319"), 4U);
    EXPECT_EQ(eqb::python_prefix("a\u00e9\u3042\U0001F319z", 4), "a\u00e9\u3042\U0001F319");
    EXPECT_EQ(eqb::python_prefix("abc", 10), "abc");
    EXPECT_EQ(eqb::python_prefix("abc", 0), "");
}

}  // namespace
