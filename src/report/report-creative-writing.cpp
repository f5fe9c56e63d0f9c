// Creative Writing v2 and Judgemark in the report: every piece with its judge's
// answer and scores, the criteria averages (negative criteria marked), and
// Judgemark's metrics and chart data.

#include <algorithm>
#include <set>

#include "bench/creative-writing/benchmark.hpp"  // creative_writing_min_chars (a constant only)
#include "core/python-str.hpp"
#include "parse/judge-answer.hpp"
#include "report/report-benchmarks.hpp"
#include "scoring/creative-writing.hpp"

namespace eqb {
namespace {

constexpr double points_per_score = 10.0;  // a prompt score (0-10) in run points (0-100)

// The judge's prompt score stored with a judgement; nullopt when nothing parsed.
std::optional<double> judged_score(const report_item& item) {
    const ojson scores = json_of(item.scores_json);
    return scores.is_object() ? json_number(scores, "score") : std::nullopt;
}

// The judge's criterion scores: the stored pairs, else the answer read again.
std::vector<std::pair<std::string, double>> criterion_scores(const report_item& judgement) {
    std::vector<std::pair<std::string, double>> out;
    const ojson parsed = json_of(judgement.parsed_json);
    if (parsed.is_object() && !parsed.empty()) {
        for (const auto& [name, value] : parsed.items()) {
            if (value.is_number()) {
                out.emplace_back(name, value.get<double>());
            }
        }
        return out;
    }
    const emotion_pairs pairs = creative_writing_judge_parse(judgement.answer);
    for (const auto& p : pairs.items()) {
        out.emplace_back(p.name, p.value);
    }
    return out;
}

std::string judge_cause(std::string_view text, std::string_view thought) {
    if (cut_off_in_thought(text, thought)) {
        return "cut off in a thought";
    }
    if (python_strip(text).empty()) {
        return "empty judgement";
    }
    return creative_writing_judge_parse(text).empty() ? "no score in the judge's answer" : "";
}

std::string writing_cause(const report_context& ctx, std::string_view text, std::string_view thought) {
    if (cut_off_in_thought(text, thought)) {
        return "cut off in a thought";
    }
    const std::string stripped = python_strip(text);
    if (stripped.empty()) {
        return "empty answer";
    }
    if (python_len(stripped) < creative_writing_min_chars) {
        return ctx.refusal_like(text) ? "refusal-looking text" : "too short (under 300 characters)";
    }
    return "";
}

using item_map = std::map<std::pair<int, std::string>, const report_item*>;

item_map items_of(const report_run* run) {
    item_map out;
    if (run != nullptr) {
        for (const auto& item : run->items) {
            out[{item.iteration, item.item_id}] = &item;
        }
    }
    return out;
}

const report_run* judge_run_of(const report_run_view& view, const report_store& store) {
    return view.judge_run ? &store.runs[*view.judge_run] : nullptr;
}

void creative_writing_summarize(report_run_view& view, const report_store& store, report_context& ctx) {
    const report_run& run = store.runs[view.run];
    const report_run* judge = judge_run_of(view, store);
    view.version = "v2";
    if (judge == nullptr) {
        view.notes.push_back("no judgements stored for this run");
    }
    const item_map judged = items_of(judge);
    std::map<int, std::vector<const report_item*>> by_iteration;
    for (const auto& item : run.items) {
        by_iteration[item.iteration].push_back(&item);
    }
    const int configured = view.iterations > 0 ? view.iterations : static_cast<int>(by_iteration.size());
    std::map<std::string, std::vector<double>> by_item;
    std::vector<double> counted;
    std::vector<double> item_points;
    int scored_total = 0;
    std::size_t per_iteration = 0;
    for (int it = 1; it <= configured; ++it) {
        auto& list = by_iteration[it];
        std::stable_sort(list.begin(), list.end(), [](const report_item* a, const report_item* b) {
            return item_id_less(a->item_id, b->item_id);
        });
        per_iteration = std::max(per_iteration, list.size());
        std::vector<double> scores;
        for (const auto* item : list) {
            const auto j = judged.find({it, item->item_id});
            const auto s = j != judged.end() && item->state == "done" ? judged_score(*j->second) : std::nullopt;
            if (s) {
                scores.push_back(*s);
                by_item[item->item_id].push_back(points_per_score * *s);
                if (configured == 1) {
                    item_points.push_back(points_per_score * *s);
                }
            }
        }
        scored_total += static_cast<int>(scores.size());
        const auto iteration = creative_writing_iteration_score(scores);
        view.iteration_scores.emplace_back(iteration ? std::optional<double>(points_per_score * *iteration)
                                                     : std::nullopt);
        if (iteration) {
            counted.push_back(*iteration);
        }
    }
    view.iterations = configured;
    view.score = json_number(json_object_of(run.results_json), "score");
    if (!view.score && !counted.empty()) {
        view.score = creative_writing_run_score(counted);
    }
    if (configured > 0) {
        view.parseable = static_cast<double>(scored_total) / configured;
        view.parseable_of = static_cast<int>(per_iteration);
        view.parseable_gate = static_cast<double>(creative_writing_min_prompts);
        view.gate_failed = !run.items.empty() && counted.empty();
    }
    summary_points(view, by_item);
    summary_interval(view, item_points, ctx);
}

ojson creative_writing_section(const report_run_view& view, const report_store& store, report_context& ctx,
                               text_pool& texts) {
    const report_run& run = store.runs[view.run];
    const report_run* judge = judge_run_of(view, store);
    const item_map judged = items_of(judge);
    const exchange_index generations = exchanges_by_item(run);
    const exchange_index judgements = judge != nullptr ? exchanges_by_item(*judge) : exchange_index{};
    const auto writing = [&ctx](const report_run&, const std::string&, std::string_view text,
                                std::string_view thought) { return writing_cause(ctx, text, thought); };
    const auto judging = [](const report_run&, const std::string&, std::string_view text, std::string_view thought) {
        return judge_cause(text, thought);
    };
    struct criterion {
        double sum = 0.0;
        int count = 0;
    };
    std::map<std::string, criterion> criteria;
    std::vector<std::string> criteria_order;
    std::vector<const report_item*> pieces;
    for (const auto& item : run.items) {
        pieces.push_back(&item);
    }
    std::stable_sort(pieces.begin(), pieces.end(), [](const report_item* a, const report_item* b) {
        return a->iteration != b->iteration ? a->iteration < b->iteration : item_id_less(a->item_id, b->item_id);
    });
    ojson rows = ojson::array();
    for (const auto* piece : pieces) {
        ojson row;
        row["iteration"] = piece->iteration;
        row["id"] = piece->item_id;
        const auto gen = generations.find({piece->iteration, piece->item_id});
        if (gen != generations.end()) {
            const std::string prompt = request_prompt(gen->second.front()->request_json);
            if (!prompt.empty()) {
                row["prompt"] = texts.add(prompt);
            }
        }
        row["piece"] = piece->answer;
        row["length"] = python_len(piece->answer);
        const auto j = judged.find({piece->iteration, piece->item_id});
        const report_item* judgement = j != judged.end() ? j->second : nullptr;
        const auto score = judgement != nullptr ? judged_score(*judgement) : std::nullopt;
        ojson scores = ojson::array();
        if (judgement != nullptr) {
            row["judge_answer"] = judgement->answer;
            for (const auto& [name, value] : criterion_scores(*judgement)) {
                const bool negative = creative_writing_criterion_is_negative(name);
                scores.push_back({{"name", name}, {"value", value}, {"negative", negative}});
                auto [it, inserted] = criteria.try_emplace(name);
                if (inserted) {
                    criteria_order.push_back(name);
                }
                it->second.sum += value;
                ++it->second.count;
            }
        }
        row["scores"] = std::move(scores);
        row["score"] = json_optional(score);
        row["points"] = score ? ojson(points_per_score * *score) : ojson(nullptr);
        const std::string gen_cause = piece->state == "done" ? "" : writing_cause(ctx, piece->answer, "");
        row["status"] = piece->state != "done" ? "not written"
                        : judgement == nullptr ? "not judged"
                        : score                ? "scored"
                                               : "unparseable";
        row["cause"] = piece->state != "done"           ? gen_cause
                       : judgement != nullptr && !score ? judge_cause(judgement->answer, "")
                                                        : std::string();
        ojson attempts = ojson::array();
        if (gen != generations.end()) {
            for (auto& a : attempts_json(gen->second, piece->answer, piece->state == "done", run, writing)) {
                attempts.push_back(std::move(a));
            }
        }
        const auto jx = judgements.find({piece->iteration, piece->item_id});
        if (jx != judgements.end() && judgement != nullptr) {
            for (auto& a : attempts_json(jx->second, judgement->answer, score.has_value(), *judge, judging)) {
                attempts.push_back(std::move(a));
            }
        }
        row["attempts"] = std::move(attempts);
        rows.push_back(std::move(row));
    }
    ojson crit = ojson::array();
    for (const auto& name : criteria_order) {
        const auto& c = criteria[name];
        crit.push_back({{"name", name},
                        {"mean", c.sum / c.count},
                        {"count", c.count},
                        {"negative", creative_writing_criterion_is_negative(name)}});
    }
    ojson iterations = ojson::array();
    for (std::size_t i = 0; i < view.iteration_scores.size(); ++i) {
        iterations.push_back({{"iteration", i + 1}, {"score", json_optional(view.iteration_scores[i])}});
    }
    const ojson meta = json_object_of(run.metadata_json);
    return ojson{{"judge", view.judge},
                 {"judge_engine", json_string(meta, "judge_engine")},
                 {"prompts_file", json_string(meta, "prompts_file")},
                 {"iterations", std::move(iterations)},
                 {"criteria", std::move(crit)},
                 {"pieces", std::move(rows)}};
}

ojson creative_writing_problems(const report_run_view& view, const report_store& store, report_context& ctx) {
    const report_run& run = store.runs[view.run];
    const report_run* judge = judge_run_of(view, store);
    std::vector<const report_run*> runs{&run};
    if (judge != nullptr) {
        runs.push_back(judge);
    }
    return problems_collect(
        runs,
        [judge](const report_run& r, const report_item& item) {
            return &r == judge ? judged_score(item).has_value() : item.state == "done";
        },
        [&ctx, judge](const report_run& r, const std::string&, std::string_view text, std::string_view thought) {
            if (&r == judge) {
                const std::string why = judge_cause(text, thought);
                return why.empty() ? std::string("judge: not accepted") : "judge: " + why;
            }
            const std::string why = writing_cause(ctx, text, thought);
            return why.empty() ? std::string("not accepted") : why;
        });
}

// ---- Judgemark ----

// Each test model's prompt scores (0-10) in prompt order, models in the reference
// table's order (else first appearance).
std::vector<std::pair<std::string, std::vector<double>>> judgemark_prompt_scores(const report_run& run,
                                                                                 report_context& ctx) {
    std::vector<std::string> owners;
    std::map<std::string, std::vector<std::pair<std::string, double>>> scores;
    for (const auto& item : run.items) {
        const auto bar = item.item_id.rfind('|');
        const std::string owner = bar == std::string::npos ? std::string() : item.item_id.substr(0, bar);
        const std::string prompt = bar == std::string::npos ? item.item_id : item.item_id.substr(bar + 1);
        if (scores.count(owner) == 0) {
            owners.push_back(owner);
        }
        auto& list = scores[owner];
        if (const auto s = judged_score(item)) {
            list.emplace_back(prompt, *s);
        }
    }
    if (const auto* table = ctx.judgemark_table(); table != nullptr && !table->other_judges.empty()) {
        std::map<std::string, std::size_t> rank;
        for (const auto& [model, value] : table->other_judges.front().scores) {
            rank.emplace(model, rank.size());
        }
        std::stable_sort(owners.begin(), owners.end(), [&rank](const std::string& a, const std::string& b) {
            const auto ra = rank.find(a);
            const auto rb = rank.find(b);
            const std::size_t ia = ra != rank.end() ? ra->second : rank.size();
            const std::size_t ib = rb != rank.end() ? rb->second : rank.size();
            return ia < ib;
        });
    }
    std::vector<std::pair<std::string, std::vector<double>>> out;
    for (const auto& owner : owners) {
        auto& list = scores[owner];
        std::stable_sort(list.begin(), list.end(),
                         [](const auto& a, const auto& b) { return item_id_less(a.first, b.first); });
        std::vector<double> values;
        for (const auto& [prompt, s] : list) {
            values.push_back(s);
        }
        out.emplace_back(owner, std::move(values));
    }
    return out;
}

std::string judge_of(const report_run& run) {
    return json_string(json_object_of(run.metadata_json), "judge_model");
}

void judgemark_summarize(report_run_view& view, const report_store& store, report_context& ctx) {
    const report_run& run = store.runs[view.run];
    view.model = view.judge;
    if (view.engine.empty()) {
        view.engine = json_string(json_object_of(run.metadata_json), "judge_engine");
    }
    view.iterations = 1;
    std::map<std::string, std::vector<double>> by_item;
    int scored = 0;
    for (const auto& item : run.items) {
        if (const auto s = judged_score(item)) {
            by_item[item.item_id].push_back(points_per_score * *s);
            ++scored;
        }
    }
    view.parseable = scored;
    view.parseable_of = static_cast<int>(run.items.size());
    summary_points(view, by_item);
    const ojson results = json_object_of(run.results_json);
    view.score = json_number(results, "judgemark");
    if (!view.score) {
        view.score = json_number(results, "score");
    }
    if (view.score) {
        return;
    }
    const auto* table = ctx.judgemark_table();
    if (table == nullptr) {
        view.notes.push_back("Judgemark's score needs judgemark_reference.json in the data directory");
        return;
    }
    if (auto computed = judgemark_compute(judge_of(run), judgemark_prompt_scores(run, ctx), *table)) {
        view.score = computed->judgemark;
    } else {
        view.notes.push_back(computed.err().message);
    }
}

ojson judgemark_section(const report_run_view& view, const report_store& store, report_context& ctx, text_pool&) {
    const report_run& run = store.runs[view.run];
    const auto judging = [](const report_run&, const std::string&, std::string_view text, std::string_view thought) {
        return judge_cause(text, thought);
    };
    const exchange_index exchanges = exchanges_by_item(run);
    ojson rows = ojson::array();
    for (const auto& item : run.items) {
        const auto bar = item.item_id.rfind('|');
        const auto score = judged_score(item);
        ojson scores = ojson::array();
        for (const auto& [name, value] : criterion_scores(item)) {
            scores.push_back(
                {{"name", name}, {"value", value}, {"negative", creative_writing_criterion_is_negative(name)}});
        }
        const auto found = exchanges.find({item.iteration, item.item_id});
        rows.push_back({{"id", item.item_id},
                        {"model", bar == std::string::npos ? std::string() : item.item_id.substr(0, bar)},
                        {"prompt_id", bar == std::string::npos ? item.item_id : item.item_id.substr(bar + 1)},
                        {"judge_answer", item.answer},
                        {"scores", std::move(scores)},
                        {"score", json_optional(score)},
                        {"status", score ? "scored" : "unparseable"},
                        {"cause", score ? std::string() : judge_cause(item.answer, "")},
                        {"attempts", found != exchanges.end()
                                         ? attempts_json(found->second, item.answer, score.has_value(), run, judging)
                                         : ojson::array()}});
    }
    ojson section;
    section["judge"] = view.judge;
    section["judge_engine"] = json_string(json_object_of(run.metadata_json), "judge_engine");
    section["items"] = std::move(rows);
    const auto* table = ctx.judgemark_table();
    section["reference_table"] = table != nullptr;
    const auto prompt_scores = judgemark_prompt_scores(run, ctx);
    if (table == nullptr) {
        section["metrics"] = ojson::array();
        return section;
    }
    auto computed = judgemark_compute(judge_of(run), prompt_scores, *table);
    if (!computed) {
        section["metrics"] = ojson::array();
        section["error"] = computed.err().message;
        return section;
    }
    ojson metrics = ojson::array();
    for (const auto& m : judgemark_metrics(*computed)) {
        metrics.push_back({{"name", m.name}, {"value", json_optional(m.value)}});
    }
    section["metrics"] = std::move(metrics);
    ojson bars = ojson::array();
    for (const auto& m : judgemark_model_intervals(*computed, prompt_scores)) {
        bars.push_back({{"model", m.model}, {"score", m.score}, {"low", m.low}, {"high", m.high}});
    }
    section["model_scores"] = std::move(bars);
    const judgemark_bias_view bias = judgemark_bias_view_of(judge_of(run), *computed, *table);
    ojson points = ojson::array();
    for (const auto& p : bias.points) {
        points.push_back({{"model", p.model}, {"x", p.others_mean}, {"y", p.score}, {"in_family", p.in_family}});
    }
    section["bias"] = {{"points", std::move(points)}, {"fit", bias.fit ? ojson(*bias.fit) : ojson(nullptr)}};
    section["unscored"] = computed->unscored;
    return section;
}

ojson judgemark_problems(const report_run_view& view, const report_store& store, report_context&) {
    return problems_collect(
        {&store.runs[view.run]},
        [](const report_run&, const report_item& item) { return judged_score(item).has_value(); },
        [](const report_run&, const std::string&, std::string_view text, std::string_view thought) {
            const std::string why = judge_cause(text, thought);
            return why.empty() ? std::string("not accepted") : why;
        });
}

}  // namespace

const benchmark_renderer creative_writing_renderer{"creative-writing", "Creative Writing", creative_writing_summarize,
                                                   creative_writing_section, creative_writing_problems};
const benchmark_renderer judgemark_renderer{"judgemark", "Judgemark", judgemark_summarize, judgemark_section,
                                            judgemark_problems};

}  // namespace eqb
