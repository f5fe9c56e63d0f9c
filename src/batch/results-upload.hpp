#pragma once
// The reference's [Results upload] google_spreadsheet_url, in the batch: the
// benchmark_results.csv row a run has just written, sent to the spreadsheet
// (src/upload). The row is read back from the file, so what the sheet gets is
// exactly what the CSV holds.

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace eqb {

// The records of a CSV text (RFC 4180: quoted fields, "" for a quote,
// newlines inside quotes); a final newline ends the last record, not a new one.
std::vector<std::vector<std::string>> csv_records_parse(std::string_view text);

// The records of benchmark_results.csv under `results_dir`, the header
// included; none when the file does not exist.
std::vector<std::vector<std::string>> results_csv_records(const std::filesystem::path& results_dir);

// Whether the reference uploads this run's row: an EQ-Bench run that finished
// or failed, and a failed Creative Writing or Judgemark run (run_bench.py's
// save_and_upload_results); never another benchmark's.
bool results_upload_applies(std::string_view benchmark, bool failed);

// One console line about an upload attempt; `ok` false for a problem line.
struct results_upload_note {
    bool ok = true;
    std::string text;
};

// Sends the last record of benchmark_results.csv when the file gained exactly
// one record since `records_before`, as the reference's list, pending rows
// first. Never throws and never fails the run; nothing happens when
// `spreadsheet_url` is empty. Blocks on the network.
results_upload_note results_upload_last_row(const std::string& spreadsheet_url,
                                            const std::filesystem::path& results_dir, std::size_t records_before);

}  // namespace eqb
