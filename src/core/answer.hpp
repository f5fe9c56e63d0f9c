#pragma once
// A model's parsed EQ-Bench answer: emotion name -> score pairs.

#include <string>
#include <vector>

namespace eqb {

// One "Name: score" pair as read from the answer. `text` is the score exactly as
// written (e.g. "02", full-width "２", or "7.5" with the extended parser);
// `value` is its numeric value.
struct score_pair {
    std::string name;
    std::string text;
    double value = 0.0;
};

// Pairs in first-occurrence order with Python dict semantics: a later pair with
// the same (case-sensitive) name overwrites the earlier value in place.
class emotion_pairs {
  public:
    // Inserts or overwrites `pair.name`, keeping the first occurrence's position.
    void set(score_pair pair);
    const std::vector<score_pair>& items() const { return items_; }
    std::size_t size() const { return items_.size(); }
    bool empty() const { return items_.empty(); }

  private:
    std::vector<score_pair> items_;
};

struct parsed_answer {
    emotion_pairs first_pass;
    emotion_pairs revised;  // empty unless parsed with revision on
};

}  // namespace eqb
