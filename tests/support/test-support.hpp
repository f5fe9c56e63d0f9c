#pragma once
// Shared helpers for the test executables: where the shared data lives, file
// reading, and the shipped question sets and language packs.

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

namespace eqb::test {

// ../shared beside the checkout (EQB_SHARED_DIR), or $EQBENCH_SHARED_DIR.
inline std::filesystem::path shared_dir() {
    if (const char* env = std::getenv("EQBENCH_SHARED_DIR"); env != nullptr && *env != '\0') {
        return env;
    }
    return EQB_SHARED_DIR;
}

inline std::filesystem::path data_dir() {
    return shared_dir() / "data";
}
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
