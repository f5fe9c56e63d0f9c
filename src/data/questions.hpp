#pragma once
// Loading EQ-Bench question files (v1: 60 questions; v2: 171, in en/de/ja/jahalf).

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/question.hpp"
#include "core/result.hpp"

namespace eqb {

// The data-directory file name of a question set: v2 for en, de, ja, jahalf;
// v1 for en only. nullopt for any other combination.
std::optional<std::string> questions_file_name(std::string_view language_code, eq_bench_version version);

// Parses a question file held in memory, keeping the file's question order; a
// file of 60 questions is v1, any other count v2. Errors name `display_name`,
// the question id and the field. Never throws for any input (fuzz-safe).
result<question_set> questions_parse(std::string_view bytes, std::string_view display_name);

// Reads and parses the file at `path`; errors name the file (its file name).
result<question_set> questions_load(const std::filesystem::path& path);

}  // namespace eqb
