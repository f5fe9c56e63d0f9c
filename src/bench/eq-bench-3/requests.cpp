#include "bench/eq-bench-3/requests.hpp"

#include "core/python-str.hpp"

namespace eqb::eq3 {

sampling turn_sampling() {
    return {turn_temperature, turn_max_tokens, turn_min_p};
}

sampling debrief_sampling() {
    return {debrief_temperature, debrief_max_tokens, std::nullopt};
}

sampling judge_sampling() {
    return {judge_temperature, judge_max_tokens, std::nullopt};
}

result<std::string> turn_user_content(const scenario& s, std::size_t turn, const prompt_files& files) {
    if (turn >= s.prompts.size()) {
        return error{"scenario " + s.id + " has " + std::to_string(s.prompts.size()) + " turns, not " +
                     std::to_string(turn + 1)};
    }
    const std::string& prompt = s.prompts[turn];
    if (s.type == scenario_type::DIRECT) {
        return prompt;
    }
    auto filled = python_format(master_template_of(files, s.type), {{"scenario_prompt", prompt}});
    if (!filled) {
        return error{"scenario " + s.id + ": the " + std::string(scenario_type_name(s.type)) +
                     " master prompt cannot be filled: " + filled.err().message};
    }
    return filled;
}

result<std::vector<message>> turn_messages(const scenario& s, std::size_t turn, const std::vector<message>& history,
                                           const prompt_files& files) {
    if (history.size() < 2 * turn) {
        return error{"scenario " + s.id + " turn " + std::to_string(turn + 1) + ": the history has " +
                     std::to_string(history.size()) + " messages, not " + std::to_string(2 * turn)};
    }
    auto content = turn_user_content(s, turn, files);
    if (!content) {
        return content.err();
    }
    const auto end = history.begin() + static_cast<std::ptrdiff_t>(2 * turn);
    std::vector<message> out(history.begin(), end);
    out.push_back({"user", std::move(*content)});
    return out;
}

std::vector<message> debrief_messages(const std::vector<message>& history, const prompt_files& files) {
    std::vector<message> out = history;
    out.push_back({"user", files.debrief});
    return out;
}

std::vector<message> judge_messages(const std::string& prompt) {
    return {{"user", prompt}};
}

}  // namespace eqb::eq3
