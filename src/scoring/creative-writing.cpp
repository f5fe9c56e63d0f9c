#include "scoring/creative-writing.hpp"

#include <cmath>

#include "core/python-float.hpp"
#include "core/unicode.hpp"

namespace eqb {

const std::vector<std::string>& creative_writing_negative_markers() {
    static const std::vector<std::string> markers = {
        "melodramatic",
        "shallow resolution",
        "unearned resolution",
        "simplistic moralizing",
        "shallow optimism",
        "forced optimism",
        "trite",
        "overwrought",
        "amateurish",
        "contrived",
        "uninspiring",
        "characters are too good",
        "incongruent ending positivity",
        "unearned transformations",
        "profundity over-reach",
        "amateurish descriptives",
        "clunky asides and interruptive sentence structures",
        "stilted dialogue",
        "tit-for-tat dialogue",
        "purple prose",
        "unsurprising or uncreative",
        "tell-don't-show",
        "weak dialogue",
        "meandering",
    };
    return markers;
}

bool creative_writing_criterion_is_negative(std::string_view name) {
    const std::string lower = unicode_lower(name);
    for (const auto& marker : creative_writing_negative_markers()) {
        if (lower.find(marker) != std::string::npos) {
            return true;
        }
    }
    return false;
}

std::optional<creative_writing_prompt_result> creative_writing_prompt_score(const emotion_pairs& scores) {
    if (scores.empty()) {
        return std::nullopt;
    }
    creative_writing_prompt_result result;
    double sum = 0.0;
    for (const auto& pair : scores.items()) {
        if (creative_writing_criterion_is_negative(pair.name)) {
            sum += creative_writing_negative_base - pair.value;
            result.inverted.push_back(pair.name);
        } else {
            sum += pair.value;
        }
        ++result.parsed;
    }
    result.score = sum / static_cast<double>(result.parsed);
    return result;
}

std::optional<double> creative_writing_iteration_score(const std::vector<double>& prompt_scores) {
    if (prompt_scores.size() < creative_writing_min_prompts) {
        return std::nullopt;
    }
    double sum = 0.0;
    for (const double s : prompt_scores) {
        sum += s;
    }
    return sum / static_cast<double>(prompt_scores.size());
}

double creative_writing_run_score(const std::vector<double>& iteration_scores) {
    if (iteration_scores.empty()) {
        return 0.0;
    }
    double sum = 0.0;
    for (const double s : iteration_scores) {
        sum += s;
    }
    return python_round(10.0 * (sum / static_cast<double>(iteration_scores.size())), 2);
}

mean_interval creative_writing_interval(const std::vector<double>& values) {
    mean_interval out;
    if (values.empty()) {
        return out;
    }
    double sum = 0.0;
    for (const double v : values) {
        sum += v;
    }
    const double n = static_cast<double>(values.size());
    out.mean = sum / n;
    if (values.size() >= 2) {
        double squares = 0.0;
        for (const double v : values) {
            squares += (v - out.mean) * (v - out.mean);
        }
        out.sem = std::sqrt(squares / (n - 1.0)) / std::sqrt(n);
    }
    out.low = out.mean - creative_writing_interval_z * out.sem;
    out.high = out.mean + creative_writing_interval_z * out.sem;
    return out;
}

}  // namespace eqb
