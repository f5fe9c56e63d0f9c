#pragma once
// Starting and supervising a local model server (llama.cpp, vLLM,
// text-generation-webui, or any command): a free port, its own process group,
// output to a log file, readiness by HTTP health check, and a stop that leaves
// no process behind (SIGTERM to the group, then SIGKILL).

#include <sys/types.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace eqb {

struct local_server_spec {
    std::string command;                                   // run by /bin/sh -c; {port} is replaced by the port chosen
    std::string cwd;                                       // "" = eqbench's
    std::string gpus;                                      // non-empty: CUDA_VISIBLE_DEVICES for the server
    std::vector<std::pair<std::string, std::string>> env;  // set for the server only
    int port = 0;                                          // 0: a free port
    std::filesystem::path log_path;                        // appended to; created with its folder
    std::vector<std::string> health_paths = {"/health", "/v1/models"};  // any 2xx means ready
    double startup_timeout_s = 600.0;
    double stop_timeout_s = 10.0;  // SIGTERM, then SIGKILL after this
};

// A free TCP port on 127.0.0.1 (bound and released; another process could take it).
result<int> local_port_free();

// GET http://127.0.0.1:PORT/PATH within `timeout_s`: the HTTP status, or 0 when
// there was no complete status line (refused, hung, closed).
int local_http_status(int port, const std::string& path, double timeout_s);

class local_server {
  public:
    explicit local_server(local_server_spec spec);
    ~local_server();  // stops the server
    local_server(const local_server&) = delete;
    local_server& operator=(const local_server&) = delete;

    // Starts the command and waits until a health path answers 2xx. Errors: the
    // process exited first, the timeout passed, or `cancel` was set; each with the
    // log's last lines. The server is stopped on error.
    result<bool> start(const std::atomic<bool>& cancel);
    // Stops the whole process group (SIGTERM, then SIGKILL); idempotent.
    void stop();
    // Whether the process we started is still running (reaps it if not).
    bool running();
    // Whether a health path answers 2xx within `timeout_s`.
    bool healthy(double timeout_s) const;

    int port() const { return port_; }
    pid_t process_group() const { return pid_; }
    const std::string& command_line() const { return command_; }  // with the port filled in
    const local_server_spec& spec() const { return spec_; }
    // The last `lines` lines of the log file.
    std::string log_tail(int lines = 20) const;
    // "exited with status N" / "killed by signal N" once it stopped by itself; "" while running.
    const std::string& exit_reason() const { return exit_reason_; }

  private:
    local_server_spec spec_;
    int port_ = 0;
    pid_t pid_ = -1;
    std::string command_;
    std::string exit_reason_;
};

// How a run's server is checked while the run goes on.
struct server_health_policy {
    double interval_s = 5.0;  // between checks
    double timeout_s = 30.0;  // for each check
    int failures = 2;         // checks failed in a row that make it "down"
};

// Watches `server` until `finished` is set: when it exits, or fails its health
// check `policy.failures` times in a row (a hung server answers nothing), sets
// `down`, puts the reason in `reason` and sets `stop` (which stops the run).
// Meant for its own thread; `reason` is written before `down` is set.
void local_server_watch(local_server& server, const server_health_policy& policy, const std::atomic<bool>& finished,
                        std::atomic<bool>& stop, std::atomic<bool>& down, std::string& reason);

}  // namespace eqb
