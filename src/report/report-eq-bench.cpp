// EQ-Bench (v1, v2) in the report: the per-question table with the model's and
// the reference's ratings, iteration scores, and why answers did not parse.

#include <algorithm>
#include <cmath>
#include <set>

#include "core/python-str.hpp"
#include "core/unicode.hpp"
#include "data/questions.hpp"
#include "report/report-benchmarks.hpp"
#include "scoring/eq-bench.hpp"

namespace eqb {
namespace {

constexpr double points_per_score = 10.0;  // a question's 0-10 score in run points (0-100)
constexpr int histogram_bins = 10;         // question scores 0-10 in bins of 1

struct eq_bench_settings {
    std::string language;
    eq_bench_version version = eq_bench_version::V2;
    bool revise = false;
    parser_kind parser = parser_kind::REFERENCE;
    std::string question_file;
};

eq_bench_settings settings_of(const report_run& run) {
    const ojson meta = json_object_of(run.metadata_json);
    eq_bench_settings s;
    s.language = json_string(meta, "language");
    if (s.language.empty()) {
        s.language = "en";
    }
    s.version = json_string(meta, "eq_bench_version") == "v1" ? eq_bench_version::V1 : eq_bench_version::V2;
    const auto revise = meta.find("revise");
    s.revise = revise != meta.end() && revise->is_boolean() && revise->get<bool>();
    s.parser = parser_kind_from_string(json_string(meta, "parser")).value_or(parser_kind::REFERENCE);
    s.question_file = json_string(meta, "questions_file");
    if (s.question_file.empty()) {
        s.question_file = questions_file_name(s.language, s.version).value_or("");
    }
    return s;
}

const emotion_reference* reference_of(const question_set* qs, const std::string& id, eq_bench_version version) {
    const question* q = qs != nullptr ? qs->find(id) : nullptr;
    if (q == nullptr) {
        return nullptr;
    }
    if (version == eq_bench_version::V2 && q->reference_fullscale) {
        return &*q->reference_fullscale;
    }
    return &q->reference;
}

question_score stored_score(const report_item& item) {
    const ojson scores = json_object_of(item.scores_json);
    return {json_number(scores, "first_pass_score"), json_number(scores, "revised_score")};
}

bool is_scored(const report_item& item) {
    const question_score s = stored_score(item);
    return s.first_pass.has_value() || s.revised.has_value();
}

// Items of one iteration in the question file's order (numeric id order without it).
std::map<int, std::vector<const report_item*>> items_by_iteration(const report_run& run, const question_set* qs) {
    std::map<std::string, std::size_t> order;
    if (qs != nullptr) {
        for (std::size_t i = 0; i < qs->questions.size(); ++i) {
            order[qs->questions[i].id] = i;
        }
    }
    std::map<int, std::vector<const report_item*>> out;
    for (const auto& item : run.items) {
        out[item.iteration].push_back(&item);
    }
    for (auto& [iteration, list] : out) {
        std::stable_sort(list.begin(), list.end(), [&order](const report_item* a, const report_item* b) {
            const auto oa = order.find(a->item_id);
            const auto ob = order.find(b->item_id);
            if (oa != order.end() && ob != order.end()) {
                return oa->second < ob->second;
            }
            return item_id_less(a->item_id, b->item_id);
        });
    }
    return out;
}

bool uses_revised(const iteration_result& r, bool revise) {
    return revise && r.revised_parseable > 0 && r.revised_score >= r.first_pass_score &&
           r.revised_parseable >= eq_bench_revised_parseable_share * r.first_pass_parseable;
}

std::string cause_of(report_context& ctx, const eq_bench_settings& s, const question_set* qs,
                     const std::string& item_id, std::string_view text, std::string_view thought) {
    if (cut_off_in_thought(text, thought)) {
        return "cut off in a thought";
    }
    if (python_strip(text).empty()) {
        return "empty answer";
    }
    const eq_bench_parser* parser = ctx.parser(s.language, s.parser);
    if (parser == nullptr) {
        return "not parsed (no parser for language " + s.language + ")";
    }
    const emotion_reference* reference = reference_of(qs, item_id, s.version);
    const parsed_answer parsed = parser->parse(text, s.revise, reference);
    const auto& pairs = parsed.first_pass;
    if (pairs.size() != 4) {
        return ctx.refusal_like(text) ? "refusal-looking text" : "no four pairs";
    }
    if (reference != nullptr) {
        std::set<std::string> expected;
        for (const auto& n : reference->names) {
            expected.insert(unicode_lower(n));
        }
        for (const auto& p : pairs.items()) {
            if (expected.count(unicode_lower(p.name)) == 0) {
                return "wrong names";
            }
        }
    }
    double sum = 0.0;
    for (const auto& p : pairs.items()) {
        sum += p.value;
    }
    if (sum <= 0.0) {
        return "all zero";
    }
    if (s.revise && parsed.revised.size() != 4) {
        return "no revised scores";
    }
    return reference != nullptr ? "not scored" : "wrong names or format";
}

void eq_bench_summarize(report_run_view& view, const report_store& store, report_context& ctx) {
    const report_run& run = store.runs[view.run];
    const eq_bench_settings s = settings_of(run);
    const ojson results = json_object_of(run.results_json);
    view.version = s.version == eq_bench_version::V1 ? "v1" : "v2";
    if (view.language.empty()) {
        view.language = s.language;
    }
    const question_set* qs = ctx.questions(s.question_file);
    if (qs == nullptr) {
        view.notes.push_back("reference ratings need " + s.question_file + " in the data directory");
    }
    std::set<std::string> ids;
    for (const auto& item : run.items) {
        ids.insert(item.item_id);
    }
    const int n_questions = qs != nullptr ? static_cast<int>(qs->questions.size()) : static_cast<int>(ids.size());

    std::vector<iteration_result> iterations;
    std::map<std::string, std::vector<double>> by_item;
    std::vector<double> item_points;
    const auto grouped = items_by_iteration(run, qs);
    const int configured = view.iterations > 0 ? view.iterations : static_cast<int>(grouped.size());
    for (int it = 1; it <= std::max(configured, grouped.empty() ? 0 : grouped.rbegin()->first); ++it) {
        const auto found = grouped.find(it);
        if (found == grouped.end()) {
            view.iteration_scores.emplace_back(std::nullopt);
            continue;
        }
        std::vector<question_score> scores;
        for (const auto* item : found->second) {
            scores.push_back(stored_score(*item));
        }
        const iteration_result agg = eq_bench_iteration_aggregate(scores);
        iterations.push_back(agg);
        view.iteration_scores.emplace_back(agg.final_parseable > 0 ? std::optional<double>(agg.final_score)
                                                                   : std::nullopt);
        const bool revised = uses_revised(agg, s.revise);
        for (std::size_t k = 0; k < scores.size(); ++k) {
            const auto& v = revised ? scores[k].revised : scores[k].first_pass;
            if (v) {
                by_item[found->second[k]->item_id].push_back(points_per_score * *v);
                if (grouped.size() == 1) {
                    item_points.push_back(points_per_score * *v);
                }
            }
        }
    }
    view.iterations = configured;
    const run_result agg = eq_bench_run_aggregate(iterations, configured, n_questions);
    view.score = json_number(results, "score");
    if (!view.score && !run.items.empty()) {
        view.score = agg.score;
    }
    view.parseable = json_number(results, "parseable");
    if (!view.parseable && !run.items.empty()) {
        view.parseable = agg.parseable;
    }
    view.parseable_of = n_questions;
    view.parseable_gate = eq_bench_min_parseable * n_questions;
    view.gate_failed = view.parseable && n_questions > 0 && *view.parseable / n_questions < eq_bench_min_parseable;
    summary_points(view, by_item);
    summary_interval(view, item_points, ctx);
}

ojson eq_bench_section(const report_run_view& view, const report_store& store, report_context& ctx, text_pool& texts) {
    const report_run& run = store.runs[view.run];
    const eq_bench_settings s = settings_of(run);
    const question_set* qs = ctx.questions(s.question_file);
    const eq_bench_parser* parser = ctx.parser(s.language, s.parser);
    const exchange_index exchanges = exchanges_by_item(run);
    const auto cause = [&](const report_run&, const std::string& id, std::string_view text, std::string_view thought) {
        return cause_of(ctx, s, qs, id, text, thought);
    };
    ojson section;
    section["revise"] = s.revise;
    section["parser"] = std::string(parser_kind_name(s.parser));
    section["scorer"] = json_string(json_object_of(run.metadata_json), "scorer");
    section["questions_file"] = s.question_file;
    section["references"] = qs != nullptr;
    ojson iterations = ojson::array();
    for (std::size_t i = 0; i < view.iteration_scores.size(); ++i) {
        iterations.push_back({{"iteration", i + 1}, {"score", json_optional(view.iteration_scores[i])}});
    }
    section["iterations"] = std::move(iterations);

    std::vector<int> histogram(histogram_bins, 0);
    ojson rows = ojson::array();
    const auto grouped = items_by_iteration(run, qs);
    std::map<int, bool> revised_used;
    for (const auto& [iteration, list] : grouped) {
        std::vector<question_score> scores;
        for (const auto* item : list) {
            scores.push_back(stored_score(*item));
        }
        revised_used[iteration] = uses_revised(eq_bench_iteration_aggregate(scores), s.revise);
    }
    for (const auto& [iteration, list] : grouped) {
        for (const auto* item : list) {
            const emotion_reference* reference = reference_of(qs, item->item_id, s.version);
            const question_score score = stored_score(*item);
            const auto found = exchanges.find({item->iteration, item->item_id});
            std::string prompt;
            if (found != exchanges.end()) {
                prompt = request_prompt(found->second.front()->request_json);
            }
            if (prompt.empty() && qs != nullptr) {
                if (const question* q = qs->find(item->item_id)) {
                    prompt = q->prompt;
                }
            }
            ojson row;
            row["iteration"] = item->iteration;
            row["id"] = item->item_id;
            row["character"] = prompt.empty() ? std::string() : ctx.character(s.language, prompt);
            parsed_answer parsed;
            if (parser != nullptr) {
                parsed = parser->parse(item->answer, s.revise, reference);
            }
            // The reference's four emotions in the dataset's order, then any other name the answer gave.
            ojson emotions = ojson::array();
            std::set<std::string> listed;
            const auto value_of = [](const emotion_pairs& pairs, const std::string& name) -> ojson {
                const std::string key = unicode_lower(name);
                for (const auto& p : pairs.items()) {
                    if (unicode_lower(p.name) == key) {
                        return p.value;
                    }
                }
                return nullptr;
            };
            if (reference != nullptr) {
                for (std::size_t k = 0; k < reference->names.size(); ++k) {
                    ojson e{{"name", reference->names[k]},
                            {"answer", value_of(parsed.first_pass, reference->names[k])},
                            {"reference", reference->scores[k]}};
                    if (s.revise) {
                        e["revised"] = value_of(parsed.revised, reference->names[k]);
                    }
                    listed.insert(unicode_lower(reference->names[k]));
                    emotions.push_back(std::move(e));
                }
            }
            for (const auto& p : parsed.first_pass.items()) {
                if (listed.insert(unicode_lower(p.name)).second) {
                    ojson e{{"name", p.name}, {"answer", p.value}, {"reference", nullptr}};
                    if (s.revise) {
                        e["revised"] = value_of(parsed.revised, p.name);
                    }
                    emotions.push_back(std::move(e));
                }
            }
            row["emotions"] = std::move(emotions);
            row["first_pass"] = json_optional(score.first_pass);
            if (s.revise) {
                row["revised"] = json_optional(score.revised);
            }
            const auto& used = revised_used[iteration] ? score.revised : score.first_pass;
            row["points"] = used ? ojson(points_per_score * *used) : ojson(nullptr);
            if (used) {
                const int bin = std::clamp(static_cast<int>(std::floor(*used)), 0, histogram_bins - 1);
                ++histogram[static_cast<std::size_t>(bin)];
            }
            const bool scored = score.first_pass || score.revised;
            std::string thought;
            if (found != exchanges.end()) {
                for (const auto* e : found->second) {
                    if (e->status == "OK" && e->content == item->answer) {
                        thought = e->thought;
                    }
                }
            }
            row["status"] = scored ? "scored" : item->answer.empty() ? "no answer" : "unparseable";
            row["cause"] = scored ? std::string() : cause(run, item->item_id, item->answer, thought);
            row["tries"] = item->tries;
            if (!prompt.empty()) {
                row["prompt"] = texts.add(prompt);
            }
            row["answer"] = item->answer;
            if (!thought.empty()) {
                row["thought"] = thought;
            }
            row["attempts"] = found != exchanges.end() ? attempts_json(found->second, item->answer, scored, run, cause)
                                                       : ojson::array();
            rows.push_back(std::move(row));
        }
    }
    section["questions"] = std::move(rows);
    section["histogram"] = histogram;
    return section;
}

ojson eq_bench_problems(const report_run_view& view, const report_store& store, report_context& ctx) {
    const report_run& run = store.runs[view.run];
    const eq_bench_settings s = settings_of(run);
    const question_set* qs = ctx.questions(s.question_file);
    return problems_collect(
        {&run}, [](const report_run&, const report_item& item) { return is_scored(item); },
        [&](const report_run&, const std::string& id, std::string_view text, std::string_view thought) {
            return cause_of(ctx, s, qs, id, text, thought);
        });
}

}  // namespace

const benchmark_renderer eq_bench_renderer{"eq-bench", "EQ-Bench", eq_bench_summarize, eq_bench_section,
                                           eq_bench_problems};

}  // namespace eqb
