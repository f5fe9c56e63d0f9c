#pragma once
// EQ-Bench questions: the dialogue prompt and the reference emotion ratings.

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace eqb {

// The four emotions of a question and their reference intensities, in the
// dataset's order (emotion1..emotion4).
struct emotion_reference {
    std::array<std::string, 4> names;
    std::array<double, 4> scores{};
};

struct question {
    std::string id;  // "1".."171" (v2) or "1".."60" (v1)
    std::string prompt;
    emotion_reference reference;                           // v1 scale, sums to 10
    std::optional<emotion_reference> reference_fullscale;  // v2 scale, 0-10 each
};

enum class eq_bench_version { V1, V2 };

// A loaded question file in the file's order.
struct question_set {
    std::string path;
    eq_bench_version version = eq_bench_version::V2;
    std::vector<question> questions;

    // The question with this id, or nullptr. O(n); sets are small.
    const question* find(const std::string& id) const;
};

}  // namespace eqb
