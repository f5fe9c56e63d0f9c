#pragma once
// The end of a Judgemark run: every metric of SPEC section 8 from the judged
// answers and the reference table, the console block, raw_results.json,
// benchmark_results.csv and the SVG charts.

#include <filesystem>
#include <string>

#include "bench/creative-writing/runner.hpp"

namespace eqb {

struct judgemark_report {
    std::string text;   // the console block (ends with a newline)
    std::string error;  // "" when the metrics and files were written
};

// Computes the metrics of `outcome` against the table at `table_path`, writes the
// exports into settings.results_dir and returns the console text.
judgemark_report judgemark_report_build(const judged_run_common& settings, const judgemark_run_outcome& outcome,
                                        const std::filesystem::path& table_path);

}  // namespace eqb
