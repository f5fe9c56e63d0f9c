#pragma once
// The benchmark engine: runs a benchmark's tasks (each a sequence of steps)
// concurrently over one endpoint pool per role, commits every attempt to the
// store as it was sent before anything reads it, never asks a stored step again
// (resume), resets only the judge's run on --rejudge, runs the rounds the
// benchmark builds from the store, stops cleanly on Ctrl-C, and scores from
// the store.

#include <functional>
#include <string>

#include "run/benchmark.hpp"
#include "run/counters.hpp"
#include "sched/scheduler.hpp"

namespace eqb {

// One endpoint pool per role; a role the benchmark does not use may be null.
struct engine_pools {
    endpoint_pool* test = nullptr;
    endpoint_pool* judge = nullptr;
};

struct engine_settings {
    bool overwrite = false;  // start over: every run of the benchmark is reset (-w)
    bool rejudge = false;    // the judge's run is reset: every judge step is asked again
    double grace_s = 10.0;   // after Ctrl-C: how long requests in flight may finish
    retry_policy retries;
    // A line per failed attempt and per answer asked again; empty: quiet.
    std::function<void(const std::string&)> verbose;
    // A line the user must see once (an endpoint refused a field); empty: none.
    std::function<void(const std::string&)> notice;
    // Called about five times a second on the calling thread while workers run.
    std::function<void()> tick;
};

struct engine_outcome {
    run_summary summary;
    run_totals totals;
    run_usage usage;
    // The run cannot succeed by running it again (the server refused a request,
    // e.g. a bad key or an unknown model): a batch does not retry it.
    bool permanent = false;
    double seconds = 0.0;
};

// Runs `bench` to its end, a stop (`stop`, Ctrl-C) or a refused request.
// Errors are fatal setup or store errors (the run's state is as committed).
result<engine_outcome> engine_run(benchmark& bench, const engine_pools& pools, store& db,
                                  const engine_settings& settings, run_counters& counters, const cancel_flag& stop);

// Calls bench.write_exports with a view of the store (after engine_run).
result<bool> engine_write_exports(benchmark& bench, store& db, run_summary& summary);

}  // namespace eqb
