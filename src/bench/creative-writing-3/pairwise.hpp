#pragma once
// Creative Writing v3's pairwise judging: the prompt for two pieces, the
// judge's JSON as the reference reads it, and the reference's de-duplication
// of identical comparisons.

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "bench/creative-writing-3/writing.hpp"
#include "core/result.hpp"

namespace eqb {

constexpr double cw3_pairwise_temperature = 0.0;
constexpr int cw3_pairwise_max_tokens = 16000;
constexpr cw3_sampling cw3_pairwise_sampling{cw3_pairwise_temperature, cw3_pairwise_max_tokens, cw3_min_p};

// Each piece is cut to this many code points before it is judged (LENGTH_TRUNCATION_CHARS).
constexpr std::size_t cw3_pairwise_truncation_chars = 4000;

// The labels of the two writers in the pairwise prompt (A: first, B: second).
constexpr const char* cw3_writer_a_label = "A0493";
constexpr const char* cw3_writer_b_label = "A0488";

// A piece as the pairwise judge sees it: its first cw3_pairwise_truncation_chars
// code points.
std::string cw3_pairwise_text(std::string_view piece);

// The pairwise judge's message: three str.replace calls in the reference's order,
// {writing_prompt} (the item's base prompt, <SEED> left in), then
// {model_a_analysis}, then {model_b_analysis}, so text substituted earlier is
// scanned by the later ones. `text_a` and `text_b` are already truncated.
std::string cw3_pairwise_prompt(std::string_view pairwise_template, const std::string& writing_prompt,
                                const std::string& text_a, const std::string& text_b);

// The two messages of one matchup, forward (test model as A0493) first, then
// reversed; the pieces are truncated here.
struct cw3_pairwise_messages {
    std::string forward;
    std::string reversed;
};
cw3_pairwise_messages cw3_pairwise_prompts(std::string_view pairwise_template, const std::string& writing_prompt,
                                           std::string_view test_piece, std::string_view opponent_piece);

// The "item_length" the reference stores with a comparison: the code points of
// the two truncated pieces, given as (test, neighbor) for the forward
// comparison and swapped for the reversed one (the reference's own quirk).
struct cw3_item_lengths {
    std::size_t test_model = 0;
    std::size_t neighbor_model = 0;
};
cw3_item_lengths cw3_comparison_item_lengths(std::string_view test_piece, std::string_view opponent_piece,
                                             bool reversed);

enum class cw3_json_kind { STRING, NUMBER, BOOLEAN, NUL, ARRAY, OBJECT };

// One top-level member of the judge's JSON object. `text` is the value when it
// is a string ("" otherwise).
struct cw3_verdict_member {
    std::string key;
    cw3_json_kind kind = cw3_json_kind::STRING;
    std::string text;
};

// The judge's verdict as the reference reads it from the answer (after
// cw3_answer_content): the text from the first '{' to the last '}' parsed as
// JSON; its members in order (a repeated key keeps its first position and its
// last value, as json.loads does). Errors: no such span (the reference's
// "Malformed JSON response"), or not valid JSON there (its "API error").
result<std::vector<cw3_verdict_member>> cw3_verdict_read(std::string_view answer);

// What identifies a stored comparison for de-duplication (fields non-empty).
struct cw3_comparison_key {
    std::string item_id;
    std::string test_model;
    std::string neighbor_model;
    std::string test_iteration;
    std::string neighbor_iteration;
};

// The reference's comparison signature: item, the two (model, iteration)
// pairs sorted, and str(round(fraction_for_test, 4)):
// "ITEM|M1|I1|M2|I2|0.8556". Both orders of a matchup with equal fractions
// get the same signature.
std::string cw3_comparison_signature(const cw3_comparison_key& key, double fraction_for_test);

// The reference's deduplicate_comparisons_cw over comparisons offered in order:
// the first of each signature is kept.
class cw3_comparison_dedup {
  public:
    // True when this comparison is new (keep it), false for a duplicate.
    bool insert(const cw3_comparison_key& key, double fraction_for_test);
    std::size_t size() const { return seen_.size(); }

  private:
    std::unordered_set<std::string> seen_;
};

}  // namespace eqb
