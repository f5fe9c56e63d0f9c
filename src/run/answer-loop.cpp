#include "run/answer-loop.hpp"

#include <algorithm>

namespace eqb {

answer_loop_result answer_loop(step_context& context, role who, const answer_policy& policy,
                               const std::function<chat_request(const answer_try&)>& build,
                               const std::function<answer_verdict(const std::string& answer)>& read) {
    answer_loop_result out;
    answer_try current;
    current.temperature = policy.temperature;
    std::optional<std::string> kept;
    for (; current.index < policy.tries; ++current.index) {
        const ask_result asked = context.ask(who, build(current));
        if (asked.status != ask_status::ANSWER) {
            out.ended_by = asked.status;
            out.error = asked.error;
            return out;
        }
        ++out.tries;
        answer_verdict verdict = read(asked.answer);
        out.text = verdict.text;
        if (verdict.accepted) {
            out.accepted = true;
            return out;
        }
        if (verdict.keep && !kept) {
            kept = verdict.text;
        }
        out.rejection = verdict.rejection;
        context.retried(verdict.cause, verdict.rejection + " (try " + std::to_string(current.index + 1) + " of " +
                                           std::to_string(policy.tries) + "): " + verdict.text);
        current.rejection = verdict.rejection;
        current.temperature = std::min(current.temperature + policy.temperature_step, policy.temperature_cap);
    }
    if (kept) {
        out.kept = true;
        out.text = *kept;
    }
    return out;
}

}  // namespace eqb
