#pragma once
// The live counters of a run, written by its workers and read by the progress
// line and the closing block from another thread.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace eqb {

class run_counters {
  public:
    std::atomic<int> total{0};         // tasks of every round so far
    std::atomic<int> done{0};          // tasks finished, including already_done
    std::atomic<int> already_done{0};  // tasks found complete in the store (resume)
    std::atomic<int> transport_retries{0};
    std::atomic<int> answer_retries{0};  // answers asked again (unparseable, too short, rejected)
    std::atomic<int> requests{0};        // requests this invocation sent
    std::atomic<long> input_tokens{0};   // as the servers reported them, this invocation
    std::atomic<long> output_tokens{0};
    std::atomic<long> judge_input_tokens{0};  // the judge's share of the two above
    std::atomic<long> judge_output_tokens{0};
    std::atomic<int> judge_requests{0};
    // Reasoning models, this invocation: thought tokens the servers reported,
    // the characters of the thoughts received (an estimate where none was
    // reported), answers that came with a thought, answers the output limit
    // ended inside the thought, and the model under test's answers so far.
    std::atomic<long> reasoning_tokens{0};
    std::atomic<long> thought_chars{0};
    std::atomic<long> thought_chars_unreported{0};  // of answers whose server reported no reasoning tokens
    std::atomic<int> thought_answers{0};
    std::atomic<int> truncated_in_reasoning{0};
    std::atomic<int> test_answers{0};
    std::atomic<int> test_truncated_in_reasoning{0};

    // Records a note (a field an endpoint refused, ...); true the first time it is seen.
    bool note(const std::string& text);
    // Every note, in first-seen order.
    std::vector<std::string> notes() const;

    // Counts one failure by its cause ("HTTP 500", "timeouts", "unparseable", ...).
    void failure(const std::string& cause);
    // Every cause with its count, in first-seen order.
    std::vector<std::pair<std::string, int>> failures() const;
    // "HTTP 500 ×41, timeouts ×3, unparseable ×2", or "" when there was none.
    std::string failures_text() const;

    // A request starts or ends; the id pairs them.
    std::uint64_t request_started();
    void request_ended(std::uint64_t id);
    // How many requests have been waiting at least `threshold_s`, and the longest wait.
    std::pair<int, double> waiting_longer_than(double threshold_s) const;

  private:
    mutable std::mutex mutex_;
    std::vector<std::pair<std::string, int>> failures_;
    std::vector<std::string> notes_;
    std::map<std::uint64_t, std::chrono::steady_clock::time_point> in_flight_;
    std::uint64_t next_id_ = 0;
};

}  // namespace eqb
