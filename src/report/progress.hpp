#pragma once
// The progress line of a run: done/total, answers/s, ETA, retries, parse
// failures. Redrawn in place on a terminal; on anything else (CI logs,
// notebooks) a plain line every few seconds.

#include <cstdio>
#include <string>

namespace eqb {

struct progress_snapshot {
    std::string label;  // e.g. "eq-bench"
    int total = 0;
    int done = 0;          // including already_done
    int already_done = 0;  // found in the store at start (resumed)
    int transport_retries = 0;
    int parse_failures = 0;                      // answers asked again
    std::string retry_label = "parse failures";  // what those are called
    double elapsed_s = 0.0;
    int waiting = 0;         // requests in flight for a long time (hung server?)
    double waiting_s = 0.0;  // the longest of them has waited this long
};

// The closing block's time: the reference's "Time taken: X.X mins" (kept for
// the tools that read it) and the same in seconds, which says something for
// short runs ("Time taken (seconds): 42.3").
std::string time_taken_line(double seconds);
std::string time_taken_seconds_line(double seconds);

// One line of text for `s` (no newline).
std::string progress_format(const progress_snapshot& s);

// Prints progress to `out`: in place when `out` is a terminal, else a line at
// most every `plain_interval_s`. Not thread-safe: call from one thread.
class progress_printer {
  public:
    explicit progress_printer(std::FILE* out, double plain_interval_s = 5.0);
    void update(const progress_snapshot& s);
    // Prints the final state and ends the line.
    void finish(const progress_snapshot& s);

  private:
    std::FILE* out_;
    bool tty_;
    double interval_s_;
    double last_printed_s_ = -1e9;
    std::size_t last_width_ = 0;
};

}  // namespace eqb
