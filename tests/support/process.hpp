#pragma once
// Running the eqbench executable from tests: fork/exec with stdout and stderr
// captured to files, optional environment overrides, kill and wait.

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/test-support.hpp"

namespace eqb::test {

struct process_output {
    int exit_code = -1;  // 128 + signal when killed by a signal
    std::string out;
    std::string err;
};

class child_process {
  public:
    // Starts `args` (args[0] is the program) with `env` set on top of the
    // current environment ("" as a value unsets it). Output goes to files in `capture_dir`.
    child_process(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                  const std::filesystem::path& capture_dir)
        : out_path_(capture_dir / ("out-" + std::to_string(counter()) + ".txt")),
          err_path_(capture_dir / ("err-" + std::to_string(counter()) + ".txt")) {
        std::filesystem::create_directories(capture_dir);
        pid_ = ::fork();
        if (pid_ < 0) {
            throw std::runtime_error("fork failed");
        }
        if (pid_ == 0) {
            const int out = ::open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            const int err = ::open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            const int in = ::open("/dev/null", O_RDONLY);
            ::dup2(out, 1);
            ::dup2(err, 2);
            ::dup2(in, 0);
            for (const auto& [k, v] : env) {
                if (v.empty()) {
                    ::unsetenv(k.c_str());
                } else {
                    ::setenv(k.c_str(), v.c_str(), 1);
                }
            }
            std::vector<char*> argv;
            for (const auto& a : args) {
                argv.push_back(const_cast<char*>(a.c_str()));
            }
            argv.push_back(nullptr);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
    }
    ~child_process() {
        if (pid_ > 0 && !reaped_) {
            ::kill(pid_, SIGKILL);
            int status = 0;
            ::waitpid(pid_, &status, 0);
        }
    }
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;

    pid_t pid() const { return pid_; }
    void signal(int sig) { ::kill(pid_, sig); }

    // Waits up to `timeout_s` (then kills it) and returns exit code and output.
    process_output wait(double timeout_s = 300.0) {
        process_output result;
        int status = 0;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
        while (true) {
            const pid_t r = ::waitpid(pid_, &status, WNOHANG);
            if (r == pid_) {
                break;
            }
            if (std::chrono::steady_clock::now() > deadline) {
                ::kill(pid_, SIGKILL);
                ::waitpid(pid_, &status, 0);
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        reaped_ = true;
        result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        result.out = read_file(out_path_);
        result.err = read_file(err_path_);
        return result;
    }

  private:
    static int counter() {
        static int n = 0;
        return ++n;
    }
    std::filesystem::path out_path_;
    std::filesystem::path err_path_;
    pid_t pid_ = -1;
    bool reaped_ = false;
};

// The eqbench executable followed by `args`, for a child_process.
inline std::vector<std::string> eqbench_command(const std::vector<std::string>& args) {
    std::vector<std::string> cmd{EQB_EXECUTABLE};
    cmd.insert(cmd.end(), args.begin(), args.end());
    return cmd;
}

// Runs eqbench with `args` to completion.
inline process_output eqbench_run(const std::vector<std::string>& args, const std::filesystem::path& capture_dir,
                                  const std::map<std::string, std::string>& env = {}, double timeout_s = 300.0) {
    std::vector<std::string> full{EQB_EXECUTABLE};
    full.insert(full.end(), args.begin(), args.end());
    child_process p(full, env, capture_dir);
    return p.wait(timeout_s);
}

// A fresh directory under the system temp dir, removed on destruction.
class temp_dir {
  public:
    temp_dir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "eqbench-test-XXXXXX").string();
        if (::mkdtemp(tmpl.data()) == nullptr) {
            throw std::runtime_error("mkdtemp failed");
        }
        path_ = tmpl;
    }
    ~temp_dir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

}  // namespace eqb::test
