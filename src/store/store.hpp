#pragma once
// The results store: one SQLite file (WAL) per results directory holding runs,
// items, every request and raw response, parses and scores. A response is
// committed before it is scored, so a crash never costs a paid request twice.
//
// Thread-safety: a store object is used by one thread at a time (the runner's
// writer thread owns it); other processes may read the file concurrently.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace eqb {

// One benchmark run as the store knows it.
struct run_record {
    std::int64_t id = 0;
    std::string key;            // the reference's run key (unique)
    std::string benchmark;      // "eq-bench", "creative-writing", "judgemark"
    std::string metadata_json;  // run settings as a JSON object (never an API key)
    std::string status;         // "running", "completed", "failed", "interrupted"
    std::string results_json;   // final results as a JSON object, empty until finished
    std::string error;
    double started_at = 0.0;  // unix seconds
    double finished_at = 0.0;
};

// One request/response exchange with a model server, as sent and received.
struct exchange_record {
    std::int64_t run_row = 0;  // runs.id of the run it belongs to
    int iteration = 1;
    std::string item_id;       // question id, prompt id, ...
    std::string step;          // the item's step it was sent for ("answer", "judge", "turn2", ...)
    int sequence = 1;          // 1-based order among the step's exchanges of one invocation
    std::string role;          // "test" (model under test) or "judge"
    std::string endpoint;      // base URL (never with a key)
    std::string request_json;  // the request body as sent (no key: keys live in headers)
    std::string status;        // transport_status name
    int http_status = 0;
    std::string response_body;  // raw body as received
    std::string content;        // the model's answer ("" unless OK), verbatim
    std::string thought;        // a reasoning model's thought, kept apart from the answer; "" when none
    long reasoning_tokens = 0;  // thought tokens, as the server reported them (0: not reported)
    double latency_s = 0.0;
    long input_tokens = 0;
    long output_tokens = 0;
    double created_at = 0.0;
};

// The accepted outcome of one step of an item: its final answer (or failure) and scores.
struct item_record {
    std::int64_t run_row = 0;  // runs.id of the run it belongs to
    int iteration = 1;
    std::string item_id;
    std::string step;         // which step of the item ("answer", "generate", "judge", "turn2", ...)
    std::string state;        // "done" (answered, scored or not) or "failed" (tries exhausted)
    std::string answer;       // the final answer text used for scoring
    int tries = 0;            // answer tries (parse retries), not transport retries
    std::string parsed_json;  // parsed pairs as JSON
    std::string scores_json;  // scores as JSON
    double updated_at = 0.0;
};

// Token usage of a run, summed over every exchange (retries included).
struct usage_totals {
    long requests = 0;
    long input_tokens = 0;
    long output_tokens = 0;
    long reasoning_tokens = 0;        // as the servers reported them
    long thought_bytes = 0;           // UTF-8 bytes of the thoughts kept
    long thought_answers = 0;         // exchanges that came with a thought
    long truncated_in_reasoning = 0;  // exchanges the output limit ended inside the thought
};

class store {
  public:
    // Opens (creating DIR and the schema if needed) DIR/eqbench.db with WAL and a
    // 5 s busy timeout; the error names the file (not a database, not writable, newer schema).
    static result<std::unique_ptr<store>> open(const std::filesystem::path& results_dir);
    virtual ~store() = default;

    // The run with this key, created with `fresh` (status "running") if absent;
    // an existing run keeps its items and metadata and gets status "running" again
    // (error and finished_at cleared). Rejects metadata that is not a JSON object or
    // holds an API key, and a key already used by another benchmark.
    virtual result<run_record> run_begin(const run_record& fresh) = 0;
    // Deletes the run's items and exchanges and clears its results (reference -w /
    // --overwrite), in one transaction; the run itself and its id stay.
    virtual result<bool> run_reset(std::int64_t run_id) = 0;
    // Sets the run's final status, results and error; finished_at is now.
    virtual result<bool> run_finish(std::int64_t run_id, const std::string& status, const std::string& results_json,
                                    const std::string& error) = 0;
    // The run with this key, or nullopt.
    virtual result<std::optional<run_record>> run_find(const std::string& key) = 0;
    // Every run, oldest first.
    virtual result<std::vector<run_record>> runs_list() = 0;

    // Group commit: the writes between batch_begin and batch_commit form one
    // transaction (one WAL commit for many writes); nothing is durable before
    // batch_commit returns. Not nestable. On a failed commit the batch is rolled back.
    virtual result<bool> batch_begin() = 0;
    virtual result<bool> batch_commit() = 0;

    // Commits one exchange (its own transaction, durable on return); returns its id.
    // created_at 0 means now.
    virtual result<std::int64_t> exchange_add(const exchange_record& exchange) = 0;
    // Inserts or replaces the record (run, iteration, item_id, step); a replaced one
    // keeps its place in items_list. updated_at 0 means now.
    virtual result<bool> item_put(const item_record& item) = 0;
    // Every item of the run, ordered by iteration then insertion.
    virtual result<std::vector<item_record>> items_list(std::int64_t run_id) = 0;
    // Exchanges of the run (for export and audits), in insertion order.
    virtual result<std::vector<exchange_record>> exchanges_list(std::int64_t run_id) = 0;
    // Requests and tokens of the run's exchanges.
    virtual result<usage_totals> usage_for_run(std::int64_t run_id) = 0;
};

}  // namespace eqb
