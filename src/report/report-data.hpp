#pragma once
// The report's view of a results store: runs, their items and every exchange,
// copied out of eqbench.db into plain values. This is the one place the report
// reads the store, so a change to the store's records (an item's step, an
// exchange's thought) is adapted here and nowhere else.

#include <filesystem>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "store/store.hpp"

namespace eqb {

// The store's own records: one exchange as sent and received, one step's outcome.
using report_exchange = exchange_record;
using report_item = item_record;

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
