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

#include <filesystem>
#include <memory>
#include <optional>

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

// One recorded run scored for `eqbench score`: with the reference parser, and
// with the extended one when asked.
struct recorded_score {
    std::string label;  // "v2", "v2_de", ...
    rescored_run reference;
    std::optional<rescored_run> extended;
    int extra_answers = 0;  // answers the extended parser read beyond the reference's
    std::size_t questions = 0;
    // The run as shown: the extended parser's when asked, else the reference's.
    const rescored_run& shown() const { return extended ? *extended : reference; }
};

// Scores recorded runs, loading question sets, packs and parsers once for all.
class recorded_scorer {
  public:
    recorded_scorer(std::filesystem::path data_dir, parser_kind kind);
    ~recorded_scorer();
    recorded_scorer(const recorded_scorer&) = delete;
    recorded_scorer& operator=(const recorded_scorer&) = delete;

    // The error names what could not be loaded.
    result<recorded_score> score(const recorded_run& run, v2_scorer scorer);
    parser_kind kind() const { return kind_; }

  private:
    struct caches;
    std::filesystem::path data_dir_;
    parser_kind kind_;
    std::unique_ptr<caches> caches_;
};

}  // namespace eqb
