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

// The file's git blob SHA-1 (what `git hash-object FILE` prints: SHA-1 of
// "blob SIZE\0" and the content), 40 lowercase hex digits; the only digest the
// reference repositories record for files they keep in Git LFS-free archives.
result<std::string> git_blob_sha1_file(const std::filesystem::path& path);

}  // namespace eqb
