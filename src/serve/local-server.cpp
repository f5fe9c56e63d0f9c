#include "serve/local-server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iterator>
#include <thread>
#include <vector>

#include "core/text.hpp"

extern char** environ;

namespace eqb {
namespace {

using clock_type = std::chrono::steady_clock;

class fd_guard {
  public:
    explicit fd_guard(int fd) : fd_(fd) {}
    ~fd_guard() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    fd_guard(const fd_guard&) = delete;
    fd_guard& operator=(const fd_guard&) = delete;
    int get() const { return fd_; }

  private:
    int fd_;
};

sockaddr_in loopback(int port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return addr;
}

int remaining_ms(clock_type::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now()).count();
    return left > 0 ? static_cast<int>(left) : 0;
}

std::string describe_status(int status) {
    if (WIFEXITED(status)) {
        return "exited with status " + std::to_string(WEXITSTATUS(status));
    }
    if (WIFSIGNALED(status)) {
        return "was killed by signal " + std::to_string(WTERMSIG(status));
    }
    return "stopped";
}

}  // namespace

result<int> local_port_free() {
    const fd_guard fd(::socket(AF_INET, SOCK_STREAM, 0));
    if (fd.get() < 0) {
        return error{std::string("cannot open a socket: ") + std::strerror(errno)};
    }
    sockaddr_in addr = loopback(0);
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        return error{std::string("cannot find a free port on 127.0.0.1: ") + std::strerror(errno)};
    }
    socklen_t len = sizeof addr;
    if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        return error{std::string("cannot find a free port on 127.0.0.1: ") + std::strerror(errno)};
    }
    return static_cast<int>(ntohs(addr.sin_port));
}

int local_http_status(int port, const std::string& path, double timeout_s) {
    const auto deadline =
        clock_type::now() + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(timeout_s));
    const fd_guard fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (fd.get() < 0) {
        return 0;
    }
    sockaddr_in addr = loopback(port);
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        if (errno != EINPROGRESS) {
            return 0;
        }
        pollfd p{fd.get(), POLLOUT, 0};
        if (::poll(&p, 1, remaining_ms(deadline)) <= 0) {
            return 0;
        }
        int so_error = 0;
        socklen_t len = sizeof so_error;
        if (::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &so_error, &len) != 0 || so_error != 0) {
            return 0;
        }
    }
    const std::string request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                                "\r\nConnection: close\r\nUser-Agent: eqbench\r\n\r\n";
    std::size_t sent = 0;
    while (sent < request.size()) {
        const ssize_t n = ::send(fd.get(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
        if (n > 0) {
            sent += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            pollfd p{fd.get(), POLLOUT, 0};
            if (::poll(&p, 1, remaining_ms(deadline)) <= 0) {
                return 0;
            }
            continue;
        }
        return 0;
    }
    std::string head;
    char buf[512];
    while (head.find("\r\n") == std::string::npos && head.size() < 4096) {
        pollfd p{fd.get(), POLLIN, 0};
        if (::poll(&p, 1, remaining_ms(deadline)) <= 0) {
            return 0;
        }
        const ssize_t n = ::recv(fd.get(), buf, sizeof buf, 0);
        if (n == 0) {
            break;
        }
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) {
                continue;
            }
            return 0;
        }
        head.append(buf, static_cast<std::size_t>(n));
    }
    // "HTTP/1.1 200 OK"
    if (head.rfind("HTTP/", 0) != 0) {
        return 0;
    }
    const auto space = head.find(' ');
    if (space == std::string::npos || space + 4 > head.size()) {
        return 0;
    }
    int status = 0;
    for (std::size_t i = space + 1; i < space + 4; ++i) {
        if (head[i] < '0' || head[i] > '9') {
            return 0;
        }
        status = status * 10 + (head[i] - '0');
    }
    return status;
}

local_server::local_server(local_server_spec spec) : spec_(std::move(spec)) {}

