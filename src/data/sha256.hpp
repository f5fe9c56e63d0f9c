#pragma once
// SHA-256 digests (OpenSSL EVP) as lowercase hex, for checking dataset files.

#include <filesystem>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace eqb {

// The SHA-256 of `bytes`: 64 lowercase hex digits. Thread-safe.
std::string sha256_hex(std::string_view bytes);

// The SHA-256 of a file's contents, read in chunks; an error naming the file
// when it cannot be opened or read. Thread-safe.
result<std::string> sha256_file(const std::filesystem::path& path);

}  // namespace eqb
