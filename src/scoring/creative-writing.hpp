#pragma once
// Creative Writing v2 scoring (SPEC section 7): negative criteria counted as
// 10 - score, prompt scores, iteration and run scores, the leaderboard's interval.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/answer.hpp"

namespace eqb {

constexpr double creative_writing_negative_base = 10.0;   // a negative criterion counts as 10 - score
constexpr std::size_t creative_writing_min_prompts = 11;  // an iteration counts with more than 10 prompts
constexpr double creative_writing_interval_z = 1.96;      // mean +- 1.96 x SEM

// The lowercase fragments that make a criterion negative (SPEC section 7).
const std::vector<std::string>& creative_writing_negative_markers();

// Whether `name` (lowercased as Python's str.lower) contains a negative marker.
bool creative_writing_criterion_is_negative(std::string_view name);

struct creative_writing_prompt_result {
    double score = 0.0;                 // sum of counted scores / parsed pairs (0-10 scale)
    int parsed = 0;                     // criteria the judge's answer gave
    std::vector<std::string> inverted;  // the negative criteria among them, in order
};

// The prompt score of one judged answer; nullopt when the judge gave no score at all.
std::optional<creative_writing_prompt_result> creative_writing_prompt_score(const emotion_pairs& scores);

// The iteration score: the mean of its prompt scores (in the order given, as the
// reference sums them) when more than 10 prompts scored; nullopt otherwise.
std::optional<double> creative_writing_iteration_score(const std::vector<double>& prompt_scores);

// The run score: 10 x the mean of the iteration scores, rounded to 2 places as
// Python's round(); 0 when there is none.
double creative_writing_run_score(const std::vector<double>& iteration_scores);

struct mean_interval {
    double mean = 0.0;
    double low = 0.0;
    double high = 0.0;
    double sem = 0.0;  // sample sd / sqrt(n); 0 with fewer than 2 values
};

// mean +- 1.96 x (sample standard deviation / sqrt(n)) of `values`, as the
// leaderboard prints Creative Writing iterations.
mean_interval creative_writing_interval(const std::vector<double>& values);

}  // namespace eqb
