#pragma once
// Creative Writing v3's rubric: the judge prompt, reading the judge's scores,
// a piece's score and the run's rubric score, as the reference computes them.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bench/creative-writing-3/data.hpp"
#include "bench/creative-writing-3/writing.hpp"
#include "core/answer.hpp"
#include "core/result.hpp"
#include "scoring/cw3-bootstrap.hpp"

namespace eqb {

constexpr double cw3_rubric_temperature = 0.0;
constexpr int cw3_rubric_max_tokens = 1000;
constexpr cw3_sampling cw3_rubric_sampling{cw3_rubric_temperature, cw3_rubric_max_tokens, cw3_min_p};

// Scores above cw3_score_max (scoring/cw3-bootstrap.hpp, one definition for
// both) are dropped by the parser; a negative criterion counts as
// cw3_score_max - score.

// The rubric judge's message: the judging prompt filled by Python's str.format
// in one pass with the base writing prompt (its <SEED> left in), the piece, the
// criteria as "- NAME" lines joined by "\n" and the negative criteria joined by
// ", ". The error is str.format's (a brace in the template that is no field).
result<std::string> cw3_judge_prompt(std::string_view judging_template, const std::string& writing_prompt,
                                     const std::string& piece, const std::vector<std::string>& criteria,
                                     const std::vector<std::string>& negative_criteria);

// The judge's scores as the reference reads them from the whole answer (after
// cw3_answer_content): every re.findall match of (.*?):\s*(?:Score\s+)?(NUM),
// then of (.*?):\s*\[(NUM)\], NUM = -?\d+(?:\.\d+)?, gives name.strip() ->
// float(NUM) when that is <= 20 (dict semantics: first position, last value;
// Python's Unicode \s and \d). Any name counts, criterion or not.
emotion_pairs cw3_rubric_parse(std::string_view answer);

// The score on 0-20 of a piece: the mean of its values, a name found in
// `negative_criteria` (exact match) as 20 - value, values then above 20 left
// out; nullopt when none is left.
std::optional<double> cw3_piece_score(const emotion_pairs& scores, const std::vector<std::string>& negative_criteria);

// One piece of a run, as the engine stores it.
struct cw3_piece {
    std::string prompt_id;
    int iteration = 0;                // 1-based
    std::optional<std::string> text;  // the stored piece; nullopt: dropped after short answers
    emotion_pairs scores;             // cw3_rubric_parse of the judge's answer; empty: not scored
};

// The pieces in the reference's run order: iteration by iteration, the prompts
// in file order within one (ids not in `prompts` last, in input order).
std::vector<const cw3_piece*> cw3_pieces_in_run_order(const std::vector<cw3_piece>& pieces,
                                                      const std::vector<cw3_prompt>& prompts);

// A piece that counts for the rubric score (and the bootstrap): judged with at
// least one score. `piece_score` is nullopt when every value was left out.
struct cw3_scored_task {
    std::string prompt_id;
    int iteration = 0;
    std::optional<double> piece_score;
};

// The pieces that count (at least one score), in run order.
std::vector<cw3_scored_task> cw3_scored_tasks(const std::vector<cw3_piece>& pieces,
                                              const std::vector<cw3_prompt>& prompts,
                                              const std::vector<std::string>& negative_criteria);

struct cw3_rubric_summary {
    std::size_t pieces = 0;               // tasks with a piece score
    double mean = 0.0;                    // unrounded mean of the piece scores (0 when none)
    double creative_score_0_20 = 0.0;     // round(mean, 2)
    double eqbench_creative_score = 0.0;  // round(mean * 5, 2), from the unrounded mean
};

// The run's rubric score from its scored tasks (in order: the sum runs left to
// right, as Python's sum does), or of a bootstrap resample of them.
cw3_rubric_summary cw3_rubric_summarise(const std::vector<cw3_scored_task>& tasks);

}  // namespace eqb
