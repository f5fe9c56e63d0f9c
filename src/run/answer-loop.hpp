#pragma once
// The answer loop every benchmark shares: ask, read the answer, and ask again
// while it is rejected, up to a number of tries, with a temperature schedule
// and the rejection's reason at hand for the next request.

#include <functional>
#include <limits>
#include <optional>
#include <string>

#include "run/benchmark.hpp"

namespace eqb {

struct answer_policy {
    int tries = 1;                  // answers asked at most
    double temperature = 0.0;       // of the first try
    double temperature_step = 0.0;  // added after each rejected answer
    double temperature_cap = std::numeric_limits<double>::infinity();
};

// One try as the request builder sees it.
struct answer_try {
    int index = 0;  // 0-based
    double temperature = 0.0;
    std::string rejection;  // why the previous answer was rejected; "" on the first try
};

// What the benchmark says of one answer.
struct answer_verdict {
    bool accepted = false;  // stop here with this answer
    bool keep = false;      // a rejected answer worth keeping if no later one is accepted (the first kept wins)
    std::string text;       // the answer as stored (e.g. stripped)
    std::string rejection;  // why not accepted (shown with --verbose; given to the next try)
    std::string cause = "rejected";  // a short name for the failure summary ("unparseable", "too short")
};

struct answer_loop_result {
    std::optional<ask_status> ended_by;  // an ask that did not come back: nothing to store
    std::string error;
    bool accepted = false;
    bool kept = false;      // no answer accepted, but one was kept
    std::string text;       // the accepted answer, else the kept one, else the last one
    std::string rejection;  // the last rejection
    int tries = 0;          // answers received
};

// Runs the loop; `build` makes each try's request, `read` judges each answer.
answer_loop_result answer_loop(step_context& context, role who, const answer_policy& policy,
                               const std::function<chat_request(const answer_try&)>& build,
                               const std::function<answer_verdict(const std::string& answer)>& read);

}  // namespace eqb
