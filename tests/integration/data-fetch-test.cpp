// `eqbench data fetch|verify|path` against a local mirror (cpp-httplib on
// 127.0.0.1): good files land with the right hash; a wrong body, a truncated
// body, a 404, a stall and a refused connection each fail with an error naming
// the file and the address, leaving nothing behind; a second fetch is cached.
// The files served are read from the shared data folder at run time.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "data/fetch.hpp"
#include "data/registry.hpp"
#include "data/sha256.hpp"
#include "tests/support/test-support.hpp"

namespace {

namespace fs = std::filesystem;

const std::string good_v1 = "eq_bench_v1_questions_60.json";
const std::string good_spaced = "instruction-templates/Baichuan Chat.yaml";  // %20 in the address
const std::string good_jp = "instruction-templates/llama3.yaml";             // the EQ-Bench-jp upstream
const std::string wrong_body = "instruction-templates/ChatML.yaml";
const std::string truncated = "eq_bench_v2_questions_171_de.json";
const std::string not_found = "instruction-templates/Alpaca.yaml";
const std::string stalled = "judgemark_test_set.json";

const eqb::dataset_file& registry_file(const std::string& name) {
    const auto* file = eqb::dataset_find(name);
    if (file == nullptr) {
        throw std::runtime_error("not in the registry: " + name);
    }
    return *file;
}

// The address path a mirror serves a file at (decoded, as httplib hands it over).
std::string mirror_path(const eqb::dataset_file& file) {
    return "/" + std::string(file.upstream.owner) + "/" + std::string(file.upstream.repo) + "/" +
           std::string(file.upstream.commit) + "/" + std::string(file.path);
}

std::string shared_bytes(const std::string& name) {
    return eqb::test::read_file(eqb::test::data_dir() / name);
}

// The names of the registry files under `prefix` (what a test that fetches them needs).
std::vector<fs::path> names_under(const std::string& prefix) {
    std::vector<fs::path> names;
    for (const auto* file : eqb::dataset_select({prefix}).files) {
        names.emplace_back(std::string(file->name));
    }
    return names;
}

// A mirror on a free port of 127.0.0.1 with one scripted behaviour per file.
class mirror_server {
  public:
    mirror_server() {
        // A file absent from the data directory is not served; the tests that fetch it skip.
        const auto serve = [this](const std::string& name) {
            if (eqb::test::data_missing({name}).empty()) {
                content_[mirror_path(registry_file(name))] = shared_bytes(name);
            }
        };
        for (const auto& name : {good_v1, good_spaced, good_jp}) {
            serve(name);
        }
        for (const auto* file : eqb::dataset_select({"eqbench3/", "creative-writing-v3/"}).files) {
            serve(std::string(file->name));
        }
        content_[mirror_path(registry_file(wrong_body))] = "this is not the ChatML template\n";
        // One leaderboard archive with the wrong bytes; the others are not served.
        content_[mirror_path(*eqb::dataset_select({"eqbench3-leaderboard"}).files[0])] = "not the archive\n";

        server_.Get(R"(/.*)", [this](const httplib::Request& req, httplib::Response& res) {
            {
                std::lock_guard<std::mutex> lock(mutex_);
                requests_.push_back(req.path);
            }
            if (req.path == mirror_path(registry_file(truncated))) {
                respond_truncated(res);
                return;
            }
            if (req.path == mirror_path(registry_file(stalled))) {
                respond_stalled(res);
                return;
            }
            const auto it = content_.find(req.path);
            if (it == content_.end()) {
                res.status = 404;
                res.set_content("404: Not Found", "text/plain");
                return;
            }
            res.set_content(it->second, "text/plain");
        });
        port_ = server_.bind_to_any_port("127.0.0.1");
        if (port_ <= 0) {
            throw std::runtime_error("cannot bind the mirror");
        }
        thread_ = std::thread([this] { server_.listen_after_bind(); });
        // stop() is a no-op until the accept loop runs, so wait for it.
        while (!server_.is_running()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    }
    ~mirror_server() {
        stopping_ = true;
        server_.stop();
        thread_.join();
    }
    mirror_server(const mirror_server&) = delete;
    mirror_server& operator=(const mirror_server&) = delete;

    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    std::size_t request_count() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return requests_.size();
    }
    std::size_t requests_for(const std::string& name) const {
        std::lock_guard<std::mutex> lock(mutex_);
        return static_cast<std::size_t>(
            std::count(requests_.begin(), requests_.end(), mirror_path(registry_file(name))));
    }

