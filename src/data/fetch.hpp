#pragma once
// Downloading registry files into the data directory: atomic, hash-checked.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "data/registry.hpp"

namespace eqb {

// Where files are fetched from when no mirror is given.
inline constexpr std::string_view data_default_mirror = "https://raw.githubusercontent.com";

// The base address: `flag` if non-empty, else $EQBENCH_DATA_MIRROR, else
// data_default_mirror; trailing slashes removed. Reads the environment.
std::string data_mirror_resolve(const std::string& flag);

// MIRROR/OWNER/REPO/COMMIT/PATH with the path percent-encoded (spaces etc.).
std::string dataset_url(const dataset_file& file, std::string_view mirror);

struct fetch_settings {
    std::filesystem::path data_dir;                     // created if missing
    std::string mirror{data_default_mirror};            // http(s):// or file:// base address
    long connect_timeout_s = 15;                        // seconds to connect
    long low_speed_limit_bytes_per_s = 64;              // below this rate for
    long low_speed_time_s = 30;                         // this many seconds, the transfer fails
    std::int64_t max_file_bytes = 256LL * 1024 * 1024;  // larger bodies are refused
};

enum class fetch_status {
    DOWNLOADED,  // fetched, hash checked, in place
    CACHED,      // already present with the right hash; nothing fetched
    FAILED,      // message says why; nothing was left behind
};

struct fetch_outcome {
    fetch_status status = fetch_status::FAILED;
    std::string message;      // FAILED: names the file and the address; else empty
    std::uint64_t bytes = 0;  // DOWNLOADED: size of the file
    bool replaced = false;    // DOWNLOADED over a file whose hash was wrong
};

// Fetches registry files one at a time over one reused connection. Not
// thread-safe: use one fetcher per thread.
class dataset_fetcher {
  public:
    explicit dataset_fetcher(fetch_settings settings);
    ~dataset_fetcher();
    dataset_fetcher(const dataset_fetcher&) = delete;
    dataset_fetcher& operator=(const dataset_fetcher&) = delete;

    // Skips a file already present with the right hash; otherwise downloads to
    // a temporary file beside the target, checks the SHA-256 and renames it into
    // place. Never throws for network, HTTP or hash failures.
    fetch_outcome fetch(const dataset_file& file);

  private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace eqb
