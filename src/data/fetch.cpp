#include "data/fetch.hpp"

#include <curl/curl.h>
#include <fmt/core.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <system_error>
#include <vector>

#include "core/result.hpp"
#include "data/sha256.hpp"
#include "data/verify.hpp"

namespace eqb {
namespace {

constexpr std::string_view user_agent = "eqbench/0.1.0 (dataset fetch)";
constexpr long max_redirects = 5;

// curl_global_init is not thread-safe on every libcurl build; do it once.
void curl_global_init_once() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

bool url_unreserved(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_' || c == '~';
}

// Percent-encodes everything but unreserved characters and '/'.
std::string url_path_encode(std::string_view text) {
    constexpr std::string_view hex_digits = "0123456789ABCDEF";
    std::string out;
    for (const char c : text) {
        if (url_unreserved(c) || c == '/') {
            out.push_back(c);
            continue;
        }
        const auto byte = static_cast<unsigned char>(c);
        out.push_back('%');
        out.push_back(hex_digits[byte >> 4U]);
        out.push_back(hex_digits[byte & 0x0FU]);
    }
    return out;
}

std::string trim_trailing_slashes(std::string text) {
    while (!text.empty() && text.back() == '/') {
        text.pop_back();
    }
    return text;
}

// The temporary file a download is written to; removed unless released.
class temp_file {
  public:
    temp_file() = default;
    temp_file(const temp_file&) = delete;
    temp_file& operator=(const temp_file&) = delete;
    ~temp_file() {
        close();
        if (!path_.empty()) {
            std::error_code ec;
            std::filesystem::remove(path_, ec);
        }
    }

    // Creates `.NAME.part-XXXXXX` beside `target`; false with errno set on failure.
    bool create(const std::filesystem::path& target) {
        std::string pattern = (target.parent_path() / ("." + target.filename().string() + ".part-XXXXXX")).string();
        std::vector<char> buffer(pattern.begin(), pattern.end());
        buffer.push_back('\0');
        const int fd = ::mkstemp(buffer.data());
        if (fd < 0) {
            return false;
        }
        path_ = buffer.data();
        stream_ = ::fdopen(fd, "wb");
        if (stream_ == nullptr) {
            const int saved = errno;
            ::close(fd);
            errno = saved;
            return false;
        }
        return true;
    }

    // Flushes to disk and closes; false on a write error.
    bool finish() {
        if (stream_ == nullptr) {
            return false;
        }
        bool ok = std::fflush(stream_) == 0 && ::fsync(::fileno(stream_)) == 0;
        ok = std::fclose(stream_) == 0 && ok;
        stream_ = nullptr;
        return ok;
    }

    void close() {
        if (stream_ != nullptr) {
            std::fclose(stream_);
            stream_ = nullptr;
        }
    }

    // The file is in place under another name: do not remove it.
    void release() { path_.clear(); }

    std::FILE* stream() const { return stream_; }
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
    std::FILE* stream_ = nullptr;
};

// What the write callback needs: the file and the size cap.
struct download_sink {
    std::FILE* stream = nullptr;
    std::int64_t written = 0;
    std::int64_t max_bytes = 0;
    bool too_large = false;
    bool write_failed = false;
    int write_errno = 0;
};

extern "C" std::size_t download_write(char* data, std::size_t size, std::size_t count, void* user) {
    auto* sink = static_cast<download_sink*>(user);
    const std::size_t bytes = size * count;
    if (sink->written + static_cast<std::int64_t>(bytes) > sink->max_bytes) {
        sink->too_large = true;
        return 0;
    }
    if (std::fwrite(data, 1, bytes, sink->stream) != bytes) {
        sink->write_failed = true;
        sink->write_errno = errno;
        return 0;
    }
    sink->written += static_cast<std::int64_t>(bytes);
    return bytes;
}

fetch_outcome fetch_failure(std::string message) {
    fetch_outcome outcome;
    outcome.status = fetch_status::FAILED;
    outcome.message = std::move(message);
    return outcome;
}

}  // namespace

std::string data_mirror_resolve(const std::string& flag) {
    if (!flag.empty()) {
        return trim_trailing_slashes(flag);
    }
    if (const char* env = std::getenv("EQBENCH_DATA_MIRROR"); env != nullptr && *env != '\0') {
        return trim_trailing_slashes(env);
    }
    return std::string(data_default_mirror);
}

std::string dataset_url(const dataset_file& file, std::string_view mirror) {
    std::string base(mirror);
    while (!base.empty() && base.back() == '/') {
        base.pop_back();
    }
    return fmt::format("{}/{}/{}/{}/{}", base, url_path_encode(file.upstream.owner),
                       url_path_encode(file.upstream.repo), url_path_encode(file.upstream.commit),
                       url_path_encode(file.path));
}

struct dataset_fetcher::impl {
    fetch_settings settings;
    CURL* curl = nullptr;
    std::array<char, CURL_ERROR_SIZE> error_buffer{};

    explicit impl(fetch_settings s) : settings(std::move(s)) {
        curl_global_init_once();
        curl = curl_easy_init();
        if (curl == nullptr) {
            throw fatal_error("libcurl: cannot create a transfer handle");
        }
    }
    ~impl() { curl_easy_cleanup(curl); }
    impl(const impl&) = delete;
    impl& operator=(const impl&) = delete;

