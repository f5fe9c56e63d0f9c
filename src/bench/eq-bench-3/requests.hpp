#pragma once
// The requests EQ-Bench 3 sends to the model under test (scenario turns and the
// debrief) and their sampling, as the reference (core/conversation.py,
// utils/api.py) builds them. No system prompt is ever sent.

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "bench/eq-bench-3/scenarios.hpp"
#include "core/result.hpp"

namespace eqb::eq3 {

// One chat message as sent and stored ("user" or "assistant").
struct message {
    std::string role;
    std::string content;
    bool operator==(const message& other) const = default;
};

// A task's conversation: the scenario turns as sent and stored, and the stored
// debrief (not part of the history: the reference sends it on a copy).
struct transcript {
    std::vector<message> history;        // user (filled template), assistant (stored answer), alternating
    std::optional<std::string> debrief;  // stored debrief (stripped); nullopt before it or for analysis
};

// Sampling of one kind of request.
struct sampling {
    double temperature = 0.0;
    int max_tokens = 0;
    std::optional<double> min_p;  // sent only when set
};

// Scenario turns: temperature 0.7, max_tokens 12000, min_p 0.1.
inline constexpr double turn_temperature = 0.7;
inline constexpr int turn_max_tokens = 12000;
inline constexpr double turn_min_p = 0.1;
// Debrief: temperature 0.5, max_tokens 12000, no min_p.
inline constexpr double debrief_temperature = 0.5;
inline constexpr int debrief_max_tokens = 12000;
// Judge (rubric and pairwise): temperature 0.0, max_tokens 8000, no min_p.
inline constexpr double judge_temperature = 0.0;
inline constexpr int judge_max_tokens = 8000;

// The sampling of each kind of request.
sampling turn_sampling();
sampling debrief_sampling();
sampling judge_sampling();

// The reference's request-body keys in the order it writes them; "min_p" only
// when the sampling has one (model under test, turns only).
inline constexpr std::array<const char*, 5> request_body_key_order = {"model", "messages", "temperature", "max_tokens",
                                                                      "min_p"};

// The user message of turn `turn` (0-based) of `s`: the master template of its
// type with every {scenario_prompt} filled as Python's str.format fills it
// (DIRECT: the prompt itself). The error is str.format's (a template with an
// unknown field or a lone brace), naming the scenario.
result<std::string> turn_user_content(const scenario& s, std::size_t turn, const prompt_files& files);

// The messages of turn `turn`: the history so far (the first 2 x turn messages
// of `history`) and the user message of this turn. The error is
// turn_user_content's, or a history shorter than 2 x turn messages.
result<std::vector<message>> turn_messages(const scenario& s, std::size_t turn, const std::vector<message>& history,
                                           const prompt_files& files);

// The debrief request: the whole scenario history and the debrief prompt as it is.
std::vector<message> debrief_messages(const std::vector<message>& history, const prompt_files& files);

// A judge request: one user message.
std::vector<message> judge_messages(const std::string& prompt);

}  // namespace eqb::eq3
