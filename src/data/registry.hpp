#pragma once
// The pinned upstream dataset files eqbench can fetch: where each comes from and
// its SHA-256. The files themselves are other people's data and never ship.

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace eqb {

// A GitHub repository at a fixed commit.
struct dataset_upstream {
    std::string_view owner;
    std::string_view repo;
    std::string_view commit;   // 40 hex digits
    std::string_view licence;  // as the repository states it; empty: it states none
};

// One fetchable file.
struct dataset_file {
    std::string_view name;  // relative path in the data directory, '/'-separated
    dataset_upstream upstream;
    std::string_view path;                // path in the upstream repository
    std::string_view sha256;              // 64 lowercase hex digits; empty for an archive checked by git_blob_sha1
    std::string_view git_blob_sha1 = {};  // 40 lowercase hex digits (archives only)
};

// Every registry entry, in a fixed order (static storage; thread-safe).
std::span<const dataset_file> dataset_registry();

// The leaderboard archives: files a user fetches by their bundle's name (the
// first part of their name, e.g. "eqbench3-leaderboard"), pinned by git blob
// SHA-1; never part of a plain `data fetch`.
std::span<const dataset_file> dataset_archives();

// The entry with exactly this name, or nullptr.
const dataset_file* dataset_find(std::string_view name);

// Files chosen by command-line names, in registry order without duplicates.
struct dataset_selection {
    std::vector<const dataset_file*> files;  // registry files, then archives
    std::vector<std::string> unknown;        // names that matched nothing, as given
};

// No names: every registry file (not the archives). A name selects the file of
// that name, or else every file whose name starts with it (a prefix such as
// "instruction-templates/"); an archive bundle's name ("eqbench3-leaderboard")
// selects its archives.
dataset_selection dataset_select(const std::vector<std::string>& names);

}  // namespace eqb
