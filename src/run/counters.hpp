#pragma once
// The live counters of a run, written by its workers and read by the progress
// line from another thread.

#include <atomic>
#include <string>

namespace eqb {

struct run_counters {
    std::atomic<int> total{0};         // tasks of every round so far
    std::atomic<int> done{0};          // tasks finished, including already_done
    std::atomic<int> already_done{0};  // tasks found complete in the store (resume)
    std::atomic<int> transport_retries{0};
    std::atomic<int> answer_retries{0};  // answers asked again (unparseable, too short, rejected)
    std::atomic<int> requests{0};        // requests this invocation sent
    std::atomic<int> in_flight{0};       // requests waiting for an answer now
};

}  // namespace eqb
