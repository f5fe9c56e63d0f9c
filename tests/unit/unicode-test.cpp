#include <gtest/gtest.h>

#include <string>

#include "core/unicode.hpp"

namespace {

TEST(unicode, digit_values_cover_ascii_fullwidth_and_other_scripts) {
    EXPECT_EQ(eqb::unicode_digit_value(U'7'), 7);
    EXPECT_EQ(eqb::unicode_digit_value(U'\uFF12'), 2);  // full-width 2
    EXPECT_EQ(eqb::unicode_digit_value(U'\u0669'), 9);  // Arabic-Indic 9
    EXPECT_EQ(eqb::unicode_digit_value(U'\u096A'), 4);  // Devanagari 4
    EXPECT_EQ(eqb::unicode_digit_value(U'a'), -1);
    EXPECT_EQ(eqb::unicode_digit_value(U'\u4E00'), -1);  // 一 is not Nd
    EXPECT_EQ(eqb::unicode_digit_value(U'\u00B2'), -1);  // superscript 2 is No, not Nd
}

TEST(unicode, python_float_reads_any_decimal_digits) {
    EXPECT_EQ(eqb::python_float("02"), 2.0);
    EXPECT_EQ(eqb::python_float("\xef\xbc\x92"), 2.0);               // "２"
    EXPECT_EQ(eqb::python_float("\xef\xbc\x91\xef\xbc\x90"), 10.0);  // "１０"
    EXPECT_EQ(eqb::python_float("7.5"), 7.5);
    EXPECT_EQ(eqb::python_float(" 3 "), 3.0);
    EXPECT_FALSE(eqb::python_float("7/10").has_value());
    EXPECT_FALSE(eqb::python_float("").has_value());
    EXPECT_FALSE(eqb::python_float("1 2").has_value());
    EXPECT_FALSE(eqb::python_float("0x10").has_value());
}

TEST(unicode, lower_follows_python_str_lower) {
    EXPECT_EQ(eqb::unicode_lower("ANNOYED"), "annoyed");
    EXPECT_EQ(eqb::unicode_lower("\xc3\x9c"
                                 "berrascht"),
              "\xc3\xbc"
              "berrascht");                                         // Überrascht
    EXPECT_EQ(eqb::unicode_lower("\xce\xa3"), "\xcf\x83");          // Σ -> σ
    EXPECT_EQ(eqb::unicode_lower("\xe6\x80\x92"), "\xe6\x80\x92");  // 怒 unchanged
    EXPECT_EQ(eqb::unicode_lower("\xff\xfe"
                                 "A"),
              "\xff\xfe"
              "a");  // invalid bytes kept
}

TEST(unicode, fullwidth_forms_fold_to_ascii) {
    EXPECT_EQ(eqb::fold_fullwidth("\xe6\x80\x92\xe3\x82\x8a\xef\xbc\x9a\xef\xbc\x98"), "\xe6\x80\x92\xe3\x82\x8a:8");
    EXPECT_EQ(eqb::fold_fullwidth("a\xe3\x80\x80"
                                  "b"),
              "a b");
}

TEST(unicode, utf8_decode_never_overruns_on_truncated_input) {
    const std::string bad = "\xe3\x81";  // truncated 3-byte sequence
    std::size_t pos = 0;
    EXPECT_EQ(eqb::utf8_decode(bad, pos), U'\uFFFD');
    EXPECT_EQ(pos, 1u);
    EXPECT_EQ(eqb::utf8_decode(bad, pos), U'\uFFFD');
    EXPECT_EQ(pos, 2u);
}

TEST(unicode, python_regex_classes_translate_for_re2) {
    auto out = eqb::python_regex_to_re2(R"((\w+):\s+(\d+))");
    ASSERT_TRUE(out.ok());
    EXPECT_NE(out->find("\\p{L}\\p{N}_"), std::string::npos);
    EXPECT_NE(out->find("\\p{Nd}"), std::string::npos);
    auto negated = eqb::python_regex_to_re2(R"(([^:\s]+):\s*(\d+))");
    ASSERT_TRUE(negated.ok());
    EXPECT_EQ(negated->rfind("([^:\\t", 0), 0u);
    EXPECT_FALSE(eqb::python_regex_to_re2(R"([^\W])").ok());
}

TEST(unicode, half_width_katakana_fold_as_nfkc_does) {
    // ｶﾞｯｶﾘ ﾊﾟﾆｯｸ ｳﾞｧｲｵﾘﾝ ﾎﾞｰﾄﾞ ｲﾗｲﾗ｡｢ﾃｽﾄ｣ﾞ; expected: Python's unicodedata.normalize("NFKC", ...).
    EXPECT_EQ(
        eqb::fold_fullwidth(
            "\xef\xbd\xb6\xef\xbe\x9e\xef\xbd\xaf\xef\xbd\xb6\xef\xbe\x98\x20\xef\xbe\x8a\xef\xbe\x9f\xef\xbe\x86\xef"
            "\xbd\xaf\xef\xbd\xb8\x20\xef\xbd\xb3\xef\xbe\x9e\xef\xbd\xa7\xef\xbd\xb2\xef\xbd\xb5\xef\xbe\x98\xef\xbe"
            "\x9d\x20\xef\xbe\x8e\xef\xbe\x9e\xef\xbd\xb0\xef\xbe\x84\xef\xbe\x9e\x20\xef\xbd\xb2\xef\xbe\x97\xef\xbd"
            "\xb2\xef\xbe\x97\xef\xbd\xa1\xef\xbd\xa2\xef\xbe\x83\xef\xbd\xbd\xef\xbe\x84\xef\xbd\xa3\xef\xbe\x9e"),
        "\xe3\x82\xac\xe3\x83\x83\xe3\x82\xab\xe3\x83\xaa\x20\xe3\x83\x91\xe3\x83\x8b\xe3\x83\x83\xe3\x82\xaf\x20\xe3"
        "\x83\xb4\xe3\x82\xa1\xe3\x82\xa4\xe3\x82\xaa\xe3\x83\xaa\xe3\x83\xb3\x20\xe3\x83\x9c\xe3\x83\xbc\xe3\x83\x89"
        "\x20\xe3\x82\xa4\xe3\x83\xa9\xe3\x82\xa4\xe3\x83\xa9\xe3\x80\x82\xe3\x80\x8c\xe3\x83\x86\xe3\x82\xb9\xe3\x83"
        "\x88\xe3\x80\x8d\xe3\x82\x99");
}

}  // namespace
