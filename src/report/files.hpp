#pragma once
// Result files written the way the reference writes them, but safely: every
// write goes to a temporary file that is renamed over the target, so a crash
// never leaves a half-written raw_results.json or CSV.

#include <filesystem>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace eqb {

// Writes `bytes` to `path` atomically (temp file in the same folder + rename).
result<bool> file_write_atomic(const std::filesystem::path& path, const std::string& bytes);

// Sets raw_results.json[key] = entry_json (a JSON object), keeping every other
// run already in the file; creates the file if missing. The error names the file.
result<bool> raw_results_merge(const std::filesystem::path& path, const std::string& key,
                               const std::string& entry_json);

// The reference's benchmark_results.csv header (SPEC section 9).
const std::vector<std::string>& benchmark_csv_header();

// One CSV field, quoted (RFC 4180) when it holds a comma, quote or line break.
std::string csv_field(const std::string& value);

// Appends a row (creating the file with the header first if missing).
result<bool> benchmark_csv_append(const std::filesystem::path& path, const std::vector<std::string>& row);

}  // namespace eqb
