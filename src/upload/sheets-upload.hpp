#pragma once
// Appending benchmark result rows to a Google Sheets spreadsheet, as the
// reference's [Results upload] google_spreadsheet_url does (gspread's
// worksheet.append_row on the first worksheet), but never failing the run and
// never losing a row: a row that cannot be sent waits in
// RESULTS/sheets-pending.jsonl and goes first on the next upload.

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace eqb {

constexpr const char* sheets_key_file_name = "google_creds.json";  // the reference's ./google_creds.json
constexpr const char* sheets_credentials_env = "GOOGLE_APPLICATION_CREDENTIALS";
constexpr const char* sheets_api_base_default = "https://sheets.googleapis.com";
constexpr const char* sheets_api_base_env = "EQBENCH_SHEETS_API_URL";  // replaces the base (tests)
constexpr const char* sheets_pending_file_name = "sheets-pending.jsonl";

// One cell. Sent as a JSON string, or as a JSON number when `number` is set and
// `text` is a JSON number (gspread sends Python ints and floats as numbers,
// and with valueInputOption=RAW the sheet keeps strings as text).
struct sheets_cell {
    std::string text;
    bool number = false;
};

// One spreadsheet row, left to right.
using sheets_row = std::vector<sheets_cell>;

// Where and how to upload. Plain values: copy freely.
struct sheets_settings {
    std::string spreadsheet_url;        // https://docs.google.com/spreadsheets/d/ID/... or a bare ID; empty = off
    std::filesystem::path key_file;     // service-account key file; empty = none found
    std::string api_base;               // empty: $EQBENCH_SHEETS_API_URL, else sheets_api_base_default
    std::filesystem::path results_dir;  // holds the pending file; empty = the current directory
    double timeout_s = 30.0;            // per HTTP request
};

enum class sheets_upload_status {
    SENT,      // every row handed over (pending ones first) reached the sheet
    PENDING,   // at least one row is waiting in the pending file; `message` says why
    DISABLED,  // no spreadsheet URL: nothing sent, nothing written
};

// How one upload ended.
struct sheets_upload_outcome {
    sheets_upload_status status = sheets_upload_status::DISABLED;
    std::size_t rows_sent = 0;     // rows appended by this call, pending ones included
    std::size_t rows_pending = 0;  // rows left in the pending file afterwards
    std::string message;           // one console line; never holds key, JWT or token text
};

// ./google_creds.json under `working_dir` when it exists, else
// $GOOGLE_APPLICATION_CREDENTIALS when set (even if that file is missing, so
// the upload can say so), else an empty path.
std::filesystem::path sheets_key_file_resolve(const std::filesystem::path& working_dir);

// Settings for `spreadsheet_url` with the key file resolved in the current
// directory and the pending file in `results_dir`.
sheets_settings sheets_settings_make(const std::string& spreadsheet_url, const std::filesystem::path& results_dir);

// True when an upload can be attempted: a spreadsheet URL and an existing key
// file (the reference uploads only then). Cheap: reads no file, sends nothing.
bool sheets_upload_configured(const sheets_settings& settings);

// The spreadsheet ID from .../spreadsheets/d/ID/... (the reference's pattern
// /spreadsheets/d/([a-zA-Z0-9-_]+)) or from a bare ID; an error otherwise.
result<std::string> sheets_spreadsheet_id(const std::string& url_or_id);

// The A1 range naming a whole sheet, as gspread's absolute_range_name writes
// it: 'TITLE' with each ' doubled.
std::string sheets_range_quote(const std::string& title);

// The JSON array sent for `row` (one line): the pending file's line format.
std::string sheets_row_json(const sheets_row& row);

// A benchmark_results.csv row (report/files.hpp column order) typed as the
// reference's list is: Benchmark Score and Num Questions Parseable are numbers
// unless they read FAILED or N/A, Num Iterations is a number, the rest text.
sheets_row sheets_row_from_results_csv(const std::vector<std::string>& csv_row);

// The pending file for these settings (results_dir / sheets_pending_file_name).
std::filesystem::path sheets_pending_path(const sheets_settings& settings);

// Keeps `row` in the pending file, then appends every pending row in order to
// the first worksheet, removing each from the file once the sheet has it.
// Never throws; blocks on the network (a few requests of timeout_s each).
// Safe against concurrent callers on the same results_dir (a file lock).
sheets_upload_outcome sheets_upload_row(const sheets_settings& settings, const sheets_row& row);

// Sends the rows already pending (e.g. at the end of a batch), as above;
// SENT with rows_sent 0 and no request when nothing is pending.
sheets_upload_outcome sheets_upload_pending(const sheets_settings& settings);

}  // namespace eqb
