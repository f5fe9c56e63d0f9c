// The batch's side of the Sheets upload: benchmark_results.csv read back as
// records (quoted fields, doubled quotes, newlines inside quotes, CRLF), and
// which runs the reference uploads (run_bench.py: a finished EQ-Bench run, and
// any failed run of its three benchmarks).

#include <gtest/gtest.h>

#include "batch/results-upload.hpp"

namespace {

using records = std::vector<std::vector<std::string>>;

TEST(csv_records_parse, reads_quoted_fields_as_written) {
    EXPECT_EQ(eqb::csv_records_parse("a,b\n1,\"x, \"\"y\"\"\"\n"), (records{{"a", "b"}, {"1", "x, \"y\""}}));
    EXPECT_EQ(eqb::csv_records_parse("a,\"two\nlines\",\n"), (records{{"a", "two\nlines", ""}}));
    EXPECT_EQ(eqb::csv_records_parse("a\r\nb"), (records{{"a"}, {"b"}}));
    EXPECT_EQ(eqb::csv_records_parse(""), records{});
    EXPECT_EQ(eqb::csv_records_parse(",\n"), (records{{"", ""}}));
}

TEST(results_upload_applies, as_the_references_save_and_upload_results) {
    EXPECT_TRUE(eqb::results_upload_applies("eq-bench", false));
    EXPECT_TRUE(eqb::results_upload_applies("eq-bench", true));
    EXPECT_FALSE(eqb::results_upload_applies("creative-writing", false));
    EXPECT_TRUE(eqb::results_upload_applies("creative-writing", true));
    EXPECT_FALSE(eqb::results_upload_applies("judgemark", false));
    EXPECT_TRUE(eqb::results_upload_applies("judgemark", true));
    EXPECT_FALSE(eqb::results_upload_applies("eqbench3", true));
}

TEST(results_upload_last_row, does_nothing_without_a_spreadsheet) {
    const auto note = eqb::results_upload_last_row("", "/nonexistent", 0);
    EXPECT_TRUE(note.ok);
    EXPECT_TRUE(note.text.empty());
}

}  // namespace
