#pragma once
// Checking the dataset files present in a data directory against the registry.

#include <filesystem>
#include <string>

#include "data/registry.hpp"

namespace eqb {

enum class verify_status {
    OK,          // present with the registry's SHA-256
    MISSING,     // not there
    MISMATCH,    // present with another SHA-256 (actual_sha256 says which)
    UNREADABLE,  // there but cannot be read (message says why)
};

struct verify_outcome {
    verify_status status = verify_status::MISSING;
    std::string actual_sha256;  // set for OK and MISMATCH (an archive's git blob SHA-1)
    std::string message;        // set for UNREADABLE
};

// Checks one registry file under `data_dir`; reads the whole file. Thread-safe.
verify_outcome dataset_verify(const dataset_file& file, const std::filesystem::path& data_dir);

// The file's place under `data_dir` (its '/'-separated name made a path).
std::filesystem::path dataset_local_path(const dataset_file& file, const std::filesystem::path& data_dir);

}  // namespace eqb
