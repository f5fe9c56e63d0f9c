#pragma once
// Loading data/judgemark_reference.json (other benchmarks, other judges' scores,
// model families, the self-bias ignore list) into the Judgemark scoring table.

#include <filesystem>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "scoring/judgemark.hpp"

namespace eqb {

// Parses the table's JSON text; errors name `source` and the offending field.
result<judgemark_reference_table> judgemark_reference_parse(std::string_view json_text, const std::string& source);

// Reads and parses the table at `path`; errors name the file and the field.
result<judgemark_reference_table> judgemark_reference_load(const std::filesystem::path& path);

}  // namespace eqb
