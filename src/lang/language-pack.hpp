#pragma once
// Language packs as data: the built-in packs (src/lang/packs/*.json, embedded
// at build time) and a user's pack file go through the same JSON loader.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/language.hpp"
#include "core/result.hpp"

namespace eqb {

// Parses and checks a pack from JSON text. `source` names the file in every
// error message ("FILE: field 'prompt_variants[0].rules[2].until': ...").
result<language_pack> language_pack_parse(std::string_view json_text, const std::string& source);

// Reads and parses a user's pack file; errors name the file and the field.
result<language_pack> language_pack_load_file(const std::filesystem::path& path);

// The built-in pack with this code (en, de, ja, jahalf, ...); an error lists the codes there are.
result<language_pack> language_pack_builtin(std::string_view code);

// The codes of the built-in packs, sorted.
std::vector<std::string> language_pack_builtin_codes();

}  // namespace eqb
