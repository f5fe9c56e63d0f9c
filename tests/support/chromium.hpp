#pragma once
// Headless Chromium driven over the DevTools protocol on a pipe
// (--remote-debugging-pipe: the browser reads commands on fd 3 and writes
// replies and events on fd 4, each message a JSON text ended by a NUL byte).
// Started with a fresh profile and every background-network feature off, so
// the only requests it makes are the page's own. For tests that open the HTML
// report: evaluate expressions, collect console errors and requests, screenshots.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace eqb::test {

class headless_chromium {
  public:
    // The browser binary: $EQB_CHROMIUM, else chromium / chromium-browser /
    // google-chrome on PATH; nullopt when there is none.
    static std::optional<std::string> find_binary() {
        if (const char* env = std::getenv("EQB_CHROMIUM"); env != nullptr && *env != '\0') {
            return std::string(env);
        }
        const char* path = std::getenv("PATH");
        std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
        for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
            std::size_t start = 0;
            while (start <= dirs.size()) {
                const auto end = dirs.find(':', start);
                const std::string dir = dirs.substr(start, end == std::string::npos ? std::string::npos : end - start);
                const auto candidate = std::filesystem::path(dir.empty() ? "." : dir) / name;
                if (::access(candidate.c_str(), X_OK) == 0) {
                    return candidate.string();
                }
                if (end == std::string::npos) {
                    break;
                }
                start = end + 1;
            }
        }
        return std::nullopt;
    }

    headless_chromium() = default;
    headless_chromium(const headless_chromium&) = delete;
    headless_chromium& operator=(const headless_chromium&) = delete;
    ~headless_chromium() { stop(); }

    // Starts the browser with `profile_dir` as its fresh profile and attaches to
    // a blank page of `width` x `height`; "" on success, else why it could not.
    std::string start(const std::string& binary, const std::filesystem::path& profile_dir, int width, int height) {
        int to_browser[2];
        int from_browser[2];
        if (::pipe(to_browser) != 0 || ::pipe(from_browser) != 0) {
            return "pipe failed";
        }
        const std::vector<std::string> args{binary,
                                            "--headless",
                                            "--no-sandbox",
                                            "--disable-gpu",
                                            "--disable-quic",
                                            "--no-first-run",
                                            "--disable-background-networking",
                                            "--disable-component-update",
                                            "--disable-sync",
                                            "--disable-default-apps",
                                            "--disable-extensions",
                                            "--no-default-browser-check",
                                            "--user-data-dir=" + profile_dir.string(),
                                            "--remote-debugging-pipe",
                                            "about:blank"};
        pid_ = ::fork();
        if (pid_ < 0) {
            return "fork failed";
        }
        if (pid_ == 0) {
            // The browser reads fd 3 and writes fd 4; stdout and stderr are not ours to show.
            ::dup2(to_browser[0], 3);
            ::dup2(from_browser[1], 4);
            const int null = ::open("/dev/null", O_RDWR);
            ::dup2(null, 0);
            ::dup2(null, 1);
            ::dup2(null, 2);
            for (int fd = 5; fd < 1024; ++fd) {
                ::close(fd);
            }
            std::vector<char*> argv;
            for (const auto& a : args) {
                argv.push_back(const_cast<char*>(a.c_str()));
            }
            argv.push_back(nullptr);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        ::close(to_browser[0]);
        ::close(from_browser[1]);
        write_fd_ = to_browser[1];
        read_fd_ = from_browser[0];
        try {
            const auto target = call("Target.createTarget", {{"url", "about:blank"}}, "", startup_timeout_s);
            session_ = call("Target.attachToTarget", {{"targetId", target["targetId"]}, {"flatten", true}})["sessionId"]
                           .get<std::string>();
            for (const char* domain : {"Runtime.enable", "Log.enable", "Network.enable", "Page.enable"}) {
                call(domain, nlohmann::json::object(), session_);
            }
            call("Emulation.setDeviceMetricsOverride",
                 {{"width", width}, {"height", height}, {"deviceScaleFactor", 1}, {"mobile", false}}, session_);
        } catch (const std::exception& e) {
            stop();
            return std::string("the browser did not answer: ") + e.what();
        }
        return {};
    }

    // Navigates the page to `url` and waits for its load event.
    void navigate(const std::string& url, double timeout_s = 30.0) {
        scanned_ = events_.size();
        call("Page.navigate", {{"url", url}}, session_);
        wait_event("Page.loadEventFired", timeout_s);
    }

    // Evaluates `expression` in the page (promises awaited) and returns its value;
    // throws with the exception text when it throws.
    nlohmann::json evaluate(const std::string& expression, double timeout_s = 30.0) {
        const auto r =
            call("Runtime.evaluate", {{"expression", expression}, {"returnByValue", true}, {"awaitPromise", true}},
                 session_, timeout_s);
        if (r.contains("exceptionDetails")) {
            throw std::runtime_error("evaluate: " + r["exceptionDetails"].dump());
        }
        return r["result"].contains("value") ? r["result"]["value"] : nlohmann::json();
    }

    // A PNG of the viewport (or of the whole page when `full_page`).
    std::string screenshot(bool full_page) {
        nlohmann::json params{{"format", "png"}};
        if (full_page) {
            params["captureBeyondViewport"] = true;
        }
        return base64_decode(call("Page.captureScreenshot", params, session_)["data"].get<std::string>());
    }

    // Every console error, uncaught exception and error log entry so far.
    std::vector<std::string> console_errors() const {
        std::vector<std::string> out;
        for (const auto& e : events_) {
            const std::string m = e.value("method", "");
            const auto& p = e["params"];
            if (m == "Runtime.consoleAPICalled" &&
                (p.value("type", "") == "error" || p.value("type", "") == "assert")) {
                out.push_back("console: " + p["args"].dump());
            } else if (m == "Runtime.exceptionThrown") {
                out.push_back("exception: " + p["exceptionDetails"].dump());
            } else if (m == "Log.entryAdded" && p["entry"].value("level", "") == "error") {
                out.push_back("log: " + p["entry"].value("text", "") + " " + p["entry"].value("url", ""));
            }
        }
        return out;
    }

    // The URL of every request the page made (and of every failed load).
    std::vector<std::string> requests() const {
        std::vector<std::string> out;
        for (const auto& e : events_) {
            if (e.value("method", "") == "Network.requestWillBeSent") {
                out.push_back(e["params"]["request"].value("url", ""));
            }
        }
        return out;
    }

  private:
    static constexpr double startup_timeout_s = 60.0;

    nlohmann::json call(const std::string& method, const nlohmann::json& params, const std::string& session = "",
                        double timeout_s = 30.0) {
        const int id = ++next_id_;
        nlohmann::json message{{"id", id}, {"method", method}, {"params", params}};
        if (!session.empty()) {
            message["sessionId"] = session;
        }
        std::string text = message.dump();
        text.push_back('\0');
        std::size_t sent = 0;
        while (sent < text.size()) {
            const ssize_t n = ::write(write_fd_, text.data() + sent, text.size() - sent);
            if (n <= 0) {
                throw std::runtime_error(method + ": the pipe to the browser closed");
            }
            sent += static_cast<std::size_t>(n);
        }
        const auto deadline =
            std::chrono::steady_clock::now() +
            std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(timeout_s));
        while (true) {
            auto reply = next_message(deadline);
            if (!reply) {
                throw std::runtime_error(method + ": no reply within " + std::to_string(timeout_s) + " s");
            }
            if (reply->contains("id") && (*reply)["id"] == id) {
                if (reply->contains("error")) {
                    throw std::runtime_error(method + ": " + (*reply)["error"].dump());
                }
                return (*reply)["result"];
            }
        }
    }

    void wait_event(const std::string& method, double timeout_s) {
        for (std::size_t i = scanned_; i < events_.size(); ++i) {
            if (events_[i].value("method", "") == method) {
                scanned_ = i + 1;
                return;
            }
        }
        scanned_ = events_.size();
        const auto deadline =
            std::chrono::steady_clock::now() +
            std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(timeout_s));
        while (true) {
            auto m = next_message(deadline);
            if (!m) {
                throw std::runtime_error("no " + method + " within " + std::to_string(timeout_s) + " s");
            }
            if (m->value("method", "") == method) {
                scanned_ = events_.size();
                return;
            }
        }
    }

    // The next message (events are also kept in events_); nullopt at the deadline.
    std::optional<nlohmann::json> next_message(std::chrono::steady_clock::time_point deadline) {
        while (true) {
            const auto nul = buffer_.find('\0');
            if (nul != std::string::npos) {
                auto message = nlohmann::json::parse(buffer_.substr(0, nul), nullptr, false);
                buffer_.erase(0, nul + 1);
                if (message.is_discarded()) {
                    continue;
                }
                if (message.contains("method")) {
                    events_.push_back(message);
                }
                return message;
            }
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) {
                return std::nullopt;
            }
            pollfd p{read_fd_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) {
                continue;
            }
            char chunk[65536];
            const ssize_t n = ::read(read_fd_, chunk, sizeof chunk);
            if (n <= 0) {
                return std::nullopt;
            }
            buffer_.append(chunk, static_cast<std::size_t>(n));
        }
    }

    void stop() {
        if (pid_ <= 0) {
            return;
        }
        try {
            if (write_fd_ >= 0) {
                std::string close_message = nlohmann::json{{"id", ++next_id_}, {"method", "Browser.close"}}.dump();
                close_message.push_back('\0');
                (void)!::write(write_fd_, close_message.data(), close_message.size());
            }
        } catch (...) {
        }
        for (int i = 0; i < 50; ++i) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            int status = 0;
            ::waitpid(pid_, &status, 0);
            pid_ = -1;
        }
        if (write_fd_ >= 0) {
            ::close(write_fd_);
            write_fd_ = -1;
        }
        if (read_fd_ >= 0) {
            ::close(read_fd_);
            read_fd_ = -1;
        }
    }

    static std::string base64_decode(const std::string& in) {
        std::string out;
        unsigned value = 0;
        int bits = 0;
        for (const char c : in) {
            int d = -1;
            if (c >= 'A' && c <= 'Z') {
                d = c - 'A';
            } else if (c >= 'a' && c <= 'z') {
                d = c - 'a' + 26;
            } else if (c >= '0' && c <= '9') {
                d = c - '0' + 52;
            } else if (c == '+') {
                d = 62;
            } else if (c == '/') {
                d = 63;
            }
            if (d < 0) {
                continue;
            }
            value = (value << 6) | static_cast<unsigned>(d);
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                out.push_back(static_cast<char>((value >> bits) & 0xFFU));
            }
        }
        return out;
    }

    pid_t pid_ = -1;
    int write_fd_ = -1;
    int read_fd_ = -1;
    int next_id_ = 0;
    std::string session_;
    std::string buffer_;
    std::vector<nlohmann::json> events_;
    std::size_t scanned_ = 0;
};

}  // namespace eqb::test