    // Downloads `url` into `out`; an error message, or "" on success.
    std::string download(const dataset_file& file, const std::string& url, temp_file& out) {
        download_sink sink;
        sink.stream = out.stream();
        sink.max_bytes = settings.max_file_bytes;
        error_buffer[0] = '\0';
        curl_easy_reset(curl);
        curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
        curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https,file");
        curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
        curl_easy_setopt(curl, CURLOPT_MAXREDIRS, max_redirects);
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(curl, CURLOPT_USERAGENT, user_agent.data());
        curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, settings.connect_timeout_s);
        curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, settings.low_speed_limit_bytes_per_s);
        curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, settings.low_speed_time_s);
        curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(settings.max_file_bytes));
        curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer.data());
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, download_write);
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);

        const CURLcode code = curl_easy_perform(curl);
        long http_status = 0;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &http_status);
        const bool is_http = url.starts_with("http://") || url.starts_with("https://");

        if (code == CURLE_OK && is_http && (http_status < 200 || http_status > 299)) {
            return fmt::format("{}: HTTP {} from {}", file.name, http_status, url);
        }
        if (code == CURLE_PARTIAL_FILE) {
            curl_off_t received = 0;
            curl_off_t expected = -1;
            curl_easy_getinfo(curl, CURLINFO_SIZE_DOWNLOAD_T, &received);
            curl_easy_getinfo(curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &expected);
            if (expected >= 0) {
                return fmt::format("{}: transfer from {} ended early: received {} of {} bytes", file.name, url,
                                   received, expected);
            }
            return fmt::format("{}: transfer from {} ended early after {} bytes", file.name, url, received);
        }
        if (sink.too_large || code == CURLE_FILESIZE_EXCEEDED) {
            return fmt::format("{}: {} is larger than {} bytes; refused", file.name, url, settings.max_file_bytes);
        }
        if (sink.write_failed) {
            return fmt::format("{}: cannot write {}: {}", file.name, out.path().string(),
                               std::strerror(sink.write_errno));
        }
        if (code == CURLE_OPERATION_TIMEDOUT) {
            return fmt::format("{}: download from {} timed out ({})", file.name, url,
                               error_buffer[0] != '\0' ? error_buffer.data() : curl_easy_strerror(code));
        }
        if (code != CURLE_OK) {
            return fmt::format("{}: cannot download {}: {}", file.name, url,
                               error_buffer[0] != '\0' ? error_buffer.data() : curl_easy_strerror(code));
        }
        return {};
    }
};

dataset_fetcher::dataset_fetcher(fetch_settings settings) : impl_(std::make_unique<impl>(std::move(settings))) {}

dataset_fetcher::~dataset_fetcher() = default;

fetch_outcome dataset_fetcher::fetch(const dataset_file& file) {
    const auto target = dataset_local_path(file, impl_->settings.data_dir);
    const verify_outcome present = dataset_verify(file, impl_->settings.data_dir);
    if (present.status == verify_status::OK) {
        fetch_outcome outcome;
        outcome.status = fetch_status::CACHED;
        return outcome;
    }

    std::error_code ec;
    std::filesystem::create_directories(target.parent_path(), ec);
    if (ec) {
        return fetch_failure(
            fmt::format("{}: cannot create directory {}: {}", file.name, target.parent_path().string(), ec.message()));
    }
    temp_file temp;
    if (!temp.create(target)) {
        return fetch_failure(fmt::format("{}: cannot create a temporary file in {}: {}", file.name,
                                         target.parent_path().string(), std::strerror(errno)));
    }

    const std::string url = dataset_url(file, impl_->settings.mirror);
    if (std::string failure = impl_->download(file, url, temp); !failure.empty()) {
        return fetch_failure(std::move(failure));
    }
    if (!temp.finish()) {
        return fetch_failure(
            fmt::format("{}: cannot write {}: {}", file.name, temp.path().string(), std::strerror(errno)));
    }
    const bool archive = !file.git_blob_sha1.empty();
    auto digest = archive ? git_blob_sha1_file(temp.path()) : sha256_file(temp.path());
    if (!digest) {
        return fetch_failure(fmt::format("{}: {}", file.name, digest.err().message));
    }
    if (const std::string_view want = archive ? file.git_blob_sha1 : file.sha256; *digest != want) {
        return fetch_failure(fmt::format("{}: {} mismatch for {}: expected {}, got {}; the download was discarded",
                                         file.name, archive ? "git blob SHA-1" : "SHA-256", url, want, *digest));
    }
    // mkstemp makes the file private; a dataset is meant to be readable.
    using std::filesystem::perms;
    std::filesystem::permissions(temp.path(),
                                 perms::owner_read | perms::owner_write | perms::group_read | perms::others_read, ec);
    std::filesystem::rename(temp.path(), target, ec);
    if (ec) {
        return fetch_failure(
            fmt::format("{}: cannot move the download into place at {}: {}", file.name, target.string(), ec.message()));
    }
    temp.release();

    fetch_outcome outcome;
    outcome.status = fetch_status::DOWNLOADED;
    outcome.replaced = present.status != verify_status::MISSING;
    const auto size = std::filesystem::file_size(target, ec);
    outcome.bytes = ec ? 0 : static_cast<std::uint64_t>(size);
    return outcome;
}

}  // namespace eqb
