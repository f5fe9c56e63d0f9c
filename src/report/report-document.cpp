#include "report/report-document.hpp"

#include <re2/re2.h>

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <ctime>

#include "core/python-str.hpp"
#include "core/text.hpp"
#include "report/report-benchmarks.hpp"

extern char** environ;

namespace eqb {
namespace {

constexpr std::size_t secret_min_length = 8;  // shorter values would redact ordinary words
constexpr const char* redacted = "[redacted]";
constexpr const char* key_shaped_pattern =
    R"(\b(sk-[A-Za-z0-9_\-]{16,}|AIza[0-9A-Za-z_\-]{30,}|Bearer [A-Za-z0-9._\-]{16,}))";

ojson optional_int(const std::optional<int>& v) {
    return v ? ojson(*v) : ojson(nullptr);
}

ojson row_json(const report_run_view& v, const report_store& store) {
    const report_run& run = store.runs[v.run];
    ojson row;
    row["key"] = run.key;
    row["benchmark"] = run.benchmark;
    row["title"] = v.title;
    row["version"] = v.version;
    row["language"] = v.language;
    row["model"] = v.model;
    row["engine"] = v.engine;
    row["judge"] = v.judge;
    row["reasoning"] = v.reasoning;
    const ojson meta = json_object_of(run.metadata_json);
    ojson settings = ojson::object();
    for (const auto& s : compared_settings) {
        settings[s.key] = json_string(meta, s.key);
    }
    row["settings"] = std::move(settings);
    row["status"] = run.status;
    row["error"] = run.error;
    row["score"] = json_optional(v.score);
    row["ci_low"] = json_optional(v.ci_low);
    row["ci_high"] = json_optional(v.ci_high);
    row["ci_method"] = interval_method_name(v.ci_method);
    ojson iterations = ojson::array();
    for (const auto& s : v.iteration_scores) {
        iterations.push_back(json_optional(s));
    }
    row["iteration_scores"] = std::move(iterations);
    row["iterations"] = v.iterations;
    row["parseable"] = json_optional(v.parseable);
    row["parseable_of"] = optional_int(v.parseable_of);
    row["parseable_gate"] = json_optional(v.parseable_gate);
    row["gate_failed"] = v.gate_failed;
    row["requests"] = v.usage.requests;
    row["input_tokens"] = v.usage.input_tokens;
    row["output_tokens"] = v.usage.output_tokens;
    row["judge_requests"] = v.judge_usage.requests;
    row["cost"] = json_optional(v.cost);
    row["cost_note"] = v.cost_note;
    row["started_at"] = run.started_at;
    row["finished_at"] = run.finished_at;
    row["date"] = report_date(run.finished_at > 0.0 ? run.finished_at : run.started_at);
    row["eqbench_version"] = v.eqbench_version;
    row["data_checksums"] = v.data_checksums;
    row["notes"] = v.notes;
    ojson points = ojson::array();
    for (const auto& [id, value] : v.points) {
        points.push_back(ojson::array({id, value}));
    }
    row["points"] = std::move(points);
    return row;
}

std::string serialize(const ojson& doc, int indent) {
    return doc.dump(indent, ' ', false, ojson::error_handler_t::replace);
}

// The score of one stored item as its scores JSON gives it (a number, "score",
// else the revised or first-pass score).
ojson item_score(const ojson& scores) {
    if (scores.is_number()) {
        return scores;
    }
    if (!scores.is_object()) {
        return nullptr;
    }
    for (const char* key : {"score", "revised_score", "first_pass_score"}) {
        const auto it = scores.find(key);
        if (it != scores.end() && it->is_number()) {
            return *it;
        }
    }
    return nullptr;
}

}  // namespace

std::string report_document_json(report_model& model, const report_document_options& options, int indent) {
    report_context& ctx = *model.context;
    ojson doc;
    doc["schema"] = report_schema_version;
    doc["generator"] = options.generator;
    if (!options.generated_at.empty()) {
        doc["generated_at"] = options.generated_at;
    }
    const auto& r = ctx.sources.resampling;
    doc["resampling"] = {{"resamples", r.resamples}, {"seed", r.seed}, {"confidence", r.confidence}};
    doc["interval_methods"] = {
        {"iterations", "mean ± 1.96 × SEM of the iteration scores, as the Creative Writing leaderboard"},
        {"bootstrap", "percentile bootstrap of the mean item score (one iteration)"},
        {"none", "no interval"}};
    text_pool texts;
    ojson runs = ojson::array();
    ojson sections = ojson::array();
    ojson problems = ojson::array();
    for (const auto& view : model.runs) {
        const report_run& run = model.store.runs[view.run];
        const benchmark_renderer& renderer = benchmark_renderer_for(run.benchmark);
        runs.push_back(row_json(view, model.store));
        ojson section = renderer.section(view, model.store, ctx, texts);
        ojson head;
        head["key"] = run.key;
        head["kind"] = renderer.benchmark[0] != '\0' ? renderer.benchmark : "generic";
        for (auto& [k, v] : section.items()) {
            head[k] = std::move(v);
        }
        sections.push_back(std::move(head));
        ojson p = renderer.problems(view, model.store, ctx);
        ojson ph;
        ph["key"] = run.key;
        for (auto& [k, v] : p.items()) {
            ph[k] = std::move(v);
        }
        problems.push_back(std::move(ph));
    }
    doc["runs"] = std::move(runs);
    doc["sections"] = std::move(sections);
    doc["problems"] = std::move(problems);
    doc["texts"] = texts.to_json();
    return report_redact(serialize(doc, indent), options.secrets);
}

std::string report_samples_jsonl(const report_model& model, const std::vector<std::string>& secrets) {
    std::string out;
    for (const auto& run : model.store.runs) {
        const ojson meta = json_object_of(run.metadata_json);
        std::string model_name = json_string(meta, "model_path");
        if (model_name.empty()) {
            model_name = json_string(meta, "judge_model");
        }
        const exchange_index exchanges = exchanges_by_item(run);
        for (const auto& item : run.items) {
            ojson line;
            line["run"] = run.key;
            line["benchmark"] = run.benchmark;
            line["model"] = model_name;
            line["iteration"] = item.iteration;
            line["item"] = item.item_id;
            line["step"] = item.step.empty() ? ojson(nullptr) : ojson(item.step);
            line["state"] = item.state;
            const auto found = exchanges.find({item.iteration, item.item_id});
            const std::string prompt =
                found != exchanges.end() ? request_prompt(found->second.front()->request_json) : std::string();
            line["prompt"] = prompt.empty() ? ojson(nullptr) : ojson(prompt);
            line["answer"] = item.answer;
            line["parsed"] = json_of(item.parsed_json);
            const ojson scores = json_of(item.scores_json);
            line["scores"] = scores;
            line["score"] = item_score(scores);
            line["tries"] = item.tries;
            long requests = 0;
            long in = 0;
            long out_tokens = 0;
            double latency = 0.0;
            double first = 0.0;
            double last = 0.0;
            if (found != exchanges.end()) {
                for (const auto* e : found->second) {
                    ++requests;
                    in += e->input_tokens;
                    out_tokens += e->output_tokens;
                    latency += e->latency_s;
                    first = first == 0.0 ? e->created_at - e->latency_s : std::min(first, e->created_at - e->latency_s);
                    last = std::max(last, e->created_at);
                }
            }
            line["requests"] = requests;
            line["input_tokens"] = in;
            line["output_tokens"] = out_tokens;
            line["latency_s"] = latency;
            line["started_at"] = requests > 0 ? ojson(first) : ojson(nullptr);
            line["finished_at"] = requests > 0 ? ojson(last) : ojson(item.updated_at);
            out += serialize(line, -1);
            out += '\n';
        }
    }
    return report_redact(std::move(out), secrets);
}

std::string report_runs_text(const report_model& model) {
    struct line {
        std::string date, benchmark, model, score, status, requests, key;
    };
    std::vector<line> lines{{"DATE", "BENCHMARK", "MODEL", "SCORE", "STATUS", "REQUESTS", "KEY"}};
    for (const auto& v : model.runs) {
        const report_run& run = model.store.runs[v.run];
        line l;
        l.date = report_date(run.finished_at > 0.0 ? run.finished_at : run.started_at);
        l.benchmark = run.benchmark + (v.version.empty() ? "" : " " + v.version) +
                      (v.language.empty() || v.language == "en" ? "" : " " + v.language);
        l.model = v.model.empty() ? "-" : v.model;
        l.score = v.score ? fmt::format("{:.2f}", *v.score) : "-";
        if (v.score && v.ci_low && v.ci_high) {
            l.score += fmt::format(" [{:.2f}, {:.2f}]", *v.ci_low, *v.ci_high);
        }
        l.status = run.status + (v.gate_failed && run.status == "completed" ? " (below parse gate)" : "");
        l.requests = std::to_string(v.usage.requests);
        l.key = run.key;
        lines.push_back(std::move(l));
    }
    std::array<std::size_t, 6> width{};
    for (const auto& l : lines) {
        const std::array<const std::string*, 6> cells{&l.date,  &l.benchmark, &l.model,
                                                      &l.score, &l.status,    &l.requests};
        for (std::size_t i = 0; i < cells.size(); ++i) {
            width[i] = std::max(width[i], python_len(*cells[i]));
        }
    }
    std::string out;
    for (const auto& l : lines) {
        const std::array<const std::string*, 6> cells{&l.date,  &l.benchmark, &l.model,
                                                      &l.score, &l.status,    &l.requests};
        for (std::size_t i = 0; i < cells.size(); ++i) {
            out += *cells[i] + std::string(width[i] - python_len(*cells[i]) + 2, ' ');
        }
        out += l.key + "\n";
    }
    return out;
}

std::string report_runs_jsonl(const report_model& model) {
    std::string out;
    for (const auto& v : model.runs) {
        out += serialize(row_json(v, model.store), -1) + "\n";
    }
    return out;
}

std::string report_redact(std::string text, const std::vector<std::string>& secrets) {
    for (const auto& s : secrets) {
        if (s.size() >= secret_min_length) {
            text = text_replace_all(std::move(text), s, redacted);
        }
    }
    static const re2::RE2 key_shaped(key_shaped_pattern);
    re2::RE2::GlobalReplace(&text, key_shaped, redacted);
    return text;
}

std::vector<std::string> report_secrets_from_environment() {
    std::vector<std::string> out;
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
        const std::string entry(*e);
        const auto eq = entry.find('=');
        if (eq == std::string::npos) {
            continue;
        }
        const std::string name = entry.substr(0, eq);
        const auto ends = [&name](const std::string& suffix) {
            return name.size() >= suffix.size() &&
                   name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
        };
        if (ends("_API_KEY") || ends("_TOKEN") || ends("_SECRET")) {
            std::string value = entry.substr(eq + 1);
            if (value.size() >= secret_min_length) {
                out.push_back(std::move(value));
            }
        }
    }
    return out;
}

std::string report_now_iso() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

}  // namespace eqb
