#pragma once
// What eqbench asks of a reasoning model (--reasoning, [Reasoning]): nothing
// (auto: the reference's request, thoughts handled as they come back), no
// thinking (off), or thinking with a token budget and an effort (on).

#include <optional>
#include <string>
#include <string_view>

namespace eqb {

enum class reasoning_mode { AUTO, OFF, ON };

struct reasoning_settings {
    reasoning_mode mode = reasoning_mode::AUTO;
    int budget = 0;      // thinking tokens added to every request's output limit (ON)
    std::string effort;  // "", "low", "medium", "high"
};

// "auto", "off", "on" (any case); nullopt otherwise.
std::optional<reasoning_mode> reasoning_mode_parse(std::string_view text);
// "auto", "off" or "on".
const char* reasoning_mode_name(reasoning_mode mode);

// The settings in effect: a budget or an effort alone implies ON.
reasoning_settings reasoning_settings_resolved(reasoning_settings settings);

// Why `settings` cannot be sent to `client` (openai, anthropic, gemini, ...):
// a negative budget, an unknown effort, Anthropic thinking under 1024 tokens,
// a budget with mode off; nullopt when it can. `what` names the flag or field.
std::optional<std::string> reasoning_settings_problem(const reasoning_settings& settings, const std::string& client,
                                                      const std::string& what);

// "auto", "off", "on (budget 1024 tokens, effort high)": for the closing block and metadata.
std::string reasoning_settings_label(const reasoning_settings& settings);

}  // namespace eqb
