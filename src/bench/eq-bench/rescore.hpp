#pragma once
// Re-scoring recorded EQ-Bench answers offline, exactly as the live pipeline
// would have scored them (the v1 gate of SPEC section 3, sections 5-6).

#include <map>
#include <string>
#include <vector>

#include "bench/eq-bench/recorded-run.hpp"
#include "core/question.hpp"
#include "parse/eq-bench-answer.hpp"
#include "scoring/eq-bench.hpp"

namespace eqb {

struct rescored_iteration {
    std::string id;
    iteration_result totals;
    // Per question, in the file's order: (question id, stored scores).
    std::vector<std::pair<std::string, question_score>> questions;
    std::vector<std::pair<std::string, parsed_answer>> parsed;
};

struct rescored_run {
    run_result run;
    std::vector<rescored_iteration> iterations;
    std::vector<std::string> unknown_questions;  // answer ids absent from the question set
};

// Parses and scores every answer of `run` against `questions`. Thread-safe for
// distinct runs: `parser` is immutable.
rescored_run eq_bench_rescore(const recorded_run& run, const question_set& questions, const eq_bench_parser& parser,
                              v2_scorer scorer);

}  // namespace eqb
