#pragma once
// The end of a Judgemark run: every metric of SPEC section 8 from the judged
// answers and the reference table, the console block, and the exports
// (raw_results.json, benchmark_results.csv and the SVG charts).

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/answer.hpp"
#include "scoring/judgemark.hpp"
#include "store/store.hpp"

namespace eqb {

// One judged answer of the test set.
struct judgemark_piece {
    std::string owner;  // the test model
    std::string prompt_id;
    std::string judge_answer;
    emotion_pairs scores;
};

struct judgemark_run_data {
    std::string key;
    std::string run_id;
    std::string judge_model;
    std::string judge_engine;
    std::filesystem::path results_dir;
    std::vector<judgemark_piece> pieces;  // test set order
    // Per test model, its prompt scores (0-10) in prompt order, judged and parsed ones only.
    std::vector<std::pair<std::string, std::vector<double>>> prompt_scores;
    double seconds = 0.0;
    usage_totals usage;
    bool failed = false;  // failed or interrupted
    std::string error;
};

struct judgemark_report {
    std::string text;   // the console block (ends with a newline)
    std::string error;  // "" when the metrics could be computed
    std::optional<judgemark_result> result;
    std::optional<judgemark_reference_table> table;
};

// Computes the metrics of `data` against the table at `table_path` and the console text.
judgemark_report judgemark_report_build(const judgemark_run_data& data, const std::filesystem::path& table_path);

// Writes the exports of a built report into data.results_dir; appends the
// charts' line to report.text. The error names the file.
result<bool> judgemark_report_write(const judgemark_run_data& data, judgemark_report& report);

}  // namespace eqb
