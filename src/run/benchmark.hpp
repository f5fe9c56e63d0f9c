#pragma once
// What a benchmark gives the engine (src/run/engine.hpp): its store runs, its
// tasks and their steps, how one step is asked and read, the rounds it builds
// from what is stored, its score from the store and its exports. The engine
// owns everything else: the queue, the workers, transport retries, recording
// every attempt as sent, resume, --rejudge, Ctrl-C, progress and usage.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "client/chat-client.hpp"
#include "core/result.hpp"
#include "store/store.hpp"

namespace eqb {

// Who answers a step: the model under test or the judge. Each role has its own
// endpoint pool and its own store run (so --rejudge and a change of judge
// touch the judge's run only).
enum class role { TEST, JUDGE };

// "test" or "judge", as stored in exchanges.role.
const char* role_name(role r);

// One step of a task: a name unique within the task, and who answers it.
struct step_spec {
    std::string name;  // e.g. "answer", "generate", "judge", "turn2", "debrief", "rubric"
    role who = role::TEST;
};

// A unit of work: (iteration, item) and its steps, run in order on one worker
// with the answers of the earlier steps at hand; tasks run concurrently.
struct task_spec {
    int iteration = 1;
    std::string item_id;
    std::vector<step_spec> steps;
};

// The store run a role writes into.
struct run_binding {
    role who = role::TEST;
    std::string key;            // the run key (the reference's where it has one)
    std::string benchmark;      // runs.benchmark, e.g. "eq-bench", "creative-writing-judge"
    std::string metadata_json;  // the run's settings (never a key)
};

// How one request ended, after the engine's transport retries.
enum class ask_status {
    ANSWER,       // the server answered; `answer` may be empty (the benchmark decides what that means)
    UNANSWERED,   // every transport attempt failed (connection, timeout, 5xx, ...)
    REFUSED,      // the server refused the request (4xx other than 429): nothing will change it
    INTERRUPTED,  // stopped by Ctrl-C
};

struct ask_result {
    ask_status status = ask_status::ANSWER;
    std::string answer;  // the model's text exactly as received
    std::string error;   // why not ANSWER (never holds a key)
    int http_status = 0;
    // The output limit ended the answer inside the model's thought (`answer` is empty).
    bool truncated_in_reasoning = false;
};

// What run_step gets: asking, and the task so far. Used by one worker thread.
class step_context {
  public:
    virtual ~step_context() = default;
    // Sends `request` to `who`'s endpoints with transport retries; every attempt
    // is committed to the store (as this task's step) before this returns.
    virtual ask_result ask(role who, const chat_request& request) = 0;
    // The stored record of an earlier step of this task, or nullptr.
    virtual const item_record* earlier(const std::string& step) const = 0;
    // Whether the earlier step's record was in the store when the run started
    // (false: it was answered in this invocation).
    virtual bool stored_at_start(const std::string& step) const = 0;
    // Counts one answer that was asked again, by its cause ("unparseable", "too
    // short", ...) for the progress line and the closing block's failure summary;
    // `detail` (why, and the answer's text) is shown with --verbose.
    virtual void retried(const std::string& cause, const std::string& detail) = 0;
};

// How run_step ended.
struct step_outcome {
    // The step's record: state "done" (answered; scored or not) or "failed"
    // (every try was rejected). Its run, iteration, item and step are the engine's.
    item_record record;
    bool stop_task = false;  // later steps of the task do not run (e.g. no piece to judge)
    // Set when an ask did not come back: the step is not stored and the task ends.
    std::optional<ask_status> ended_by;
    std::string error;  // with ended_by
    // Records of earlier steps of this task replaced by this one (e.g. a piece
    // written again before it is judged again); stored in the same commit.
    std::vector<item_record> replaced;
};

// Read access to the store between rounds and after the last one.
class store_view {
  public:
    virtual ~store_view() = default;
    // The store (reads only; no writer runs while a view is in use).
    virtual store& db() = 0;
    // The id of the run `who` writes into, or 0 when the benchmark has none.
    virtual std::int64_t run_of(role who) const = 0;
    // Every stored record of `who`'s run, in storing order.
    virtual const std::vector<item_record>& items(role who) = 0;
};

// Usage of a run, for its summary.
struct run_usage {
    usage_totals test;   // every exchange of the test run (this and earlier invocations)
    usage_totals judge;  // the same for the judge run
    long sent = 0;       // requests this invocation sent
};

// What a finished (or stopped) run reports: its status, score and the
// benchmark's own closing lines.
struct run_summary {
    std::string status = "completed";  // "completed", "failed", "interrupted"
    std::string error;
    // A failure that running again cannot change (every answer is in and the
    // score fails its gate): a batch does not retry it.
    bool permanent = false;
    std::string results_json = "{}";  // stored in runs.results_json of every run of the benchmark
    std::vector<std::string> report;  // the closing block, line by line
    std::optional<double> score;
};

// How the engine ended a round, given to summarize.
struct run_totals {
    int tasks = 0;       // tasks of every round
    int done = 0;        // tasks with every step stored
    int resumed = 0;     // of those, tasks found complete in the store
    int unanswered = 0;  // tasks a server never answered
    bool interrupted = false;
    std::string unanswered_error;    // the last such error
    std::string refused_error;       // set when a server refused a request; the run stopped
    double seconds = 0.0;            // since the engine started this invocation
    std::vector<std::string> notes;  // what endpoints made the client send otherwise (a refused field)
};

// What a run is expected to send, for --dry-run: per role, requests and tokens
// from the benchmark's known sizes (retries not counted).
struct request_estimate {
    usage_totals test;
    usage_totals judge;
    std::string note;  // how the numbers were made
};

class benchmark {
  public:
    virtual ~benchmark() = default;
    // The requests and tokens one full run is expected to take (default: one
    // request per step, tokens unknown).
    virtual request_estimate estimate() const;
    // The store runs it writes, one per role it uses.
    virtual std::vector<run_binding> runs() const = 0;
    // The first round's tasks.
    virtual std::vector<task_spec> tasks() const = 0;
    // Whether a stored record counts as done (default: state "done" or "failed").
    virtual bool reusable(const step_spec& step, const item_record& record) const;
    // Whether a stored record ends its task, as step_outcome::stop_task did when
    // it was stored (default: never).
    virtual bool ends_task(const step_spec& step, const item_record& record) const;
    // Asks and reads one step; called from many worker threads at once.
    virtual step_outcome run_step(const task_spec& task, const step_spec& step, step_context& context) const = 0;
    // The next round's tasks, built from what is stored (e.g. pairwise
    // comparisons); empty when there is none. Called with no worker running.
    virtual result<std::vector<task_spec>> next_round(store_view& view);
    // Scores the run from the store only.
    virtual result<run_summary> summarize(store_view& view, const run_totals& totals, const run_usage& usage) = 0;
    // Writes the benchmark's export files (raw_results.json, CSV rows, ...); may add closing lines.
    virtual result<bool> write_exports(store_view& view, run_summary& summary) = 0;
};

}  // namespace eqb