    static constexpr std::size_t truncated_sent = 1000;
    static constexpr std::size_t truncated_declared = 5000;

  private:
    // Declares more bytes than it sends, then closes the connection.
    static void respond_truncated(httplib::Response& res) {
        res.set_content_provider(truncated_declared, "application/octet-stream",
                                 [](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                                     if (offset == 0) {
                                         const std::string part(truncated_sent, 'x');
                                         sink.write(part.data(), part.size());
                                         return true;
                                     }
                                     return false;
                                 });
    }

    // Sends a few bytes, then nothing until the client gives up (or 10 s pass).
    void respond_stalled(httplib::Response& res) {
        res.set_content_provider(truncated_declared, "application/octet-stream",
                                 [this](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                                     if (offset == 0) {
                                         sink.write("0123456789", 10);
                                         return true;
                                     }
                                     const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
                                     while (!stopping_ && std::chrono::steady_clock::now() < give_up) {
                                         std::this_thread::sleep_for(std::chrono::milliseconds(50));
                                     }
                                     return false;
                                 });
    }

    httplib::Server server_;
    std::map<std::string, std::string> content_;
    mutable std::mutex mutex_;
    std::vector<std::string> requests_;
    std::atomic<bool> stopping_{false};
    int port_ = 0;
    std::thread thread_;
};

struct run_result {
    int exit_code = -1;
    std::string output;  // stdout and stderr together
};

std::string shell_quote(const std::string& arg) {
    std::string quoted = "'";
    for (const char c : arg) {
        if (c == '\'') {
            quoted += "'\\''";
        } else {
            quoted += c;
        }
    }
    return quoted + "'";
}

// Runs `[env...] eqbench args...` and waits for it.
run_result eqbench(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
    std::string command = "env -u EQBENCH_DATA_MIRROR -u EQBENCH_DATA_DIR";
    for (const auto& assignment : env) {
        command += " " + shell_quote(assignment);
    }
    command += " " + shell_quote(EQB_EXECUTABLE);
    for (const auto& arg : args) {
        command += " " + shell_quote(arg);
    }
    command += " 2>&1";
    run_result result;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) {
        return result;
    }
    char buffer[4096];
    std::size_t got = 0;
    while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) {
        result.output.append(buffer, got);
    }
    const int status = ::pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// Temporary and partial files anywhere under `dir`.
std::vector<std::string> leftovers(const fs::path& dir) {
    std::vector<std::string> found;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
        const std::string name = entry.path().filename().string();
        if (contains(name, ".part") || name.starts_with(".")) {
            found.push_back(entry.path().string());
        }
    }
    return found;
}

