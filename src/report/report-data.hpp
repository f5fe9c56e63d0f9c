#pragma once
// The report's view of a results store: runs, their items and every exchange,
// copied out of eqbench.db into plain values. This is the one place the report
// reads the store, so a change to the store's records (an item's step, an
// exchange's thought) is adapted here and nowhere else.

#include <filesystem>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace eqb {

// One request and its response, as sent and received.
struct report_exchange {
    int iteration = 1;
    std::string item_id;
    std::string step;  // the engine's step name; "" where the store has none
    int attempt = 1;   // 1-based over transport and answer retries of the item
    std::string role;  // "test" or "judge"
    std::string endpoint;
    std::string request_json;  // the body as sent (never a key)
    std::string status;        // transport status name ("OK", "HTTP_ERROR", ...)
    int http_status = 0;
    std::string response_body;  // raw body as received (keys redacted when stored)
    std::string content;        // the answer text ("" unless OK)
    std::string thought;        // a reasoning model's thought; "" where none is stored
    double latency_s = 0.0;
    long input_tokens = 0;
    long output_tokens = 0;
    double created_at = 0.0;  // unix seconds
};

// An item's accepted outcome.
struct report_item {
    int iteration = 1;
    std::string item_id;
    std::string step;   // "" where the store has none
    std::string state;  // "done" or "failed"
    std::string answer;
    int tries = 0;
    std::string parsed_json;  // benchmark-specific JSON ("" or "null" when none)
    std::string scores_json;
    double updated_at = 0.0;
};

struct report_run {
    std::string key;
    std::string benchmark;
    std::string metadata_json;  // a JSON object
    std::string status;         // running, completed, failed, interrupted
    std::string results_json;   // a JSON object, or "" before the run finished
    std::string error;
    double started_at = 0.0;
    double finished_at = 0.0;
    std::vector<report_item> items;          // by iteration, then insertion
    std::vector<report_exchange> exchanges;  // insertion order
};

struct report_store {
    std::filesystem::path results_dir;
    std::vector<report_run> runs;  // oldest first
};

// Reads every run of DIR/eqbench.db with its items and exchanges. Never creates
// a store: the error names DIR when it holds no eqbench.db.
result<report_store> report_store_load(const std::filesystem::path& results_dir);

}  // namespace eqb
