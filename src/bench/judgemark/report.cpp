#include "bench/judgemark/report.hpp"

#include <fmt/core.h>

#include <cmath>

#include "core/python-float.hpp"
#include "core/text.hpp"

namespace eqb {

judgemark_report judgemark_report_build(const judged_run_common& settings, const judgemark_run_outcome& outcome,
                                        const std::filesystem::path& table_path) {
    judgemark_report report;
    (void)table_path;
    std::vector<double> model_scores;
    std::string scores_text = "Test model scores:\n";
    for (const auto& [model, scores] : outcome.prompt_scores) {
        const auto iteration = creative_writing_iteration_score(scores);
        if (!iteration) {
            continue;
        }
        model_scores.push_back(10.0 * *iteration);
        scores_text += fmt::format("{:.2f} {}\n", 10.0 * *iteration, model);
    }
    double mean = 0.0;
    for (const double s : model_scores) {
        mean += s;
    }
    mean = model_scores.empty() ? 0.0 : mean / static_cast<double>(model_scores.size());
    double squares = 0.0;
    for (const double s : model_scores) {
        squares += (s - mean) * (s - mean);
    }
    const double sd = model_scores.size() > 1 ? std::sqrt(squares / static_cast<double>(model_scores.size() - 1)) : 0.0;
    report.text = scores_text + "----judgemark Benchmark Complete----\n" + local_timestamp() + "\n" +
                  fmt::format("Time taken: {:.1f} mins\n", outcome.seconds / 60.0) + "Judge: " + settings.judge_model +
                  "\nFinal Judgemark Benchmark Results:\n" + "Mean Score: " + python_float_repr(python_round(mean, 2)) +
                  "\nStd. Dev.: " + python_float_repr(python_round(sd, 2)) + "\n";
    return report;
}

}  // namespace eqb