local_server::~local_server() {
    stop();
}

result<bool> local_server::start(const std::atomic<bool>& cancel) {
    stop();
    exit_reason_.clear();
    port_ = spec_.port;
    if (port_ == 0) {
        auto free_port = local_port_free();
        if (!free_port) {
            return free_port.err();
        }
        port_ = *free_port;
    }
    command_ = text_replace_all(spec_.command, "{port}", std::to_string(port_));

    std::error_code ec;
    if (spec_.log_path.has_parent_path()) {
        std::filesystem::create_directories(spec_.log_path.parent_path(), ec);
    }
    {
        std::ofstream header(spec_.log_path, std::ios::app);
        if (!header) {
            return error{spec_.log_path.string() + ": cannot write the server log"};
        }
        header << "==== eqbench " << local_timestamp() << ": starting (port " << port_ << "): " << command_ << "\n";
    }
    const int log_fd = ::open(spec_.log_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (log_fd < 0 || null_fd < 0) {
        if (log_fd >= 0) {
            ::close(log_fd);
        }
        if (null_fd >= 0) {
            ::close(null_fd);
        }
        return error{spec_.log_path.string() + ": cannot open the server log"};
    }

    // Everything the child needs is prepared before fork (only async-signal-safe calls after it).
    std::vector<std::pair<std::string, std::string>> overrides = spec_.env;
    if (!spec_.gpus.empty()) {
        overrides.emplace_back("CUDA_VISIBLE_DEVICES", spec_.gpus);
    }
    std::vector<std::string> env_strings;
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
        const std::string entry(*e);
        const std::string name = entry.substr(0, entry.find('='));
        bool replaced = false;
        for (const auto& [k, v] : overrides) {
            replaced = replaced || k == name;
        }
        if (!replaced) {
            env_strings.push_back(entry);
        }
    }
    for (const auto& [k, v] : overrides) {
        env_strings.push_back(k + "=" + v);
    }
    std::vector<char*> envp;
    for (auto& s : env_strings) {
        envp.push_back(s.data());
    }
    envp.push_back(nullptr);
    std::string sh = "/bin/sh";
    std::string dash_c = "-c";
    std::vector<char*> argv = {sh.data(), dash_c.data(), command_.data(), nullptr};
    const pid_t parent = ::getpid();

    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(log_fd);
        ::close(null_fd);
        return error{std::string("cannot start the server: fork failed: ") + std::strerror(errno)};
    }
    if (pid == 0) {
        ::setpgid(0, 0);
        // If eqbench dies without stopping it, the server's shell is told to stop.
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() != parent) {
            ::_exit(127);
        }
        ::dup2(null_fd, 0);
        ::dup2(log_fd, 1);
        ::dup2(log_fd, 2);
        ::signal(SIGPIPE, SIG_DFL);
        ::signal(SIGINT, SIG_DFL);
        ::signal(SIGTERM, SIG_DFL);
        if (!spec_.cwd.empty() && ::chdir(spec_.cwd.c_str()) != 0) {
            const char msg[] = "eqbench: cannot enter the server's working directory\n";
            (void)!::write(2, msg, sizeof msg - 1);
            ::_exit(127);
        }
        ::execve(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
    ::setpgid(pid, pid);  // also here, so the group exists before we might signal it
    ::close(log_fd);
    ::close(null_fd);
    pid_ = pid;

    const auto deadline = clock_type::now() + std::chrono::duration_cast<clock_type::duration>(
                                                  std::chrono::duration<double>(spec_.startup_timeout_s));
    while (true) {
        if (healthy(2.0)) {
            return true;
        }
        if (!running()) {
            return error{"the server " + exit_reason_ + " before it was ready\n  command: " + command_ +
                         "\n  log: " + spec_.log_path.string() + "\n" + log_tail()};
        }
        if (cancel.load()) {
            stop();
            return error{"interrupted while the server was starting"};
        }
        if (clock_type::now() >= deadline) {
            stop();
            return error{"the server did not answer " + spec_.health_paths.front() + " on port " +
                         std::to_string(port_) + " within " +
                         std::to_string(static_cast<int>(spec_.startup_timeout_s)) +
                         " s (startup_timeout in [Local server])\n  command: " + command_ +
                         "\n  log: " + spec_.log_path.string() + "\n" + log_tail()};
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
}

bool local_server::running() {
    if (pid_ <= 0) {
        return false;
    }
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
        exit_reason_ = describe_status(status);
        // Anything it left in its group goes too.
        ::kill(-pid_, SIGKILL);
        pid_ = -1;
        return false;
    }
    return r == 0;
}

bool local_server::healthy(double timeout_s) const {
    if (port_ <= 0) {
        return false;
    }
    for (const auto& path : spec_.health_paths) {
        const int status = local_http_status(port_, path, timeout_s);
        if (status >= 200 && status < 300) {
            return true;
        }
    }
    return false;
}

void local_server::stop() {
    if (pid_ <= 0) {
        return;
    }
    const pid_t group = pid_;
    pid_ = -1;
    ::kill(-group, SIGTERM);
    bool leader_reaped = false;
    const auto deadline = clock_type::now() + std::chrono::duration_cast<clock_type::duration>(
                                                  std::chrono::duration<double>(spec_.stop_timeout_s));
    while (clock_type::now() < deadline) {
        if (!leader_reaped) {
            int status = 0;
            const pid_t r = ::waitpid(group, &status, WNOHANG);
            if (r == group || (r < 0 && errno == ECHILD)) {
                leader_reaped = true;
                if (r == group && exit_reason_.empty()) {
                    exit_reason_ = describe_status(status);
                }
            }
        }
        if (leader_reaped && ::kill(-group, 0) != 0 && errno == ESRCH) {
            return;  // the whole group is gone
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ::kill(-group, SIGKILL);
    if (!leader_reaped) {
        int status = 0;
        ::waitpid(group, &status, 0);
    }
    std::ofstream(spec_.log_path, std::ios::app)
        << "==== eqbench " << local_timestamp() << ": the server did not stop on SIGTERM; killed\n";
}

std::string local_server::log_tail(int lines) const {
    std::ifstream in(spec_.log_path, std::ios::binary);
    if (!in) {
        return "  (no log)";
    }
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // The log's lines, trailing blank lines left out; then the last `lines` of them.
    std::vector<std::string> all;
    std::size_t at = 0;
    while (at < text.size()) {
        const std::size_t nl = std::min(text.find('\n', at), text.size());
        all.push_back(text.substr(at, nl - at));
        at = nl + 1;
    }
    while (!all.empty() && all.back().empty()) {
        all.pop_back();
    }
    const std::size_t first =
        all.size() > static_cast<std::size_t>(lines) ? all.size() - static_cast<std::size_t>(lines) : 0;
    std::string out = "  --- last lines of the server log ---\n";
    for (std::size_t i = first; i < all.size(); ++i) {
        out += "  | " + all[i] + "\n";
    }
    return out;
}

void local_server_watch(local_server& server, const server_health_policy& policy, const std::atomic<bool>& finished,
                        std::atomic<bool>& stop, std::atomic<bool>& down, std::string& reason) {
    int failures = 0;
    auto next_check = std::chrono::steady_clock::now();
    const auto interval = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(policy.interval_s));
    while (!finished.load()) {
        if (!server.running()) {
            reason = server.exit_reason();
            down = true;
            stop = true;
            return;
        }
        if (std::chrono::steady_clock::now() >= next_check) {
            failures = server.healthy(policy.timeout_s) ? 0 : failures + 1;
            if (failures >= policy.failures) {
                reason = "stopped answering its health check";
                down = true;
                stop = true;
                return;
            }
            next_check = std::chrono::steady_clock::now() + interval;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

}  // namespace eqb
