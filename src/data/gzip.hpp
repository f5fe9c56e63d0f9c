#pragma once
// Reading gzip-compressed files (the EQ-Bench 3 leaderboard archives, the
// conformance transcripts) whole into memory.

#include <filesystem>
#include <string>

#include "core/result.hpp"

namespace eqb {

// The decompressed bytes of a gzip file (several concatenated members are read
// as one stream, as gunzip does). The error names the file and says why
// (missing, not gzip, truncated).
result<std::string> gzip_file_read(const std::filesystem::path& path);

// The decompressed bytes of gzip data held in memory; the error says why.
result<std::string> gzip_decompress(const std::string& compressed);

}  // namespace eqb
