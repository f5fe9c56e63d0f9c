#pragma once
// An INI reader with the semantics of Python's configparser as the reference
// uses it (RawConfigParser(allow_no_value=True), keys keep their case): full-line
// comments start with '#' or ';', values are stripped, indented lines continue a
// value, "[name]" opens a section, "key = value", "key: value" or a bare "key".
// Unlike configparser it reports every problem with its line number, and keeps
// the raw lines of each section (the run lines of [Benchmarks to run] are lines,
// not keys: they may hold ':' and '=').

#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace eqb {

struct ini_entry {
    std::string key;
    std::optional<std::string> value;  // nullopt: a bare key ("allow_no_value")
    int line = 0;                      // 1-based
};

struct ini_line {
    std::string text;  // stripped, never empty, never a comment
    int line = 0;
};

struct ini_section {
    std::string name;
    int line = 0;
    std::vector<ini_entry> entries;  // file order
    std::vector<ini_line> lines;     // every non-blank, non-comment line after the header
};

struct ini_document {
    std::vector<ini_section> sections;  // file order; "DEFAULT" included when present

    // The section called `name` (exact case), or nullptr.
    const ini_section* section(const std::string& name) const;
    // The entry `key` of `section`, falling back to [DEFAULT] as configparser does; nullptr if absent.
    const ini_entry* find(const std::string& section, const std::string& key) const;
};

// One problem found while reading, at a 1-based line.
struct ini_problem {
    int line = 0;
    std::string message;
};

// Parses `text`. Problems (a key before any section, a duplicate section or key,
// a line that is not "key = value") are collected, not fatal; `raw_sections`
// names sections read as raw lines only (no key parsing, no duplicate check).
ini_document ini_parse(const std::string& text, const std::vector<std::string>& raw_sections,
                       std::vector<ini_problem>& problems);

}  // namespace eqb
