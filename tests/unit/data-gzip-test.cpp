// Reading gzip files: one member, several members, truncated and non-gzip data.

#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "data/gzip.hpp"
#include "tests/support/process.hpp"
#include "tests/support/test-support.hpp"

namespace {

// Independent compression through zlib's gz* file interface.
std::string gzip_of(const std::string& text) {
    eqb::test::temp_dir dir;
    const auto path = (dir.path() / "x.gz").string();
    gzFile file = gzopen(path.c_str(), "wb");
    gzwrite(file, text.data(), static_cast<unsigned>(text.size()));
    gzclose(file);
    return eqb::test::read_file(path);
}

TEST(data_gzip_test, one_and_several_members_decompress_whole) {
    std::string text;
    for (int i = 0; i < 20000; ++i) {
        text += "line " + std::to_string(i) + " ü\n";
    }
    const auto one = eqb::gzip_decompress(gzip_of(text));
    ASSERT_TRUE(one.ok()) << one.err().message;
    EXPECT_EQ(*one, text);
    const auto two = eqb::gzip_decompress(gzip_of("first\n") + gzip_of("second\n"));
    ASSERT_TRUE(two.ok()) << two.err().message;
    EXPECT_EQ(*two, "first\nsecond\n");
}

TEST(data_gzip_test, truncated_and_foreign_data_are_errors) {
    const std::string whole = gzip_of(std::string(100000, 'a') + "end");
    const auto cut = eqb::gzip_decompress(whole.substr(0, whole.size() / 2));
    ASSERT_FALSE(cut.ok());
    EXPECT_NE(cut.err().message.find("truncated"), std::string::npos) << cut.err().message;
    const auto plain = eqb::gzip_decompress("{\"not\": \"gzip\"}");
    ASSERT_FALSE(plain.ok());
    EXPECT_NE(plain.err().message.find("not valid gzip"), std::string::npos) << plain.err().message;
}

TEST(data_gzip_test, a_file_error_names_the_file) {
    eqb::test::temp_dir dir;
    const auto missing = eqb::gzip_file_read(dir.path() / "nope.gz");
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.err().message.find("nope.gz"), std::string::npos);
    std::ofstream(dir.path() / "bad.gz") << "plain";
    const auto bad = eqb::gzip_file_read(dir.path() / "bad.gz");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.err().message.find("bad.gz: not valid gzip"), std::string::npos) << bad.err().message;
}

TEST(data_gzip_test, the_shared_elo_file_reads_as_json_text) {
    const auto path = eqb::test::data_dir() / "eqbench3" / "canonical_leaderboard_elo_results.json.gz";
    if (!std::filesystem::exists(path)) {
        GTEST_SKIP() << "needs " << path;
    }
    const auto text = eqb::gzip_file_read(path);
    ASSERT_TRUE(text.ok()) << text.err().message;
    EXPECT_EQ(text->front(), '{');
    EXPECT_NE(text->find("__metadata__"), std::string::npos);
}

}  // namespace
