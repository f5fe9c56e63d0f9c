#include "core/reasoning.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace eqb {

namespace {

// Anthropic refuses extended thinking with a smaller budget_tokens.
constexpr int anthropic_min_budget = 1024;
constexpr std::array<std::string_view, 3> known_efforts = {"low", "medium", "high"};

std::string lowered(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

}  // namespace

std::optional<reasoning_mode> reasoning_mode_parse(std::string_view text) {
    const std::string key = lowered(text);
    if (key == "auto") {
        return reasoning_mode::AUTO;
    }
    if (key == "off") {
        return reasoning_mode::OFF;
    }
    if (key == "on") {
        return reasoning_mode::ON;
    }
    return std::nullopt;
}

const char* reasoning_mode_name(reasoning_mode mode) {
    switch (mode) {
        case reasoning_mode::AUTO:
            return "auto";
        case reasoning_mode::OFF:
            return "off";
        case reasoning_mode::ON:
            return "on";
    }
    return "auto";
}

reasoning_settings reasoning_settings_resolved(reasoning_settings settings) {
    if (settings.mode == reasoning_mode::AUTO && (settings.budget > 0 || !settings.effort.empty())) {
        settings.mode = reasoning_mode::ON;
    }
    settings.effort = lowered(settings.effort);
    return settings;
}

std::optional<std::string> reasoning_settings_problem(const reasoning_settings& given, const std::string& client,
                                                      const std::string& what) {
    const reasoning_settings s = reasoning_settings_resolved(given);
    if (s.budget < 0) {
        return fmt::format("{}: the reasoning budget must be 0 or more tokens, got {}", what, s.budget);
    }
    if (!s.effort.empty() && std::find(known_efforts.begin(), known_efforts.end(), s.effort) == known_efforts.end()) {
        return fmt::format("{}: the reasoning effort must be low, medium or high, got '{}'", what, s.effort);
    }
    if (s.mode == reasoning_mode::OFF && (s.budget > 0 || !s.effort.empty())) {
        return fmt::format("{}: reasoning off takes no budget or effort", what);
    }
    if (s.mode == reasoning_mode::ON && client == "anthropic" && s.budget < anthropic_min_budget) {
        return fmt::format("{}: Anthropic's extended thinking needs a reasoning budget of at least {} tokens, got {}",
                           what, anthropic_min_budget, s.budget);
    }
    return std::nullopt;
}

std::string reasoning_settings_label(const reasoning_settings& given) {
    const reasoning_settings s = reasoning_settings_resolved(given);
    std::string out = reasoning_mode_name(s.mode);
    std::string details;
    if (s.budget > 0) {
        details = fmt::format("budget {} tokens", s.budget);
    }
    if (!s.effort.empty()) {
        details += (details.empty() ? "" : ", ") + ("effort " + s.effort);
    }
    return details.empty() ? out : out + " (" + details + ")";
}

}  // namespace eqb
