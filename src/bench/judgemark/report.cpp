#include "bench/judgemark/report.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

#include "bench/judgemark/charts.hpp"
#include "bench/judgemark/reference-table.hpp"
#include "core/python-float.hpp"
#include "core/text.hpp"
#include "report/files.hpp"
#include "report/progress.hpp"
#include "scoring/judgemark.hpp"
#include "scoring/stats.hpp"

namespace eqb {
namespace {

using ojson = nlohmann::ordered_json;

std::string rounded(double v) {
    return python_float_repr(python_round(v, 2));
}

// The model-score chart: each model's score with the 95% t-interval of its item scores.
std::string score_chart(const std::string& judge, const judgemark_result& result, const judgemark_run_data& out) {
    std::vector<chart_bar> bars;
    for (const auto& m : judgemark_model_intervals(result, out.prompt_scores)) {
        bars.push_back({m.model, m.score, m.low, m.high});
    }
    return svg_bar_chart("Judgemark: test model scores by " + judge, "score (0-100), 95% interval of item scores",
                         bars);
}

// This judge's model scores against the mean of the other judges' (the self-bias fit's view).
std::string bias_chart(const std::string& judge, const judgemark_result& result,
                       const judgemark_reference_table& table) {
    const judgemark_bias_view view = judgemark_bias_view_of(judge, result, table);
    std::vector<chart_point> points;
    for (const auto& p : view.points) {
        points.push_back({p.model, p.others_mean, p.score, p.in_family});
    }
    return svg_scatter_chart(
        "Judge: " + judge, "test models scored by the other judges (mean)", "test models scored by this judge", points,
        view.fit ? std::vector<double>(view.fit->begin(), view.fit->end()) : std::vector<double>{});
}

}  // namespace

judgemark_report judgemark_report_build(const judgemark_run_data& data, const std::filesystem::path& table_path) {
    judgemark_report report;
    auto table = judgemark_reference_load(table_path);
    if (!table) {
        report.error = table.err().message;
        return report;
    }
    auto computed = judgemark_compute(data.judge_model, data.prompt_scores, *table);
    if (!computed) {
        report.error = "Judgemark: " + computed.err().message;
        return report;
    }
    const judgemark_result& r = *computed;
    std::string text = "\n# " + data.judge_model + "\n\nTest model scores:\n";
    for (const auto& [model, score] : r.model_scores) {
        text += rounded(score) + " " + model + "\n";
    }
    for (const auto& model : r.unscored) {
        text += "N/A " + model + " (10 prompt scores or fewer)\n";
    }
    text += "\nStats:\n";
    text += "Self bias: " + (r.self_bias ? rounded(*r.self_bias) : std::string("N/A")) + "\n";
    text += "Family bias: " + (r.family_bias ? rounded(*r.family_bias) : std::string("N/A")) + "\n";
    text += "----judgemark Benchmark Complete----\n" + local_timestamp() + "\n" + time_taken_line(data.seconds) + "\n" +
            time_taken_seconds_line(data.seconds) + "\nJudge: " + data.judge_model +
            "\nFinal Judgemark Benchmark Results:\nMean Score: " + rounded(r.mean) + "\nStd. Dev.: " + rounded(r.sd) +
            "\nJudgemark Score: " + rounded(r.judgemark) + "\n";
    for (const auto& m : judgemark_metrics(r)) {
        text += m.name + " " + (m.value ? rounded(*m.value) : std::string("N/A")) + "\n";
    }
    report.text = std::move(text);
    report.result = std::move(*computed);
    report.table = std::move(*table);
    return report;
}

result<bool> judgemark_report_write(const judgemark_run_data& data, judgemark_report& report) {
    if (!report.result || !report.table) {
        return error{report.error.empty() ? "Judgemark: no metrics to write" : report.error};
    }
    const judgemark_result& r = *report.result;
    ojson metrics = ojson::object();
    for (const auto& m : judgemark_metrics(r)) {
        metrics[m.name] = m.value ? ojson(*m.value) : ojson(nullptr);
    }
    ojson entry;
    entry["run_metadata"] = {{"run_id", data.run_id},
                             {"benchmark", "judgemark"},
                             {"judge_model", data.judge_model},
                             {"judge_engine", data.judge_engine}};
    ojson scores = ojson::object();
    ojson answers = ojson::object();
    for (const auto& piece : data.pieces) {
        ojson pairs = ojson::object();
        for (const auto& p : piece.scores.items()) {
            pairs[p.name] = p.value;
        }
        scores[piece.owner][piece.prompt_id] = std::move(pairs);
        answers[piece.owner][piece.prompt_id] = piece.judge_answer;
    }
    entry["iterations"]["1"] = {{"individual_scores", std::move(scores)}, {"judge_model_response", std::move(answers)}};
    ojson model_scores = ojson::object();
    for (const auto& [model, score] : r.model_scores) {
        model_scores[model] = score;
    }
    entry["judgemark_results"] = {{"mean_score", r.mean},
                                  {"std_dev", r.sd},
                                  {"model_scores", std::move(model_scores)},
                                  {"extended_metrics", std::move(metrics)}};
    const auto& dir = data.results_dir;
    if (auto merged = raw_results_merge(dir / "raw_results.json", data.key, entry.dump()); !merged) {
        return merged;
    }
    if (auto appended = benchmark_csv_append(dir / "benchmark_results.csv",
                                             {data.run_id, local_timestamp(), "", data.judge_model, "", "",
                                              data.failed ? "FAILED" : rounded(r.judgemark), "judgemark",
                                              data.failed ? "FAILED" : std::to_string(r.model_scores.size()), "1",
                                              data.judge_engine, "", "", data.error});
        !appended) {
        return appended;
    }
    const std::string base =
        "judgemark-" + text_file_name_part(data.run_id) + "-" + text_file_name_part(data.judge_model);
    const auto chart1 = dir / (base + "-scores.svg");
    const auto chart2 = dir / (base + "-bias.svg");
    if (auto written = file_write_atomic(chart1, score_chart(data.judge_model, r, data)); !written) {
        return written;
    }
    if (auto written = file_write_atomic(chart2, bias_chart(data.judge_model, r, *report.table)); !written) {
        return written;
    }
    report.text += "Charts: " + chart1.string() + ", " + chart2.string() + "\n";
    return true;
}

}  // namespace eqb
