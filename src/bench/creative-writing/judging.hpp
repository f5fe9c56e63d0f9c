#pragma once
// The Creative Writing v2 judge as the reference asks it (SPEC section 7,
// creative_writing_utils_v2.py): one judging try asks up to 3 times while the
// answer is empty; a try whose answer holds no score is followed by another
// 0.2 warmer, 4 judging tries in all. Shared by Creative Writing and Judgemark.

#include <functional>
#include <optional>
#include <string>

#include "core/answer.hpp"
#include "run/benchmark.hpp"
#include "scoring/creative-writing.hpp"

namespace eqb {

constexpr double judge_temperature = 0.01;
constexpr double judge_temperature_step = 0.2;  // after an answer with no score in it
constexpr int judge_tries = 4;                  // judging tries
constexpr int judge_empty_tries = 3;            // asks within a try while the answer is empty
constexpr int judge_max_tokens = 3000;

// What the judge said of one piece.
struct judgement {
    std::optional<ask_status> ended_by;  // an ask did not come back: nothing to store
    std::string error;
    std::string answer;  // the last non-empty answer, stripped
    emotion_pairs scores;
    std::optional<creative_writing_prompt_result> result;  // nullopt: no score in any answer
    int asks = 0;
    bool dropped = false;  // the piece could not be written again for a retry (the reference drops it)
};

// Judges with the prompt `prompt_for(piece)`. Before every judging try after the
// first, `rewrite` (when set) writes the piece again, as the reference does for
// a piece it generated in the same pass; it returns the new piece, or nullopt
// (`dropped`, or an ask that ended: see the judgement) when there is none.
judgement judge_piece(step_context& context, std::string piece,
                      const std::function<std::string(const std::string& piece)>& prompt_for,
                      const std::function<std::optional<std::string>(judgement&)>& rewrite);

// The judge step's record for `j`: state "done" when it scored, the judge's
// answer, the pairs as JSON and the prompt score (or null).
item_record judgement_record(const judgement& j);

// A stored judge record read back (scores re-parsed from the stored answer).
judgement judgement_from_record(const item_record& record);

}  // namespace eqb