class data_fetch_test : public ::testing::Test {
  protected:
    void SetUp() override {
        static std::atomic<int> counter{0};
        dir_ = fs::temp_directory_path() /
               ("eqb-data-fetch-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        fs::create_directories(dir_);
        data_ = dir_ / "data";
    }
    void TearDown() override { fs::remove_all(dir_); }

    // `eqbench data fetch NAMES --mirror URL --data-dir DATA`.
    run_result fetch(const std::vector<std::string>& names) {
        std::vector<std::string> args = {"data", "fetch"};
        args.insert(args.end(), names.begin(), names.end());
        args.insert(args.end(), {"--mirror", server_.url(), "--data-dir", data_.string()});
        return eqbench(args);
    }
    run_result verify(const std::vector<std::string>& extra) {
        std::vector<std::string> args = {"data", "verify"};
        args.insert(args.end(), extra.begin(), extra.end());
        args.insert(args.end(), {"--data-dir", data_.string()});
        return eqbench(args);
    }
    std::string url_of(const std::string& name) const { return eqb::dataset_url(registry_file(name), server_.url()); }
    std::string local_hash(const std::string& name) const {
        auto digest = eqb::sha256_file(data_ / name);
        return digest ? *digest : "unreadable: " + digest.err().message;
    }

    mirror_server server_;
    fs::path dir_;
    fs::path data_;
};

TEST_F(data_fetch_test, good_files_land_and_each_failure_is_named) {
    EQB_SKIP_UNLESS_DATA(good_v1, good_spaced, good_jp);
    const auto run = fetch({good_v1, good_spaced, good_jp, wrong_body, truncated, not_found});
    EXPECT_EQ(run.exit_code, 1) << run.output;

    for (const auto& name : {good_v1, good_spaced, good_jp}) {
        EXPECT_TRUE(contains(run.output, name + ": downloaded")) << run.output;
        EXPECT_EQ(local_hash(name), registry_file(name).sha256) << name;
    }
    // Wrong body: expected and actual hashes, the address, and nothing kept.
    const std::string wrong_hash = eqb::sha256_hex("this is not the ChatML template\n");
    EXPECT_TRUE(contains(run.output, "eqbench: error: " + wrong_body + ": SHA-256 mismatch for " + url_of(wrong_body) +
                                         ": expected " + std::string(registry_file(wrong_body).sha256) + ", got " +
                                         wrong_hash))
        << run.output;
    // Truncated body: curl's partial-file error, with the byte counts.
    EXPECT_TRUE(contains(run.output, "eqbench: error: " + truncated + ": transfer from " + url_of(truncated) +
                                         " ended early: received 1000 of 5000 bytes"))
        << run.output;
    EXPECT_TRUE(contains(run.output, "eqbench: error: " + not_found + ": HTTP 404 from " + url_of(not_found)))
        << run.output;
    EXPECT_TRUE(contains(run.output, "data fetch: 3 downloaded, 0 cached, 3 failed")) << run.output;

    for (const auto& name : {wrong_body, truncated, not_found}) {
        EXPECT_FALSE(fs::exists(data_ / name)) << name;
    }
    EXPECT_EQ(leftovers(data_), std::vector<std::string>{});
}

TEST_F(data_fetch_test, a_second_fetch_is_served_from_the_cache) {
    EQB_SKIP_UNLESS_DATA(good_v1, good_spaced);
    const auto first = fetch({good_v1, good_spaced});
    ASSERT_EQ(first.exit_code, 0) << first.output;
    const std::size_t requests = server_.request_count();
    EXPECT_EQ(requests, 2U);

    const auto second = fetch({good_v1, good_spaced});
    EXPECT_EQ(second.exit_code, 0) << second.output;
    EXPECT_TRUE(contains(second.output, good_v1 + ": ok (cached)")) << second.output;
    EXPECT_TRUE(contains(second.output, good_spaced + ": ok (cached)")) << second.output;
    EXPECT_TRUE(contains(second.output, "data fetch: 0 downloaded, 2 cached, 0 failed")) << second.output;
    EXPECT_EQ(server_.request_count(), requests) << "a cached file was downloaded again";
}

TEST_F(data_fetch_test, verify_reports_ok_missing_and_mismatched_files) {
    EQB_SKIP_UNLESS_DATA(good_v1, good_jp);
    ASSERT_EQ(fetch({good_v1, good_jp}).exit_code, 0);

    const auto present = verify({good_v1, good_jp});
    EXPECT_EQ(present.exit_code, 0) << present.output;
    EXPECT_TRUE(contains(present.output, good_v1 + ": ok")) << present.output;

    const auto all = verify({});
    EXPECT_EQ(all.exit_code, 1) << all.output;
    EXPECT_TRUE(contains(all.output, not_found + ": missing")) << all.output;
    const std::string counts =
        "data verify: 2 ok, " + std::to_string(eqb::dataset_registry().size() - 2) + " missing, 0 bad";
    EXPECT_TRUE(contains(all.output, counts)) << all.output;

    const auto allowed = verify({"--allow-missing"});
    EXPECT_EQ(allowed.exit_code, 0) << allowed.output;

    // A changed file is a mismatch even with --allow-missing; fetch replaces it.
    std::ofstream(data_ / good_jp, std::ios::binary | std::ios::app) << "\n";
    const std::string changed = local_hash(good_jp);
    const auto mismatched = verify({"--allow-missing"});
    EXPECT_EQ(mismatched.exit_code, 1) << mismatched.output;
    EXPECT_TRUE(contains(mismatched.output, good_jp + ": hash mismatch: expected " +
                                                std::string(registry_file(good_jp).sha256) + ", got " + changed))
        << mismatched.output;

    const auto refetch = fetch({good_jp});
    EXPECT_EQ(refetch.exit_code, 0) << refetch.output;
    EXPECT_TRUE(contains(refetch.output, "replaced a file with the wrong hash")) << refetch.output;
    EXPECT_EQ(verify({good_jp}).exit_code, 0);
}

TEST_F(data_fetch_test, a_prefix_selects_a_folder_of_files) {
    EQB_SKIP_UNLESS_DATA(names_under("eqbench3/"));
    const auto run = fetch({"eqbench3/"});
    EXPECT_EQ(run.exit_code, 0) << run.output;
    const auto files = eqb::dataset_select({"eqbench3/"}).files;
    ASSERT_EQ(files.size(), 14U);
    for (const auto* file : files) {
        EXPECT_EQ(local_hash(std::string(file->name)), file->sha256) << file->name;
    }
    EXPECT_TRUE(contains(run.output, "data fetch: 14 downloaded, 0 cached, 0 failed")) << run.output;
    EXPECT_FALSE(contains(run.output, "states no licence")) << run.output;
}

TEST_F(data_fetch_test, files_without_a_stated_licence_say_so) {
    EQB_SKIP_UNLESS_DATA(names_under("creative-writing-v3/"));
    const auto run = fetch({"creative-writing-v3/"});
    EXPECT_EQ(run.exit_code, 0) << run.output;
    EXPECT_TRUE(contains(run.output, "data fetch: 5 downloaded, 0 cached, 0 failed")) << run.output;
    EXPECT_TRUE(contains(run.output, "note: creative-writing-bench states no licence")) << run.output;
}

TEST_F(data_fetch_test, the_mirror_may_come_before_the_command_or_from_the_environment) {
    EQB_SKIP_UNLESS_DATA(good_v1, good_jp);
    const auto before = eqbench({"--mirror", server_.url(), "data", "fetch", good_v1, "--data-dir", data_.string()});
    EXPECT_EQ(before.exit_code, 0) << before.output;
    EXPECT_EQ(local_hash(good_v1), registry_file(good_v1).sha256);

    const auto env = eqbench({"data", "fetch", good_jp, "--data-dir", data_.string()},
                             {"EQBENCH_DATA_MIRROR=" + server_.url() + "/"});
    EXPECT_EQ(env.exit_code, 0) << env.output;
    EXPECT_EQ(local_hash(good_jp), registry_file(good_jp).sha256);
    EXPECT_EQ(server_.requests_for(good_jp), 1U);
}

TEST_F(data_fetch_test, an_unknown_name_fails_without_stopping_the_others) {
    EQB_SKIP_UNLESS_DATA(good_v1);
    const auto run = fetch({"no-such-file.json", good_v1});
    EXPECT_EQ(run.exit_code, 1) << run.output;
    EXPECT_TRUE(contains(run.output, "eqbench: error: no-such-file.json: not a dataset file")) << run.output;
    EXPECT_EQ(local_hash(good_v1), registry_file(good_v1).sha256);
}

TEST_F(data_fetch_test, a_leaderboard_bundle_fetches_its_archives_checked_by_git_blob_sha1) {
    const auto run = fetch({"eqbench3-leaderboard"});
    EXPECT_EQ(run.exit_code, 1) << run.output;
    EXPECT_TRUE(contains(run.output,
                         "eqbench3-leaderboard/canonical_leaderboard_results.json.gz: git blob SHA-1 "
                         "mismatch"))
        << run.output;
    EXPECT_TRUE(contains(run.output, "e9671a8b089b321b919c7b3374899a9df71e7aa7")) << run.output;
    EXPECT_TRUE(contains(run.output,
                         "/EQ-bench/eqbench3/3c21bcc514bd43f93a00a5cf9c630aa3eb73a380/data/"
                         "canonical_leaderboard_elo_results.json.gz"))
        << run.output;
    EXPECT_TRUE(contains(run.output, "data fetch: 0 downloaded, 0 cached, 2 failed")) << run.output;
    EXPECT_FALSE(std::filesystem::exists(data_ / "eqbench3-leaderboard" / "canonical_leaderboard_results.json.gz"));
}

TEST_F(data_fetch_test, path_prints_the_directory_alone) {
    const auto run = eqbench({"data", "path", "--data-dir", data_.string()});
    EXPECT_EQ(run.exit_code, 0);
    EXPECT_EQ(run.output, data_.string() + "\n");
    const auto from_env = eqbench({"data", "path"}, {"EQBENCH_DATA_DIR=/somewhere/else"});
    EXPECT_EQ(from_env.output, "/somewhere/else\n");
}

TEST_F(data_fetch_test, a_file_url_mirror_works_offline) {
    EQB_SKIP_UNLESS_DATA(good_spaced);
    const auto& file = registry_file(good_spaced);
    const fs::path mirror = dir_ / "mirror";
    const fs::path source = mirror / std::string(file.upstream.owner) / std::string(file.upstream.repo) /
                            std::string(file.upstream.commit) / std::string(file.path);
    fs::create_directories(source.parent_path());
    fs::copy_file(eqb::test::data_dir() / good_spaced, source);

    const auto run = eqbench(
        {"data", "fetch", good_spaced, good_v1, "--mirror", "file://" + mirror.string(), "--data-dir", data_.string()});
    EXPECT_EQ(run.exit_code, 1) << run.output;
    EXPECT_EQ(local_hash(good_spaced), file.sha256);
    EXPECT_TRUE(contains(run.output, "eqbench: error: " + good_v1 + ": cannot download file://")) << run.output;
    EXPECT_FALSE(fs::exists(data_ / good_v1));
    EXPECT_EQ(leftovers(data_), std::vector<std::string>{});
}

TEST_F(data_fetch_test, a_stalled_transfer_times_out) {
    eqb::fetch_settings settings;
    settings.data_dir = data_;
    settings.mirror = server_.url();
    settings.low_speed_time_s = 1;
    eqb::dataset_fetcher fetcher(settings);
    const auto started = std::chrono::steady_clock::now();
    const auto outcome = fetcher.fetch(registry_file(stalled));
    const auto elapsed = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(outcome.status, eqb::fetch_status::FAILED);
    EXPECT_TRUE(contains(outcome.message, stalled + ": download from " + url_of(stalled) + " timed out"))
        << outcome.message;
    EXPECT_LT(elapsed, std::chrono::seconds(8));
    EXPECT_FALSE(fs::exists(data_ / stalled));
    EXPECT_EQ(leftovers(data_), std::vector<std::string>{});
}

TEST_F(data_fetch_test, a_refused_connection_names_the_file_and_address) {
    // A port that was free a moment ago: nothing listens there.
    const int sock = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(sock, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    socklen_t size = sizeof addr;
    ASSERT_EQ(::getsockname(sock, reinterpret_cast<sockaddr*>(&addr), &size), 0);
    ::close(sock);
    const std::string mirror = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));

    eqb::fetch_settings settings;
    settings.data_dir = data_;
    settings.mirror = mirror;
    eqb::dataset_fetcher fetcher(settings);
    const auto outcome = fetcher.fetch(registry_file(good_v1));
    EXPECT_EQ(outcome.status, eqb::fetch_status::FAILED);
    EXPECT_TRUE(contains(outcome.message,
                         good_v1 + ": cannot download " + eqb::dataset_url(registry_file(good_v1), mirror) + ": "))
        << outcome.message;
    EXPECT_FALSE(fs::exists(data_ / good_v1));
}

}  // namespace
