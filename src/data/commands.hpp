#pragma once
// The `eqbench data` commands as library calls: fetch, verify and check report
// every line through a sink (the CLI prints; tests record) and return the exit
// status.

#include <functional>
#include <string>
#include <vector>

namespace eqb {

struct data_request {
    std::string data_dir;  // --data-dir; empty: EQBENCH_DATA_DIR, else the cache
    std::vector<std::string> fetch_names;
    std::string mirror;
    std::vector<std::string> verify_names;
    bool allow_missing = false;
    std::string check_file;
    std::string check_language;
    std::string check_pack;
    std::string check_source;
    bool check_json = false;
};

// Where the lines go.
struct data_output {
    std::function<void(const std::string&)> line;     // standard output
    std::function<void(const std::string&)> problem;  // standard error
    // A setup error (unreadable file): told, exit status 2.
    int fail(const std::string& message) const {
        problem("eqbench: error: " + message);
        return 2;
    }
};

// Each returns the command's exit status.
int data_fetch_run(const data_request& opts, const data_output& out);
int data_verify_run(const data_request& opts, const data_output& out);
int data_check_run(const data_request& opts, const data_output& out);

}  // namespace eqb
