#include "report/report-model.hpp"

#include <ctime>

#include "report/report-benchmarks.hpp"

namespace eqb {
namespace {

constexpr const char* judge_key_infix = "--judge--";  // Creative Writing: {key}--judge--{judge model}

// The run holding run `i`'s judgements: the key naming its judge, else the latest one.
std::optional<std::size_t> judge_run_for(const report_store& store, std::size_t i) {
    const report_run& run = store.runs[i];
    const std::string prefix = run.key + judge_key_infix;
    const std::string exact = prefix + json_string(json_object_of(run.metadata_json), "judge_model");
    std::optional<std::size_t> found;
    for (std::size_t j = 0; j < store.runs.size(); ++j) {
        const report_run& other = store.runs[j];
        if (other.benchmark != run.benchmark + "-judge" || other.key.rfind(prefix, 0) != 0) {
            continue;
        }
        if (other.key == exact) {
            return j;
        }
        found = j;
    }
    return found;
}

}  // namespace

const char* interval_method_name(interval_method method) {
    switch (method) {
        case interval_method::ITERATIONS:
            return "iterations";
        case interval_method::BOOTSTRAP:
            return "bootstrap";
        case interval_method::NONE:
            break;
    }
    return "none";
}

report_model::report_model() = default;
report_model::~report_model() = default;
report_model::report_model(report_model&&) noexcept = default;
report_model& report_model::operator=(report_model&&) noexcept = default;

report_model report_model_build(report_store store, const report_sources& sources) {
    report_model model;
    model.store = std::move(store);
    model.context = std::make_unique<report_context>(sources);
    std::vector<bool> folded(model.store.runs.size(), false);
    for (std::size_t i = 0; i < model.store.runs.size(); ++i) {
        if (!benchmark_is_companion(model.store.runs[i].benchmark)) {
            if (const auto j = judge_run_for(model.store, i)) {
                folded[*j] = true;
            }
        }
    }
    for (std::size_t i = 0; i < model.store.runs.size(); ++i) {
        if (folded[i]) {
            continue;
        }
        const report_run& run = model.store.runs[i];
        report_run_view view;
        view.run = i;
        if (!benchmark_is_companion(run.benchmark)) {
            view.judge_run = judge_run_for(model.store, i);
        }
        const benchmark_renderer& renderer = benchmark_renderer_for(run.benchmark);
        view.title = renderer.title[0] != '\0' ? renderer.title : run.benchmark;
        summary_common(view, model.store, *model.context);
        renderer.summarize(view, model.store, *model.context);
        model.runs.push_back(std::move(view));
    }
    return model;
}

result<std::size_t> report_model_find(const report_model& model, const std::string& name) {
    std::vector<std::size_t> matches;
    for (std::size_t i = 0; i < model.runs.size(); ++i) {
        const std::string& key = model.store.runs[model.runs[i].run].key;
        if (key == name) {
            return i;
        }
        if (!name.empty() && key.rfind(name, 0) == 0) {
            matches.push_back(i);
        }
    }
    if (matches.size() == 1) {
        return matches.front();
    }
    if (matches.empty()) {
        return error{"no run key starts with '" + name + "' in " + model.store.results_dir.string() +
                     " (eqbench runs lists them)"};
    }
    std::string list;
    for (const auto i : matches) {
        list += "\n  " + model.store.runs[model.runs[i].run].key;
    }
    return error{"'" + name + "' names " + std::to_string(matches.size()) + " runs; give more of the key:" + list};
}

std::string report_date(double unix_s) {
    if (unix_s <= 0.0) {
        return {};
    }
    const auto t = static_cast<std::time_t>(unix_s);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
    return buf;
}

}  // namespace eqb
