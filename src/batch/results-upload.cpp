#include "batch/results-upload.hpp"

#include <fmt/core.h>

#include <array>
#include <fstream>
#include <iterator>

#include "upload/sheets-upload.hpp"

namespace eqb {

std::vector<std::vector<std::string>> csv_records_parse(std::string_view text) {
    std::vector<std::vector<std::string>> records;
    std::vector<std::string> record;
    std::string field;
    bool quoted = false;
    bool pending = false;  // something of the current record has been read
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
            continue;
        }
        if (c == '"') {
            quoted = true;
            pending = true;
        } else if (c == ',') {
            record.push_back(std::move(field));
            field.clear();
            pending = true;
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
                ++i;
            }
            record.push_back(std::move(field));
            field.clear();
            records.push_back(std::move(record));
            record.clear();
            pending = false;
        } else {
            field += c;
            pending = true;
        }
    }
    if (pending) {
        record.push_back(std::move(field));
        records.push_back(std::move(record));
    }
    return records;
}

std::vector<std::vector<std::string>> results_csv_records(const std::filesystem::path& results_dir) {
    std::ifstream in(results_dir / "benchmark_results.csv", std::ios::binary);
    if (!in) {
        return {};
    }
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return csv_records_parse(text);
}

bool results_upload_applies(std::string_view benchmark, bool failed) {
    constexpr std::array<std::string_view, 2> failures_uploaded = {"creative-writing", "judgemark"};
    if (benchmark == "eq-bench") {
        return true;
    }
    return failed && (benchmark == failures_uploaded[0] || benchmark == failures_uploaded[1]);
}

results_upload_note results_upload_last_row(const std::string& spreadsheet_url,
                                            const std::filesystem::path& results_dir, std::size_t records_before) {
    if (spreadsheet_url.empty()) {
        return {};
    }
    const auto records = results_csv_records(results_dir);
    // The header comes with the first row: a fresh file grows by two records.
    const std::size_t before = records_before == 0 ? 1 : records_before;
    if (records.size() != before + 1) {
        return {false, fmt::format("Google Sheets upload skipped: benchmark_results.csv in {} did not gain exactly "
                                   "one row for this run",
                                   results_dir.string())};
    }
    const sheets_settings settings = sheets_settings_make(spreadsheet_url, results_dir);
    const sheets_upload_outcome outcome = sheets_upload_row(settings, sheets_row_from_results_csv(records.back()));
    return {outcome.status == sheets_upload_status::SENT, outcome.message};
}

}  // namespace eqb
