#pragma once
// Shared helpers for the test executables: where the shared data lives, file
// reading, and the shipped question sets and language packs.
//
// A clone has no shared folder: a test that needs one of its files says so in
// its first line with EQB_SKIP_UNLESS_DATA / EQB_SKIP_UNLESS_SHARED and is
// skipped, with the path and how to get it, when the file is absent. (The
// macros need <gtest/gtest.h>; this header does not include it, so that the
// bench programs can use the rest.)

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include "data/data-dir.hpp"
#include "data/registry.hpp"

namespace eqb::test {

// $EQBENCH_SHARED_DIR, else ../shared beside the checkout (EQB_SHARED_DIR).
inline std::filesystem::path shared_dir() {
    if (const char* env = std::getenv("EQBENCH_SHARED_DIR"); env != nullptr && *env != '\0') {
        return env;
    }
    return EQB_SHARED_DIR;
}

// The directory `eqbench data fetch` fills (data_dir_resolve without a flag), or
// "" when there is no home directory to put it in.
inline std::filesystem::path data_cache_dir() {
    try {
        return eqb::data_dir_resolve("").path;
    } catch (const std::exception&) {
        return {};
    }
}

// The datasets: the shared folder's data/ when it exists, else the data cache
// when it exists, else the shared folder's data/ (so a skip names it).
inline std::filesystem::path data_dir() {
    std::filesystem::path shared = shared_dir() / "data";
    std::error_code ec;
    if (std::filesystem::is_directory(shared, ec)) {
        return shared;
    }
    if (std::filesystem::path cache = data_cache_dir(); !cache.empty() && std::filesystem::is_directory(cache, ec)) {
        return cache;
    }
    return shared;
}

// Why a test cannot run: the first of `names` (relative to data_dir()) that is
// absent and how to get it, or "" when all are there.
inline std::string data_missing(const std::vector<std::filesystem::path>& names) {
    for (const auto& name : names) {
        const std::filesystem::path path = data_dir() / name;
        std::error_code ec;
        if (std::filesystem::exists(path, ec)) {
            continue;
        }
        const std::string relative = name.generic_string();
        const bool fetchable =
            eqb::dataset_find(relative) != nullptr ||
            !eqb::dataset_select({relative.ends_with('/') ? relative : relative + "/"}).files.empty();
        const std::filesystem::path cache = data_cache_dir();
        return "needs the dataset file " + path.string() + " (looked in " + (shared_dir() / "data").string() +
               (cache.empty() ? std::string() : " and the data cache " + cache.string()) + "): " +
               (fetchable ? "run `eqbench data fetch`, or put" : "not downloadable with `eqbench data fetch`: put") +
               " the shared folder at ../shared beside the checkout or set EQBENCH_SHARED_DIR";
    }
    return {};
}

// Why a test cannot run: the first of `names` (relative to shared_dir(), such as
// "conformance/eq-bench") that is absent and how to get it, or "" when all are there.
inline std::string shared_missing(const std::vector<std::filesystem::path>& names) {
    for (const auto& name : names) {
        const std::filesystem::path path = shared_dir() / name;
        std::error_code ec;
        if (!std::filesystem::exists(path, ec)) {
            return "needs " + path.string() +
                   " from the shared folder (not downloadable): put the shared folder at ../shared beside the "
                   "checkout or set EQBENCH_SHARED_DIR";
        }
    }
    return {};
}

}  // namespace eqb::test

// Skips the current test (use in a test body or SetUp) unless every named file
// or folder is in the data directory: EQB_SKIP_UNLESS_DATA("eq_bench_v2_questions_171.json"),
// or EQB_SKIP_UNLESS_DATA(names) with a vector of paths.
#define EQB_SKIP_UNLESS_DATA(...)                                                                       \
    do {                                                                                                \
        if (const std::string eqb_why_ = ::eqb::test::data_missing({__VA_ARGS__}); !eqb_why_.empty()) { \
            GTEST_SKIP() << eqb_why_;                                                                   \
        }                                                                                               \
    } while (false)

// Skips the current test unless every named path is in the shared folder:
// EQB_SKIP_UNLESS_SHARED("conformance/eq-bench").
#define EQB_SKIP_UNLESS_SHARED(...)                                                                       \
    do {                                                                                                  \
        if (const std::string eqb_why_ = ::eqb::test::shared_missing({__VA_ARGS__}); !eqb_why_.empty()) { \
            GTEST_SKIP() << eqb_why_;                                                                     \
        }                                                                                                 \
    } while (false)

namespace eqb::test {
inline std::filesystem::path source_dir() {
    return EQB_SOURCE_DIR;
}

// The whole file; throws if it cannot be read (a test setup error).
inline std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot read " + path.string());
    }
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Regular files in `dir` with this extension, sorted by name.
inline std::vector<std::filesystem::path> files_in(const std::filesystem::path& dir, const std::string& ext) {
    std::vector<std::filesystem::path> out;
    if (std::filesystem::is_directory(dir)) {
        for (const auto& e : std::filesystem::directory_iterator(dir)) {
            if (e.is_regular_file() && e.path().extension() == ext) {
                out.push_back(e.path());
            }
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace eqb::test
